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
from typing import Any

from ..report.figures import discovery_figure
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

__all__ = ["summary", "write_outputs"]


def summary(disc: Discovery | None, info: dict[str, Any]) -> dict[str, Any]:
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


def write_outputs(out: Path, disc: Discovery | None, info: dict[str, Any]) -> list[str]:
    """Write the files into a folder built beside ``out`` and swapped in whole; return
    their names (without the plot when no box was found)."""
    names: list[str] = []
    write_folder(out, lambda folder: names.extend(_fill(folder, disc, info)))
    return names


def _fill(out: Path, disc: Discovery | None, info: dict[str, Any]) -> list[str]:
    if disc is None:
        write_atomic(out / BOXES, "box,coverage,density,mass,res_dim,n,k,chosen\n")
        names = [BOXES, DISCOVERY_JSON]
    else:
        boxes = disc.trajectory.copy()
        boxes.insert(7, "chosen", boxes["box"] == disc.chosen)
        write_atomic(out / BOXES, boxes.to_csv(index=False))
        names = list(DISCOVERY_FILES)
    data = summary(disc, {**info, "files": names})
    if disc is not None:  # the report's own figure, in English (swsim report redraws it in zh)
        buf = io.BytesIO()
        discovery_figure(data, boxes, "en").figure.savefig(buf, format="png", dpi=110)
        write_atomic(out / DISCOVERY_PNG, buf.getvalue())
    write_atomic(out / DISCOVERY_JSON, json_text(data))
    return names
