"""Run scenarios: replicates in, a results object and a results folder out.

Thin by design: the model does the work; this module seeds replicates
(:func:`simulation.execution.seeds.replicate_key`), runs them with
:func:`simulation.execution.model_run.simulate` on an executor (serially by default;
local processes or a Dask cluster give the same bytes), gathers their metrics into
one table, summarises and writes files.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .execution.executors import Executor, Result, Run, SerialExecutor
from .execution.model_run import simulate
from .execution.seeds import replicate_key
from .outcomes import METRICS, metric_names
from .params import Scenario, load_scenario
from .progress import Progress
from .provenance import git_commit, versions
from .results import (
    MANIFEST,
    RUN_FILES,
    SCENARIO,
    SUMMARY,
    TIMESERIES,
    json_text,
    write_atomic,
    write_folder,
    yaml_text,
)

__all__ = ["ReplicateError", "RunResult", "district_frame", "replicate_tables", "run", "run_replicate",
           "run_replicates", "summarise"]

ID_COLUMNS = ["scenario", "replicate", "step", "date"]


class ReplicateError(RuntimeError):
    """A replicate of ``swsim run`` raised (or lost its worker twice); the message says which."""


def _frame(scenario: Scenario, replicate: int, records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records)
    frame.insert(0, "replicate", replicate)
    frame.insert(0, "scenario", scenario.name)
    return frame[ID_COLUMNS + metric_names()]


def run_replicate(scenario: Scenario, seed: int, replicate: int) -> pd.DataFrame:
    """One replicate's monthly metrics (step 0 is the starting state), in this process."""
    return run_replicates(scenario, seed, [replicate])[0]


def _replicate_records(scenario: Scenario, seed: int, replicates: list[int],
                       executor: Executor | None, districts: bool,
                       progress: Progress | None = None,
                       cancelled: Callable[[], bool] | None = None) -> list[list[dict[str, Any]]]:
    """Each replicate's monthly records, in the order of ``replicates``; ``progress(done,
    total)`` hears of finished replicates (:mod:`simulation.progress`); ``cancelled()``
    stops the run (:class:`simulation.execution.driver.Cancelled`)."""
    task = partial(simulate, scenario=scenario)  # picklable: runs on any executor
    if districts:
        task = partial(simulate, scenario=scenario, districts=True)
    runs = []
    for i, r in enumerate(replicates):
        model_seed, model_replicate = replicate_key(seed, r)
        runs.append(Run(i, {}, model_seed, model_replicate))
    got: dict[int, Result] = {}

    def take(results: list[Result]) -> None:
        for res in results:
            if res.status != "ok":
                raise ReplicateError(f"{scenario.name}: replicate {replicates[res.run_id]} "
                                     f"failed: {res.error}")
            got[res.run_id] = res

    from .execution.driver import drive

    drive(executor or SerialExecutor(), task, None, runs, take, progress=progress,
          cancelled=cancelled)
    return [got[i].values for i in range(len(replicates))]


def run_replicates(scenario: Scenario, seed: int, replicates: list[int],
                   executor: Executor | None = None, progress: Progress | None = None,
                   cancelled: Callable[[], bool] | None = None) -> list[pd.DataFrame]:
    """The monthly metrics of each of ``replicates``, in that order, run on ``executor``
    (default: serially in this process). Raises :class:`ReplicateError` if one fails.
    ``progress(done, total)`` hears of finished replicates (:mod:`simulation.progress`);
    once ``cancelled()`` says so, the executor stops what is in flight and
    :class:`simulation.execution.driver.Cancelled` is raised."""
    records = _replicate_records(scenario, seed, replicates, executor, districts=False,
                                 progress=progress, cancelled=cancelled)
    return [_frame(scenario, r, rows) for r, rows in zip(replicates, records, strict=True)]


def district_frame(replicate: int, records: list[dict[str, Any]]) -> pd.DataFrame:
    """One replicate's per-district shares in long form: ``replicate, step, date, district``
    and one column per :data:`simulation.outcomes.DISTRICT_METRICS` entry."""
    parts = []
    for row in records:
        shares = row["districts"]
        part = pd.DataFrame(shares)
        part.insert(0, "district", range(len(part)))
        part.insert(0, "date", row["date"])
        part.insert(0, "step", row["step"])
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame.insert(0, "replicate", replicate)
    return frame


