"""Experiment files: the pydantic schema, loading and every check before a run.

An experiment names a model (the simulation on a base scenario, or a plug-in),
a SALib method and sample size, parameter ranges and outputs. Bad input raises
:class:`~simulation.params.ScenarioError` with the file, line and key path,
exactly as for scenarios; nothing is run or written.

Trust: a file is data and never makes swsim import arbitrary code. It may name
swsim's own models (:data:`BUILTIN_MODELS`) or a plug-in registered by an
installed package in the ``swsim.models`` entry-point group (by its name);
any other ``package.module:function`` is imported only when the caller names
exactly it (``--trust-model``). Workers get the resolved function pickled by
reference, so they import its module only for a plan that passed this check.
"""

from __future__ import annotations

import difflib
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from pydantic import ConfigDict, Field

from ..params import Scenario, ScenarioError, load_scenario
from ..params.loader import FileCheck, SourceMap, read_yaml, validate_mapping
from ..params.schema import FileModel
from ..provenance import fingerprint
from .levers import check_points, check_ranges
from .sampling import FAST_M, design_points, sample

__all__ = ["RESERVED_COLUMNS", "Experiment", "Plan", "find_shipped", "load_experiment", "resolve_model",
           "shipped_files"]

#: runs.parquet columns that parameter and output names may not take
RESERVED_COLUMNS = ("run_id", "sample", "replicate", "seed", "status", "error")
BUILTIN = "simulation:evaluate"
#: swsim's own models, which a file may name without opt-in
BUILTIN_MODELS = (BUILTIN, "simulation.experiments.evaluate:evaluate",
                  "simulation.experiments.examples:ishigami")
ENTRY_POINTS = "swsim.models"  # entry-point group of registered plug-in models
_ENTRY_NAME = r"[A-Za-z0-9_][A-Za-z0-9_.\-]*"
_MODULE_REF = r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*"
MODEL_REF = rf"^({_MODULE_REF}|{_ENTRY_NAME})$"
BUILTIN_FUNCTION = ("simulation.experiments.evaluate", "evaluate")
MAX_RUNS = 10_000_000  # runs a sweep may have (points x replicates)
MAX_DESIGN_BYTES = 2**30  # sample matrix (points x parameters x 8 bytes) a sweep may build


