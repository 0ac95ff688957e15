"""Plot functions: a prepared DataFrame (and an optional ``ax``) in, the axes out.

They compute nothing (quantiles, medians and sums come from :mod:`.prep`), never call
``show()``, and draw on :class:`matplotlib.figure.Figure` objects, not pyplot's global state.
Colours are the Okabe-Ito palette (readable with colour-vision deficiencies).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch
from matplotlib.transforms import ScaledTranslation

__all__ = ["OKABE_ITO", "PrimText", "Target", "district_tiles", "fan_chart", "figure_of", "index_bars",
           "morris_scatter", "new_axes", "new_grid", "prim_box", "stacked_area", "yearly_bars"]

#: Okabe & Ito (2008), black last; the yellow is kept for fills only late in the cycle
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", (0, (5, 2)), (0, (1, 1.5)), (0, (6, 2, 1, 2)))
_BAND_ALPHA = {50: 0.35, 90: 0.15}


class Target(NamedTuple):
    """A target line: ``value`` on the y axis, reached by ``date`` (or None), and its label."""

    value: float
    date: pd.Timestamp | None
    label: str


def new_axes(ax: Axes | None = None, size: tuple[float, float] = (9.0, 4.6), rows: int = 1) -> list[Axes]:
    """``[ax]`` if given, else the axes of a new figure with ``rows`` panels stacked vertically."""
    if ax is not None:
        return [ax]
    fig = Figure(figsize=(size[0], size[1] * rows), layout="constrained")
    return list(np.atleast_1d(fig.subplots(rows, 1, sharex=rows > 1)))


def new_grid(n: int, title: str, cols: int = 2, size: tuple[float, float] = (4.6, 2.9)) -> list[Axes]:
    """``n`` panels sharing both axes, ``cols`` per row, under one figure title (small multiples)."""
    rows = -(-n // cols)
    fig = Figure(figsize=(size[0] * cols, size[1] * rows + 0.4), layout="constrained")
    axes = list(np.ravel(fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)))
    for extra in axes[n:]:
        extra.set_visible(False)
        for other in axes[n - cols:n]:  # the panel above an empty slot shows the dates
            other.xaxis.set_tick_params(labelbottom=True)
    fig.suptitle(title, x=0.01, ha="left")
    return axes[:n]


def figure_of(ax: Axes) -> Figure:
    """The figure ``ax`` is drawn in (matplotlib types ``Axes.figure`` as a figure or a
    sub-figure; these plots never use sub-figures)."""
    fig = ax.figure
    assert isinstance(fig, Figure)
    return fig


def _date_axis(ax: Axes) -> None:
    """Year ticks ("2027") over long spans, month ticks ("2027-07") over short ones, spaced
    so that the labels fit the axes' width."""
    lo, hi = (mdates.num2date(x) for x in ax.get_xlim())
    years = (hi - lo).days / 365.25
    width = ax.get_position().width * figure_of(ax).get_figwidth()  # inches
    if years > 2.5:
        locator: mdates.DateLocator = mdates.YearLocator(math.ceil(years / max(3, int(width * 1.6))))
        fmt = "%Y"
    else:
        locator = mdates.MonthLocator(interval=math.ceil(12 * years / max(3, int(width * 0.9))))
        fmt = "%Y-%m"
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter(fmt))


def _value_axis(ax: Axes, percent: bool, axis: str = "y") -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    if percent:
        target.set_major_formatter(mticker.PercentFormatter(xmax=1.0, decimals=0))
        (ax.set_ylim if axis == "y" else ax.set_xlim)(0, 1.04)
        return
    if axis == "y" and ax.dataLim.y0 >= 0:  # non-negative quantities are shown from zero
        ax.axhline(0, color="0.3", lw=0.8).sticky_edges.y.append(0)
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    if max(abs(lo), abs(hi)) >= 1000:
        target.set_major_formatter(mticker.StrMethodFormatter("{x:,.0f}"))


def _text_width(text: str, points: float) -> float:
    """About how wide ``text`` is set at ``points`` (wide CJK characters one em, others 0.6)."""
    return points * sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)


