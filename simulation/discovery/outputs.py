"""Discovery outputs with stable names: boxes.csv, discovery.json, discovery.png.

Written (atomically) to ``SWEEP_DIR/discovery/`` unless ``--out`` says
otherwise, so ``swsim report`` can pick them up from a sweep folder:

* ``boxes.csv``: one row per step of PRIM's peeling trajectory: ``box``,
  ``coverage``, ``density``, ``mass`` (shares 0-1), ``res_dim`` (levers
  restricted), ``n`` (points in the box), ``k`` (of which meet the target),
  ``chosen`` (the reported box), then ``<lever>.low`` and ``<lever>.high``.
* ``discovery.json``: the target, how points were classified, the chosen box
  with its limits per lever, and the file list.
* ``discovery.png``: coverage vs density along the trajectory, and the chosen
  box's range of each lever within the sweep's range.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..results import (
    BOXES,
    DISCOVERY_FILES,
    DISCOVERY_JSON,
    DISCOVERY_PNG,
    json_text,
    write_atomic,
    write_folder,
)
from .prim_box import Discovery

__all__ = ["plot_discovery", "read_boxes", "summary", "write_outputs"]


def summary(disc: Discovery | None, info: dict) -> dict:
    """discovery.json's content: ``info`` (target, points, ...) plus the chosen box, if any."""
    out = dict(info)
    if disc is None:
        out["chosen_box"] = None
        return out
    row = disc.trajectory.iloc[disc.chosen]
    out["chosen_box"] = {"box": int(row["box"]), "coverage": float(row["coverage"]),
                         "density": float(row["density"]), "mass": float(row["mass"]),
                         "res_dim": int(row["res_dim"]), "limits": disc.limits()}
    if disc.peeled is not None:  # PRIM's box, before the restrictions that did not matter
        own = disc.trajectory.iloc[disc.peeled]
        out["chosen_box"]["prim_box"] = {k: float(own[k]) for k in
                                         ("box", "coverage", "density", "mass", "res_dim")}
    return out


def plot_discovery(disc: Discovery, title: str):
    """Left: peeling trajectory (coverage vs density); right: the chosen box per lever."""
    from matplotlib.figure import Figure  # drawn without pyplot: any backend will do

    traj, limits = disc.trajectory, disc.limits()
    fig = Figure(figsize=(12, max(3.5, 0.6 * len(limits) + 2)), layout="constrained")
    left, right = fig.subplots(1, 2)
    sc = left.scatter(traj["coverage"], traj["density"], c=traj["res_dim"], cmap="viridis")
    row = traj.iloc[disc.chosen]
    left.scatter([row["coverage"]], [row["density"]], s=160, facecolors="none", edgecolors="red",
                 label=f"chosen box {int(row['box'])}")
    left.set(xlabel="coverage (share of target-meeting points inside)",
             ylabel="density (share of points inside meeting the target)",
             title="PRIM peeling trajectory", xlim=(0, 1.02), ylim=(0, 1.02))
    fig.colorbar(sc, ax=left, label="levers restricted")
    left.legend(loc="lower left")
    _box_panel(right, limits)
    fig.suptitle(title)
    return fig


def _box_panel(ax, limits: dict[str, dict]) -> None:
    names = list(limits)
    for i, name in enumerate(names):
        lim = limits[name]
        span = (lim["sweep_high"] - lim["sweep_low"]) or 1.0
        lo = (lim["low"] - lim["sweep_low"]) / span
        hi = (lim["high"] - lim["sweep_low"]) / span
        ax.barh(i, 1.0, color="#dddddd")
        ax.barh(i, hi - lo, left=lo, color="#d62728" if lim["restricted"] else "#1f77b4")
        ax.text(1.02, i, f"{lim['low']:.3g} – {lim['high']:.3g}", va="center", fontsize="small")
    ax.set_yticks(range(len(names)), names)
    ax.set(xlim=(0, 1.35), xlabel="position within the sweep's range (0 = low, 1 = high)",
           title="Chosen box (red: restricted lever)")
    ax.invert_yaxis()


def write_outputs(out: Path, disc: Discovery | None, info: dict) -> list[str]:
    """Write the files into a folder built beside ``out`` and swapped in whole; return
    their names (without the plot when no box was found)."""
    names: list[str] = []
    write_folder(out, lambda folder: names.extend(_fill(folder, disc, info)))
    return names


def _fill(out: Path, disc: Discovery | None, info: dict) -> list[str]:
    if disc is None:
        write_atomic(out / BOXES, "box,coverage,density,mass,res_dim,n,k,chosen\n")
        names = [BOXES, DISCOVERY_JSON]
    else:
        boxes = disc.trajectory.copy()
        boxes.insert(7, "chosen", boxes["box"] == disc.chosen)
        write_atomic(out / BOXES, boxes.to_csv(index=False))
        buf = io.BytesIO()
        plot_discovery(disc, f"Where {info['target']} (PRIM on {info['points']} points)").savefig(
            buf, format="png", dpi=110)
        write_atomic(out / DISCOVERY_PNG, buf.getvalue())
        names = list(DISCOVERY_FILES)
    data = summary(disc, {**info, "files": names})
    write_atomic(out / DISCOVERY_JSON, json_text(data))
    return names


def read_boxes(path: Path) -> pd.DataFrame:
    """boxes.csv back as a DataFrame (for reports)."""
    return pd.read_csv(path)
