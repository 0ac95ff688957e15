"""The report's content: header facts, tables and figure sections for runs and sweeps."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ..outcomes import key_metrics
from ..results import (
    DISCOVERY,
    DISCOVERY_JSON,
    DISCOVERY_PNG,
    MANIFEST,
    PLOTS,
    RUNS,
    SCENARIO,
    SENSITIVITY,
    SUMMARY,
    TIMESERIES,
)
from . import html, prep
from .data import RunFolder, SweepFolder, sensitivity_notes
from .i18n import (
    effect_unit,
    fmt,
    metric_label,
    metric_unit,
    param_unit,
    points,
    tr,
    unit_label,
)

__all__ = ["Rendered", "run_page", "sweep_page"]

#: (plot name, PNG bytes, caption key)
Rendered = tuple[str, bytes, str]
#: a section of the page: (anchor, title, its blocks)
Part = tuple[str, str, html.Section]


def _signed(text: str) -> str:
    """"+1.2" / "−1.2" with a true minus sign; a zero gets "±"."""
    if text.lstrip("+-").strip("0.,") == "":
        return "±" + text.lstrip("+-")
    return text.replace("-", "−")


def _diff(row: pd.Series, unit: str, lang: str) -> str:
    if unit == "share":
        return f"{_signed(f'{row["diff"] * 100:+.1f}')} {points(lang)}"
    sign = "-" if row["diff"] < 0 else "+"
    rel = "" if math.isnan(row["rel_diff"]) else f", {_signed(f'{row["rel_diff"] * 100:+.1f}')}%"
    return f"{_signed(sign + fmt(abs(row['diff']), unit, lang))}{rel}"


def _rows(frame: pd.DataFrame, *columns: str) -> Iterator[tuple[Any, ...]]:
    """The values of ``frame``'s ``columns``, row by row (as ``itertuples`` gives them, but
    typed: ``itertuples``' fields are pandas scalars to mypy, and ``row.index`` is tuple.index)."""
    return zip(*(frame[c] for c in columns), strict=True)


def _param_value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e4:
        return f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _links(folder: Path, out: Path, files: Sequence[str]) -> list[tuple[str, str]]:
    rel = Path(os.path.relpath(folder.resolve(), out.resolve()))
    return [(f, (rel / f).as_posix()) for f in files if (folder / f).is_file()]


def _figures(rendered: Sequence[Rendered], lang: str, replicates: int | str,
             **fields: object) -> list[html.Figure]:
    return [html.figure(png, f"{PLOTS}/{name}.png", tr(caption, lang, n=replicates, k=5, **fields), name)
            for name, png, caption in rendered]


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _certificate_month(run: RunFolder, lang: str) -> dict[str, object]:
    """When the scenario's certificates take effect (the sawtooth's yearly jump), for captions."""
    exam = run.scenario.workforce.exam
    month = (exam.month - 1 + exam.certificate_delay_months) % 12
    return {"month": tr("month_of_year", lang, name=_MONTHS[month], n=month + 1),
            "delay": exam.certificate_delay_months}


def _version(manifest: dict[str, Any]) -> str:
    versions = manifest.get("versions")
    return str(versions.get("swsim", "—") if isinstance(versions, dict) else manifest.get("version", "—"))


def _facts(manifest: dict[str, Any], keys: Sequence[tuple[str, str]], lang: str) -> list[tuple[str, str]]:
    """(label, value) for manifest ``keys`` given as (text key, manifest key)."""
    return [(tr(label, lang), str(manifest.get(key, "—"))) for label, key in keys]


def _run_header(run: RunFolder, out: Path, lang: str) -> html.Header:
    m, sc = run.manifest, run.scenario
    last = run.timeseries["date"].max()
    fields = [(tr("scenario", lang), f"{run.name} — {sc.description}" if sc.description else run.name),
              (tr("region", lang), sc.region),
              (tr("period", lang), f"{sc.start} – {last:%Y-%m} "
                                    f"({tr('months_n', lang, n=sc.months)})"),
              *_facts(m, [("seed", "seed"), ("replicates", "replicates")], lang),
              (tr("version", lang), _version(m)), (tr("date", lang), str(m.get("started_at", "—"))),
              (tr("commit", lang), str(m.get("git_commit") or "—")[:12])]
    links = _links(run.path, out, [TIMESERIES, SUMMARY, SCENARIO, MANIFEST])
    return html.header(tr("title", lang, scenario=run.name), fields, links, tr("data_files", lang))


