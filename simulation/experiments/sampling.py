"""Sample points with SALib, and the run plan: run ids, replicates and per-run seeds.

Run ``k`` is replicate ``k % replicates`` of sample point ``k // replicates``;
its seed comes from ``numpy.random.SeedSequence([experiment seed, k])``
(:func:`simulation.execution.seeds.run_seed`), so every executor (serial, processes,
a Dask cluster) runs exactly the same runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..execution.seeds import run_seed  # the sweep's run seeds (one place for every command)

if TYPE_CHECKING:
    from .spec import Experiment

__all__ = ["FAST_M", "MORRIS_LEVELS", "design_points", "problem", "run_seed", "sample"]

MORRIS_LEVELS = 4  # grid levels of Morris trajectories (SALib's default)
FAST_M = 4  # SALib's FAST interference factor; it needs samples > 4 M^2


def problem(exp: Experiment) -> dict[str, Any]:
    """SALib's problem dict: parameter names and [low, high] bounds, in file order."""
    names = list(exp.parameters)
    return {"num_vars": len(names), "names": names,
            "bounds": [list(exp.parameters[n]) for n in names]}


def design_points(method: str, n: int, d: int, second_order: bool = False) -> int:
    """Rows :func:`sample` gives for SALib's ``n`` over ``d`` parameters, without building them.

    sobol n(d+2) (n(2d+2) with second order), morris n(d+1) (n trajectories),
    fast n*d, lhs n; tests check these against SALib.
    """
    if method == "sobol":
        return n * (2 * d + 2 if second_order else d + 2)
    if method == "morris":
        return n * (d + 1)
    if method == "fast":
        return n * d
    if method == "lhs":
        return n
    raise ValueError(f"unknown method {method!r}")


def sample(exp: Experiment) -> np.ndarray:
    """The sample matrix, one row per sample point and one column per parameter.

    Rows: :func:`design_points` (sobol with first and total order only).
    """
    from SALib.sample import fast_sampler, latin, morris
    from SALib.sample import sobol as sobol_sampler

    prob, n, seed = problem(exp), exp.samples, exp.seed
    X: np.ndarray  # SALib is untyped
    if exp.method == "sobol":
        X = sobol_sampler.sample(prob, n, calc_second_order=False, seed=seed)
    elif exp.method == "morris":
        X = morris.sample(prob, n, num_levels=MORRIS_LEVELS, seed=seed)
    elif exp.method == "fast":
        X = fast_sampler.sample(prob, n, M=FAST_M, seed=seed)
    else:
        X = latin.sample(prob, n, seed=seed)
    return X
