"""Observed vs simulated over time, one panel per metric, with the hold-out boundary marked.

Plot functions take the fit table (see :func:`simulation.calibration.runner.fit_table`)
and compute nothing; they never ``show()``. Matplotlib runs on the Agg backend.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["fit_png", "plot_fit"]

OBSERVED, SIMULATED, HELD = "#222222", "#1f77b4", "#d62728"


def _when(date: str) -> pd.Timestamp:
    """A month's date; a yearly total is drawn mid-year (1 July)."""
    return pd.Timestamp(f"{date}-07-01" if len(date) == 4 else f"{date}-01")


def plot_fit(fit: pd.DataFrame, holdout_from: str | None = None) -> Figure:
    """A figure: per metric, observed points and simulated means with 90% bands over time."""
    from matplotlib.figure import Figure  # drawn without pyplot: any backend will do

    from ..outcomes import METRICS

    info = {m.name: m for m in METRICS}
    groups = list(fit.groupby(["metric", "kind"], sort=False))
    cols = min(2, len(groups))
    rows = math.ceil(len(groups) / cols)
    fig = Figure(figsize=(6.0 * cols, 3.4 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, ((key, kind), g) in zip(axes, groups, strict=False):
        metric = str(key)  # a metric name
        _panel(ax, g, holdout_from)
        unit = info[metric].unit.replace("/month", "/year") if kind == "year total" else info[metric].unit
        ax.set_title(f"{info[metric].label_en}" + (" (yearly total)" if kind == "year total" else ""))
        ax.set_ylabel(unit)
    for ax in axes[len(groups):]:
        ax.set_visible(False)
    fig.suptitle("Observed vs simulated (mean and 5-95% band over runs of the best parameters)")
    return fig


def _panel(ax: Axes, g: pd.DataFrame, holdout_from: str | None) -> None:
    # dates on x: matplotlib's unit converters take them, its annotations say numbers only
    x = [_when(d) for d in g["date"]]
    err = [g["simulated_mean"] - g["simulated_p05"], g["simulated_p95"] - g["simulated_mean"]]
    ax.errorbar(x, g["simulated_mean"], yerr=err, fmt="o-",  # type: ignore[arg-type]
                color=SIMULATED, capsize=4, label="simulated")
    ax.plot(x, g["observed"], "s", color=OBSERVED,  # type: ignore[arg-type]
            markerfacecolor="none", markersize=8, label="observed")
    if holdout_from:
        ax.axvline(pd.Timestamp(f"{holdout_from}-01"),  # type: ignore[arg-type]
                   color=HELD, linestyle="--", label=f"hold-out from {holdout_from}")
    ax.tick_params(axis="x", labelrotation=30)
    ax.ticklabel_format(axis="y", style="plain", useOffset=False)
    ax.legend(fontsize="small")


def fit_png(fit: pd.DataFrame, holdout_from: str | None = None) -> bytes:
    """:func:`plot_fit` as PNG bytes."""
    buf = io.BytesIO()
    plot_fit(fit, holdout_from).savefig(buf, format="png", dpi=110)
    return buf.getvalue()
