"""Runs for the page, in a worker process: progress per replicate, cancel, same bytes.

Each browser session owns one :class:`Worker`, a process started with ``spawn`` (a clean
interpreter, so the web server's threads are never forked) that imports the model once
and then waits for jobs, so a run starts warm. A job runs its replicates one after the
other with :func:`simulation.runner.replicate_tables` (the runner's own function: the
metrics are those of ``swsim run``, to the byte) and sends each replicate back as it
ends. Cancelling ends the process and starts a fresh one; the server stays responsive
because it only waits on a queue.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from ..params import Scenario
from ..runner import ReplicateError, RunResult

__all__ = ["Cancelled", "Outcome", "Worker"]

Tables = tuple[pd.DataFrame, pd.DataFrame]  # a replicate's metrics and district shares


class Cancelled(Exception):
    """The job was cancelled from the page."""


def _serve(tasks: Any, results: Any) -> None:
    """The worker process: import the model once, then run jobs until told to stop."""
    from ..runner import replicate_tables  # the heavy imports happen here, before any job

    results.put(("ready", None, None))
    parent = mp.parent_process()
    while True:
        try:
            task = tasks.get(timeout=1.0)
        except queue.Empty:  # a server killed without a goodbye leaves no orphan behind
            if parent is not None and not parent.is_alive():
                return
            continue
        if task is None:
            return
        job, scenario, seed, replicates = task
        try:
            for r in range(replicates):
                results.put(("replicate", job, replicate_tables(scenario, seed, [r])[0]))
        except Exception as exc:  # the page shows one line, as swsim run prints it
            results.put(("error", job, f"{exc.__class__.__name__}: {exc}"))


@dataclass(frozen=True)
class Outcome:
    """A finished page run: the runner's result (written and zipped as ``swsim run``'s) and
    the district shares of every replicate and month (the territory view)."""

    result: RunResult
    districts: pd.DataFrame


class Worker:
    """One session's worker process."""

    def __init__(self) -> None:
        self._ctx = mp.get_context("spawn")
        self._jobs = 0
        self._start()

    def _start(self) -> None:
        self.tasks = self._ctx.Queue()
        self.results = self._ctx.Queue()
        self.process = self._ctx.Process(target=_serve, args=(self.tasks, self.results),
                                         daemon=True, name="swsim-app-worker")
        self.process.start()

    def close(self) -> None:
        """End the process (the session closed)."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)

    def restart(self) -> None:
        """End the process now (a cancelled job) and start a fresh one."""
        self.close()
        self._start()

    def _next(self, job: int, cancelled: Callable[[], bool]) -> tuple[str, Any]:
        """The next message of ``job``, waiting on the queue in short slices (cancel checks)."""
        while True:
            if cancelled():
                self.restart()
                raise Cancelled()
            try:
                kind, got_job, payload = self.results.get(timeout=0.1)
            except queue.Empty:
                if not self.process.is_alive():
                    self._start()
                    raise ReplicateError("the worker process stopped; run again") from None
                continue
            if got_job == job:
                return kind, payload

    def run(self, scenario: Scenario, seed: int, replicates: int,
            progress: Callable[[int], None], cancelled: Callable[[], bool]) -> Outcome:
        """Run ``replicates`` replicates of ``scenario`` seeded ``seed``, calling ``progress(k)``
        after the k-th; raises :class:`Cancelled` or :class:`ReplicateError`."""
        self._jobs += 1
        job = self._jobs
        started = datetime.now(UTC).isoformat(timespec="seconds")
        t0 = time.perf_counter()
        self.tasks.put((job, scenario, seed, replicates))
        tables: list[Tables] = []
        while len(tables) < replicates:
            kind, payload = self._next(job, cancelled)
            if kind == "error":
                raise ReplicateError(f"{scenario.name}: {payload}")
            tables.append(payload)
            progress(len(tables))
        result = RunResult(scenario=scenario, seed=seed, replicates=replicates,
                           timeseries=pd.concat([t for t, _ in tables], ignore_index=True),
                           started=started, wall_seconds=time.perf_counter() - t0,
                           executor={"kind": "serial", "workers": 1})
        return Outcome(result, pd.concat([d for _, d in tables], ignore_index=True))
