"""Pieces every swsim sub-command shares: one-line usage errors and argument types.

``UsageError``, ``positive_int`` and ``seed_int`` live in :mod:`simulation.arguments` (below
the commands, so the executors and ``swsim new`` use them too) and are re-exported here.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from .arguments import UsageError, positive_int, seed_int

__all__ = ["Parser", "UsageError", "headless_plots", "positive_int", "seed_int"]


def headless_plots() -> None:
    """Plots go to files: select matplotlib's non-interactive Agg backend. Called by the
    command-line entry points (report, calibrate, discover) only; library code never picks a
    backend, so a program or notebook that imports swsim keeps its own."""
    import matplotlib

    matplotlib.use("Agg")


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage dump) and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")
