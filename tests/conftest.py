"""Shared fixtures: a small city for fast runs and a helper to call the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes): to show nothing was touched."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(result: tuple[int, str, str], names: str) -> None:
    """Exit 2 with one ``error:`` line that names ``names`` (a file, folder or phrase)."""
    status, _, err = result
    lines = err.strip().splitlines()
    assert status == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
    assert names in lines[0] and "Traceback" not in err, err


@contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """A new folder nobody but root may write in, for as long as the block runs."""
    folder.mkdir()
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


@pytest.fixture(autouse=True)
def fresh_page_session(monkeypatch):
    """Each test that touches the web page's session starts from a new one (its reactive
    values are module state, and one test's upload must not become another's starting page).
    Only where the page's module is already imported: other tests do not import Solara."""
    import sys

    session = sys.modules.get("simulation.app.session")
    if session is not None:
        monkeypatch.setattr(session, "state", session.State())
    yield