def replicate_tables(scenario: Scenario, seed: int, replicates: list[int],
                     executor: Executor | None = None, progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None
                     ) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """As :func:`run_replicates` (the same metrics, to the byte), each with its
    :func:`district_frame`: what the page (``swsim app``) shows."""
    records = _replicate_records(scenario, seed, replicates, executor, districts=True,
                                 progress=progress, cancelled=cancelled)
    return [(_frame(scenario, r, rows), district_frame(r, rows))
            for r, rows in zip(replicates, records, strict=True)]


def summarise(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per metric, the final month's mean and 5/50/95th percentiles across replicates."""
    last = timeseries[timeseries["step"] == timeseries["step"].max()]
    units = {m.name: m.unit for m in METRICS}
    rows = []
    for name in metric_names():
        values = last[name].to_numpy(dtype=float)
        ok = values[~np.isnan(values)]
        stats = ([float(ok.mean()), *np.percentile(ok, [5, 50, 95]).tolist()] if len(ok)
                 else [float("nan")] * 4)
        rows.append([last["scenario"].iloc[0], name, units[name], *stats])
    return pd.DataFrame(rows, columns=["scenario", "metric", "unit", "mean", "p5", "p50", "p95"])


@dataclass
class RunResult:
    """A finished run: the scenario, its replicates' time series and how it was made."""

    scenario: Scenario
    seed: int
    replicates: int
    timeseries: pd.DataFrame
    started: str
    wall_seconds: float
    sets: tuple[str, ...] = ()
    executor: dict[str, Any] | None = None  # how the replicates ran (kind, workers)

    @property
    def summary(self) -> pd.DataFrame:
        return summarise(self.timeseries)

    def manifest(self) -> dict[str, Any]:
        return {
            "kind": "run",
            "scenario": self.scenario.name,
            "overrides": list(self.sets),
            "region": self.scenario.region,
            "seed": self.seed,
            "replicates": self.replicates,
            "start": self.scenario.start,
            "months": self.scenario.months,
            "started_at": self.started,
            "wall_seconds": round(self.wall_seconds, 3),
            "executor": self.executor or {"kind": "serial", "workers": 1},
            "git_commit": git_commit(),
            "versions": versions(),
            "files": list(RUN_FILES),
        }

    def write(self, out: Path) -> Path:
        """Write the results folder: built beside ``out`` and swapped in whole, so an
        interruption leaves the earlier folder or this one, never a mix."""
        resolved = self.scenario.model_dump(mode="json")

        def fill(folder: Path) -> None:
            write_atomic(folder / SCENARIO, yaml_text(resolved))
            write_atomic(folder / TIMESERIES, self.timeseries.to_csv(index=False))
            write_atomic(folder / SUMMARY, self.summary.to_csv(index=False))
            write_atomic(folder / MANIFEST, json_text(self.manifest()))

        return write_folder(Path(out), fill)


def run(scenario: Scenario | str | Path | None = None, seed: int = 1, replicates: int = 1,
        sets: list[str] | None = None, executor: Executor | None = None,
        progress: Progress | None = None) -> RunResult:
    """Run a scenario (object, file, shipped name, or None for the Tianjin baseline).

    ``executor`` (from :mod:`simulation.execution.executors`) runs the replicates, e.g.
    ``ProcessExecutor(4)`` or ``DaskExecutor(address)``; the default runs them one after
    the other in this process. Every executor gives the same time series, to the byte.
    ``progress(done, total)`` is called as replicates finish (:mod:`simulation.progress`).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, sets)
    elif sets:
        raise ValueError("sets apply to scenario files; pass a Scenario and its sets with "
                         "load_scenario(ref, sets)")
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    executor = executor or SerialExecutor()
    frames = run_replicates(scenario, seed, list(range(replicates)), executor, progress)
    return RunResult(scenario=scenario, seed=seed, replicates=replicates,
                     timeseries=pd.concat(frames, ignore_index=True), started=started,
                     wall_seconds=time.perf_counter() - t0, sets=tuple(sets or ()),
                     executor=executor.describe())