def _below(ax: Axes) -> float:
    """How far (points) the x axis' tick labels and label reach below the axes."""
    def height(size: float | str | None) -> float:
        return 1.25 * FontProperties(size=size).get_size_in_points()

    drop = 0.0
    params = ax.xaxis.get_tick_params(which="major")
    if params.get("labelbottom", True) and ax.xaxis.get_visible():
        drop += rcParams["xtick.major.size"] + rcParams["xtick.major.pad"] + height(
            rcParams["xtick.labelsize"])
    if ax.get_xlabel():
        drop += rcParams["axes.labelpad"] + height(rcParams["axes.labelsize"])
    return drop


def _legend(ax: Axes, extra: list[Patch] | None = None, reverse: bool = False, side: bool = False) -> None:
    """The legend below the axes (under its tick labels and label), in as many columns as
    fit the figure's width, so that the plot keeps the whole width (a legend at the side
    took up to 45% of it and crowded the years); ``side``: at the right instead (plots
    without a date axis, whose entries are long parameter names)."""
    handles, labels = ax.get_legend_handles_labels()
    for patch in extra or []:
        handles.append(patch)
        labels.append(patch.get_label())
    if not handles:
        return
    if reverse:
        handles, labels = handles[::-1], labels[::-1]
    if side:
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        return
    size = FontProperties(size=rcParams["legend.fontsize"]).get_size_in_points()
    entry = [(rcParams["legend.handlelength"] + rcParams["legend.handletextpad"]
              + rcParams["legend.columnspacing"]) * size + _text_width(label, size) for label in labels]
    room = figure_of(ax).get_figwidth() * 72 * 0.92
    ncols = next(n for n in range(len(labels), 0, -1)
                 if n == 1 or sum(max(entry[c::n]) for c in range(n)) <= room)
    nudge = ScaledTranslation(0, -(_below(ax) + 4) / 72, ax.figure.dpi_scale_trans)
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0, 0),
              bbox_transform=ax.transAxes + nudge, ncols=ncols, borderaxespad=0)


def _finish(ax: Axes, title: str, ylabel: str, xlabel: str, percent: bool) -> None:
    ax.set_title(title, loc="left")
    ax.set_ylabel(ylabel)
    ax.set_xlabel(xlabel)
    _value_axis(ax, percent)


def _target(ax: Axes, target: Target) -> None:
    ax.axhline(target.value, color="black", ls="--", lw=1.2, label=target.label)
    if target.date is not None:
        # matplotlib converts dates through its units registry; its stubs take floats only
        ax.axvline(target.date, color="black", ls=":", lw=1.2)  # type: ignore[arg-type]


def fan_chart(fan: pd.DataFrame, ax: Axes | None = None, *, title: str, ylabel: str, xlabel: str,
              labels: Mapping[str, str], band_labels: tuple[str, str] = ("50% band", "90% band"),
              percent: bool = False, bands: tuple[int, ...] = (90, 50),
              target: Target | Sequence[Target] | None = None, legend: bool = True,
              dashes: bool = False) -> Axes:
    """Median lines with 50% and 90% bands, one colour per ``series`` (and one line style if
    ``dashes``, so that identical lines stay distinguishable).

    ``fan``: columns ``series, date, q05, q25, q50, q75, q95`` (see :func:`.prep.fan_frame`).
    """
    ax = new_axes(ax)[0]
    edges = {50: ("q25", "q75"), 90: ("q05", "q95")}
    for i, (series, g) in enumerate(fan.groupby("series", sort=False, observed=True)):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        for band in bands:
            lo, hi = edges[band]
            ax.fill_between(g["date"], g[lo], g[hi], color=colour, alpha=_BAND_ALPHA[band], lw=0)
        ax.plot(g["date"], g["q50"], color=colour, lw=2, label=labels.get(str(series), str(series)),
                ls=LINESTYLES[i % len(LINESTYLES)] if dashes else "-")
    for line in [target] if isinstance(target, Target) else target or ():
        _target(ax, line)
    _finish(ax, title, ylabel, xlabel, percent)
    _date_axis(ax)
    if legend:
        _legend(ax, [Patch(color="0.4", alpha=_BAND_ALPHA[b], label=band_labels[0 if b == 50 else 1])
                     for b in sorted(bands)])
    return ax


