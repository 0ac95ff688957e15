"""Data preparation for the report: every number the plots and tables show is computed here.

Plot functions (:mod:`.plots`) only draw what these functions return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..outcomes import METRICS
from ..params import Scenario
from ..params.schema import PolicyTarget, describe_parameters, summarize_items

__all__ = ["QUANTILES", "Q_COLUMNS", "Indicator", "compare_finals", "district_median", "holds",
           "fan_frame", "index_frame", "indicators", "median_frame", "morris_frame", "parameter_rows",
           "sobol_frame", "swept_ranges", "top_levers", "yearly_frame"]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
Q_COLUMNS = ("q05", "q25", "q50", "q75", "q95")


def _is_flow(metric: str) -> bool:
    return any(m.name == metric and m.unit.endswith("/month") for m in METRICS)


def _values(ts: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """The metrics present in ``ts``, flows blanked at step 0 (the starting state has no month)."""
    present = [m for m in metrics if m in ts.columns]
    values = ts[["date", "replicate", *present]].copy()
    for m in present:
        values[m] = pd.to_numeric(values[m], errors="coerce")
        if _is_flow(m):
            values.loc[ts["step"] == 0, m] = np.nan
    return values


def fan_frame(ts: pd.DataFrame, metrics: Sequence[str], scale: float = 1.0) -> pd.DataFrame:
    """Quantiles across replicates per month: columns ``series, date, q05 ... q95``.

    Metrics absent from ``ts`` are skipped; values are divided by ``scale``; NaNs are ignored
    (flows have none at step 0).
    """
    present = [m for m in metrics if m in ts.columns]
    if not present:
        return pd.DataFrame(columns=["series", "date", *Q_COLUMNS])
    long = _values(ts, present).melt(id_vars=["date"], value_vars=present, var_name="series")
    long["value"] = long["value"] / scale
    # pandas-stubs take an array, not a list, for q (pandas takes both)
    q = long.groupby(["series", "date"])["value"].quantile(list(QUANTILES)).unstack()  # type: ignore[arg-type]
    q.columns = list(Q_COLUMNS)
    q = q.dropna(subset=["q50"]).reset_index()
    q["series"] = pd.Categorical(q["series"], categories=present, ordered=True)
    return q.sort_values(["series", "date"]).reset_index(drop=True)


def median_frame(ts: pd.DataFrame, metrics: Sequence[str], scale: float = 1.0) -> pd.DataFrame:
    """Median across replicates per month: index ``date``, one column per present metric."""
    present = [m for m in metrics if m in ts.columns]
    return _values(ts, present).groupby("date")[present].median().dropna(how="all") / scale


def yearly_frame(ts: pd.DataFrame, metrics: Sequence[str]) -> pd.DataFrame:
    """Monthly flows summed per calendar year and replicate, then 5/50/95th percentiles.

    Only complete years (12 simulated months; step 0 is the starting state) are kept.
    Columns ``series, year, q05, q50, q95``.
    """
    present = [m for m in metrics if m in ts.columns]
    flows = ts[ts["step"] > 0].copy().assign(year=lambda f: f["date"].dt.year)  # defragmented
    months = flows.groupby(["replicate", "year"]).size().groupby("year").min()
    flows = flows[flows["year"].isin(months[months == 12].index)]
    if flows.empty or not present:
        return pd.DataFrame(columns=["series", "year", "q05", "q50", "q95"])
    per_year = flows.groupby(["replicate", "year"])[present].sum().reset_index()
    long = per_year.melt(id_vars=["year"], value_vars=present, var_name="series")
    # pandas-stubs take an array, not a list, for q (pandas takes both)
    q = long.groupby(["series", "year"])["value"].quantile([0.05, 0.5, 0.95]).unstack()  # type: ignore[arg-type]
    q.columns = ["q05", "q50", "q95"]
    q = q.reset_index()
    q["series"] = pd.Categorical(q["series"], categories=present, ordered=True)
    return q.sort_values(["series", "year"]).reset_index(drop=True)


def holds(values: pd.Series, target: PolicyTarget) -> pd.Series:
    """Where ``values`` meet ``target`` (the model's one judgement,
    :func:`simulation.params.schema.target_met`; NaN never does)."""
    return pd.Series(target.met(values.to_numpy(dtype=float)), index=values.index)


@dataclass(frozen=True)
class Indicator:
    """One of the scenario's policy targets checked against the median across replicates."""

    name: str              # the target's name in the scenario
    metric: str
    operator: str          # >=, >, <=, <
    target: float          # the threshold, in the metric's unit
    deadline: str | None   # YYYY-MM, or None: every month, judged at the end of the run
    at_deadline: float | None
    final: float | None
    first_met: str | None  # first month the median meets the target ("first reached")
    status: str            # "met", "not_met", "after_run" (the deadline lies after the run's
                           # last month: not judged) or "no_data" (the results hold no such metric)
    kept: bool = True      # False when the median met it and later fell back
    met_since: str | None = None  # first month after which the median stays met to the end
    label: str = ""        # the scenario's wording (English), "" for the metric's label
    label_zh: str = ""
    source: str = ""


