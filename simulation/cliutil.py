"""Pieces every swsim sub-command shares: one-line usage errors and argument types."""

from __future__ import annotations

import argparse

__all__ = ["Parser", "UsageError", "headless_plots", "positive_int", "seed_int"]


class UsageError(Exception):
    """A bad command line: printed as one ``error:`` line, exit status 2."""


def headless_plots() -> None:
    """Plots go to files: select matplotlib's non-interactive Agg backend. Called by the
    command-line entry points (report, calibrate, discover) only; library code never picks a
    backend, so a program or notebook that imports swsim keeps its own."""
    import matplotlib

    matplotlib.use("Agg")


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage dump) and exit 2."""

    def error(self, message: str):
        raise UsageError(f"{self.prog}: {message}")


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def positive_int(text: str) -> int:
    """A whole number >= 1 (replicates, workers, trials)."""
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def seed_int(text: str) -> int:
    """A seed in [0, 2**63)."""
    value = _whole(text)
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2**63-1, got {value}")
    return value
