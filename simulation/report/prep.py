"""Data preparation for the report: every number the plots and tables show is computed here.

Plot functions (:mod:`.plots`) only draw what these functions return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..outcomes import METRICS
from ..params import Scenario
from ..params.schema import describe_parameters

__all__ = ["CW_TARGET_DATE", "CW_TARGET_SHARE", "QUANTILES", "Q_COLUMNS", "Indicator", "compare_finals",
           "fan_frame", "index_frame", "indicators", "median_frame", "morris_frame", "parameter_rows",
           "sobol_frame", "swept_ranges", "top_levers", "yearly_frame"]

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
Q_COLUMNS = ("q05", "q25", "q50", "q75", "q95")
_TOL = 1e-9
#: seed 002: at least half of Tianjin's community workers certified by 2025
CW_TARGET_SHARE, CW_TARGET_DATE = 0.5, "2025-12"


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
    q = long.groupby(["series", "date"])["value"].quantile(list(QUANTILES)).unstack()
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
    flows = ts[ts["step"] > 0].assign(year=lambda f: f["date"].dt.year)
    months = flows.groupby(["replicate", "year"]).size().groupby("year").min()
    flows = flows[flows["year"].isin(months[months == 12].index)]
    if flows.empty or not present:
        return pd.DataFrame(columns=["series", "year", "q05", "q50", "q95"])
    per_year = flows.groupby(["replicate", "year"])[present].sum().reset_index()
    long = per_year.melt(id_vars=["year"], value_vars=present, var_name="series")
    q = long.groupby(["series", "year"])["value"].quantile([0.05, 0.5, 0.95]).unstack()
    q.columns = ["q05", "q50", "q95"]
    q = q.reset_index()
    q["series"] = pd.Categorical(q["series"], categories=present, ordered=True)
    return q.sort_values(["series", "year"]).reset_index(drop=True)


@dataclass(frozen=True)
class Indicator:
    """One policy target checked against the median across replicates."""

    key: str               # text key of the indicator's name (see i18n); "" for the metric's label
    metric: str
    target: float          # share, met when the median reaches it
    deadline: str | None   # YYYY-MM, or None: judged at the end of the run
    at_deadline: float | None
    final: float
    first_met: str | None  # first month the median reaches the target
    status: str            # "met", "not_met" or "pending" (run ends before the deadline)


def _indicator(ts: pd.DataFrame, key: str, metric: str, target: float,
               deadline: str | None) -> Indicator | None:
    if metric not in ts.columns:
        return None
    median = ts.groupby("date")[metric].median().dropna()
    if median.empty:
        return None
    reached = median[median >= target - _TOL]
    first = reached.index[0].strftime("%Y-%m") if len(reached) else None
    at = None
    if deadline is not None and median.index[-1] < pd.Timestamp(deadline):  # run ends before it
        status = "met" if first else "pending"
    else:
        if deadline is not None:
            before = median[median.index <= pd.Timestamp(deadline)]
            at = float(before.iloc[-1]) if len(before) else None
        judged = at if deadline is not None else float(median.iloc[-1])
        status = "met" if judged is not None and judged >= target - _TOL else "not_met"
    return Indicator(key, metric, target, deadline, at, float(median.iloc[-1]), first, status)


def indicators(ts: pd.DataFrame, scenario: Scenario) -> list[Indicator]:
    """The policy targets: stations by the deadline, staffing, 50% certified by 2025, duties."""
    specs: list[tuple[str, str, float, str | None]] = [
        ("ind_station", "station_coverage", 1.0, scenario.network.station_deadline),
        ("ind_staffing", "staffing_compliance", 1.0, None),
        ("ind_cw", "community_worker_certified_share", CW_TARGET_SHARE, CW_TARGET_DATE),
        ("", "duties_compliance", 1.0, None),
    ]
    specs += [("", c, 1.0, None) for c in ts.columns if c.startswith("duties_compliance.")]
    rows = (_indicator(ts, *spec) for spec in specs)
    return [row for row in rows if row is not None]


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
    return wide["value"], wide["conf"]


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


def parameter_rows(scenario: Scenario) -> pd.DataFrame:
    """Every parameter of ``scenario`` (the schema's description), columns ``path, value,
    unit, source, description, assumption`` (True when the source is empty or an assumption)."""
    rows = pd.DataFrame(describe_parameters(Scenario, scenario))
    rows["assumption"] = rows["source"].eq("") | rows["source"].str.startswith("assumption")
    return rows[["path", "value", "unit", "source", "description", "assumption"]]


def swept_ranges(ranges: dict[str, Sequence[float]], scenario: Scenario | None) -> pd.DataFrame:
    """The parameters a sweep varied (``path -> [low, high]``, from its manifest), with unit,
    description and source from the schema where the path is a scenario parameter."""
    described = pd.DataFrame(describe_parameters(Scenario, scenario)).set_index("path")
    rows = []
    for path, (low, high) in ranges.items():
        known = path in described.index
        rows.append([path, low, high, *(described.loc[path, ["unit", "description", "source"]] if known
                                        else ["", "", ""])])
    return pd.DataFrame(rows, columns=["path", "low", "high", "unit", "description", "source"])
