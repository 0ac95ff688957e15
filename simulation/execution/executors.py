"""Interchangeable executors for batches of runs: serial, local processes, a Dask cluster.

Every executor runs the same worker function, :func:`run_batch`, which
never raises for a run: a run that raises is returned as a failure with its
error. An executor only has to say how to submit a batch, how to wait for
some to finish and which exceptions mean a lost worker (then the driver in
:mod:`simulation.execution.driver` retries those runs), and how to cancel what is in
flight (local processes end their workers). ``swsim run``, sweeps, calibration and
the web page's runs all use these executors; :mod:`simulation.execution.choice`
picks one from the command line.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import select
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent import futures as cf
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, NamedTuple

__all__ = [
    "DASK_WORKER_CONFIG",
    "DaskExecutor",
    "Executor",
    "ProcessExecutor",
    "Result",
    "Run",
    "SerialExecutor",
    "WorkerStartError",
    "check_address",
    "failed_values",
    "local_cluster",
    "one_line",
    "preserved_environ",
    "run_batch",
    "usable_cores",
    "worker_count",
    "worker_facts",
]

#: Dask's default worker environment sets MALLOC_TRIM_THRESHOLD_=65536, which
#: slowed numpy-heavy tasks ~5x here (docs/experiments.md); drop it for our workers
DASK_WORKER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
ERROR_CHARS = 1000  # longest error message kept per run


class Run(NamedTuple):
    """One model run: id, parameter values by name, seed and replicate.

    The task is called ``fn(params, seed)``, or ``fn(params, seed, replicate=r)`` when
    ``replicate`` is not 0 (``swsim run`` keys its replicates that way; sweeps, calibration
    and plug-in models key each run by its seed alone; see :mod:`simulation.execution.seeds`).
    """

    run_id: int
    params: dict[str, float]
    seed: int
    replicate: int = 0


class Result(NamedTuple):
    """What a run gives back: id, "ok" or "failed", error text (or None), output values.

    With ``outputs=None`` (whole results), ``values`` is what the task returned (None if it
    failed).
    """

    run_id: int
    status: str
    error: str | None
    values: Any


def failed_values(outputs: tuple[str, ...] | None) -> Any:
    """The values of a failed run: NaN for each output (None for a whole-result task)."""
    return None if outputs is None else tuple(math.nan for _ in outputs)


def one_line(exc: BaseException) -> str:
    """A run's error as recorded: ``Type: message`` on one line, at most ERROR_CHARS long
    (a schema error as ``key.path: what is wrong``, without pydantic's URL and input dump)."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        from ..params.levers import schema_error

        text = schema_error(exc)
    elif isinstance(exc, KeyError) and len(exc.args) == 1 and isinstance(exc.args[0], str):
        text = exc.args[0]  # str(KeyError) quotes its message
    else:
        text = str(exc)
    text = " | ".join(line.strip() for line in text.splitlines() if line.strip())
    return f"{exc.__class__.__name__}: {text}"[:ERROR_CHARS]


def run_batch(fn: Callable[..., Any], outputs: tuple[str, ...] | None,
              batch: list[Run]) -> tuple[list[Result], float]:
    """Run each of ``batch``; return the results and the wall time (seconds).

    ``outputs``: the names whose values (floats, in this order) travel back, or None to
    send back whatever the task returns (``swsim run``'s monthly records).
    """
    t0 = time.perf_counter()
    results = []
    for run in batch:
        try:
            extra = {"replicate": run.replicate} if run.replicate else {}
            got = fn(dict(run.params), run.seed, **extra)
            values = got if outputs is None else tuple(float(got[name]) for name in outputs)
            results.append(Result(run.run_id, "ok", None, values))
        except Exception as exc:  # noqa: BLE001 - failures are data
            results.append(Result(run.run_id, "failed", one_line(exc), failed_values(outputs)))
    return results, time.perf_counter() - t0


def usable_cores() -> int:
    """Cores this process may run on."""
    return len(os.sched_getaffinity(0))


def worker_count(asked: int, runs: int) -> tuple[int, str | None]:
    """Local worker processes worth starting: min(asked, runs to do, usable cores), at least 1.

    Also returns, when that is fewer than asked, a note saying why.
    """
    cores = usable_cores()
    n = max(1, min(asked, runs, cores))
    if n >= asked:
        return n, None
    why = [f"{runs:,} run(s) to do"] * (runs < asked) + [f"{cores} usable core(s)"] * (cores < asked)
    return n, f"using {n} worker process{'es' * (n > 1)} (asked for {asked}; {', '.join(why)})"


def worker_facts() -> dict[str, str | None]:
    """What a worker runs: swsim's version and MALLOC_TRIM_THRESHOLD_ (read on the worker)."""
    from importlib import metadata

    return {"swsim": metadata.version("swsim"),
            "MALLOC_TRIM_THRESHOLD_": os.environ.get("MALLOC_TRIM_THRESHOLD_")}


class Executor:
    """Runs batches in this process, one at a time (``--workers 1``)."""

    kind = "serial"
    #: a single-run batch that lost its worker is rerun with nothing else in flight
    isolate_suspects = False
    #: aim for batches of about this many seconds (cheap models get bigger batches)
    batch_seconds = 0.5

    def __init__(self) -> None:
        self.generation = 0  # bumped when a broken pool is replaced

    @property
    def slots(self) -> int:
        """How many batches run at once."""
        return 1

    def submit(self, fn: Callable[..., Any], outputs: tuple[str, ...] | None, batch: list[Run]) -> Any:
        fut: cf.Future[tuple[list[Result], float]] = cf.Future()
        fut.set_result(run_batch(fn, outputs, batch))
        return fut

    def wait(self, pending: Iterable[Any], timeout: float) -> set[Any]:
        """Some finished futures of ``pending`` (possibly none after ``timeout`` seconds)."""
        done, _ = cf.wait(list(pending), timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return done

    def is_lost(self, exc: BaseException) -> bool:
        """Whether ``exc`` from a future means its worker died."""
        return False

    def recover(self) -> None:
        """Make the executor usable again after a lost worker."""

    def prepare(self, runs: int) -> None:
        """Called before ``runs`` runs are submitted (local processes size their pool)."""

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "workers": self.slots}

    def cancel(self, pending: Iterable[Any] = ()) -> None:
        """Stop the runs of ``pending`` now (a cancelled :func:`~.driver.drive`): those not
        started never start. Here a run under way cannot be stopped (it runs in the caller's
        thread; the driver asks between runs); local processes end their workers."""
        for fut in pending:
            fut.cancel()

    def close(self) -> None:
        """Stop (cancel what has not started, never the user's cluster)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


SerialExecutor = Executor


class WorkerStartError(RuntimeError):
    """Local worker processes could not start (e.g. a script without the main guard)."""


def _start_failure() -> str:
    """Why local workers died before any of them started: Python starts each by running the
    main script again, so a script that starts runs at its top level starts them again in
    every worker, which Python refuses (multiprocessing's "bootstrapping phase" error)."""
    import sys

    # in a worker importing the script, it is __mp_main__ (__main__ once imported)
    main = sys.modules.get("__mp_main__") or sys.modules.get("__main__")
    script = getattr(main, "__file__", None)
    if script is None:
        return ("the local worker processes died while starting, before running anything "
                "(see the errors above)")
    return (f"the local worker processes died while starting: each one runs {script} again "
            "from the top, and there it starts worker processes again, which Python refuses; "
            "put the code that starts runs under `if __name__ == \"__main__\":` (see the "
            "README, \"From Python\")")


def _import(modules: tuple[str, ...]) -> None:
    """Worker task: import ``modules`` (see :meth:`ProcessExecutor.warm_up`)."""
    import importlib

    for name in modules:
        importlib.import_module(name)


def _exit_with(pid: int, started: Any = None) -> None:
    """Worker initializer: end this worker when the coordinator ``pid`` ends, even by kill -9;
    set ``started`` (an Event): this worker started (the main module imported cleanly).

    (Pool workers otherwise wait for work forever once their coordinator is gone.)
    """
    if started is not None:
        started.set()

    def watch() -> None:
        try:
            fd = os.pidfd_open(pid)
            select.select([fd], [], [])  # readable when the process has ended
        except (AttributeError, OSError):  # no pidfd here: poll once a second
            while True:
                time.sleep(1.0)
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    continue
        os._exit(1)

    threading.Thread(target=watch, name="swsim-coordinator-watch", daemon=True).start()


class ProcessExecutor(Executor):
    """Local worker processes (``concurrent.futures.ProcessPoolExecutor``)."""

    kind = "processes"
    isolate_suspects = True

    def __init__(self, workers: int | None = None,
                 note: Callable[[str], None] | None = None) -> None:
        """``workers`` asked for (default: every usable core); ``note`` hears when fewer are used."""
        super().__init__()
        self.asked = workers or usable_cores()
        self.workers = worker_count(self.asked, self.asked)[0]  # cores; runs in prepare()
        self._note, self._used = note, False
        if getattr(multiprocessing.current_process(), "_inheriting", False):
            # a worker importing a script that starts runs at its top level (no main guard):
            # say so now, rather than Python's "bootstrapping phase" error at the first run
            raise WorkerStartError(_start_failure())
        methods = multiprocessing.get_all_start_methods()
        # forkserver: workers start clean, never forked from a threaded parent
        self._context = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
        self._started = self._context.Event()  # set by the first worker that starts
        self._pool = self._new_pool()

    def prepare(self, runs: int) -> None:
        """Use min(asked, runs, usable cores) processes (they start on demand, so resizing an
        unused pool is free); a pool already used is only ever grown."""
        n, why = worker_count(self.asked, runs)
        if why and self._note and not self._used:
            self._note(why)
            self._note = None  # say it once
        if n != self.workers and (n > self.workers or not self._used):
            self._pool.shutdown(wait=True, cancel_futures=True)
            self.workers, self._pool = n, self._new_pool()

    def _new_pool(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=self._context,
                                      initializer=_exit_with, initargs=(os.getpid(), self._started))

    @property
    def slots(self) -> int:
        return self.workers

    def submit(self, fn: Callable[..., Any], outputs: tuple[str, ...] | None, batch: list[Run]) -> Any:
        self._used = True
        try:
            return self._pool.submit(run_batch, fn, outputs, batch)
        except BrokenProcessPool as exc:  # broke since the last check: report it as a lost future
            fut: cf.Future[tuple[list[Result], float]] = cf.Future()
            fut.set_exception(exc)
            return fut

    def is_lost(self, exc: BaseException) -> bool:
        return isinstance(exc, BrokenProcessPool)

    def recover(self) -> None:
        """A new pool after a worker died; WorkerStartError when no worker ever started (the
        next ones would die the same way: retrying would only blame the runs)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        if not self._started.is_set():
            raise WorkerStartError(_start_failure()) from None
        self._pool = self._new_pool()
        self.generation += 1

    def warm_up(self, modules: tuple[str, ...]) -> None:
        """Start the workers now and import ``modules`` in them (without waiting), so that a
        first run does not pay for the imports (the page's warm worker)."""
        for _ in range(self.workers):
            self._pool.submit(_import, modules)

    def cancel(self, pending: Iterable[Any] = ()) -> None:
        """End every worker process now, runs under way included, and start a fresh pool (its
        workers start on demand): the next batch runs as on a new executor."""
        pool = self._pool
        processes = list((pool._processes or {}).values())  # noqa: SLF001 - 3.14's terminate_workers
        # typeshed types this thread as a _ThreadWakeup (it is a threading.Thread): the ignore
        manager: threading.Thread | None = pool._executor_manager_thread  # type: ignore[assignment]
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)
        if manager is not None:  # it sees the workers gone, fails their futures and closes
            manager.join(timeout=5)
        self._pool = self._new_pool()
        self.generation += 1

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(Executor):
    """An existing Dask distributed cluster, reached through its scheduler address."""

    kind = "dask"
    batch_seconds = 2.0  # each task costs the scheduler ~1 ms; keep them well above that

    def __init__(self, address: str, timeout: float = 10.0) -> None:
        """Connect to the scheduler at ``address`` ([tcp|tls|ws|wss://]HOST:PORT).

        Raises ValueError for an address of another form (before connecting) and OSError
        naming what went wrong when nothing answers there, or not as a Dask scheduler,
        within ``timeout`` seconds (Dask's own client would wait for ever on a port that
        accepts connections but never answers, and then hang again on its way out).
        """
        super().__init__()
        from distributed import Client

        check_address(address)
        _probe(address, timeout)
        with preserved_environ():
            self.client = Client(address, timeout=f"{timeout}s", set_as_default=False)
        self.address = address
        self._slots, self._checked = 1, -math.inf

    @property
    def slots(self) -> int:
        if time.monotonic() - self._checked > 10:  # the cluster may grow or shrink
            self._slots = max(1, sum(self.client.nthreads().values()))
            self._checked = time.monotonic()
        return self._slots

    def worker_facts(self) -> dict[str, dict[str, str | None]]:
        """:func:`worker_facts` of every worker, by address (raises if they cannot import swsim)."""
        facts: dict[str, dict[str, str | None]] = self.client.run(worker_facts)
        return facts

    def submit(self, fn: Callable[..., Any], outputs: tuple[str, ...] | None, batch: list[Run]) -> Any:
        return self.client.submit(run_batch, fn, outputs, batch, pure=False)

    def wait(self, pending: Iterable[Any], timeout: float) -> set[Any]:
        from distributed import wait

        try:
            with self.client.as_current():
                return set(wait(list(pending), timeout=timeout, return_when="FIRST_COMPLETED").done)
        except TimeoutError:
            return set()

    def is_lost(self, exc: BaseException) -> bool:
        from distributed import KilledWorker

        return isinstance(exc, KilledWorker)

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "workers": self.slots, "scheduler": self.address}

    def cancel(self, pending: Iterable[Any] = ()) -> None:
        """Release ``pending`` (Dask cannot stop a task under way; its result is dropped)."""
        self.client.cancel(list(pending))

    def close(self) -> None:
        self.client.close()


#: schemes ``--scheduler`` takes (Dask's network transports; no scheme means tcp)
SCHEMES = ("tcp", "tls", "ws", "wss")


def check_address(address: str) -> tuple[str, int]:
    """The host and port of a scheduler address ``[SCHEME://]HOST:PORT``; ValueError saying
    what is wrong otherwise (checked before any connection is tried)."""
    from urllib.parse import urlsplit

    form = f"expected [{'|'.join(SCHEMES)}://]HOST:PORT, e.g. tcp://10.0.0.5:8786"
    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{address!r} is not a scheduler address ({exc}); {form}") from None
    if parts.scheme not in SCHEMES:
        raise ValueError(f"{address!r}: unknown scheme {parts.scheme!r}; {form}")
    if not parts.hostname or not port or parts.path or parts.query or parts.fragment \
            or parts.username or parts.password:
        what = "no port" if parts.hostname and not port else "not of the form HOST:PORT"
        raise ValueError(f"{address!r} is not a scheduler address ({what}); {form}")
    return parts.hostname, port


def _probe(address: str, timeout: float) -> None:
    """Raise OSError unless a Dask scheduler at ``address`` answers within ``timeout`` seconds."""
    import asyncio
    import socket

    host, port = check_address(address)
    try:  # fast answers first: no such host, connection refused
        socket.create_connection((host, port), timeout=timeout).close()
    except TimeoutError:
        raise OSError(f"no answer from {host}:{port} within {timeout:g} s") from None
    except OSError as exc:
        raise OSError(exc.strerror or str(exc)) from None

    async def identify() -> object:
        from distributed.comm.core import connect

        comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout)
        try:
            await asyncio.wait_for(comm.write({"op": "identity", "reply": True}), timeout)
            return await asyncio.wait_for(comm.read(), timeout)
        finally:
            comm.abort()

    # in a thread of its own: the caller may be running an event loop (a notebook)
    with cf.ThreadPoolExecutor(1, thread_name_prefix="swsim-dask-probe") as pool:
        try:
            reply = pool.submit(lambda: asyncio.run(identify())).result()
        except TimeoutError:
            reply = None
        except Exception as exc:  # noqa: BLE001 - whatever the comm raised: not a scheduler
            raise OSError(f"{host}:{port} does not answer as a Dask scheduler "
                          f"({exc.__class__.__name__}: {exc})") from None
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        raise OSError(f"{host}:{port} accepts connections but does not answer as a Dask "
                      f"scheduler within {timeout:g} s")


@contextmanager
def preserved_environ() -> Iterator[None]:
    """Undo changes to ``os.environ`` (Dask's nanny writes its worker settings into it)."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        for key in set(os.environ) - set(saved):
            del os.environ[key]
        for key, value in saved.items():
            if os.environ.get(key) != value:
                os.environ[key] = value


@contextmanager
def local_cluster(workers: int = 2, malloc_trim: bool = False) -> Iterator[str]:
    """A Dask LocalCluster of ``workers`` one-thread processes; yields its scheduler address.

    With ``malloc_trim=False`` (the default) workers do not get Dask's
    ``MALLOC_TRIM_THRESHOLD_=65536``; this process's environment is restored.
    """
    import dask
    from distributed import LocalCluster

    config = {} if malloc_trim else DASK_WORKER_CONFIG
    with preserved_environ(), dask.config.set(config):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        with preserved_environ():
            cluster.close()