#: how a target's operator is written in the table
_OPERATOR = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def _threshold(value: float, unit: str, lang: str) -> str:
    if unit == "share":
        return f"{value:.0%}" if round(value * 100, 6).is_integer() else f"{value:.1%}"
    return fmt(value, unit, lang)


def _indicator_section(run: RunFolder, lang: str) -> Part:
    """The scenario's policy targets (from the run's resolved scenario.yaml), judged."""
    title = tr("sec_indicators", lang)
    found = prep.indicators(run.timeseries, run.scenario)
    if not found:
        return "indicators", title, html.section("indicators", title,
                                                 html.paragraph(tr("no_targets", lang)))
    rows, classes = [], []
    end = f"{run.timeseries['date'].max():%Y-%m}"
    for ind in found:
        unit = metric_unit(ind.metric)
        own = ind.label_zh if lang == "zh" else ind.label
        name = own or metric_label(ind.metric, lang)
        status = tr(ind.status, lang, end=end)
        first = ind.first_met or tr("never", lang)
        since = ind.met_since or (tr("lapsed", lang) if ind.first_met else tr("never", lang))
        rows.append([name, metric_label(ind.metric, lang),
                     f"{_OPERATOR[ind.operator]} {_threshold(ind.target, unit, lang)}",
                     ind.deadline or tr("every_month", lang), fmt(ind.at_deadline, unit, lang),
                     fmt(ind.final, unit, lang), status, since, first, ind.source])
        classes.append(ind.status)
    headers = [tr(k, lang) for k in ("target_name", "metric", "target", "deadline", "at_deadline",
                                     "final", "status", "met_since", "first_met", "source")]
    table = html.table(headers, rows, numeric=(2, 4, 5), row_classes=classes,
                       cell_classes={3: "nowrap", 6: "status", 7: "nowrap", 8: "nowrap"})
    return "indicators", title, html.section("indicators", title, table,
                                             html.paragraph(tr("targets_note", lang)))


def _final_section(run: RunFolder, lang: str) -> Part | None:
    if run.summary is None:
        return None
    summary = run.summary.set_index("metric")
    rows = []
    for m in (m for m in key_metrics() if m in summary.index):
        p5, p50, p95 = (fmt(summary.loc[m, q], metric_unit(m), lang) for q in ("p5", "p50", "p95"))
        rows.append([metric_label(m, lang), p50, f"{p5} – {p95}", unit_label(metric_unit(m), lang)])
    headers = [tr("metric", lang), tr("median_h", lang), tr("p5_p95", lang), tr("unit", lang)]
    title = tr("sec_final", lang)
    return "final", title, html.section("final", title, html.table(headers, rows, numeric=(1, 2)))


def _compare_section(runs: Sequence[tuple[str, RunFolder]], rendered: Sequence[Rendered],
                     lang: str) -> Part:
    finals = prep.compare_finals([(label, r.timeseries) for label, r in runs], key_metrics())
    labels = [label for label, _ in runs]
    rows = []
    for metric, group in finals.groupby("metric", sort=False):
        unit = metric_unit(str(metric))
        cells = {r["scenario"]: fmt(r["final"], unit, lang) + ("" if r["scenario"] == labels[0]
                                                              else f" ({_diff(r, unit, lang)})")
                 for _, r in group.iterrows()}
        rows.append([metric_label(str(metric), lang), unit_label(unit, lang),
                     *(cells.get(label, "—") for label in labels)])
    ends = ", ".join(f"{label}: {g['end'].iloc[0]}" for label, g in finals.groupby("scenario", sort=False))
    headers = [tr("metric", lang), tr("unit", lang), *labels]
    title = tr("sec_compare", lang)
    body = html.table(headers, rows, numeric=tuple(range(2, 2 + len(labels))))
    note = html.paragraph(f"{tr('compare_note', lang)} ({ends})")
    return "compare", title, html.section("compare", title, note, body, _figures(rendered, lang, ""))