def stacked_area(frame: pd.DataFrame, ax: Axes | None = None, *, title: str, ylabel: str,
                 xlabel: str, labels: Mapping[str, str], total: pd.Series | None = None,
                 total_label: str = "") -> Axes:
    """Stacked areas, one per column of ``frame`` (index: dates), plus an optional total line."""
    ax = new_axes(ax)[0]
    colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(frame.shape[1])]
    ax.stackplot(frame.index, *(frame[c] for c in frame.columns), colors=colours, alpha=0.85,
                 labels=[labels.get(c, c) for c in frame.columns])
    if total is not None:
        ax.plot(total.index, total, color="black", lw=1.5, ls="--", label=total_label)
    _finish(ax, title, ylabel, xlabel, percent=False)
    _date_axis(ax)
    _legend(ax, reverse=True)  # first entry = top of the stack
    return ax


def yearly_bars(frame: pd.DataFrame, ax: Axes | None = None, *, title: str, ylabel: str,
                xlabel: str, labels: Mapping[str, str]) -> Axes:
    """Grouped bars per year (median) with 5th-95th percentile whiskers.

    ``frame``: columns ``series, year, q05, q50, q95`` (see :func:`.prep.yearly_frame`).
    """
    ax = new_axes(ax)[0]
    groups = list(frame.groupby("series", sort=False, observed=True))
    years = sorted(frame["year"].unique())
    width = 0.8 / max(len(groups), 1)
    for i, (series, g) in enumerate(groups):
        x = np.searchsorted(years, g["year"]) + (i - (len(groups) - 1) / 2) * width
        err = np.vstack([g["q50"] - g["q05"], g["q95"] - g["q50"]])
        ax.bar(x, g["q50"], width, yerr=err, capsize=3, color=OKABE_ITO[i % len(OKABE_ITO)],
               label=labels.get(str(series), str(series)), error_kw={"lw": 1, "ecolor": "0.25"})
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    ax.grid(axis="x", visible=False)
    _finish(ax, title, ylabel, xlabel, percent=False)
    _legend(ax)
    return ax


def index_bars(frame: pd.DataFrame, ax: Axes | None = None, *, title: str, xlabel: str,
               indices: Sequence[str] = ("S1", "ST"), labels: Sequence[str] = ("S1", "ST")) -> Axes:
    """Horizontal bars per parameter, one per index (e.g. Sobol S1 and ST), with confidence
    whiskers; the first row of ``frame`` on top.

    ``frame``: columns ``parameter`` and, per index, ``<index>`` and ``<index>_conf``
    (see :func:`.prep.index_frame`).
    """
    ax = new_axes(ax, size=(9.0, 1.5 + 0.32 * len(indices) * len(frame)))[0]
    y = np.arange(len(frame))
    height = 0.76 / len(indices)
    for i, (col, label) in enumerate(zip(indices, labels, strict=True)):
        offset = (i - (len(indices) - 1) / 2) * height
        ax.barh(y + offset, frame[col], height, xerr=frame[f"{col}_conf"].fillna(0), color=OKABE_ITO[i],
                label=label, capsize=3, error_kw={"lw": 1, "ecolor": "0.25"})
    ax.set_yticks(y, frame["parameter"])
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", lw=0.8)
    ax.grid(axis="y", visible=False)
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    _legend(ax, side=True)
    return ax


