"""The one function that builds and runs the model, and the outputs read from a run.

``swsim run`` keeps a run's monthly records whole (:func:`simulate`: the rows of the
model's ``mesa.DataCollector``, ``model.records``); sweeps and
calibration ask for named outputs of the same records (:func:`outputs_of`, through
:func:`simulation.experiments.evaluate.evaluate`). An output is

* ``metric``: the final month's value;
* ``metric@YYYY-MM``: that month's value (step 0 is dated the month before ``start``);
* ``metric@YYYY``: the sum of that year's twelve simulated months (steps 1 on; a yearly
  total of a flow, as calibration targets give them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..params import Scenario

__all__ = ["output_value", "outputs_of", "simulate", "split_output"]


def simulate(params: dict[str, float] | None, seed: int, scenario: Scenario,
             replicate: int = 0, districts: bool = False) -> list[dict[str, Any]]:
    """Run the model once; return its monthly records (step 0 is the starting state): the
    rows of its ``datacollector`` (``SocialWorkModel.records``), the one place metrics are
    collected.

    Args:
        params: parameter values by dotted key path (as ``--set``) applied to ``scenario``
            (whole-number parameters rounded); empty or None runs ``scenario`` as it is.
        seed, replicate: the model's random key (see :mod:`simulation.execution.seeds`).
        scenario: the scenario to run.
        districts: also give each record, under ``"districts"``, every district's shares
            (:func:`simulation.outcomes.by_district`; the page's territory view).
    """
    from ..model import SocialWorkModel

    if params:
        from ..params.levers import apply_params

        scenario = apply_params(scenario, params)
    model = SocialWorkModel(scenario, seed=seed, replicate=replicate)
    model.run()
    if districts:
        return [{**row, "districts": d}
                for row, d in zip(model.records, model.district_records, strict=True)]
    return model.records


def split_output(name: str) -> tuple[str, str | None]:
    """``"metric@YYYY-MM"`` -> ``("metric", "YYYY-MM")``; a bare metric -> ``(metric, None)``."""
    metric, _, when = name.partition("@")
    return metric, (when or None)


def output_value(records: Sequence[dict[str, Any]], name: str) -> float:
    """One output of a run's records (see the module docstring)."""
    metric, when = split_output(name)
    if when is None:
        return float(records[-1][metric])
    if len(when) == 4:  # a year: the total of its twelve months, summed in month order
        rows = [row for row in records[1:] if str(row["date"]).startswith(f"{when}-")]
        if len(rows) != 12:
            raise KeyError(f"output {name!r}: year {when} is not wholly inside the run")
        return float(sum(float(row[metric]) for row in rows))
    for row in records:
        if row["date"] == when:
            return float(row[metric])
    raise KeyError(f"output {name!r}: month {when} is outside the run")


def outputs_of(records: Sequence[dict[str, Any]], names: Sequence[str]) -> dict[str, float]:
    """Each output of ``names``, by name."""
    return {name: output_value(records, name) for name in names}
