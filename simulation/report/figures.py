"""Which figures a report holds: prepared data (:mod:`.prep`) handed to plot functions
(:mod:`.plots`), with titles and labels in the plot language.

Each builder returns a :class:`matplotlib.figure.Figure`, or None when the results hold
none of its metrics (older folders, future metrics), so the report simply leaves it out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..outcomes import key_metrics
from ..params import GROUPS, LEVELS, SOURCES, Scenario
from . import prep
from .i18n import effect_unit, metric_label, metric_unit, money_scale, short_label, tr, unit_label
from .plots import (
    PrimText,
    Target,
    fan_chart,
    figure_of,
    index_bars,
    morris_scatter,
    new_axes,
    new_grid,
    prim_box,
    stacked_area,
    yearly_bars,
)

#: the registry's key metrics (``key=True``): one comparison chart each
COMPARE_METRICS = tuple(key_metrics())

__all__ = ["COMPARE_METRICS", "Plot", "compare_figures", "discovery_figure", "file_stem", "run_figures",
           "sweep_figures"]


@dataclass
class Plot:
    """One figure of the report: file stem (plots/<name>.png), the figure, its caption's text key."""

    name: str
    figure: Figure
    caption: str = "how_to_read"


def _unit(unit: str, lang: str) -> str:
    text = unit_label(unit, lang)
    return text[:1].upper() + text[1:]


def file_stem(name: str) -> str:
    """A file-name-safe stem."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name)


def _fan(ts: pd.DataFrame, metrics: Sequence[str], lang: str, title: str, ylabel: str,
         ax: Axes | None = None, scale: float = 1.0,
         labeller: Callable[[str, str], str] = metric_label, xlabel: bool = True,
         **kw: Any) -> Figure | None:
    fan = prep.fan_frame(ts, metrics, scale)
    if fan.empty:
        return None
    labels = {m: labeller(m, lang) for m in metrics}
    ax = fan_chart(fan, ax, title=title, ylabel=ylabel, xlabel=tr("month", lang) if xlabel else "",
                   labels=labels, band_labels=(tr("band50", lang), tr("band90", lang)), **kw)
    return figure_of(ax)


def _target_lines(sc: Scenario, metrics: Sequence[str], lang: str) -> list[Target]:
    """The scenario's policy targets on ``metrics``, as lines (value, deadline, legend text)."""
    lines = []
    for t in sc.targets:
        if t.metric not in metrics:
            continue
        value = (f"{t.threshold:.0%}" if metric_unit(t.metric) == "share" else f"{t.threshold:,g}")
        value = f"{t.operator} {value}".removeprefix(">= ")
        label = (tr("target_line", lang, value=value, date=t.date) if t.date else
                 tr("target_line_end", lang, value=value))
        lines.append(Target(t.threshold, pd.Timestamp(t.date) if t.date else None, label))
    return lines


def _coverage(ts: pd.DataFrame, sc: Scenario, lang: str) -> Figure | None:
    names = ["station_coverage", "room_coverage"]
    return _fan(ts, names, lang, tr("coverage", lang), tr("coverage_y", lang), percent=True,
                target=_target_lines(sc, names, lang))


def _workforce(ts: pd.DataFrame, sc: Scenario, lang: str) -> Figure | None:
    levels = [f"certified_by_level.{lv}" for lv in LEVELS]
    frame = prep.median_frame(ts, levels)
    if frame.empty or frame.shape[1] == 0:
        return None
    labels = {c: short_label(c, lang) for c in levels}
    if "social_workers_total" in ts.columns:  # the rest of the workforce: no certificate
        held = ts[[c for c in levels if c in ts.columns]].sum(axis=1)  # staff certificates too
        rest = ts.assign(uncertified=ts["social_workers_total"] - held)
        frame["uncertified"] = prep.median_frame(rest, ["uncertified"])["uncertified"]
        labels["uncertified"] = tr("uncertified", lang)
    total = prep.median_frame(ts, ["social_workers_total"])
    ax = stacked_area(frame, title=tr("workforce", lang), ylabel=_unit("people", lang),
                      xlabel=tr("month", lang), labels=labels,
                      total=total.get("social_workers_total"),
                      total_label=metric_label("social_workers_total", lang))
    return figure_of(ax)


