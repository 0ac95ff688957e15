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

from ..execution.choice import add_options, check_options, how, open_executor
from ..results import RUNS

__all__ = ["add_parser", "main"]

SHOW_FAILURES = 10  # failures listed in the summary


def add_parser(subparsers: Any) -> None:
    """Register ``swsim sweep``."""
    p = subparsers.add_parser("sweep", help="sensitivity sweep over parameter ranges (SALib): "
                              "sample, run, analyse")
    p.add_argument("experiment", metavar="EXPERIMENT", help="experiment YAML file")
    p.add_argument("--out", type=Path, help="results folder (default: results/<experiment name>)")
    add_options(p)  # --workers, --scheduler: the same for every command
    p.add_argument("--resume", action="store_true", help="continue an interrupted sweep in --out")
    p.add_argument("--overwrite", action="store_true", help="replace what --out holds (the old "
                   "folder is removed once the new sweep has started)")
    p.add_argument("--check", action="store_true", help="validate the experiment, print the "
                   "number of runs and stop")
    p.add_argument("--trust-model", metavar="PACKAGE.MODULE:FUNCTION", help="import and run this "
                   "plug-in model (exactly the file's model); files alone never import code")


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

    check_options(args, "sweep")
    plan = load_experiment(args.experiment, trust_model=args.trust_model)
    check_name(plan.experiment.name, f"{args.experiment}: name")  # default folder results/<name>
    if args.check:  # every sample point was checked through the schema; nothing is run
        print(f"ok: {args.experiment} ({plan.experiment.method}: {plan.points} sample points x "
              f"{plan.experiment.replicates} replicate(s) = {plan.runs} runs)")
        return 0
    out = args.out or Path("results") / plan.experiment.name
    sweep = Sweep(plan, out, resume=args.resume, overwrite=args.overwrite)  # checks the folder
    with open_executor(args, "sweep") as executor:
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
    _summary(result, f"{result.manifest['wall_seconds']:.1f} s {how(executor)}")
    return 1 if len(result.failures) else 0
