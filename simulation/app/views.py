"""What the page shows, drawn by the report's own code: fan charts, the targets table, the
district map and the comparison table, as PNG bytes and rows of text.

Every number comes from :mod:`simulation.report.prep`, every figure from
:mod:`simulation.report.figures` / :mod:`simulation.report.plots`; Chinese labels use the
report's bundled CJK font (mplfonts).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from ..outcomes import DISTRICT_METRICS, key_metrics
from ..params import Scenario
from ..report import prep
from ..report.figures import compare_figures
from ..report.fonts import cjk_font, plot_rc
from ..report.i18n import LANGS, fmt, metric_label, metric_unit, unit_label
from ..report.plots import district_tiles, figure_of
from .text import t

__all__ = ["compare_rows", "fan_pngs", "png", "target_rows", "territory_png"]


#: matplotlib's rcParams are global: sessions draw one at a time (each in its own thread)
_DRAWING = threading.Lock()


@contextmanager
def _fonts(lang: str) -> Iterator[None]:
    import matplotlib

    with _DRAWING, matplotlib.rc_context(plot_rc(cjk_font() if lang == "zh" else None)):
        yield


def png(figure: Figure) -> bytes:
    """A figure as PNG bytes (drawn while the language's fonts are selected)."""
    buf = io.BytesIO()
    figure.savefig(buf, format="png", dpi=80, metadata={"Software": None})
    return buf.getvalue()


def fan_pngs(runs: Sequence[tuple[str, pd.DataFrame]], lang: str, bands: tuple[int, ...] = (90,)
             ) -> list[tuple[str, bytes]]:
    """Per key metric, every run's median and band (90: 5-95%) as (metric, PNG)."""
    with _fonts(lang):
        return [(p.name.removeprefix("compare_"), png(p.figure))
                for p in compare_figures(runs, lang, bands=bands)]


def target_rows(ts: pd.DataFrame, scenario: Scenario, lang: str) -> list[dict[str, str]]:
    """The scenario's targets, judged as the report judges them: reached, and kept."""
    rows, end = [], f"{ts['date'].max():%Y-%m}"
    for ind in prep.indicators(ts, scenario):
        unit = metric_unit(ind.metric)
        label = (ind.label_zh or ind.label) if lang == "zh" else ind.label
        status = t(ind.status, lang, end=end)
        rows.append({
            t("target_name", lang): label or metric_label(ind.metric, lang),
            t("target", lang): f"{ind.operator} {fmt(ind.target, unit, lang)}",
            t("deadline", lang): ind.deadline or t("every_month", lang),
            t("final", lang): fmt(ind.final, unit, lang),
            t("reached", lang): status,
            # kept: once reached, still met at the end (nothing to keep if never reached)
            t("kept", lang): t("yes" if ind.kept else "no", lang) if ind.first_met else "—",
            t("source", lang): ind.source,
        })
    return rows


def territory_png(districts: pd.DataFrame, metric: str, step: int, lang: str) -> bytes:
    """The district map at month ``step``: median share across replicates per district."""
    values = prep.district_median(districts, metric, step)
    values.index = [t("district", lang, n=int(d) + 1) for d in values.index]
    date = districts.loc[districts["step"] == step, "date"].iloc[0]
    title = f"{DISTRICT_METRICS[metric][LANGS.index(lang)]} — {t('month_of', lang, date=date)}"
    with _fonts(lang):
        ax = district_tiles(values, title=title, nodata=t("nodata", lang))
        return png(figure_of(ax))


def compare_rows(runs: Sequence[tuple[str, pd.DataFrame]], lang: str) -> list[dict[str, Any]]:
    """Key metrics' final-month medians side by side, one column per run."""
    finals = prep.compare_finals(runs, key_metrics())
    rows = []
    for metric, group in finals.groupby("metric", sort=False):
        unit = metric_unit(str(metric))
        row: dict[str, Any] = {t("metric", lang): metric_label(str(metric), lang),
                               t("unit", lang): unit_label(unit, lang) if unit != "share" else "%"}
        for _, r in group.iterrows():
            row[str(r["scenario"])] = fmt(float(r["final"]), unit, lang)
        rows.append(row)
    return rows