class Experiment(FileModel):
    """One sensitivity experiment, as written in ``experiments/*.yaml``."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$",
                      description="experiment name (folder-safe); results go to results/<name>")
    description: str = Field("", description="what the experiment asks")
    scenario: str | None = Field(None, min_length=1, description="base scenario: shipped name "
                                 "or path relative to the experiment file (built-in model only)")
    model: str | None = Field(None, pattern=MODEL_REF,
                              description="model: the simulation (default), a built-in "
                              "'module:function', a 'swsim.models' entry-point name, or a "
                              "'package.module:function' trusted with --trust-model")
    method: Literal["sobol", "morris", "fast", "lhs"]
    samples: int = Field(ge=1, le=10_000_000, description="SALib's N (trajectories for morris)")
    replicates: int = Field(1, ge=1, le=10_000, description="stochastic replicates per point")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="experiment seed")
    parameters: dict[str, tuple[float, float]] = Field(
        min_length=1, description="dotted parameter path -> [low, high]")
    outputs: list[str] = Field(min_length=1, description="metric names, metric@YYYY-MM (that "
                               "month) or metric@YYYY (the total of that year's twelve months)")


@dataclass(frozen=True)
class Plan:
    """A validated experiment, ready to sample and run."""

    experiment: Experiment
    file: Path
    scenario: Scenario | None
    model: Callable[..., dict[str, float]]  # f(params, seed, **options) -> outputs
    #: the sample matrix, built and checked point by point for the built-in model (None:
    #: a plug-in model's, built by the sweep)
    design: Any = field(default=None, compare=False, repr=False)

    @property
    def builtin(self) -> bool:
        return self.scenario is not None

    @property
    def names(self) -> list[str]:
        return list(self.experiment.parameters)

    @property
    def points(self) -> int:
        """Sample points of the design, counted without building it."""
        exp = self.experiment
        return design_points(exp.method, exp.samples, len(exp.parameters))

    @property
    def runs(self) -> int:
        return self.points * self.experiment.replicates

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


def _import(ref: str, check: FileCheck) -> Any:
    module_name, _, attr = ref.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # noqa: BLE001 - any import failure is bad input here
        check.fail("model", f"cannot import module {module_name!r} ({exc.__class__.__name__}: {exc})")
    return getattr(module, attr, None)


def _entry_point(name: str, check: FileCheck) -> Any:
    found = [ep for ep in metadata.entry_points(group=ENTRY_POINTS) if ep.name == name]
    if not found:
        check.fail("model", f"{name!r} is not a built-in model nor a registered '{ENTRY_POINTS}' "
                   "entry point; give package.module:function with --trust-model, or register it")
    try:
        return found[0].load()
    except Exception as exc:  # noqa: BLE001 - a broken plug-in is bad input here
        check.fail("model", f"cannot load entry point {name!r} = {found[0].value} "
                   f"({exc.__class__.__name__}: {exc})")


def resolve_model(ref: str | None, trust: str | None, check: FileCheck
                  ) -> Callable[..., dict[str, float]]:
    """The model a file names, imported only if trusted (see the module docstring).

    ``trust`` is the one ``package.module:function`` the user trusts (``--trust-model``);
    it must be exactly the file's model. Anything else fails at ``model`` before any import.
    """
    ref = ref or BUILTIN
    if trust is not None and trust != ref:
        check.fail("model", f"--trust-model names {trust!r} but the file's model is {ref!r}; "
                   "the flag must name exactly the model you trust")
    fn: Callable[..., dict[str, float]]  # checked callable below; what it returns, by the sweep
    if ":" not in ref:
        fn = _entry_point(ref, check)
    elif ref in BUILTIN_MODELS or ref == trust:
        fn = _import(ref, check)
    else:
        check.fail("model", f"{ref!r} is not a built-in or registered model, and a configuration "
                   f"file alone never imports code: register it as a '{ENTRY_POINTS}' entry "
                   f"point, or pass --trust-model {ref} if you trust it")
    if not callable(fn):
        check.fail("model", f"{ref!r} is not a function")
    return fn


def _check_method(exp: Experiment, check: FileCheck) -> None:
    n = exp.samples
    if exp.method == "sobol" and (n < 2 or n & (n - 1)):
        check.fail("samples", f"sobol needs a power of 2 (e.g. 64, 256, 1024), got {n}")
    if exp.method == "fast" and n <= 4 * FAST_M**2:
        check.fail("samples", f"fast needs more than {4 * FAST_M**2} samples, got {n}")
    if exp.method == "morris" and n < 2:
        check.fail("samples", f"morris needs at least 2 trajectories, got {n}")


def _check_size(exp: Experiment, check: FileCheck) -> None:
    """Refuse a design too big to build or run, before building it."""
    d = len(exp.parameters)
    points = design_points(exp.method, exp.samples, d)
    runs, size = points * exp.replicates, points * d * 8
    what = (f"{exp.method} with samples {exp.samples} over {d} parameter(s) makes {points:,} sample "
            f"points")
    if runs > MAX_RUNS:
        check.fail("samples", f"{what} x {exp.replicates} replicate(s) = {runs:,} runs; the limit "
                   f"is {MAX_RUNS:,} runs")
    if size > MAX_DESIGN_BYTES:
        check.fail("samples", f"{what}, a {size / 2**30:.1f} GiB sample matrix; the limit is "
                   f"{MAX_DESIGN_BYTES / 2**30:g} GiB")


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
    length, shortest, span = base.months, "", ""
    if "months" in exp.parameters:  # a run is only as long as the lever's low end allows
        length = int(round(exp.parameters["months"][0]))
        shortest, span = " in the shortest run the 'months' lever allows", f"{length} months: "
    months = {month_label(base.start, k - 1) for k in range(length + 1)}
    stepped = [month_label(base.start, k) for k in range(length)]  # steps 1..months
    for i, name in enumerate(exp.outputs):
        metric, _, month = name.partition("@")
        if metric not in known:
            close = difflib.get_close_matches(metric, sorted(known), n=1)
            check.fail(f"outputs.{i}", f"unknown metric {metric!r}"
                       + (f"; did you mean {close[0]!r}?" if close else ""))
        if "@" in name and len(month) == 4 and month.isdigit():  # a year's total
            if sum(m.startswith(f"{month}-") for m in stepped) != 12:
                check.fail(f"outputs.{i}", f"year {month} is not wholly simulated{shortest} "
                           f"({span}months {month_label(base.start, 0)} to "
                           f"{month_label(base.start, length - 1)})")
        elif "@" in name and month not in months:
            check.fail(f"outputs.{i}", f"month {month!r} is not simulated{shortest} ({span}YYYY-MM from "
                       f"{month_label(base.start, -1)} to {month_label(base.start, length - 1)}, "
                       "or YYYY for a year's total)")


def _base_scenario(exp: Experiment, file: Path, check: FileCheck) -> Scenario:
    ref = exp.scenario or "tianjin_baseline"
    local = file.parent / ref
    try:
        return load_scenario(local if local.is_file() else ref)
    except ScenarioError as exc:
        if exc.file == ref:  # not found at all: point at the experiment file
            check.fail("scenario", f"{exc.message}")
        raise


def shipped_files(folder: str) -> dict[str, Path]:
    """Shipped YAML files by name: the repo's ``folder/`` (``experiments``, ``calibration``)
    or, installed, its copy inside the package (``simulation/_experiments``, ...; see
    pyproject.toml's force-include), as shipped scenarios are found."""
    package = Path(__file__).resolve().parent.parent
    # the installed copy first: site-packages/ may hold an unrelated folder of that name
    for candidate in (package / f"_{folder}", package.parent / folder):
        if candidate.is_dir():
            return {p.stem: p for p in sorted(candidate.glob("*.yaml"))}
    return {}


def find_shipped(ref: str | Path, folder: str) -> Path:
    """``ref`` itself when it is a file, else the shipped file of that name (``smoke`` or
    ``smoke.yaml`` from any folder); else ``ref``, which then fails as "file not found",
    naming the shipped files."""
    path = Path(ref)
    if path.is_file() or "/" in str(ref) or os.sep in str(ref):
        return path
    shipped = shipped_files(folder)
    name = path.stem if path.suffix in (".yaml", ".yml") else path.name
    if name in shipped:
        return shipped[name]
    if not path.exists():
        raise ScenarioError(str(ref), f"file not found (shipped: {', '.join(shipped) or 'none'})")
    return path


def load_experiment(path: str | Path, trust_model: str | None = None) -> Plan:
    """Read, validate and check an experiment file (a path, or the name of a shipped one in
    ``experiments/``); raise ScenarioError on bad input.

    ``trust_model``: the one ``package.module:function`` the caller trusts (``--trust-model``).
    """
    file = find_shipped(path, "experiments")
    data, lines = read_yaml(file)
    exp: Experiment = validate_mapping(data, SourceMap([(str(file), lines)]),  # type: ignore[assignment]
                                       model=Experiment)
    check = FileCheck(file, lines)
    _check_method(exp, check)
    _check_size(exp, check)
    _check_names(exp, check)
    fn = resolve_model(exp.model, trust_model, check)
    if (getattr(fn, "__module__", None), getattr(fn, "__name__", None)) != BUILTIN_FUNCTION:
        if exp.scenario is not None:
            check.fail("scenario", f"only the built-in model ({BUILTIN}) reads a scenario; "
                       "remove this key for a plug-in model")
        return Plan(exp, file, None, fn)
    base = _base_scenario(exp, file, check)
    _check_levers(exp, base, check)
    _check_outputs(exp, base, check)
    design = sample(exp)  # every sample point through the schema before anything runs
    check_points(base, list(exp.parameters), design, check)
    return Plan(exp, file, base, fn, design)
