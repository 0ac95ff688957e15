"""``swsim discover SWEEP_DIR --target "metric@YYYY-MM >= value"`` (light to import).

Exit status: 0 when the analysis ran (including "no point meets the
target"), 2 for bad input (not a finished sweep, a target that cannot be
read or names no output of the sweep), with one line ``error: ...`` and
nothing written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "main"]


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {value}")
    return value


def add_parser(subparsers: Any) -> None:
    """Register ``swsim discover``."""
    p = subparsers.add_parser("discover", help="scenario discovery (PRIM) on a finished sweep: "
                              "which lever ranges meet a target")
    p.add_argument("sweep", type=Path, metavar="SWEEP_DIR", help="folder of a finished swsim sweep")
    p.add_argument("--target", metavar="'OUTPUT OP VALUE' | NAME",
                   help="e.g. 'community_worker_certified_share@2025-12 >= 0.5' (OP: >=, >, <=, <), "
                   "or the name of a target in the sweep's scenario.yaml (e.g. "
                   "community_workers_certified); default: the scenario's one target that is an "
                   "output of the sweep")
    p.add_argument("--out", type=Path, help="output folder (default: SWEEP_DIR/discovery)")
    p.add_argument("--overwrite", action="store_true", help="replace an --out folder that holds "
                   "something other than an earlier discovery")
    p.add_argument("--min-density", type=_share, default=0.8,
                   help="density the reported box must reach (default 0.8)")


def main(args: argparse.Namespace) -> int:
    """Run ``swsim discover``; return the exit status."""
    from ..cliutil import UsageError, headless_plots

    headless_plots()  # plots go to files; set here, never by library code
    from ..results import DISCOVERY
    from .api import discover
    from .target import TargetError

    try:  # a ResultsError (names the folder or file) goes to swsim's one-line error
        disc, info = discover(args.sweep, args.target, args.out, args.min_density, args.overwrite)
    except TargetError as exc:
        raise UsageError(f"swsim discover: {exc}") from None
    out = args.out or args.sweep / DISCOVERY
    print(f"wrote {out}/ ({info['target']}: {info['points_meeting_target']} of {info['points']} "
          "sample points meet it, replicates averaged)")
    if disc is None:
        print(f"  {info['note']}")
        return 0
    row = disc.trajectory.iloc[disc.chosen]
    print(f"  box {int(row['box'])}: coverage {row['coverage']:.2f}, density {row['density']:.2f}, "
          f"mass {row['mass']:.2f}")
    for lever, lim in disc.limits().items():
        if lim["restricted"]:
            print(f"  {lever:44s} {lim['low']:>12.4g} – {lim['high']:<12.4g}"
                  f" (swept {lim['sweep_low']:.4g} – {lim['sweep_high']:.4g})")
    return 0
