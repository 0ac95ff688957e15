"""The command line's error and argument types, shared by every layer's option helpers.

Below the commands (:mod:`simulation.cliutil` re-exports all of it, so
``simulation.cliutil.UsageError`` stays where users import it from), so that the
executors' ``--workers`` option (:mod:`simulation.execution.choice`), ``swsim new``
(:mod:`simulation.newcity`) and progress bars can raise and parse without importing the CLI.
"""

from __future__ import annotations

import argparse

__all__ = ["UsageError", "positive_int", "seed_int"]


class UsageError(Exception):
    """A bad command line: printed as one ``error:`` line, exit status 2."""


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
