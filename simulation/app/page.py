"""The page (``swsim app`` serves it with ``solara run simulation.app.page``).

Layout, top to bottom: scenario, levers (one group at a time), run, projection (fan
charts against the base scenario, targets, district map), comparison, downloads. The
components only read the session's state and call its actions (:mod:`.session`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import solara
import solara.lab
from solara.server import settings

from ..outcomes import DISTRICT_METRICS
from ..report.fonts import mplfonts_file
from .levers import GROUPS, Lever, Parent, levers, shipped_names
from .session import (
    PageRun,
    apply_edit,
    base_scenario,
    edited,
    report_html,
    results_zip,
    run_job,
    state,
    upload,
    worker,
)
from .text import lever_label, t

__all__ = ["Page"]

# the tab's title in the first HTML, before the page has rendered (then solara.Title, en/zh)
settings.theme.title = t("page_title", "en")

_FONT = mplfonts_file()
if _FONT is not None and str(_FONT.parent) not in settings.assets.extra_locations:
    # served at /static/assets/: Chinese renders without a system CJK font, offline
    settings.assets.extra_locations.append(str(_FONT.parent))

CSS = """
@font-face { font-family: "Noto Sans CJK SC"; font-display: swap;
  src: url("/static/assets/NotoSansCJKsc-Regular.otf") format("opentype");
  unicode-range: U+2E80-2FFF, U+3000-303F, U+3400-9FFF, U+F900-FAFF, U+FF00-FFEF; }
.v-application, .v-application .body-1, .v-application .text-h6 {
  font-family: Roboto, "Noto Sans CJK SC", sans-serif !important; }
