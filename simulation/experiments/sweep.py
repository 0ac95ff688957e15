"""Run an experiment: sample, run every (sample point, replicate), analyse, write files.

``Sweep(plan, out, resume=..., overwrite=...)`` checks the output folder and,
when resuming, every file in it (nothing is written yet); ``Sweep.run(executor)``
runs what is missing, appending chunk files as runs finish, then writes
runs.parquet, sensitivity.csv and, last, manifest.json. Runs that raise are
recorded as failures, never stop the sweep.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..execution.driver import drive
from ..execution.executors import Executor, Result, Run
from ..execution.seeds import run_seed
from ..progress import ConsoleProgress
from ..provenance import git_commit, versions
from ..results import MANIFEST, PLAN, RUNS, SCENARIO, SENSITIVITY, json_text, yaml_text
from .analysis import analyse, point_means
from .sampling import sample
from .spec import Plan
from .store import Store, runs_schema

__all__ = ["Sweep", "SweepResult"]


@dataclass
class SweepResult:
    """A finished sweep: its folder, every run, the indices, notes and manifest."""

    out: Path
    runs: pd.DataFrame
    sensitivity: pd.DataFrame
    notes: list[str]
    manifest: dict[str, Any]

    @property
    def failures(self) -> pd.DataFrame:
        return self.runs[self.runs["status"] != "ok"]


class Sweep:
    """One experiment's sweep into one folder (checked on creation; run with :meth:`run`)."""

    def __init__(self, plan: Plan, out: Path, resume: bool = False, flush_rows: int = 5000,
                 flush_seconds: float = 10.0, overwrite: bool = False):
        self.plan, self.exp, self.resume = plan, plan.experiment, resume
        self.X = plan.design if plan.design is not None else sample(self.exp)
        self.total = len(self.X) * self.exp.replicates
        self.store = Store(out, runs_schema(plan.names, self.exp.outputs), flush_rows, flush_seconds)
        self.fingerprint = plan.fingerprint()
        self.store.check(self.fingerprint, resume, overwrite)

    def _pending(self, done: set[int]) -> Iterator[Run]:
        """The runs not in ``done``, in run-id order, made one at a time."""
        reps, names = self.exp.replicates, self.plan.names
        for k in range(self.total):
            if k not in done:
                yield Run(k, dict(zip(names, self.X[k // reps].tolist(), strict=True)),
                          run_seed(self.exp.seed, k))

    def _rows(self, results: list[Result]) -> pd.DataFrame:
        ids = np.array([r.run_id for r in results], dtype=np.int64)
        points = ids // self.exp.replicates
        cols: dict[str, object] = {"run_id": ids, "sample": points,
                                   "replicate": ids % self.exp.replicates,
                                   "seed": [run_seed(self.exp.seed, k) for k in ids]}
        for j, name in enumerate(self.plan.names):
            cols[name] = self.X[points, j]
        cols["status"] = [r.status for r in results]
        cols["error"] = [r.error for r in results]
        for j, name in enumerate(self.exp.outputs):
            cols[name] = [r.values[j] for r in results]
        return pd.DataFrame(cols)

    def _start(self) -> None:
        info = {"experiment": self.exp.model_dump(mode="json"), "file": str(self.plan.file),
                "runs": self.total}
        files = {}
        if self.plan.scenario is not None:
            files[SCENARIO] = yaml_text(self.plan.scenario.model_dump(mode="json"))
        self.store.start(self.fingerprint, info, files)

    def run(self, executor: Executor, progress: bool = True) -> SweepResult:
        """Run every missing run on ``executor`` and write the results folder."""
        started, t0 = datetime.now(UTC).isoformat(timespec="seconds"), time.perf_counter()
        self._start()
        before = self.store.read()
        done = set(before["run_id"].tolist())
        todo = self.total - len(done)
        del before
        show = ConsoleProgress(self.exp.name) if progress else None
        base = len(done)

        def on_results(results: list[Result]) -> None:
            if results:
                self.store.append(self._rows(results))
            if self.store.due():
                self.store.flush()

        def tick(ran: int, _: int) -> None:  # resumed runs count as done
            if show is not None:
                show(base + ran, self.total)

        try:
            drive(executor, self.plan.task(), tuple(self.exp.outputs), self._pending(done),
                  on_results, total=todo, progress=tick)
        finally:
            self.store.flush()
            if show is not None:
                show.close()
        return self._finish(executor, todo, started, time.perf_counter() - t0)

    def _finish(self, executor: Executor, ran: int, started: str, wall: float) -> SweepResult:
        runs = self.store.consolidate()
        means = point_means(runs, self.exp.outputs, len(self.X))
        sens, notes = analyse(self.exp, self.X, means)
        self.store.write_text(SENSITIVITY, sens.to_csv(index=False))
        manifest = self._manifest(runs, executor, ran, started, wall, notes)
        self.store.write_text(MANIFEST, json_text(manifest))
        return SweepResult(self.store.out, runs, sens, notes, manifest)

    def _manifest(self, runs: pd.DataFrame, executor: Executor, ran: int, started: str,
                  wall: float, notes: list[str]) -> dict[str, Any]:
        exp = self.exp
        failed = runs.loc[runs["status"] != "ok", "run_id"].tolist()
        return {
            "kind": "sweep", "experiment": exp.name, "description": exp.description,
            "file": str(self.plan.file),
            "model": exp.model or "simulation:evaluate",
            "scenario": self.plan.scenario.name if self.plan.scenario else None,
            "method": exp.method, "samples": exp.samples, "replicates": exp.replicates,
            "seed": exp.seed, "parameters": {k: list(v) for k, v in exp.parameters.items()},
            "outputs": exp.outputs, "sample_points": len(self.X),
            "runs": {"total": len(runs), "ok": len(runs) - len(failed), "failed": len(failed),
                     "failed_run_ids": failed[:1000], "run_this_session": ran},
            "resumed": ran < len(runs), "executor": executor.describe(),
            "started_at": started, "wall_seconds": round(wall, 3),
            "runs_per_second": round(ran / wall, 3) if wall > 0 else None,
            "sensitivity_notes": notes, "git_commit": git_commit(), "versions": versions(),
            "files": [PLAN, *([SCENARIO] if self.plan.scenario else []), RUNS, SENSITIVITY],
        }
