"""``swsim report``: plots and an HTML report from a run or sweep folder.

Light to import (the ``swsim`` command imports it to build its parser): matplotlib,
pandas and the model are imported only in :func:`main`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["add_parser", "main"]


def add_parser(subparsers: Any) -> None:
    """Add the ``report`` sub-command to the ``swsim`` parser."""
    p = subparsers.add_parser("report", help="write plots and an HTML report (English or Chinese) "
                              "for a run or sweep folder")
    p.add_argument("results", type=Path, metavar="RESULTS_DIR",
                   help="a run folder (swsim run), a sweep folder (swsim sweep) or a "
                   "calibration folder (swsim calibrate)")
    p.add_argument("--compare", type=Path, nargs="+", action="extend", default=[], metavar="OTHER_DIR",
                   help="run folders of other scenarios to overlay on the key metrics")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="report language (default en)")
    p.add_argument("--out", type=Path, help="output folder (default: RESULTS_DIR); a new or empty "
                   "folder, RESULTS_DIR, or one holding only an earlier swsim report")
    p.add_argument("--overwrite", action="store_true", help="replace a report.html and plots/ "
                   "there that swsim report did not write, or write into a folder holding other "
                   "files (they are kept)")


def main(args: argparse.Namespace) -> int:
    """Build the report; bad folders raise ResultsError (exit 2 via ``swsim``)."""
    from ..cliutil import headless_plots

    headless_plots()  # plots go to files; set here, never by library code
    from ..progress import ConsoleProgress
    from ..results import PLOTS
    from .build import build_report  # matplotlib (Agg, no pyplot), pandas and the model load here

    show = ConsoleProgress("report", unit="plots", after=3.0)  # silent when it is quick
    try:
        page = build_report(args.results, args.compare, args.lang, args.out, progress=show,
                            overwrite=args.overwrite)
    finally:
        show.close()
    print(f"wrote {page} and {page.parent / PLOTS}/")
    return 0