def _appendix(scenario: Any, lang: str) -> Part:
    params = prep.parameter_rows(scenario)
    rows = [[path, _param_value(value), param_unit(unit, lang), source or tr("assumption", lang), description]
            for path, value, unit, source, description
            in _rows(params, "path", "value", "unit", "source", "description")]
    headers = [tr(k, lang) for k in ("parameter", "value", "unit", "source", "description")]
    note = html.paragraph(tr("appendix_note", lang, n=int(params["assumption"].sum()), total=len(params)))
    classes = ["assumption" if a else "" for a in params["assumption"]]
    body = html.table(headers, rows, row_classes=classes, cell_classes={3: "source"},
                      widths=(24, 16, 10, 22, 28))
    title = tr("sec_appendix", lang)
    return "appendix", title, html.section("appendix", title, note, body)


def _footer(lang: str) -> str:
    return f"{tr('generated', lang, date=date.today().isoformat())} {tr('images_note', lang)}"


def run_page(run: RunFolder, compared: Sequence[tuple[str, RunFolder]], rendered: Sequence[Rendered],
             out: Path, lang: str) -> str:
    """The report page for a run; ``compared``: (label, run) of every scenario compared, this
    run first (empty without --compare)."""
    own = [r for r in rendered if not r[0].startswith("compare_")]
    overlays = [r for r in rendered if r[0].startswith("compare_")]
    n = run.manifest.get("replicates", run.timeseries["replicate"].nunique())
    plots = ("plots", tr("sec_plots", lang), html.section("plots", tr("sec_plots", lang),
                                                          _figures(own, lang, n,
                                                                   **_certificate_month(run, lang))))
    parts = [_indicator_section(run, lang), _final_section(run, lang), plots]
    if compared:
        parts.append(_compare_section(compared, overlays, lang))
    parts.append(_appendix(run.scenario, lang))
    return html.document(lang, tr("title", lang, scenario=run.name), _run_header(run, out, lang),
                         tr("contents", lang), [p for p in parts if p], _footer(lang))


def _sweep_header(sweep: SweepFolder, out: Path, lang: str) -> html.Header:
    m = sweep.manifest
    got = m.get("runs")
    runs = got if isinstance(got, dict) else {}
    scenario = m.get("scenario") or (sweep.scenario.name if sweep.scenario else "—")
    fields = [(tr("experiment", lang), f"{sweep.name} — {m['description']}" if m.get("description")
               else sweep.name),
              (tr("scenario", lang), str(scenario)),
              *_facts(m, [("method", "method"), ("samples", "samples"), ("replicates", "replicates"),
                          ("seed", "seed")], lang),
              (tr("runs_ok", lang), tr("runs_ok_value", lang, ok=runs.get("ok", "—"),
                                       failed=runs.get("failed", "—"))),
              (tr("version", lang), _version(m)),
              (tr("date", lang), str(m.get("started_at") or m.get("created") or "—")),
              (tr("commit", lang), str(m.get("git_commit") or "—")[:12])]
    links = _links(sweep.path, out, [RUNS, SENSITIVITY, SCENARIO, MANIFEST])
    return html.header(tr("sweep_title", lang, scenario=sweep.name), fields, links, tr("data_files", lang))


def _runs_section(sweep: SweepFolder, lang: str) -> Part:
    parts: list[html.Block] = []
    ranges = prep.swept_ranges(sweep.ranges, sweep.scenario)
    if len(ranges):
        rows = [[path, f"{_param_value(low)} – {_param_value(high)}", param_unit(unit, lang), source,
                 description]
                for path, low, high, unit, source, description
                in _rows(ranges, "path", "low", "high", "unit", "source", "description")]
        headers = [tr(k, lang) for k in ("parameter", "range", "unit", "source", "description")]
        parts.append(html.table(headers, rows, widths=(24, 16, 10, 22, 28)))
    runs = sweep.runs
    if runs is not None and "status" in runs.columns:
        counts = ", ".join(f"{k} {v}" for k, v in runs["status"].value_counts().items())
        parts.append(html.paragraph(tr("runs_status", lang, n=len(runs), status=counts)))
        failed = runs[runs["status"] != "ok"].head(5)
        if len(failed) and "error" in runs.columns:
            parts.append(html.table(["run_id", tr("error", lang)],
                                    [[str(r.run_id), str(r.error)] for r in failed.itertuples()]))
    notes = sweep.manifest.get("sensitivity_notes") or []
    if notes:
        parts.append(html.notes(tr("notes", lang), notes))
    title = tr("sec_swept", lang)
    return "swept", title, html.section("swept", title, *parts)


