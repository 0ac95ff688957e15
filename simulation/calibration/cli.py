"""``swsim calibrate CALIBRATION.yaml``: fit parameters to observations (light to import).

Exit status: 0 when the calibration finished, 1 when it stopped (the cluster
went away; finished batches are kept for ``--resume``), 2 for bad input (the
file, the command line, the output folder), with one line ``error: ...`` and
nothing written.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any

from ..execution.choice import add_options, check_options, open_executor
from ..results import FIT_CSV

__all__ = ["add_parser", "main"]


def add_parser(subparsers: Any) -> None:
    """Register ``swsim calibrate``."""
    p = subparsers.add_parser("calibrate", help="fit parameters to observations (Optuna), with a "
                              "held-out back-test")
    p.add_argument("calibration", metavar="CALIBRATION", help="calibration YAML file")
    p.add_argument("--out", type=Path, help="results folder (default: results/<calibration name>)")
    add_options(p)  # --workers, --scheduler: the same for every command
    p.add_argument("--resume", action="store_true", help="continue an interrupted calibration")
    p.add_argument("--overwrite", action="store_true", help="replace what --out holds (the old "
                   "folder is removed once the new calibration has started)")
    p.add_argument("--check", action="store_true", help="validate the file and stop")


def _summary(result: Any) -> None:
    m = result.manifest
    print(f"wrote {result.out}/ ({m['trials']} trials, {m['failed_trials']} failed, "
          f"{m['wall_seconds']:.1f} s)")
    for path, value in result.best.items():
        low, high = m["parameters"][path]
        print(f"  {path:44s} {value:>14.6g}   (searched {low:g} - {high:g})")
    held = "none held out" if result.mape_out != result.mape_out else f"{result.mape_out:.2f}%"
    print(f"  in-sample MAPE {result.mape_in:.2f}% ({m['targets']['in_sample']} targets); "
          f"held-out MAPE {held} ({m['targets']['held_out']} targets, from {m['holdout_from']})"
          + (f"; {m['targets']['reported_only']} weight-0 targets reported in {FIT_CSV}"
             if m["targets"]["reported_only"] else ""))


def main(args: argparse.Namespace) -> int:
    """Run ``swsim calibrate``; return the exit status."""
    from ..cliutil import headless_plots

    headless_plots()  # plots go to files; set here, never by library code
    from ..results import check_name
    from .runner import calibrate, stderr_report
    from .spec import load_calibration
    from .storage import check_folder

    check_options(args, "calibrate")
    plan = load_calibration(args.calibration)
    cal = plan.calibration
    check_name(cal.name, f"{args.calibration}: name")  # the default folder, results/<name>
    if args.check:
        held = sum(t.holdout for t in plan.targets)
        print(f"ok: {args.calibration} ({len(plan.names)} parameters, {len(plan.targets) - held} "
              f"in-sample and {held} held-out observations, {cal.trials} trials x "
              f"{cal.replicates} run(s))")
        return 0
    out = args.out or Path("results") / cal.name
    check_folder(out, plan, args.resume, args.overwrite)  # before an executor; calibrate() checks again
    with open_executor(args, "calibrate") as executor:
        try:
            result = calibrate(plan, out, executor, resume=args.resume, report=stderr_report,
                               overwrite=args.overwrite)
        except (OSError, TimeoutError, CancelledError) as exc:
            print(f"error: calibration stopped ({exc.__class__.__name__}: {exc}); finished "
                  f"batches are saved in {out}/, continue with --resume", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print(f"interrupted: finished batches are saved in {out}/, continue with --resume",
                  file=sys.stderr)
            raise
    assert result is not None
    _summary(result)
    return 0
