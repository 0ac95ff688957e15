"""Drive an executor through a list of runs: bounded batches, adaptive batch size, retries.

At most ``2 x slots`` batches are in flight, so the coordinator's memory does
not grow with the number of runs. Batches start at one run and grow until a
batch takes about ``executor.batch_seconds``, so cheap plug-ins are not
swamped by per-task overhead and slow models still report every run.

A batch whose worker died (a lost worker: killed, out of memory, a crash in
native code) is split into single runs and retried. For local processes a
broken pool takes every in-flight batch with it, so suspects are rerun one at
a time with nothing else in flight: only a run that kills its worker
``MAX_LOSSES`` times on its own is recorded as failed.

A caller may cancel a drive (the web page's Cancel button): ``cancelled()`` is asked
about every :data:`CANCEL_POLL` seconds; once it says yes the executor stops what is in
flight (:meth:`~.executors.Executor.cancel`: local processes end their workers, runs
under way included) and :class:`Cancelled` is raised. Ctrl-C and SIGTERM are
``KeyboardInterrupt`` as before.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from ..progress import Progress
from .executors import Executor, Result, Run, failed_values, one_line

__all__ = ["CANCEL_POLL", "MAX_BATCH", "MAX_LOSSES", "Cancelled", "drive"]

MAX_BATCH = 1000  # runs per batch at most
MAX_LOSSES = 2  # a run that loses its worker this many times on its own is a failure
CANCEL_POLL = 0.1  # seconds between asking a caller's cancelled()


class Cancelled(Exception):
    """The caller cancelled the drive (its ``cancelled()`` said so); nothing is left running."""


@dataclass
class _Flight:
    batch: list[Run]
    generation: int
    isolated: bool


@dataclass
class _State:
    queue: Iterator[Run]  # runs not yet submitted, made on demand
    left: int  # how many runs the queue still holds
    suspects: deque[tuple[Run, int]] = field(default_factory=deque)
    flying: dict[Any, tuple[_Flight, int]] = field(default_factory=dict)  # future -> its batch
    run_seconds: float | None = None  # running mean of one run's wall time

    def batch_size(self, executor: Executor) -> int:
        if self.run_seconds is None:
            return 1
        size = int(executor.batch_seconds / max(self.run_seconds, 1e-6))
        share = math.ceil(self.left / (2 * executor.slots))  # keep every worker busy
        return max(1, min(MAX_BATCH, size, share))

    def take(self, size: int) -> list[Run]:
        batch = list(islice(self.queue, size))
        self.left = self.left - len(batch) if len(batch) == size else 0
        return batch


def _fill(state: _State, executor: Executor, fn: Callable[..., Any], outputs: tuple[str, ...] | None) -> None:
    if state.suspects and executor.isolate_suspects:
        if not state.flying:
            run, losses = state.suspects.popleft()
            fut = executor.submit(fn, outputs, [run])
            state.flying[fut] = (_Flight([run], executor.generation, True), losses)
        return
    while len(state.flying) < 2 * executor.slots and (state.left or state.suspects):
        if state.suspects:
            run, losses = state.suspects.popleft()
            batch = [run]
        else:
            batch, losses = state.take(state.batch_size(executor)), 0
            if not batch:
                break
        fut = executor.submit(fn, outputs, batch)
        state.flying[fut] = (_Flight(batch, executor.generation, False), losses)


def _lost(state: _State, executor: Executor, flight: _Flight, losses: int,
          outputs: tuple[str, ...] | None) -> list[Result]:
    """Requeue the runs of a batch whose worker died; return those given up on."""
    if flight.generation == executor.generation:
        executor.recover()
    if len(flight.batch) > 1 or (executor.isolate_suspects and not flight.isolated):
        state.suspects.extend((run, 0) for run in flight.batch)
        return []
    run = flight.batch[0]
    if losses + 1 < MAX_LOSSES:
        state.suspects.append((run, losses + 1))
        return []
    return [Result(run.run_id, "failed", f"WorkerLost: the worker process died {MAX_LOSSES} times "
                   "running this run (killed, out of memory or a crash in native code)",
                   failed_values(outputs))]


def _batch_failed(batch: list[Run], exc: BaseException, outputs: tuple[str, ...] | None
                  ) -> list[Result]:
    """A batch the executor could not run at all (e.g. the model cannot be pickled)."""
    error = one_line(exc)
    return [Result(run.run_id, "failed", error, failed_values(outputs)) for run in batch]


def _collect(state: _State, executor: Executor, done: set[Any], outputs: tuple[str, ...] | None
             ) -> list[Result]:
    """Results of the finished futures; lost batches are requeued."""
    finished: list[Result] = []
    for fut in done:
        flight, losses = state.flying.pop(fut)
        try:
            results, seconds = fut.result()
        except Exception as exc:
            if executor.is_lost(exc):
                finished.extend(_lost(state, executor, flight, losses, outputs))
            elif isinstance(exc, (OSError, TimeoutError, CancelledError)):
                raise  # the executor itself is gone: stop; --resume continues
            else:
                finished.extend(_batch_failed(flight.batch, exc, outputs))
            continue
        mean = seconds / len(results)
        state.run_seconds = mean if state.run_seconds is None else 0.7 * state.run_seconds + 0.3 * mean
        finished.extend(results)
    return finished


def drive(executor: Executor, fn: Callable[..., Any], outputs: tuple[str, ...] | None, runs: Iterable[Run],
          on_results: Callable[[list[Result]], None], total: int | None = None,
          poll_seconds: float = 1.0, progress: Progress | None = None,
          cancelled: Callable[[], bool] | None = None) -> None:
    """Run every run of ``runs`` on ``executor``, handing results over as batches finish.

    ``runs`` may be a generator (then give ``total``, the number of runs it yields);
    runs are made only as batches are submitted. ``on_results`` is also called with
    an empty list about every ``poll_seconds`` (so callers can flush files and
    refresh a progress bar). ``outputs=None`` sends back each run's whole result.
    ``progress(done, total)`` (see :mod:`simulation.progress`) is called with 0 before
    the first run and whenever runs finish (failed runs count as finished).
    ``cancelled()``, asked every :data:`CANCEL_POLL` seconds, stops the drive: the
    executor cancels what is in flight and :class:`Cancelled` is raised.
    """
    if total is None:
        runs = list(runs)
        total = len(runs)
    executor.prepare(total)  # local processes: no more workers than runs
    state = _State(iter(runs), total)
    finished = 0
    if progress is not None:
        progress(0, total)
    if cancelled is not None:
        poll_seconds = min(poll_seconds, CANCEL_POLL)
    try:
        while state.left or state.suspects or state.flying:
            if cancelled is not None and cancelled():
                executor.cancel(list(state.flying))
                state.flying.clear()
                raise Cancelled()
            _fill(state, executor, fn, outputs)
            done = executor.wait(state.flying, timeout=poll_seconds)
            results = _collect(state, executor, done, outputs)
            on_results(results)
            if progress is not None and results:
                finished += len(results)
                progress(finished, total)
    finally:
        for fut in state.flying:
            fut.cancel()
