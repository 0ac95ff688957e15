"""Shared fixtures: a small city for fast runs and a helper to call the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulation.cli import main
from simulation.params import load_scenario

SMALL = Path(__file__).resolve().parent.parent / "scenarios" / "small_city.yaml"


@pytest.fixture(scope="session")
def small():
    return load_scenario(SMALL)


@pytest.fixture(scope="session")
def small_run(small):
    from simulation import run

    return run(small, seed=7, replicates=2)


@pytest.fixture
def cli(capsys):
    """Run the swsim CLI in-process; returns (exit status, stdout, stderr)."""

    def call(*args: str) -> tuple[int, str, str]:
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return status, out, err

    return call
