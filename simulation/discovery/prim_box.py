"""PRIM (EMA Workbench) on sample points: the peeling trajectory and the chosen box.

PRIM peels the lever space down to a box where the target is met in a large
share of points (density) while keeping many of the points where it is met
(coverage). We keep every step of the trajectory with its box limits and
choose the step with the highest coverage among those with density at least
``min_density`` (else the densest step).

Then, as EMA Workbench's box inspection suggests, restrictions that do not matter are
dropped: one whose quasi-p-value (PRIM's significance of the restriction) is at least
:data:`SIGNIFICANCE`, or that trims less than :data:`MIN_RESTRICTION` of the lever's
sampled range, is released (least significant first) as long as the box loses at most
:data:`DENSITY_SLACK` of density (its coverage can only grow). The
simplified box is appended to the trajectory and chosen; a lever it leaves at its full
range is reported unrestricted (a 0.2348-0.5986 limit of a 0.2-0.6 sweep no longer is).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DENSITY_SLACK", "MIN_RESTRICTION", "SIGNIFICANCE", "Discovery", "run_prim"]

SIGNIFICANCE = 0.05  #: a restriction with a quasi-p-value at or above this does not matter
MIN_RESTRICTION = 0.10  #: nor one trimming less of the sampled range (assumption, 0.05-0.2)
DENSITY_SLACK = 0.02  #: density the box may lose by releasing them (assumption, 0-0.05)


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
    chosen = _choose(traj, min_density)
    traj, chosen = _simplify(x, np.asarray(y, dtype=bool), traj, chosen,
                             box.p_values[chosen], ranges)
    return Discovery(traj, chosen, list(x.columns), ranges, declared)


def _stats(x: pd.DataFrame, y: np.ndarray, limits: dict[str, tuple[float, float]]) -> dict:
    inside = np.ones(len(y), bool)
    for lever, (low, high) in limits.items():
        inside &= (x[lever].to_numpy() >= low) & (x[lever].to_numpy() <= high)
    n, k = int(inside.sum()), int((inside & y).sum())
    return {"coverage": k / max(int(y.sum()), 1), "density": k / n if n else 0.0,
            "mass": n / len(y), "n": float(n), "k": float(k)}


def _simplify(x: pd.DataFrame, y: np.ndarray, traj: pd.DataFrame, chosen: int,
              qp: dict[str, list[float]], ranges: dict[str, tuple[float, float]]
              ) -> tuple[pd.DataFrame, int]:
    """Release the chosen box's restrictions that do not matter (see the module doc)."""
    row = traj.iloc[chosen]
    limits = {c: (float(row[f"{c}.low"]), float(row[f"{c}.high"])) for c in x.columns}
    restricted = [c for c in x.columns if limits[c] != ranges[c]]
    density = float(row["density"])
    floor = density - DENSITY_SLACK - 1e-12  # essentially as dense as PRIM's box

    def weak(c: str) -> bool:
        width = ranges[c][1] - ranges[c][0]
        trimmed = width - (limits[c][1] - limits[c][0])
        p = min((v for v in qp.get(c, []) if v is not None and v >= 0), default=1.0)
        return p >= SIGNIFICANCE or (width > 0 and trimmed < MIN_RESTRICTION * width)

    released = False
    order = sorted(restricted, key=lambda c: -min((v for v in qp.get(c, []) if v >= 0),
                                                  default=1.0))
    for c in order:
        if not weak(c):
            continue
        trial = {**limits, c: ranges[c]}
        if _stats(x, y, trial)["density"] >= floor:
            limits, released = trial, True
    if not released:
        return traj, chosen
    new = {"box": float(len(traj)), **_stats(x, y, limits),
           "res_dim": float(sum(limits[c] != ranges[c] for c in x.columns))}
    for c in x.columns:
        new[f"{c}.low"], new[f"{c}.high"] = limits[c]
    traj = pd.concat([traj, pd.DataFrame([new])[traj.columns]], ignore_index=True)
    return traj, len(traj) - 1


def _choose(traj: pd.DataFrame, min_density: float) -> int:
    dense = traj[traj["density"] >= min_density - 1e-12]
    if len(dense):
        return int(dense.sort_values(["coverage", "box"], ascending=[False, True]).index[0])
    return int(traj.sort_values(["density", "coverage"], ascending=False).index[0])