def _cw(ts: pd.DataFrame, sc: Scenario, lang: str) -> Figure | None:
    name = "community_worker_certified_share"
    # seed 002's target counts a degree too (issue 14); runs saved before it lack the column
    names = [m for m in ("community_worker_qualified_share", name) if m in ts.columns]
    # the target line of the first metric only: both targets share Tianjin's 50% by 2025
    targets = [t for t in sc.targets if t.metric in names[:1]]
    title = tr("cw", lang)
    if targets:  # named by the target's own date (not always 2025)
        title = (tr("with_target", lang, title=title, date=targets[0].date) if targets[0].date
                 else tr("with_target_end", lang, title=title))
    return _fan(ts, names, lang, title, "%", percent=True, target=_target_lines(sc, names[:1], lang))


def _exams(ts: pd.DataFrame, sc: Scenario, lang: str) -> Figure | None:
    names = ["exam_registrations", "exam_passes"]
    frame = prep.yearly_frame(ts, names)
    if frame.empty:
        return None
    ax = yearly_bars(frame, title=tr("exams", lang), ylabel=_unit("people/year", lang),
                     xlabel=tr("year", lang), labels={m: metric_label(m, lang) for m in names})
    return figure_of(ax)


Panel = tuple[list[str], str, str]  # metrics, title, registry unit


def _two_panels(ts: pd.DataFrame, lang: str, top: Panel, bottom: Panel) -> Figure | None:
    """Two fan charts stacked, for quantities in different units."""
    if not any(m in ts.columns for m in (*top[0], *bottom[0])):
        return None
    axes = new_axes(rows=2)
    for ax, (metrics, title, unit) in zip(axes, (top, bottom), strict=True):
        _fan(ts, metrics, lang, title, _unit(unit, lang), ax=ax, xlabel=ax is axes[-1])
    return figure_of(axes[0])


def _volunteers(ts: pd.DataFrame, sc: Scenario, lang: str) -> Figure | None:
    return _two_panels(ts, lang, (["volunteers_registered", "volunteers_active"], tr("volunteers", lang),
                                  "people"),
                       (["volunteer_hours"], tr("volunteer_hours", lang), "hours/month"))


def _service(ts: pd.DataFrame, sc: Scenario, lang: str) -> Figure | None:
    return _two_panels(ts, lang, (["need_hours", "served_hours"], tr("service", lang), "hours/month"),
                       (["backlog_hours"], tr("backlog", lang), "hours"))


def _panels(ts: pd.DataFrame, metrics: Sequence[str], lang: str, title: str, ylabel: str,
            percent: bool = False, labeller: Callable[[str, str], str] = metric_label) -> Figure | None:
    """Small multiples: one fan chart per metric present, titled by its label, shared axes."""
    present = [m for m in metrics if m in ts.columns]
    if not present:
        return None
    axes = new_grid(len(present), title)
    for i, (ax, metric) in enumerate(zip(axes, present, strict=True)):
        _fan(ts, [metric], lang, labeller(metric, lang), ylabel if i % 2 == 0 else "", ax=ax,
             percent=percent, legend=False, xlabel=False)
        ax.title.set_fontsize("medium")
    return figure_of(axes[0])


def _waits(ts: pd.DataFrame, sc: Scenario, lang: str) -> Figure | None:
    return _panels(ts, ["mean_wait_months", *(f"mean_wait_months.{g}" for g in GROUPS)], lang,
                   tr("waits", lang), _unit("months", lang), labeller=short_label)


def _spending(ts: pd.DataFrame, sc: Scenario, lang: str) -> Figure | None:
    sources = [f"spend_by_source.{s}" for s in SOURCES]
    frame = prep.median_frame(ts, sources, money_scale("yuan/month", lang))
    if frame.shape[1] == 0:
        return None
    axes = new_axes(rows=2)
    stacked_area(frame, axes[0], title=tr("spending", lang), ylabel=_unit("yuan/month", lang),
                 xlabel="", labels={c: short_label(c, lang) for c in sources})
    _fan(ts, ["cost_per_service_hour"], lang, tr("cost_hour", lang), _unit("yuan/hour", lang),
         ax=axes[1])
    return figure_of(axes[0])


def _compliance(ts: pd.DataFrame, sc: Scenario, lang: str) -> Figure | None:
    names = ["staffing_compliance", "duties_compliance",
             *[c for c in ts.columns if c.startswith("duties_compliance.")]]
    return _panels(ts, names, lang, tr("compliance", lang), "%", percent=True)


RUN_FIGURES: list[tuple[str, Callable[[pd.DataFrame, Scenario, str], Figure | None], str]] = [
    ("coverage", _coverage, "how_to_read"),
    ("workforce_levels", _workforce, "workforce_note"),
    ("community_workers_certified", _cw, "cw_note"),
    ("exams", _exams, "exams_note"),
    ("volunteers", _volunteers, "how_to_read"),
    ("need_and_service", _service, "how_to_read"),
    ("wait_by_group", _waits, "how_to_read"),
    ("spending", _spending, "how_to_read"),
    ("compliance", _compliance, "how_to_read"),
]


