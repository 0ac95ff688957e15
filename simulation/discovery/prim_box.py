"""PRIM (EMA Workbench) on sample points: the peeling trajectory and the chosen box.

PRIM peels the lever space down to a box where the target is met in a large
share of points (density) while keeping many of the points where it is met
(coverage). We keep every step of the trajectory with its box limits and
choose the step with the highest coverage among those with density at least
``min_density`` (else the densest step).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Discovery", "run_prim"]


@dataclass
class Discovery:
    """The peeling trajectory (one row per box: stats and ``<lever>.low/.high``) and the choice."""

    trajectory: pd.DataFrame
    chosen: int
    levers: list[str]
    ranges: dict[str, tuple[float, float]]  # each lever's range over the sample points
    declared: dict[str, tuple[float, float]] | None = None  # the experiment's ranges, if known

    def limits(self, i: int | None = None) -> dict[str, dict]:
        """Box ``i``'s limits per lever (default: the chosen box), with a restricted flag."""
        row = self.trajectory.iloc[self.chosen if i is None else i]
        out = {}
        for lever in self.levers:
            low, high = float(row[f"{lever}.low"]), float(row[f"{lever}.high"])
            d_low, d_high = self.ranges[lever]
            s_low, s_high = (self.declared or self.ranges).get(lever, self.ranges[lever])
            out[lever] = {"low": low, "high": high, "sweep_low": s_low, "sweep_high": s_high,
                          "restricted": bool(low > d_low or high < d_high)}
        return out


def _prim_module():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*ipyparallel.*")
        from ema_workbench.analysis import prim
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim


def run_prim(x: pd.DataFrame, y: np.ndarray, min_density: float = 0.8, peel_alpha: float = 0.05,
             mass_min: float = 0.05, declared: dict[str, tuple[float, float]] | None = None
             ) -> Discovery:
    """One PRIM box for boolean ``y`` over the lever columns of ``x`` (floats).

    Args:
        x: one row per sample point, one float column per lever (the lever's unit).
        y: whether the target holds at each point (at least one True).
        min_density: density (share of points in the box meeting the target, 0-1)
            the chosen box must reach.
        peel_alpha, mass_min: PRIM's peeling share per step and smallest box mass (shares).
        declared: the sweep's declared [low, high] per lever (reported as ``sweep_low/high``;
            a lever is "restricted" when the box is narrower than the sampled range).
    """
    prim = _prim_module()
    x = x.astype(float).reset_index(drop=True)
    with warnings.catch_warnings():  # pandas deprecations inside EMA Workbench
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        p = prim.Prim(x, np.asarray(y, dtype=bool).astype(int), peel_alpha=peel_alpha,
                      mass_min=mass_min)
        box = p.find_box()
    traj = box.peeling_trajectory[["coverage", "density", "mass", "res_dim", "n", "k"]].copy()
    traj = traj.astype(float).reset_index(drop=True)
    traj.insert(0, "box", range(len(traj)))
    for lever in x.columns:
        traj[f"{lever}.low"] = [float(lims.loc[0, lever]) for lims in box.box_lims]
        traj[f"{lever}.high"] = [float(lims.loc[1, lever]) for lims in box.box_lims]
    ranges = {c: (float(x[c].min()), float(x[c].max())) for c in x.columns}
    return Discovery(traj, _choose(traj, min_density), list(x.columns), ranges, declared)


def _choose(traj: pd.DataFrame, min_density: float) -> int:
    dense = traj[traj["density"] >= min_density - 1e-12]
    if len(dense):
        return int(dense.sort_values(["coverage", "box"], ascending=[False, True]).index[0])
    return int(traj.sort_values(["density", "coverage"], ascending=False).index[0])
