"""Experiment files: the pydantic schema, loading and every check before a run.

An experiment names a model (the simulation on a base scenario, or a plug-in
``module:function``), a SALib method and sample size, parameter ranges and
outputs. Bad input raises :class:`~simulation.params.ScenarioError` with the
file, line and key path, exactly as for scenarios; nothing is run or written.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..params import Scenario, ScenarioError, load_scenario
from ..params.loader import FileCheck, SourceMap, read_yaml, validate_mapping
from ..provenance import fingerprint
from .levers import check_ranges

__all__ = ["RESERVED_COLUMNS", "Experiment", "Plan", "load_experiment"]

#: runs.parquet columns that parameter and output names may not take
RESERVED_COLUMNS = ("run_id", "sample", "replicate", "seed", "status", "error")
BUILTIN = "simulation:evaluate"
MODEL_REF = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$"
BUILTIN_FUNCTION = ("simulation.experiments.evaluate", "evaluate")
FAST_M = 4  # SALib's FAST interference factor; it needs samples > 4 M^2


class Experiment(BaseModel):
    """One sensitivity experiment, as written in ``experiments/*.yaml``."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$",
                      description="experiment name (folder-safe); results go to results/<name>")
    description: str = Field("", description="what the experiment asks")
    scenario: str | None = Field(None, min_length=1, description="base scenario: shipped name "
                                 "or path relative to the experiment file (built-in model only)")
    model: str | None = Field(None, pattern=MODEL_REF,
                              description="plug-in model 'module:function' (default: the simulation)")
    method: Literal["sobol", "morris", "fast", "lhs"]
    samples: int = Field(ge=1, le=10_000_000, description="SALib's N (trajectories for morris)")
    replicates: int = Field(1, ge=1, le=10_000, description="stochastic replicates per point")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="experiment seed")
    parameters: dict[str, tuple[float, float]] = Field(
        min_length=1, description="dotted parameter path -> [low, high]")
    outputs: list[str] = Field(min_length=1, description="metric names, or metric@YYYY-MM")


@dataclass(frozen=True)
class Plan:
    """A validated experiment, ready to sample and run."""

    experiment: Experiment
    file: Path
    scenario: Scenario | None
    model: Callable[[dict[str, float], int], dict[str, float]]

    @property
    def builtin(self) -> bool:
        return self.scenario is not None

    @property
    def names(self) -> list[str]:
        return list(self.experiment.parameters)

    def task(self) -> Callable[[dict[str, float], int], dict[str, float]]:
        """The picklable function each run calls: ``f(params, seed) -> outputs``."""
        if self.scenario is None:
            return self.model
        return partial(self.model, scenario=self.scenario, outputs=tuple(self.experiment.outputs))

    def fingerprint(self) -> str:
        """Hash of everything that determines the runs (experiment, scenario, versions)."""
        return fingerprint({"experiment": self.experiment.model_dump(mode="json"),
                            "scenario": (self.scenario.model_dump(mode="json")
                                         if self.scenario else None)},
                           ("swsim", "SALib", "numpy"))


def _resolve_model(ref: str | None, check: FileCheck) -> Callable:
    module_name, _, attr = (ref or BUILTIN).partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001 - any import failure is bad input here
        check.fail("model", f"cannot import module {module_name!r} ({exc.__class__.__name__}: {exc})")
    fn = getattr(module, attr, None)
    if not callable(fn):
        check.fail("model", f"module {module_name!r} has no function {attr!r}")
    return fn


def _check_method(exp: Experiment, check: FileCheck) -> None:
    n = exp.samples
    if exp.method == "sobol" and (n < 2 or n & (n - 1)):
        check.fail("samples", f"sobol needs a power of 2 (e.g. 64, 256, 1024), got {n}")
    if exp.method == "fast" and n <= 4 * FAST_M**2:
        check.fail("samples", f"fast needs more than {4 * FAST_M**2} samples, got {n}")
    if exp.method == "morris" and n < 2:
        check.fail("samples", f"morris needs at least 2 trajectories, got {n}")


def _check_names(exp: Experiment, check: FileCheck) -> None:
    for name, (low, high) in exp.parameters.items():
        if not low < high:
            check.fail(f"parameters.{name}", f"low must be below high, got [{low:g}, {high:g}]")
        if name in RESERVED_COLUMNS:
            check.fail(f"parameters.{name}", f"{name!r} is a reserved column name")
    if len(set(exp.outputs)) != len(exp.outputs):
        check.fail("outputs", "an output is listed twice")
    for i, name in enumerate(exp.outputs):
        if name in RESERVED_COLUMNS or name in exp.parameters:
            check.fail(f"outputs.{i}", f"{name!r} is a reserved column or a parameter name")


def _check_levers(exp: Experiment, base: Scenario, check: FileCheck) -> None:
    check_ranges(exp.parameters, base, check)


def _check_outputs(exp: Experiment, base: Scenario, check: FileCheck) -> None:
    from ..outcomes import metric_names
    from ..state import month_label

    known = set(metric_names())
    months = {month_label(base.start, k - 1) for k in range(base.months + 1)}
    for i, name in enumerate(exp.outputs):
        metric, _, month = name.partition("@")
        if metric not in known:
            close = difflib.get_close_matches(metric, sorted(known), n=1)
            check.fail(f"outputs.{i}", f"unknown metric {metric!r}"
                       + (f"; did you mean {close[0]!r}?" if close else ""))
        if "@" in name and month not in months:
            check.fail(f"outputs.{i}", f"month {month!r} is not simulated (YYYY-MM from "
                       f"{month_label(base.start, -1)} to {month_label(base.start, base.months - 1)})")


def _base_scenario(exp: Experiment, file: Path, check: FileCheck) -> Scenario:
    ref = exp.scenario or "tianjin_baseline"
    local = file.parent / ref
    try:
        return load_scenario(local if local.is_file() else ref)
    except ScenarioError as exc:
        if exc.file == ref:  # not found at all: point at the experiment file
            check.fail("scenario", f"{exc.message}")
        raise


def load_experiment(path: str | Path) -> Plan:
    """Read, validate and check an experiment file; raise ScenarioError on bad input."""
    file = Path(path)
    data, lines = read_yaml(file)
    exp: Experiment = validate_mapping(data, SourceMap([(str(file), lines)]),  # type: ignore[assignment]
                                       model=Experiment)
    check = FileCheck(file, lines)
    _check_method(exp, check)
    _check_names(exp, check)
    fn = _resolve_model(exp.model, check)
    if (getattr(fn, "__module__", None), getattr(fn, "__name__", None)) != BUILTIN_FUNCTION:
        if exp.scenario is not None:
            check.fail("scenario", f"only the built-in model ({BUILTIN}) reads a scenario; "
                       "remove this key for a plug-in model")
        return Plan(exp, file, None, fn)
    base = _base_scenario(exp, file, check)
    _check_levers(exp, base, check)
    _check_outputs(exp, base, check)
    return Plan(exp, file, base, fn)