def _indicator(ts: pd.DataFrame, t: PolicyTarget) -> Indicator:
    info: dict[str, Any] = {"label": t.label, "label_zh": t.label_zh, "source": t.source}
    median = (ts.groupby("date")[t.metric].median().dropna() if t.metric in ts.columns
              else pd.Series(dtype=float))
    if median.empty:
        return Indicator(t.name, t.metric, t.operator, t.threshold, t.date, None, None, None,
                         "no_data", **info)
    ok = holds(median, t)
    first = median.index[ok.to_numpy()][0].strftime("%Y-%m") if ok.any() else None
    since = met_since(ok)
    at = None
    if t.date is not None and median.index[-1] < pd.Timestamp(t.date):
        status = "after_run"  # the run ends before the deadline: neither met nor failed yet
    else:
        if t.date is not None:
            before = ok[median.index <= pd.Timestamp(t.date)]
            at = float(median[before.index[-1]]) if len(before) else None
            judged = bool(before.iloc[-1]) if len(before) else False
        else:
            judged = bool(ok.iloc[-1])
        status = "met" if judged else "not_met"
    return Indicator(t.name, t.metric, t.operator, t.threshold, t.date, at,
                     float(median.iloc[-1]), first, status, kept=first is None or bool(ok.iloc[-1]),
                     met_since=since, **info)


def met_since(ok: pd.Series) -> str | None:
    """The first month (YYYY-MM) from which ``ok`` (a boolean series indexed by month) holds
    in every later month of the run; None when it does not hold in the last month.

    A share that crosses its threshold each September and falls back below it before the
    next is "first reached" that September but met only from the month it stops falling back.
    """
    values = ok.to_numpy(dtype=bool)
    if not len(values) or not values[-1]:
        return None
    misses = (~values).nonzero()[0]
    start = int(misses[-1]) + 1 if len(misses) else 0
    return f"{ok.index[start]:%Y-%m}"


def indicators(ts: pd.DataFrame, scenario: Scenario) -> list[Indicator]:
    """The scenario's policy targets (its ``targets:`` section, in order), each judged on the
    median across replicates; none when the scenario declares none."""
    return [_indicator(ts, t) for t in scenario.targets]


def compare_finals(runs: Sequence[tuple[str, pd.DataFrame]], metrics: Sequence[str]) -> pd.DataFrame:
    """Per metric and scenario: final-month median, and its difference from the first scenario.

    Columns ``metric, scenario, end, final, diff, rel_diff`` (rel_diff as a fraction).
    """
    rows = []
    for metric in metrics:
        first = None
        for label, ts in runs:
            if metric not in ts.columns:
                continue
            last = ts[ts["step"] == ts["step"].max()]
            final = float(last[metric].median())
            first = final if first is None else first
            rel = (final - first) / abs(first) if first else float("nan")
            rows.append([metric, label, last["date"].iloc[0].strftime("%Y-%m"), final,
                         final - first, rel])
    return pd.DataFrame(rows, columns=["metric", "scenario", "end", "final", "diff", "rel_diff"])


