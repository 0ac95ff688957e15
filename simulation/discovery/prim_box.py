"""PRIM (EMA Workbench) on sample points: the peeling trajectory and the chosen box.

PRIM peels the lever space down to a box where the target is met in a large
share of points (density) while keeping many of the points where it is met
(coverage). We keep every step of the trajectory with its box limits and
choose the step with the highest coverage among those with density at least
``min_density`` (else the densest step).

Then, as EMA Workbench's box inspection suggests, restrictions that do not matter are
dropped: one whose quasi-p-value (PRIM's significance of the restriction) is at least
:data:`SIGNIFICANCE`, or that trims less than :data:`MIN_RESTRICTION` of the lever's
sampled range, is released, the least significant first, recomputing the others'
quasi-p-values each time, until every restriction left is significant and trims at least
that much (or one is left). The box's coverage can only grow; its density may fall. The
simplified box is appended to the trajectory and chosen; a lever it leaves at its full
range is reported unrestricted (a 0.2348-0.5986 limit of a 0.2-0.6 sweep no longer is).
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MIN_RESTRICTION", "SIGNIFICANCE", "Discovery", "run_prim"]

SIGNIFICANCE = 0.05  #: a restriction with a quasi-p-value at or above this does not matter
MIN_RESTRICTION = 0.10  #: nor one trimming less of the sampled range (assumption, 0.05-0.2)


@dataclass
class Discovery:
    """The peeling trajectory (one row per box: stats and ``<lever>.low/.high``) and the choice."""

    trajectory: pd.DataFrame
    chosen: int
    levers: list[str]
    ranges: dict[str, tuple[float, float]]  # each lever's range over the sample points
    declared: dict[str, tuple[float, float]] | None = None  # the experiment's ranges, if known
    peeled: int | None = None  # PRIM's own choice when restrictions were released from it

    def limits(self, i: int | None = None) -> dict[str, dict[str, float | bool]]:
        """Box ``i``'s limits per lever (default: the chosen box), with a restricted flag."""
        row = self.trajectory.iloc[self.chosen if i is None else i]
        out: dict[str, dict[str, float | bool]] = {}
        for lever in self.levers:
            low, high = float(row[f"{lever}.low"]), float(row[f"{lever}.high"])
            d_low, d_high = self.ranges[lever]
            s_low, s_high = (self.declared or self.ranges).get(lever, self.ranges[lever])
            out[lever] = {"low": low, "high": high, "sweep_low": s_low, "sweep_high": s_high,
                          "restricted": bool(low > d_low or high < d_high)}
        return out


def _prim_module() -> Any:  # EMA Workbench is untyped
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*ipyparallel.*")
        # optional plotting extra of EMA Workbench that swsim does not use
        warnings.filterwarnings("ignore", message="altair based interactive inspection",
                                category=ImportWarning)
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
    peeled = _choose(traj, min_density)
    traj, chosen = _simplify(x, np.asarray(y, dtype=bool), traj, peeled, ranges)
    return Discovery(traj, chosen, list(x.columns), ranges, declared,
                     None if chosen == peeled else peeled)


def _stats(x: pd.DataFrame, y: np.ndarray, limits: dict[str, tuple[float, float]]) -> dict[str, float]:
    inside = np.ones(len(y), bool)
    for lever, (low, high) in limits.items():
        inside &= (x[lever].to_numpy() >= low) & (x[lever].to_numpy() <= high)
    n, k = int(inside.sum()), int((inside & y).sum())
    return {"coverage": k / max(int(y.sum()), 1), "density": k / n if n else 0.0,
            "mass": n / len(y), "n": float(n), "k": float(k)}


def _quasi_p(x: pd.DataFrame, y: np.ndarray, limits: dict[str, tuple[float, float]],
             lever: str, ranges: dict[str, tuple[float, float]]) -> float:
    """EMA Workbench's quasi-p-value of ``lever``'s restriction: the chance of the box's
    density (k of n) if the lever were free (one-sided binomial test)."""
    from scipy.stats import binomtest

    here = _stats(x, y, limits)
    free = _stats(x, y, {**limits, lever: ranges[lever]})
    n, k = int(here["n"]), int(here["k"])
    return 1.0 if n == 0 else float(binomtest(k, n, free["density"], alternative="greater").pvalue)


def _simplify(x: pd.DataFrame, y: np.ndarray, traj: pd.DataFrame, chosen: int,
              ranges: dict[str, tuple[float, float]]) -> tuple[pd.DataFrame, int]:
    """Release the chosen box's restrictions that do not matter (see the module doc): the
    least significant first, recomputing the others' significance each time, while more
    than one restriction is left."""
    row = traj.iloc[chosen]
    limits = {c: (float(row[f"{c}.low"]), float(row[f"{c}.high"])) for c in x.columns}
    released = False
    while True:
        restricted = [c for c in x.columns if limits[c] != ranges[c]]
        if len(restricted) <= 1:
            break
        weak = []
        for c in restricted:
            width = ranges[c][1] - ranges[c][0]
            trimmed = width - (limits[c][1] - limits[c][0])
            qp = _quasi_p(x, y, limits, c, ranges)
            if qp >= SIGNIFICANCE or (width > 0 and trimmed < MIN_RESTRICTION * width):
                weak.append((qp, c))
        if not weak:
            break
        limits[max(weak)[1]] = ranges[max(weak)[1]]
        released = True
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
