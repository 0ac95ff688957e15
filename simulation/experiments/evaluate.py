"""The simulation as a plug-in model: ``evaluate(params, seed) -> {output: value}``.

Sweeps treat every model alike: a function of a dict of parameter values and
an integer seed that returns named numbers. This wraps
:class:`simulation.model.SocialWorkModel` that way. Only the requested
outputs travel back, never the full time series.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from ..model import SocialWorkModel
from ..outcomes import metric_names
from ..params import Scenario, load_scenario
from .levers import apply_params

__all__ = ["evaluate", "output_value", "split_output"]


@lru_cache(maxsize=8)
def _load(ref: str) -> Scenario:
    return load_scenario(ref)


def split_output(name: str) -> tuple[str, str | None]:
    """``"metric@YYYY-MM"`` -> ``("metric", "YYYY-MM")``; a bare metric -> ``(metric, None)``."""
    metric, _, month = name.partition("@")
    return metric, (month or None)


def output_value(records: list[dict], name: str) -> float:
    """One output from a run's monthly records: the final month's value, or that month's."""
    metric, month = split_output(name)
    if month is None:
        return float(records[-1][metric])
    for row in records:
        if row["date"] == month:
            return float(row[metric])
    raise KeyError(f"output {name!r}: month {month} is outside the run")


def evaluate(params: dict[str, float], seed: int,
             scenario: Scenario | str | Path = "tianjin_baseline",
             outputs: Sequence[str] | None = None) -> dict[str, float]:
    """Run the simulation once and return its outputs.

    Args:
        params: parameter values by dotted key path (as ``--set``), in the schema's units;
            whole-number parameters are rounded.
        seed: the run's seed (any integer in [0, 2**63)).
        scenario: base scenario (object, file path or shipped name).
        outputs: metric names, optionally ``metric@YYYY-MM`` for a given month
            (default: every metric's final value).

    Returns:
        Each output's value, in the metric's unit (see :mod:`simulation.outcomes`).
    """
    base = scenario if isinstance(scenario, Scenario) else _load(str(scenario))
    model = SocialWorkModel(apply_params(base, params), seed=seed, replicate=0)
    model.run()
    return {name: output_value(model.records, name) for name in (outputs or metric_names())}