def morris_scatter(frame: pd.DataFrame, ax: Axes | None = None, *, title: str, xlabel: str,
                   ylabel: str, diagonal_label: str = "σ = μ*") -> Axes:
    """Morris mu* against sigma, one colour and marker per parameter, mu* confidence whiskers,
    and the line sigma = mu* (above it, effects are non-linear or interacting).

    ``frame``: columns ``parameter, mu_star, mu_star_conf, sigma`` (see :func:`.prep.morris_frame`).
    """
    ax = new_axes(ax, size=(9.0, 5.0))[0]
    rows = zip(frame["parameter"], frame["mu_star"], frame["sigma"], frame["mu_star_conf"], strict=True)
    for i, (parameter, mu_star, sigma, conf) in enumerate(rows):
        ax.errorbar(mu_star, sigma, xerr=0 if pd.isna(conf) else conf,
                    fmt=MARKERS[i % len(MARKERS)], ms=8, capsize=3, label=parameter,
                    color=OKABE_ITO[(i + i // len(MARKERS)) % len(OKABE_ITO)], elinewidth=1)
    xlim, ylim = (0, ax.dataLim.x1 * 1.08 or 1.0), (0, ax.dataLim.y1 * 1.1 or 1.0)  # room for markers
    top = max(xlim[1], ylim[1])
    ax.plot([0, top], [0, top], color="0.5", ls="--", lw=1, label=diagonal_label)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    _value_axis(ax, percent=False, axis="x")
    _value_axis(ax, percent=False, axis="y")
    _legend(ax, side=True)
    return ax


class PrimText(NamedTuple):
    """The words of the PRIM figure (see :func:`prim_box`)."""

    title: str
    trajectory: str
    coverage: str
    density: str
    restricted: str
    chosen: str  # legend of the chosen box's marker
    box: str
    position: str


def prim_box(trajectory: pd.DataFrame, limits: Mapping[str, Mapping[str, float]],
             text: PrimText) -> Figure:
    """Scenario discovery (PRIM): left, the peeling trajectory (coverage against density,
    coloured by the levers restricted, the chosen box circled); right, each lever's range in
    the chosen box within the sweep's range (red: restricted), as ``swsim discover`` draws it.

    ``trajectory``: columns ``coverage, density, res_dim, chosen`` (discover's boxes.csv);
    ``limits``: per lever ``low, high, sweep_low, sweep_high, restricted``.
    """
    fig = Figure(figsize=(12, max(3.5, 0.6 * len(limits) + 2)), layout="constrained")
    left, right = fig.subplots(1, 2)
    points = left.scatter(trajectory["coverage"], trajectory["density"], c=trajectory["res_dim"],
                          cmap="viridis")
    row = trajectory[trajectory["chosen"].astype(bool)].iloc[0]
    left.scatter([row["coverage"]], [row["density"]], s=160, facecolors="none", edgecolors="red",
                 label=text.chosen)
    left.set(xlabel=text.coverage, ylabel=text.density, xlim=(0, 1.02), ylim=(0, 1.02))
    left.set_title(text.trajectory, loc="left")
    fig.colorbar(points, ax=left, label=text.restricted)
    left.legend(loc="lower left")
    names = list(limits)
    for i, name in enumerate(names):
        lim = limits[name]
        span = (lim["sweep_high"] - lim["sweep_low"]) or 1.0
        lo = (lim["low"] - lim["sweep_low"]) / span
        hi = (lim["high"] - lim["sweep_low"]) / span
        right.barh(i, 1.0, color="#dddddd")
        right.barh(i, hi - lo, left=lo, color="#d62728" if lim["restricted"] else OKABE_ITO[0])
        right.text(1.02, i, f"{lim['low']:.3g} – {lim['high']:.3g}", va="center", fontsize="small")
    right.set_yticks(range(len(names)), names)
    right.set(xlim=(0, 1.35), xlabel=text.position)
    right.set_title(text.box, loc="left")
    right.grid(axis="y", visible=False)
    right.invert_yaxis()
    fig.suptitle(text.title)
    return fig


def district_tiles(values: pd.Series, ax: Axes | None = None, *, title: str, nodata: str,
                   cmap: str = "viridis") -> Axes:
    """One tile per district in a near-square grid, coloured by a share (0-100%, one colour
    scale for every month) and labelled with the district's name and value; grey where
    ``values`` is NaN (no units there). ``values``: index district names, shares in [0, 1]."""
    import matplotlib as mpl

    ax = new_axes(ax, size=(6.4, 4.8))[0]
    n = len(values)
    cols = max(1, math.ceil(math.sqrt(n * 4 / 3)))
    rows = max(1, math.ceil(n / cols))
    colours = mpl.colormaps[cmap]
    for i, (name, value) in enumerate(values.items()):
        r, c = divmod(i, cols)
        missing = not np.isfinite(value)
        face = "0.85" if missing else colours(float(np.clip(value, 0, 1)))
        ax.add_patch(mpl.patches.Rectangle((c, rows - 1 - r), 0.94, 0.94, facecolor=face,
                                           edgecolor="white"))
        dark = not missing and float(value) < 0.6  # white text on viridis' dark end
        text = nodata if missing else f"{value:.0%}"
        ax.text(c + 0.47, rows - 1 - r + 0.47, f"{name}\n{text}", ha="center", va="center",
                fontsize=9 if n <= 30 else 7, color="white" if dark else "black")
    ax.set_xlim(-0.05, cols)
    ax.set_ylim(-0.05, rows)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(title, loc="left")
    bar = ax.figure.colorbar(mpl.cm.ScalarMappable(mpl.colors.Normalize(0, 1), colours), ax=ax,
                             shrink=0.8)
    bar.ax.yaxis.set_major_formatter(mticker.PercentFormatter(xmax=1.0, decimals=0))
    return ax
