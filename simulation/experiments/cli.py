"""``swsim sweep EXPERIMENT.yaml``: a sensitivity sweep (light to import; heavy imports in main).

Exit status: 0 when every run succeeded, 1 when some runs failed (they are
recorded in runs.parquet and named in the summary) or the cluster went away,
2 for bad input (experiment file, command line, output folder), with one line
``error: ...`` and nothing written.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any

from ..cliutil import UsageError, positive_int
from ..results import RUNS

__all__ = ["add_parser", "main"]

SHOW_FAILURES = 10  # failures listed in the summary


def add_parser(subparsers: Any) -> None:
    """Register ``swsim sweep``."""
    p = subparsers.add_parser("sweep", help="sensitivity sweep over parameter ranges (SALib): "
                              "sample, run, analyse")
    p.add_argument("experiment", metavar="EXPERIMENT", help="experiment YAML file")
    p.add_argument("--out", type=Path, help="results folder (default: results/<experiment name>)")
    p.add_argument("--workers", type=positive_int, help="local worker processes (default: all cores; "
                   "1 runs in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on an existing Dask cluster, "
                   "e.g. tcp://10.0.0.5:8786")
    p.add_argument("--resume", action="store_true", help="continue an interrupted sweep in --out")
    p.add_argument("--overwrite", action="store_true", help="replace what --out holds (the old "
                   "folder is removed once the new sweep has started)")
    p.add_argument("--check", action="store_true", help="validate the experiment, print the "
                   "number of runs and stop")
    p.add_argument("--trust-model", metavar="PACKAGE.MODULE:FUNCTION", help="import and run this "
                   "plug-in model (exactly the file's model); files alone never import code")


def _executor(args: argparse.Namespace) -> Any:
    from .executors import DaskExecutor, ProcessExecutor, SerialExecutor, usable_cores

    if args.scheduler:
        try:
            ex = DaskExecutor(args.scheduler)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"swsim sweep: cannot reach the Dask scheduler at {args.scheduler} "
                             f"({exc.__class__.__name__}: {exc})") from None
        _check_workers(ex)
        return ex
    workers = args.workers or usable_cores()
    if workers == 1:
        return SerialExecutor()
    note = (lambda text: print(f"note: {text}", file=sys.stderr)) if args.workers else None
    return ProcessExecutor(workers, note=note)  # capped at the runs to do and the cores


def _check_workers(ex: Any) -> None:
    """Refuse workers without swsim; warn about other versions and Dask's malloc setting."""
    from importlib import metadata


    try:
        facts = ex.worker_facts()
    except Exception as exc:  # noqa: BLE001 - whatever the workers raised
        ex.close()
        raise UsageError(f"swsim sweep: the Dask workers cannot run swsim ({exc.__class__.__name__}: "
                         f"{exc}); install this version of swsim on every worker") from None
    mine = metadata.version("swsim")
    other = sorted({f["swsim"] for f in facts.values()} - {mine})
    if other:
        print(f"warning: Dask workers run swsim {', '.join(other)}, this is {mine}", file=sys.stderr)
    slow = [w for w, f in facts.items() if f["MALLOC_TRIM_THRESHOLD_"] is not None]
    if slow:
        print(f"warning: {len(slow)} Dask worker(s) run with MALLOC_TRIM_THRESHOLD_ set, which can "
              "slow numpy-heavy runs; see docs/experiments.md", file=sys.stderr)


def _summary(result: Any, wall_note: str) -> None:
    m = result.manifest
    runs = m["runs"]
    print(f"wrote {result.out}/ ({m['method']}: {runs['total']} runs, {runs['failed']} failed, "
          f"{wall_note})")
    sens = result.sensitivity
    key = {"sobol": "ST", "fast": "ST", "morris": "mu_star", "lhs": "spearman"}[m["method"]]
    for output, group in sens[sens["index"] == key].groupby("output", sort=False):
        top = group.reindex(group["value"].abs().sort_values(ascending=False).index).head(3)
        ranked = ", ".join(f"{r.parameter} {r.value:.3g}" for r in top.itertuples())
        print(f"  {output:34s} {key}: {ranked}")
    for note in result.notes:
        print(f"  note: {note}")
    failures = result.failures
    if len(failures):
        print(f"{len(failures)} run(s) failed ({RUNS}, status == 'failed'):")
        for r in failures.head(SHOW_FAILURES).itertuples():
            print(f"  run {r.run_id} (sample {r.sample}, replicate {r.replicate}): {r.error}")
        if len(failures) > SHOW_FAILURES:
            print(f"  ... and {len(failures) - SHOW_FAILURES} more")


def main(args: argparse.Namespace) -> int:
    """Run ``swsim sweep``; return the exit status."""
    from ..results import check_name
    from .spec import load_experiment
    from .sweep import Sweep

    if args.scheduler and args.workers:
        raise UsageError("swsim sweep: give --workers or --scheduler, not both")
    plan = load_experiment(args.experiment, trust_model=args.trust_model)
    check_name(plan.experiment.name, f"{args.experiment}: name")  # default folder results/<name>
    if args.check:  # counted, never built
        print(f"ok: {args.experiment} ({plan.experiment.method}: {plan.points} sample points x "
              f"{plan.experiment.replicates} replicate(s) = {plan.runs} runs)")
        return 0
    out = args.out or Path("results") / plan.experiment.name
    sweep = Sweep(plan, out, resume=args.resume, overwrite=args.overwrite)  # checks the folder
    with _executor(args) as executor:
        try:
            result = sweep.run(executor)
        except (OSError, TimeoutError, CancelledError) as exc:  # the cluster went away
            print(f"error: sweep stopped ({exc.__class__.__name__}: {exc}); finished runs are "
                  f"saved in {out}/, continue with --resume", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print(f"interrupted: finished runs are saved in {out}/, continue with --resume",
                  file=sys.stderr)
            raise
    n = executor.describe()["workers"]
    how = {"serial": "serially", "processes": f"on {n} local processes",
           "dask": f"on {n} Dask worker threads"}[executor.kind]
    _summary(result, f"{result.manifest['wall_seconds']:.1f} s {how}")
    return 1 if len(result.failures) else 0
