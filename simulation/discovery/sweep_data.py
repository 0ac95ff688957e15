"""Read a finished sweep folder and make PRIM's inputs: lever values and the target per point.

Replicates of a sample point are averaged (over runs that succeeded with a
finite value) before the target is applied, so a point counts as meeting
the target when its replicate mean does. Points without any value are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..results import MANIFEST, RUNS, ResultsError, finished_sweep, read_parquet
from .target import Target

__all__ = ["SweepData", "load_points"]

RESWEEP = "run the sweep again (swsim sweep ... --overwrite)"


@dataclass
class SweepData:
    """Lever values and the target output's replicate mean per sample point."""

    x: pd.DataFrame  # one row per sample point, one column per lever
    value: np.ndarray  # the output's mean over replicates
    runs: int
    dropped: int  # sample points without any finite value
    manifest: dict[str, Any]


def load_points(folder: Path, target: Target) -> SweepData:
    """The sweep's sample points with the target output averaged over replicates; a
    :class:`~simulation.results.ResultsError` if the folder is not a finished sweep, is
    damaged, or the target names no output of it."""
    manifest = finished_sweep(folder, RESWEEP)
    outputs, levers = manifest.get("outputs"), manifest.get("parameters")
    if not isinstance(outputs, list) or not isinstance(levers, dict):
        raise ResultsError(f"{folder / MANIFEST}: damaged, no list of outputs or map of "
                           f"parameters; {RESWEEP}")
    levers = list(levers)
    if target.output not in outputs:
        raise ResultsError(f"--target: {target.output!r} is not an output of this sweep "
                           f"(outputs: {', '.join(outputs)})")
    runs = read_parquet(folder / RUNS, RESWEEP,
                        columns=["sample", "status", *levers, target.output]).to_pandas()
    ok = runs[(runs["status"] == "ok") & np.isfinite(runs[target.output])]
    points = ok.groupby("sample", sort=True).agg({**{lv: "first" for lv in levers},
                                                 target.output: "mean"})
    dropped = int(runs["sample"].nunique() - len(points))
    if not len(points):
        raise ResultsError(f"{folder}: no successful run gives {target.output}")
    return SweepData(points[levers].reset_index(drop=True), points[target.output].to_numpy(),
                     len(runs), dropped, manifest)
