"""What a calibration compares: targets, the simulated value of each, and the error measure.

A trial's error is the weighted mean absolute percentage error (MAPE, in
percent) of the replicate means over the in-sample targets; held-out targets
(from ``holdout_from`` on) are scored the same way but never steer the search.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..execution.seeds import trial_seed

__all__ = ["Target", "mape", "simulate", "trial_seed"]


@dataclass(frozen=True)
class Target:
    """One observation: metric, date (YYYY-MM or YYYY), the model steps summed, value, weight."""

    metric: str
    date: str
    steps: tuple[int, ...]  # record indices (step 0 = starting state); a year sums twelve
    value: float
    weight: float
    holdout: bool

    @property
    def label(self) -> str:
        """Column name: ``metric@YYYY-MM`` (that month) or ``metric@YYYY`` (the year's total)."""
        return f"{self.metric}@{self.date}"

    @property
    def last_step(self) -> int:
        return max(self.steps)

    def as_row(self) -> dict[str, Any]:
        return {"metric": self.metric, "date": self.date, "value": self.value,
                "weight": self.weight, "holdout": self.holdout}


def simulate(params: dict[str, float], seed: int, scenario: object,
             targets: tuple[Target, ...]) -> dict[str, float]:
    """Run the model once and return each target's simulated value, by label.

    A target is an output like any other (``metric@YYYY-MM``, or ``metric@YYYY`` for a
    year's total): this is :func:`simulation.experiments.evaluate.evaluate` with the
    targets' labels as outputs. ``scenario`` is a :class:`~simulation.params.Scenario`
    already cut at the last target month.
    """
    from ..experiments.evaluate import evaluate

    return evaluate(params, seed, scenario, [t.label for t in targets])  # type: ignore[arg-type]


def mape(targets: Sequence[Target], simulated: Sequence[float], holdout: bool) -> float:
    """Weighted mean absolute percentage error (percent) over in-sample or held-out targets.

    NaN when there is no such target with a positive weight, or a simulated value is missing.
    """
    num = den = 0.0
    for t, sim in zip(targets, simulated, strict=True):
        if t.holdout != holdout or t.weight <= 0:
            continue
        if not math.isfinite(sim):
            return math.nan
        num += t.weight * abs(sim - t.value) / abs(t.value)
        den += t.weight
    return 100.0 * num / den if den > 0 else math.nan