.swsim-lever { padding: 4px 8px; border-left: 4px solid transparent; margin-bottom: 4px; }
.swsim-lever.changed { background: #fff4cc; border-left-color: #e69f00; }
.swsim-note { font-size: 12px; color: #555; }
.swsim-error { color: #b00020; font-size: 13px; }
"""


_H = {"font-weight": "bold", "display": "block", "margin-top": "12px"}


@solara.component
def LeverRow(lever: Lever, lang: str) -> None:
    edits = state.edits.value
    changed = lever.path in edits
    value = edits.get(lever.path, lever.value)
    error = state.errors.value.get(lever.path)
    label = lever_label(lever.path, lever.unit, lang)

    def set_value(raw: Any) -> None:
        apply_edit(lever, raw, lever.value)

    with solara.Div(classes=["swsim-lever", "changed" if changed else "plain"]):
        if lever.kind == "slider":
            span = float(lever.high) - float(lever.low)  # type: ignore[arg-type]
            solara.SliderFloat(label, value=float(value), min=float(lever.low),  # type: ignore[arg-type]
                               max=float(lever.high), step=span / 200, on_value=set_value,  # type: ignore[arg-type]
                               thumb_label="always")
        elif lever.kind == "flag":
            solara.Checkbox(label=label, value=bool(value), on_value=set_value)
        else:
            solara.InputText(label, value="" if value is None else str(value), on_value=set_value,
                             continuous_update=False, error=error or False)
        bounds = f"[{lever.low:g}, {lever.high:g}]" if lever.low is not None and \
            lever.high is not None else ""
        solara.Text(f"{lever.description} · {t('bounds', lang)} {bounds} · {t('source_of', lang)}: "
                    f"{lever.source}", classes=["swsim-note"])
        if error:
            solara.Text(error, classes=["swsim-error"])
        if changed:
            solara.Button(t("reset", lang), text=True, small=True,
                          on_click=lambda: apply_edit(lever, lever.value, lever.value))


@solara.component
def ScenarioCard(lang: str) -> None:
    parent = state.parent.value
    names = shipped_names()

    def choose(name: str | None) -> None:  # Select's value may be None (no shipped scenario)
        if name is None:
            return
        state.edits.value, state.errors.value = {}, {}
        state.parent.value = Parent(name)

    with solara.Card(t("choose", lang)):
        solara.Select(t("shipped", lang), values=names,
                      value=parent.name if parent.shipped else None, on_value=choose)
        solara.FileDrop(label=t("upload", lang), lazy=False,
                        on_file=lambda f: upload(f["name"], f["data"]))
        if not parent.shipped:
            solara.Text(t("uploaded", lang, name=parent.file))
        if state.upload_error.value:
            solara.Text(state.upload_error.value, classes=["swsim-error"])


@solara.component
def LeversCard(lang: str) -> None:
    parent = state.parent.value
    scenario = solara.use_memo(lambda: base_scenario(parent), [parent])
    groups = solara.use_memo(lambda: levers(scenario), [scenario])
    titles = {key: (en, zh)[lang == "zh"] for key, en, zh, _ in GROUPS}
    n = len(state.edits.value)
    with solara.Card(f"{t('levers', lang)} — {t('changed', lang, n=n)}"):
        keys = {title: key for key, title in titles.items()}
        solara.Select(t("group", lang), values=list(titles.values()),
                      value=titles[state.group.value], on_value=lambda v: state.group.set(keys[v]))
        if t("levers_english", lang):  # what stays English in Chinese, said once
            solara.Text(t("levers_english", lang), classes=["swsim-note"])
        for lever in groups[state.group.value]:
            LeverRow(lever, lang)
        if n:
            solara.Button(t("reset_all", lang), text=True,
                          on_click=lambda: (state.edits.set({}), state.errors.set({})))


@solara.component
def RunCard(lang: str) -> None:
    with solara.Card(t("run", lang)):
        with solara.Row():
            solara.InputInt(t("replicates", lang), value=state.replicates)
            solara.InputInt(t("seed", lang), value=state.seed)
        with solara.Row():
            solara.Button(t("start", lang), color="primary", disabled=run_job.pending,
                          on_click=lambda: run_job(state.seed.value, max(1, state.replicates.value)))
            solara.Button(t("cancel", lang), disabled=not run_job.pending,
                          on_click=run_job.cancel)
        if run_job.pending:
            solara.ProgressLinear(run_job.progress or True)
        _status(lang)
        if run_job.error:
            solara.Text(f"error: {run_job.exception}", classes=["swsim-error"])


def _status(lang: str) -> None:
    status = state.status.value
    if status is None:
        return
    if status.kind == "cancelled":
        solara.Text(t("cancelled", lang))
    elif status.kind == "done":
        solara.Text(t("finished", lang, label=status.label, seconds=status.seconds,
                      folder=status.folder), classes=["swsim-finished"])
    elif run_job.pending:
        solara.Text(t("running", lang, label=status.label, done=status.done, total=status.total))


@solara.component
def Projection(run: PageRun, lang: str) -> None:
    from .views import fan_pngs, target_rows, territory_png

    base = run.base
    series = [(run.folder.scenario.name, run.folder.timeseries)]
    if base is not None:
        series.insert(0, (t("base", lang, name=base.folder.scenario.name), base.folder.timeseries))
    # drawn in a thread: the run is reported finished as soon as its folder is written
    charts = solara.lab.use_task(lambda: fan_pngs(series, lang),
                                 dependencies=[id(run), id(base), lang])
    with solara.Card(t("see", lang)):
        _charts(charts, lang)
        solara.Text(t("targets", lang), style=_H)
        rows = target_rows(run.folder.timeseries, run.folder.scenario, lang)
        if rows:
            solara.DataFrame(pd.DataFrame(rows), items_per_page=20)
        else:
            solara.Text(t("no_targets", lang))
        _territory(run, lang, territory_png)


def _charts(charts: Any, lang: str) -> None:
    if not charts.finished:
        solara.ProgressLinear(True)
        solara.Text(t("drawing", lang))
        return
    with solara.Div(classes=["swsim-charts"]):
        with solara.ColumnsResponsive(12, large=6):
            for _, image in charts.value:
                solara.Image(image, width="100%")


def _territory(run: PageRun, lang: str, draw: Any) -> None:
    solara.Text(t("territory", lang), style=_H)
    last = int(run.districts["step"].max())
    step = last if state.map_step.value < 0 else min(state.map_step.value, last)
    names = {pair[lang == "zh"]: key for key, pair in DISTRICT_METRICS.items()}
    shown = next(name for name, key in names.items() if key == state.map_metric.value)
    solara.ToggleButtonsSingle(value=shown, values=list(names),
                               on_value=lambda name: state.map_metric.set(names[name]))
    solara.SliderInt(t("month", lang), value=step, min=0, max=last, on_value=state.map_step.set)
    solara.Image(draw(run.districts, state.map_metric.value, step, lang), width="70%")


@solara.component
def CompareCard(lang: str) -> None:
    from .views import compare_rows, fan_pngs

    runs = state.runs.value
    series = [(r.label, r.folder.timeseries) for r in runs]
    charts = solara.lab.use_task(
        lambda: fan_pngs(series, lang, bands=(50,)) if len(runs) > 1 else [],
        dependencies=[tuple(id(r) for r in runs), lang])
    with solara.Card(t("compare", lang)):
        if len(runs) < 2:
            solara.Text(t("compare_few", lang))
            return
        for run in runs:
            with solara.Row():
                solara.Text(run.label)
                solara.Button(t("remove", lang), text=True, small=True,
                              on_click=lambda run=run: state.runs.set(
                                  [r for r in state.runs.value if r is not run]))
        solara.DataFrame(pd.DataFrame(compare_rows(series, lang)))
        _charts(charts, lang)


@solara.component
def SaveCard(lang: str) -> None:
    runs = state.runs.value
    text = solara.use_memo(lambda: _edited_text(), [state.parent.value, state.edits.value])
    name = edited()[1].name if text else "scenario"
    with solara.Card(t("save", lang)):
        with solara.Row():
            solara.FileDownload(text, filename=f"{name}.yaml", label=t("dl_scenario", lang),
                                mime_type="text/yaml")
            if runs:
                run = runs[-1]
                solara.FileDownload(lambda: results_zip(run), filename=f"{run.path.name}.zip",
                                    label=t("dl_results", lang), mime_type="application/zip")
                solara.FileDownload(lambda: report_html(run, lang), filename="report.html",
                                    label=t("dl_report", lang), mime_type="text/html")
        solara.Text(t("scenario_note", lang), classes=["swsim-note"])


def _edited_text() -> str:
    return edited()[0]


def _warm_up() -> None:
    """Start the session's worker soon after the page is shown: its imports (~1 s of CPU)
    then do not compete with the page's first render, and a run starts warm."""
    import threading

    timer = threading.Timer(1.5, worker, [solara.get_kernel_id()])
    timer.daemon = True
    timer.start()


@solara.component
def Page() -> None:
    lang = state.lang.value
    solara.use_effect(_warm_up, [])
    solara.Style(CSS)
    solara.Title(t("page_title", lang))
    with solara.Column(style={"max-width": "1400px", "margin": "auto", "padding": "12px"}):
        with solara.Row(justify="space-between"):
            solara.Text(t("page_title", lang), style={"font-size": "24px", "font-weight": "500"})
            solara.Button(t("language", lang), on_click=lambda: state.lang.set(
                "en" if lang == "zh" else "zh"), classes=["swsim-lang"])
        with solara.Columns([4, 8]):
            with solara.Column():
                ScenarioCard(lang)
                RunCard(lang)
                LeversCard(lang)
            with solara.Column():
                runs = state.runs.value
                if runs:
                    Projection(runs[-1], lang)
                else:
                    with solara.Card(t("see", lang)):
                        solara.Text(t("no_run", lang))
                CompareCard(lang)
                SaveCard(lang)
