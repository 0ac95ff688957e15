"""Choosing an executor from the command line, the same way for every command.

``swsim run``, ``sweep`` and ``calibrate`` take ``--workers N`` (local processes,
capped at min(N, runs to do, usable cores) with a ``note:`` when fewer are used;
1 runs in this process) or ``--scheduler ADDRESS`` (an existing Dask cluster, whose
workers are checked before anything runs). Light to import: the executors are
imported only when one is opened.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ..arguments import UsageError, positive_int

if TYPE_CHECKING:
    from .executors import Executor

__all__ = ["add_options", "check_options", "check_workers", "how", "open_executor"]


def add_options(parser: argparse.ArgumentParser, default: str = "all cores") -> None:
    """Add ``--workers`` and ``--scheduler``; ``default`` says what no option means."""
    parser.add_argument("--workers", type=positive_int, help=f"local worker processes (default: "
                        f"{default}); 1 runs in this process")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="run on an existing Dask cluster, "
                        "e.g. tcp://10.0.0.5:8786")


def check_options(args: argparse.Namespace, command: str) -> None:
    """Refuse ``--workers`` with ``--scheduler``, and a ``--scheduler`` that is not an address
    (before any file is read or any connection tried)."""
    from .executors import check_address

    scheduler = getattr(args, "scheduler", None)
    if scheduler and getattr(args, "workers", None):
        raise UsageError(f"swsim {command}: give --workers or --scheduler, not both")
    if scheduler is not None:
        try:
            check_address(scheduler)
        except ValueError as exc:
            raise UsageError(f"swsim {command}: --scheduler {exc}") from None


def _note(text: str) -> None:
    print(f"note: {text}", file=sys.stderr)


def open_executor(args: argparse.Namespace, command: str,
                  default_workers: int | None = None) -> Executor:
    """The executor the command line asks for.

    ``default_workers``: workers without ``--workers`` (None: every usable core). A Dask
    cluster is checked (:func:`check_workers`) before it is returned; local processes
    print a ``note:`` when ``--workers`` asked for more than are used.
    """
    from .executors import DaskExecutor, ProcessExecutor, SerialExecutor, usable_cores

    check_options(args, command)
    if args.scheduler:
        try:
            ex = DaskExecutor(args.scheduler)
        except (OSError, ValueError) as exc:  # TimeoutError is an OSError
            raise UsageError(f"swsim {command}: cannot reach the Dask scheduler at {args.scheduler} "
                             f"({exc})") from None
        check_workers(ex, command)
        return ex
    workers = args.workers or default_workers or usable_cores()
    if workers == 1:
        return SerialExecutor()
    return ProcessExecutor(workers, note=_note if args.workers else None)  # capped in prepare()


def check_workers(ex: Any, command: str) -> None:
    """Refuse Dask workers without swsim; warn about other versions and Dask's malloc setting."""
    from importlib import metadata

    try:
        facts = ex.worker_facts()
    except Exception as exc:  # noqa: BLE001 - whatever the workers raised
        ex.close()
        raise UsageError(f"swsim {command}: the Dask workers cannot run swsim "
                         f"({exc.__class__.__name__}: {exc}); install this version of swsim on "
                         "every worker") from None
    mine = metadata.version("swsim")
    other = sorted({f["swsim"] for f in facts.values()} - {mine})
    if other:
        print(f"warning: Dask workers run swsim {', '.join(other)}, this is {mine}", file=sys.stderr)
    slow = [w for w, f in facts.items() if f["MALLOC_TRIM_THRESHOLD_"] is not None]
    if slow:
        print(f"warning: {len(slow)} Dask worker(s) run with MALLOC_TRIM_THRESHOLD_ set, which can "
              "slow numpy-heavy runs; see docs/experiments.md", file=sys.stderr)


def how(executor: Executor) -> str:
    """How runs ran, for a summary line: "serially", "on 2 local processes", ..."""
    n = executor.describe()["workers"]
    return {"serial": "serially", "processes": f"on {n} local process{'es' * (n != 1)}",
            "dask": f"on {n} Dask worker thread{'s' * (n != 1)}"}[executor.kind]
