"""Targets for scenario discovery: ``"metric@YYYY-MM >= value"`` parsed and applied.

The left side names one output column of the sweep: ``metric@YYYY-MM`` (that
month), ``metric@YYYY`` (that year's total) or a bare ``metric`` (its final value); the operator is one of
``>=``, ``>``, ``<=``, ``<``; the right side is a number in the metric's unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..params.schema import TARGET_OPERATORS, PolicyTarget, target_met

__all__ = ["OPERATORS", "Target", "TargetError", "from_policy", "parse_target"]

#: the comparisons a target may make: a policy target's (one declaration, params/schema.py)
OPERATORS: tuple[str, ...] = TARGET_OPERATORS
_OP = "|".join(re.escape(op) for op in sorted(OPERATORS, key=len, reverse=True))  # >= before >
_PATTERN = re.compile(r"^\s*(?P<output>[A-Za-z_][A-Za-z0-9_.]*(@\d{4}(-\d{2})?)?)\s*"
                      rf"(?P<op>{_OP})\s*(?P<value>[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*$")


class TargetError(ValueError):
    """A target that cannot be parsed."""


@dataclass(frozen=True)
class Target:
    """An output column, a comparison and a threshold (in the output's unit)."""

    output: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.output} {self.op} {self.value:g}"

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Where the target is met (False for NaN): the model's one judgement of a target
        (:func:`simulation.params.schema.target_met`), as the report judges it."""
        met: np.ndarray = target_met(values, self.op, self.value)
        return met


def from_policy(target: PolicyTarget) -> Target:
    """A scenario's policy target as a sweep output test: ``metric@date`` (or the bare metric,
    its final value, when the target has no date), its operator and threshold."""
    output = f"{target.metric}@{target.date}" if target.date else target.metric
    return Target(output, target.operator, float(target.threshold))


def parse_target(text: str) -> Target:
    """``"community_worker_certified_share@2025-12 >= 0.5"`` -> :class:`Target`."""
    m = _PATTERN.match(text)
    if not m:
        raise TargetError(f"cannot read target {text!r}; expected OUTPUT OP VALUE, e.g. "
                          "\"community_worker_certified_share@2025-12 >= 0.5\" "
                          f"(OP: {', '.join(OPERATORS)})")
    return Target(m["output"], m["op"], float(m["value"]))
