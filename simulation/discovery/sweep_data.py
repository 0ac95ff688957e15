"""Read a finished sweep folder and make PRIM's inputs: lever values and the target per point.

Replicates of a sample point are averaged (over runs that succeeded with a
finite value) before the target is applied, so a point counts as meeting
the target when its replicate mean does. Points without any value are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..experiments.store import StoreError, read_object, read_parquet
from .target import Target

__all__ = ["SweepData", "SweepFolderError", "load_points"]


class SweepFolderError(StoreError):
    """The folder is not a finished sweep, or the target names no output of it."""


@dataclass
class SweepData:
    """Lever values and the target output's replicate mean per sample point."""

    x: pd.DataFrame  # one row per sample point, one column per lever
    value: np.ndarray  # the output's mean over replicates
    runs: int
    dropped: int  # sample points without any finite value
    manifest: dict


def _manifest(folder: Path) -> dict:
    path = folder / "manifest.json"
    if not folder.is_dir():
        raise SweepFolderError(f"{folder}: no such folder")
    if not path.is_file() or not (folder / "runs.parquet").is_file():
        raise SweepFolderError(f"{folder}: not a finished sweep (manifest.json and runs.parquet "
                               "are written when swsim sweep finishes)")
    return read_object(path, "run the sweep again (swsim sweep ... --overwrite)", SweepFolderError)


def load_points(folder: Path, target: Target) -> SweepData:
    """The sweep's sample points with the target output averaged over replicates."""
    manifest = _manifest(folder)
    outputs, levers = manifest.get("outputs"), manifest.get("parameters")
    if not isinstance(outputs, list) or not isinstance(levers, dict):
        raise SweepFolderError(f"{folder / 'manifest.json'}: damaged, no list of outputs or map of "
                               "parameters; run the sweep again (swsim sweep ... --overwrite)")
    levers = list(levers)
    if target.output not in outputs:
        raise SweepFolderError(f"--target: {target.output!r} is not an output of this sweep "
                               f"(outputs: {', '.join(outputs)})")
    runs = read_parquet(folder / "runs.parquet", "run the sweep again (swsim sweep ... "
                        "--overwrite)", columns=["sample", "status", *levers, target.output],
                        error=SweepFolderError).to_pandas()
    ok = runs[(runs["status"] == "ok") & np.isfinite(runs[target.output])]
    points = ok.groupby("sample", sort=True).agg({**{lv: "first" for lv in levers},
                                                 target.output: "mean"})
    dropped = int(runs["sample"].nunique() - len(points))
    if not len(points):
        raise SweepFolderError(f"{folder}: no successful run gives {target.output}")
    return SweepData(points[levers].reset_index(drop=True), points[target.output].to_numpy(),
                     len(runs), dropped, manifest)
