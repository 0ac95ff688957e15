"""Runs for the page: the shared run path, in a worker process, with progress and cancel.

Each browser session owns one :class:`Worker`: a
:class:`~simulation.execution.executors.ProcessExecutor` of one worker process (started
clean by ``forkserver``, never forked from the web server's threads) that imports the
model as soon as the session starts, so a run starts warm. A run is
:func:`simulation.runner.replicate_tables` on that executor, the path ``swsim run
--workers N`` takes (the same metrics, to the byte), one replicate per batch so that
the progress bar moves after each. Cancel ends the worker process, the replicate under
way included (:meth:`~simulation.execution.executors.ProcessExecutor.cancel`), and the
next run starts a fresh one. The server stays responsive: it only waits on futures.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from ..execution.driver import Cancelled
from ..execution.executors import ProcessExecutor
from ..params import Scenario
from ..runner import ReplicateError, RunResult, replicate_tables

__all__ = ["WARM", "Cancelled", "Outcome", "ReplicateError", "Worker"]

#: what the worker process imports before its first run
WARM = ("simulation.model", "simulation.execution.model_run")


@dataclass(frozen=True)
class Outcome:
    """A finished page run: the runner's result (written and zipped as ``swsim run``'s) and
    the district shares of every replicate and month (the territory view)."""

    result: RunResult
    districts: pd.DataFrame


class Worker:
    """One session's runs: one warm worker process behind the shared executors."""

    def __init__(self) -> None:
        self.closed = False
        self.executor = ProcessExecutor(1)
        self.executor.batch_seconds = 0.0  # one replicate per batch: progress after each
        self.executor.warm_up(WARM)
        _live.add(self)

    def close(self) -> None:
        """End the worker process now, a run under way included (the session closed, or the
        server is stopping): the run raises :class:`Cancelled`."""
        self.closed = True
        self.executor.cancel()
        self.executor.close()

    def run(self, scenario: Scenario, seed: int, replicates: int,
            progress: Callable[[int], None], cancelled: Callable[[], bool]) -> Outcome:
        """Run ``replicates`` replicates of ``scenario`` seeded ``seed``, calling ``progress(k)``
        after the k-th; raises :class:`Cancelled` (once ``cancelled()`` says so: the worker
        process is ended at once) or :class:`ReplicateError`."""
        started = datetime.now(UTC).isoformat(timespec="seconds")
        t0 = time.perf_counter()

        def told(done: int, total: int) -> None:
            if done:
                progress(done)

        try:
            tables = replicate_tables(scenario, seed, list(range(replicates)), self.executor,
                                      progress=told, cancelled=lambda: self.closed or cancelled())
        except Cancelled:
            if not self.closed:
                self.executor.warm_up(WARM)  # the next run starts warm again
            raise
        result = RunResult(scenario=scenario, seed=seed, replicates=replicates,
                           timeseries=pd.concat([t for t, _ in tables], ignore_index=True),
                           started=started, wall_seconds=time.perf_counter() - t0,
                           executor=self.executor.describe())
        return Outcome(result, pd.concat([d for _, d in tables], ignore_index=True))


_live: weakref.WeakSet[Worker] = weakref.WeakSet()


def _close_all() -> None:
    """At the server's exit, end every session's worker: without this, the process pool's
    own exit hook would wait for the replicates in flight (seconds each for Tianjin)."""
    for worker in list(_live):
        if not worker.closed:
            worker.close()


# threading's exit hooks run last-registered first: this one before concurrent.futures' (the
# only hook that runs before it; private, so absent from typeshed: hence the ignore)
threading._register_atexit(_close_all)  # type: ignore[attr-defined]  # noqa: SLF001