def _wide(sens: pd.DataFrame, output: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values and confidences of one output's indices: index ``parameter``, one column per index."""
    rows = sens[sens["output"] == output]
    wide = rows.groupby(["parameter", "index"], sort=False)[["value", "conf"]].first().unstack("index")
    value, conf = wide["value"], wide["conf"]
    assert isinstance(value, pd.DataFrame) and isinstance(conf, pd.DataFrame)  # one column per index
    return value, conf


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series(np.nan, index=frame.index)


def index_frame(sens: pd.DataFrame, output: str, names: Sequence[str] = ("S1", "ST")) -> pd.DataFrame:
    """Indices ``names`` (e.g. S1 and ST, or spearman) with confidence half-widths for one
    output, sorted by the magnitude of the last one. Columns ``parameter, <name>, <name>_conf ...``.
    """
    value, conf = _wide(sens, output)
    table = pd.DataFrame({col: frame for name in names
                          for col, frame in ((name, _column(value, name)),
                                             (f"{name}_conf", _column(conf, name)))})
    table = table.dropna(subset=list(names), how="all")
    order = table[names[-1]].abs().sort_values(ascending=False).index
    return table.loc[order].rename_axis("parameter").reset_index()


def sobol_frame(sens: pd.DataFrame, output: str) -> pd.DataFrame:
    """S1 and ST with their confidence half-widths for one output, by ST descending.

    Columns ``parameter, S1, S1_conf, ST, ST_conf``.
    """
    return index_frame(sens, output, ("S1", "ST"))


def morris_frame(sens: pd.DataFrame, output: str, scale: float = 1.0) -> pd.DataFrame:
    """mu*, its confidence half-width and sigma for one output (divided by ``scale``),
    by mu* descending.

    The confidence comes from the ``conf`` column of the mu_star row, else from a
    ``mu_star_conf`` row (SALib's name). Columns ``parameter, mu_star, mu_star_conf, sigma``.
    """
    value, conf = _wide(sens, output)
    table = pd.DataFrame({"mu_star": _column(value, "mu_star"),
                          "mu_star_conf": _column(conf, "mu_star").fillna(_column(value, "mu_star_conf")),
                          "sigma": _column(value, "sigma")})
    table = table.dropna(subset=["mu_star"]) / scale
    return table.sort_values("mu_star", ascending=False).rename_axis("parameter").reset_index()


def top_levers(sens: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """Per output, the ``k`` parameters with the largest ST (else mu_star, |spearman|, S1).

    Columns ``output, rank, parameter, index, value, conf``.
    """
    frames = []
    for output, rows in sens.groupby("output", sort=False):
        for index in ("ST", "mu_star", "spearman", "S1"):
            chosen = rows[rows["index"] == index].dropna(subset=["value"])
            if len(chosen):
                top = chosen.loc[chosen["value"].abs().sort_values(ascending=False).index].head(k)
                frames.append(top.assign(rank=range(1, len(top) + 1), output=output))
                break
    if not frames:
        return pd.DataFrame(columns=["output", "rank", "parameter", "index", "value", "conf"])
    return pd.concat(frames)[["output", "rank", "parameter", "index", "value", "conf"]]


def _text(value: object) -> str:
    """A parameter value for comparison (None and NaN alike)."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


def parameter_rows(scenario: Scenario) -> pd.DataFrame:
    """Every parameter of ``scenario`` (the schema's description), columns ``path, value,
    unit, source, description, assumption`` (True when the source is empty or an assumption)."""
    rows = pd.DataFrame(describe_parameters(Scenario, scenario))
    is_list = rows["value"].map(lambda v: isinstance(v, list))  # targets, incentives: one line
    rows.loc[is_list, "value"] = rows.loc[is_list, "value"].map(summarize_items)
    rows["assumption"] = rows["source"].eq("") | rows["source"].str.startswith("assumption")
    # The schema's sources are for Tianjin's values: a value the scenario set is its own
    defaults = pd.DataFrame(describe_parameters(Scenario, Scenario())).set_index("path")["value"]
    own = ~is_list & rows["path"].isin(defaults.index) & rows["unit"].ne("") & (
        rows["value"].map(_text) != rows["path"].map(lambda p: _text(defaults.get(p))))
    rows.loc[own, "source"] = [f"scenario {scenario.name} (Tianjin: {_number(defaults[p])})"
                               for p in rows.loc[own, "path"]]
    rows.loc[own, "assumption"] = False
    return rows[["path", "value", "unit", "source", "description", "assumption"]]


def swept_ranges(ranges: Mapping[str, Sequence[float]], scenario: Scenario | None) -> pd.DataFrame:
    """The parameters a sweep varied (``path -> [low, high]``, from its manifest), with unit,
    description and source from the schema where the path is a scenario parameter."""
    described = pd.DataFrame(describe_parameters(Scenario, scenario)).set_index("path")
    rows = []
    for path, (low, high) in ranges.items():
        known = path in described.index
        rows.append([path, low, high, *(described.loc[path, ["unit", "description", "source"]] if known
                                        else ["", "", ""])])
    return pd.DataFrame(rows, columns=["path", "low", "high", "unit", "description", "source"])


def district_median(districts: pd.DataFrame, metric: str, step: int) -> pd.Series:
    """One month's median across replicates of a per-district share: index district number
    (see :func:`simulation.runner.district_frame`)."""
    month = districts[districts["step"] == step]
    return month.groupby("district")[metric].median()
