"""Example plug-in models: known-answer functions for checking the sweep machinery.

A plug-in model is any importable ``f(params: dict[str, float], seed: int) ->
dict[str, float]``; name it in an experiment file as ``model: module:function``.
"""

from __future__ import annotations

import math

__all__ = ["ISHIGAMI_A", "ISHIGAMI_B", "ishigami", "ishigami_indices"]

ISHIGAMI_A = 7.0
ISHIGAMI_B = 0.1


def ishigami(params: dict[str, float], seed: int) -> dict[str, float]:
    """The Ishigami-Homma function (a = 7, b = 0.1) of ``x1, x2, x3`` in [-pi, pi].

    ``y = sin(x1) + a sin(x2)^2 + b x3^4 sin(x1)``; deterministic, so ``seed`` is unused.
    """
    x1, x2, x3 = params["x1"], params["x2"], params["x3"]
    y = math.sin(x1) + ISHIGAMI_A * math.sin(x2) ** 2 + ISHIGAMI_B * x3**4 * math.sin(x1)
    return {"y": y}


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B) -> dict[str, dict[str, float]]:
    """Analytic first-order (S1) and total (ST) Sobol indices of the Ishigami function."""
    pi4, pi8 = math.pi**4, math.pi**8
    v1 = 0.5 * (1 + b * pi4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * pi8 / 225
    total = v1 + v2 + v13
    return {"S1": {"x1": v1 / total, "x2": v2 / total, "x3": 0.0},
            "ST": {"x1": (v1 + v13) / total, "x2": v2 / total, "x3": v13 / total}}
