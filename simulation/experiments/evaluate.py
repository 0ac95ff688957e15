"""The simulation as a plug-in model: ``evaluate(params, seed) -> {output: value}``.

Sweeps treat every model alike: a function of a dict of parameter values and
an integer seed that returns named numbers. This is the simulation that way:
:func:`simulation.execution.model_run.simulate` (the one function that builds and
runs the model, also used by ``swsim run``) and the named outputs of its records.
Calibration calls it too, with its targets as outputs. Only the requested outputs
travel back, never the full time series.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from ..execution.model_run import output_value, outputs_of, simulate, split_output
from ..outcomes import metric_names
from ..params import Scenario, load_scenario

__all__ = ["evaluate", "output_value", "split_output"]


@lru_cache(maxsize=8)
def _load(ref: str) -> Scenario:
    return load_scenario(ref)


def evaluate(params: dict[str, float], seed: int,
             scenario: Scenario | str | Path = "tianjin_baseline",
             outputs: Sequence[str] | None = None, replicate: int = 0) -> dict[str, float]:
    """Run the simulation once and return its outputs.

    Args:
        params: parameter values by dotted key path (as ``--set``), in the schema's units;
            whole-number parameters are rounded.
        seed: the run's seed (any integer in [0, 2**63)).
        scenario: base scenario (object, file path or shipped name).
        outputs: metric names, optionally ``metric@YYYY-MM`` for a given month or
            ``metric@YYYY`` for a year's total (default: every metric's final value).
        replicate: the model's replicate key (0 for sweeps and calibration, which key
            runs by seed; see :mod:`simulation.execution.seeds`).

    Returns:
        Each output's value, in the metric's unit (see :mod:`simulation.outcomes`).
    """
    base = scenario if isinstance(scenario, Scenario) else _load(str(scenario))
    records = simulate(params, seed, base, replicate)
    return outputs_of(records, outputs or metric_names())
