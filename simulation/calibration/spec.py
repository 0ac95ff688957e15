"""Calibration files: the pydantic schema, loading and every check before a run.

A calibration names a base scenario, the parameters to fit with bounds, the
observations to fit (inline or a CSV), the month from which observations are
held out for the back-test, and the search budget. Bad input raises
:class:`~simulation.params.ScenarioError` with the file, line and key path,
exactly as for scenarios and experiments; nothing is run or written.

Dates: ``YYYY-MM`` is the metric's value in that month (step 0, the month
before ``start``, holds the starting stocks); ``YYYY`` is the sum of a flow
metric (unit ``.../month``) over the twelve months of that year.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field, ValidationError, field_validator

from ..params import Scenario, ScenarioError, load_scenario
from ..params.loader import FileCheck, SourceMap, read_yaml, validate_mapping
from ..params.schema import FileModel, PolicyTarget, YearMonth, YearOrMonth
from ..provenance import fingerprint
from .objective import Target

__all__ = ["Calibration", "CalibrationPlan", "Observation", "load_calibration"]

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"  # tells a month from a year (both checked by the schema's types)
CSV_COLUMNS = ("metric", "date", "value", "weight")


def _text(value: object) -> object:
    """YAML reads ``2023`` as a number; dates are text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Observation(FileModel):
    """One observed figure: a metric in a month (``YYYY-MM``) or a flow's yearly total (``YYYY``)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    metric: str = Field(min_length=1, description="metric name (see simulation/outcomes.py)")
    date: YearOrMonth = Field(description="YYYY-MM (that month) or YYYY (yearly total of a "
                              "flow), from 1900-01 to 2199-12")
    value: float = Field(description="observed value, in the metric's unit (per year for YYYY)")
    weight: float = Field(1.0, ge=0, description="weight in the objective (0: reported only)")
    note: str = Field("", description="where the figure comes from")

    _date_text = field_validator("date", mode="before")(_text)


class Calibration(FileModel):
    """One calibration, as written in ``calibration/*.yaml``."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$",
                      description="calibration name (folder-safe); results go to results/<name>")
    description: str = Field("", description="what is fitted to what")
    scenario: str = Field("tianjin_baseline", min_length=1,
                          description="base scenario: shipped name or path relative to this file")
    parameters: dict[str, tuple[float, float]] = Field(
        min_length=1, description="dotted parameter path -> [low, high] search bounds")
    start: dict[str, float] = Field(default_factory=dict,
                                    description="first trial's values (default: the base scenario's)")
    targets: list[Observation] = Field(default_factory=list, description="observations")
    targets_csv: str | None = Field(None, min_length=1, description="CSV of observations "
                                    "(columns metric,date,value[,weight]), relative to this file")
    holdout_from: YearMonth | None = Field(None, description="YYYY-MM: observations "
                                     "from this month on are held out for the back-test")
    replicates: int = Field(2, ge=1, le=1000, description="runs per trial (the mean is fitted)")
    trials: int = Field(40, ge=1, le=100_000, description="parameter sets tried")
    batch: int = Field(8, ge=1, le=1000, description="trials asked of the sampler at once "
                       "(results do not depend on the number of workers)")
    startup_trials: int = Field(10, ge=0, le=100_000, description="random trials before TPE")
    best_replicates: int = Field(20, ge=1, le=10_000, description="runs of the best parameters "
                                 "for fit.csv's mean and 90% band")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="calibration seed")
    method: Literal["tpe", "random"] = Field("tpe", description="Optuna sampler")

    _holdout_text = field_validator("holdout_from", mode="before")(_text)


@dataclass(frozen=True)
class CalibrationPlan:
    """A validated calibration: file, base scenario (and how best.yaml refers to it), targets."""

    calibration: Calibration
    file: Path
    scenario: Scenario
    base_path: Path | None  # the base scenario file (None: a shipped name)
    targets: tuple[Target, ...]

    @property
    def names(self) -> list[str]:
        return list(self.calibration.parameters)

    @property
    def policy_targets(self) -> list[PolicyTarget]:
        """The base scenario's policy targets (its ``targets:``): not fitted (they are goals,
        not observations); best.yaml extends the base scenario, so a run of the fitted
        scenario is judged against them by ``swsim report``."""
        return list(self.scenario.targets)

    def run_scenario(self) -> Scenario:
        """The base scenario cut at the last target month (later months change nothing)."""
        last = max(t.last_step for t in self.targets)
        data = self.scenario.model_dump()
        data["months"] = max(1, last)
        return Scenario.model_validate(data)

    def fingerprint(self) -> str:
        """Hash of everything that determines the trials (file, scenario, targets, versions)."""
        return fingerprint({"calibration": self.calibration.model_dump(mode="json"),
                            "scenario": self.scenario.model_dump(mode="json"),
                            "targets": [t.as_row() for t in self.targets]},
                           ("swsim", "optuna", "numpy"))


def _base(cal: Calibration, file: Path, check: FileCheck) -> tuple[Scenario, Path | None]:
    local = file.parent / cal.scenario
    try:
        sc = load_scenario(local if local.is_file() else cal.scenario)
    except ScenarioError as exc:
        if exc.file == cal.scenario:
            check.fail("scenario", exc.message)
        raise
    return sc, (local.resolve() if local.is_file() else None)


def _check_parameters(cal: Calibration, base: Scenario, check: FileCheck) -> None:
    from ..experiments.levers import check_ranges

    check_ranges(cal.parameters, base, check)
    for path, value in cal.start.items():
        if path not in cal.parameters:
            check.fail(f"start.{path}", "not one of the fitted parameters")
        low, high = cal.parameters[path]
        if not low <= value <= high:
            check.fail(f"start.{path}", f"{value:g} is outside the search bounds [{low:g}, {high:g}]")


def _read_csv(cal: Calibration, file: Path, check: FileCheck) -> list[tuple[tuple[str, int], Observation]]:
    path = file.parent / str(cal.targets_csv)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        check.fail("targets_csv", f"cannot read {path} ({exc.__class__.__name__})")
    if not rows or not {"metric", "date", "value"} <= set(rows[0]):
        check.fail("targets_csv", f"{path} needs a header with metric,date,value[,weight]")
    out = []
    for i, row in enumerate(rows, start=2):
        data = {k: v for k, v in row.items() if k in CSV_COLUMNS and v not in (None, "")}
        try:
            out.append(((str(path), i), Observation.model_validate(data)))
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            raise ScenarioError(str(path), err["msg"].removeprefix("Value error, "),
                                ".".join(map(str, err["loc"])), i) from None
    return out


def _target(obs: Observation, where: str, base: Scenario, holdout: str | None,
            check: FileCheck, row: tuple[str, int] | None) -> Target:
    from ..outcomes import METRICS
    from ..state import month_label

    units = {m.name: m.unit for m in METRICS}
    fail = partial(check.fail, row=row)
    if obs.metric not in units:
        close = difflib.get_close_matches(obs.metric, sorted(units), n=1)
        fail(f"{where}.metric", f"unknown metric {obs.metric!r}"
             + (f"; did you mean {close[0]!r}?" if close else ""))
    months = [month_label(base.start, k - 1) for k in range(base.months + 1)]
    if re.fullmatch(MONTH, obs.date):
        if obs.date not in months:
            fail(f"{where}.date", f"month {obs.date} is not simulated ({months[0]} to {months[-1]})")
        steps: tuple[int, ...] = (months.index(obs.date),)
    else:
        if not units[obs.metric].endswith("/month"):
            fail(f"{where}.date", f"a year ({obs.date}) means a yearly total, which only flow "
                 f"metrics have ({obs.metric} is in {units[obs.metric]}); give YYYY-MM")
        wanted = [f"{obs.date}-{m:02d}" for m in range(1, 13)]
        if not set(wanted) <= set(months[1:]):
            fail(f"{where}.date", f"year {obs.date} is not wholly simulated ({months[1]} to {months[-1]})")
        steps = tuple(months.index(w) for w in wanted)
    if obs.value == 0:
        fail(f"{where}.value", "must be non-zero (errors are percentages of the observation)")
    last_month = obs.date if len(obs.date) == 7 else f"{obs.date}-12"
    held = holdout is not None and last_month >= holdout
    return Target(obs.metric, obs.date, steps, obs.value, obs.weight, held)


def _check_holdout(cal: Calibration, base: Scenario, check: FileCheck) -> None:
    """``holdout_from`` must be a month the scenario simulates (steps 1..months), checked
    before anything runs (9999-12 ran every trial, then failed drawing fit.png)."""
    from ..state import month_label

    if cal.holdout_from is None:
        return
    first, last = month_label(base.start, 0), month_label(base.start, base.months - 1)
    if not first <= cal.holdout_from <= last:
        check.fail("holdout_from", f"month {cal.holdout_from} is not simulated by {base.name} "
                   f"({first} to {last})")


def _targets(cal: Calibration, file: Path, base: Scenario, check: FileCheck) -> tuple[Target, ...]:
    listed: list[tuple[str, Observation, tuple[str, int] | None]] = [
        (f"targets.{i}", o, None) for i, o in enumerate(cal.targets)]
    if cal.targets_csv:
        listed += [("row", o, row) for row, o in _read_csv(cal, file, check)]
    if not listed:
        check.fail("targets", "give at least one observation (targets or targets_csv)")
    _check_holdout(cal, base, check)
    out: list[Target] = []
    for where, obs, row in listed:
        t = _target(obs, where, base, cal.holdout_from, check, row)
        if t.label in {o.label for o in out}:
            check.fail(f"{where}.date", f"{t.label} is observed twice", row)
        out.append(t)
    if not any(not t.holdout and t.weight > 0 for t in out):
        check.fail("holdout_from" if cal.holdout_from else "targets",
                   "no observation with a positive weight is left to fit before holdout_from")
    return tuple(out)


def load_calibration(path: str | Path) -> CalibrationPlan:
    """Read, validate and check a calibration file (a path, or the name of a shipped one in
    ``calibration/``); raise ScenarioError on bad input."""
    from ..experiments.spec import find_shipped

    file = find_shipped(path, "calibration")
    data, lines = read_yaml(file)
    cal: Calibration = validate_mapping(data, SourceMap([(str(file), lines)]),  # type: ignore[assignment]
                                        model=Calibration)
    check = FileCheck(file, lines)
    base, base_path = _base(cal, file, check)
    _check_parameters(cal, base, check)
    return CalibrationPlan(cal, file, base, base_path, _targets(cal, file, base, check))