def _levers_section(sens: pd.DataFrame, lang: str) -> Part:
    rows = []
    top = prep.top_levers(sens, k=5)
    for output, rank, parameter, index, value, conf in _rows(top, "output", "rank", "parameter", "index",
                                                             "value", "conf"):
        # mu* is in the output's unit (shown like the Morris plot); S1, ST and rho have none
        scale, unit = effect_unit(metric_unit(str(output)), lang) if index == "mu_star" else (1.0, "")
        rows.append([metric_label(str(output), lang), str(rank), str(parameter), str(index),
                     f"{value / scale:.3g}", "—" if pd.isna(conf) else f"{conf / scale:.2g}", unit])
    headers = [tr(k, lang) for k in ("output", "rank", "parameter", "index", "value", "conf", "unit")]
    title = tr("sec_levers", lang)
    return "levers", title, html.section("levers", title, html.paragraph(tr("levers_note", lang, k=5)),
                                         html.table(headers, rows, numeric=(1, 4, 5)))


def _discovery_section(sweep: SweepFolder, out: Path, lang: str,
                       drawn: Rendered | None) -> Part | None:
    """Scenario discovery (``swsim discover``) results saved in the sweep's discovery/ folder;
    its figure as ``drawn`` in the report's language (plots/discovery.png), else discover's."""
    folder = sweep.path / DISCOVERY
    try:
        info = json.loads((folder / DISCOVERY_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: nested too deeply
        return None
    box = info.get("chosen_box")
    counts = {"target": info.get("target", "—"), "k": info.get("points_meeting_target", "—"),
              "n": info.get("points", "—")}
    title = tr("sec_discovery", lang)
    if not box:
        return "discovery", title, html.section("discovery", title,
                                                html.paragraph(tr("discovery_none", lang, **counts)))
    how = tr("how_averaged" if "averaged" in str(info.get("classification", "")) else "how_per_run", lang)
    parts: list[html.Block] = [html.paragraph(tr("discovery_summary", lang, how=how,
                               coverage=box["coverage"], density=box["density"], **counts))]
    rows = [[lever, f"{_param_value(lim['low'])} – {_param_value(lim['high'])}",
             f"{_param_value(lim['sweep_low'])} – {_param_value(lim['sweep_high'])}",
             "✓" if lim.get("restricted") else ""] for lever, lim in box["limits"].items()]
    headers = [tr("parameter", lang), tr("box_range", lang), tr("sweep_range", lang),
               tr("restricted", lang)]
    parts.append(html.table(headers, rows, cell_classes={1: "nowrap", 2: "nowrap"}))
    png = folder / DISCOVERY_PNG
    if drawn is not None:
        parts.append(html.figure(drawn[1], f"{PLOTS}/{drawn[0]}.png", tr("discovery_plot", lang),
                                 tr("discovery_plot", lang)))
    elif png.is_file():
        href = os.path.relpath(png, out)
        parts.append(html.figure(png.read_bytes(), href, tr("discovery_plot", lang),
                                 tr("discovery_plot", lang)))
    return "discovery", title, html.section("discovery", title, *parts)


def sweep_page(sweep: SweepFolder, rendered: Sequence[Rendered], out: Path, lang: str) -> str:
    """The report page for a sweep folder."""
    drawn = next((r for r in rendered if r[0] == "discovery"), None)
    rendered = [r for r in rendered if r[0] != "discovery"]
    parts: list[Part | None] = []
    if sweep.sensitivity is not None:
        parts.append(_levers_section(sweep.sensitivity, lang))
        parts.append(("sensitivity", tr("sec_sweep", lang),
                      html.section("sensitivity", tr("sec_sweep", lang), _figures(rendered, lang, ""))))
    else:  # no file, or no output got indices: the analysis' notes say why
        notes = sensitivity_notes(sweep.manifest)
        text = (tr("no_indices", lang, notes="; ".join(notes)) if notes
                else tr("no_sensitivity", lang))
        parts.append(("sensitivity", tr("sec_sweep", lang), html.section(
            "sensitivity", tr("sec_sweep", lang), html.paragraph(text))))
    parts.insert(0, _runs_section(sweep, lang))
    parts.append(_discovery_section(sweep, out, lang, drawn))
    if sweep.scenario is not None:
        parts.append(_appendix(sweep.scenario, lang))
    return html.document(lang, tr("sweep_title", lang, scenario=sweep.name), _sweep_header(sweep, out, lang),
                         tr("contents", lang), [p for p in parts if p], _footer(lang))