def run_figures(ts: pd.DataFrame, scenario: Scenario, lang: str) -> list[Plot]:
    """The run's figures, labelled in ``lang``."""
    return [Plot(name, fig, caption) for name, build, caption in RUN_FIGURES
            if (fig := build(ts, scenario, lang)) is not None]


def compare_figures(runs: Sequence[tuple[str, pd.DataFrame]], lang: str,
                    bands: tuple[int, ...] = (50,)) -> list[Plot]:
    """One chart per key metric with every scenario's median and 50% band (or ``bands``:
    90 is the 5-95% band)."""
    plots = []
    for metric in COMPARE_METRICS:
        unit = metric_unit(metric)
        frames = [prep.fan_frame(ts, [metric], money_scale(unit, lang)).assign(series=label)
                  for label, ts in runs if metric in ts.columns]
        if not frames:
            continue
        fan = pd.concat(frames, ignore_index=True)
        fan["series"] = pd.Categorical(fan["series"], categories=[label for label, _ in runs])
        label = metric_label(metric, lang)
        ylabel = f"{label} (%)" if unit == "share" else _unit(unit, lang)
        ax = fan_chart(fan, title=tr("compare_title", lang, metric=label), ylabel=ylabel,
                       xlabel=tr("month", lang), labels={}, bands=bands, percent=unit == "share", dashes=True,
                       band_labels=(tr("band50", lang), tr("band90", lang)))
        plots.append(Plot(f"compare_{file_stem(metric)}", figure_of(ax), "compare_plot_note"))
    return plots


def _index_plot(sens: pd.DataFrame, output: str, lang: str, indices: tuple[str, ...]) -> Plot | None:
    frame = prep.index_frame(sens, output, indices)
    if frame.empty:
        return None
    label = metric_label(output, lang)
    if indices == ("spearman",):
        ax = index_bars(frame, title=tr("spearman", lang, output=label), xlabel=tr("spearman_x", lang),
                        indices=indices, labels=("ρ",))
        return Plot(f"spearman_{file_stem(output)}", figure_of(ax), "spearman_note")
    ax = index_bars(frame, title=tr("sobol", lang, output=label), xlabel=tr("sobol_x", lang),
                    indices=indices, labels=(tr("s1", lang), tr("st", lang)))
    return Plot(f"sobol_{file_stem(output)}", figure_of(ax), "sobol_note")


def _morris_plot(sens: pd.DataFrame, output: str, lang: str) -> Plot | None:
    scale, unit = effect_unit(metric_unit(output), lang)
    frame = prep.morris_frame(sens, output, scale)
    if frame.empty:
        return None
    label = metric_label(output, lang)
    ax = morris_scatter(frame, title=tr("morris", lang, output=label), xlabel=tr("mu_star", lang, unit=unit),
                        ylabel=tr("sigma", lang, unit=unit), diagonal_label=tr("sigma_eq", lang))
    return Plot(f"morris_{file_stem(output)}", figure_of(ax), "morris_note")


def discovery_figure(info: dict[str, Any], boxes: pd.DataFrame, lang: str) -> Plot:
    """``swsim discover``'s figure (trajectory and chosen box) drawn in ``lang`` from its
    discovery.json and boxes.csv (see :func:`.data.load_discovery`)."""
    text = PrimText(*(tr(key, lang, target=info.get("target", "—"), points=info.get("points", "—"),
                         box=int(boxes.loc[boxes["chosen"].astype(bool), "box"].iloc[0]))
                      for key in ("prim_title", "prim_trajectory", "prim_coverage", "prim_density",
                                  "prim_restricted", "prim_chosen", "prim_box", "prim_position")))
    return Plot("discovery", prim_box(boxes, info["chosen_box"]["limits"], text), "discovery_plot")


def sweep_figures(sens: pd.DataFrame, lang: str) -> list[Plot]:
    """Per output, whichever the indices allow: S1/ST bars (Sobol, FAST), the Morris mu*-sigma
    scatter, rank-correlation bars (Latin hypercube)."""
    plots = []
    for output in sens["output"].drop_duplicates().astype(str):
        plots += [_index_plot(sens, output, lang, ("S1", "ST")), _morris_plot(sens, output, lang),
                  _index_plot(sens, output, lang, ("spearman",))]
    return [p for p in plots if p is not None]
