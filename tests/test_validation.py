"""docs/validation.md stays true: its seed rows match a fresh recomputation (deterministic
runs, a few seconds), and the seed figures the network should reproduce are reproduced."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"_test_{name}", ROOT / "benchmarks" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def staffing_rows():
    return _load("validation_staffing").rows()


def _committed() -> dict[str, tuple[str, str]]:
    """figure -> (seed value, model value) as written in docs/validation.md."""
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    out = {}
    for line in text.split("## Seed figures", 1)[1].split("\n## ", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].startswith("seed "):
            out[cells[1]] = (cells[2], cells[3])
    return out


def _value(cell: str) -> float:
    return float("nan") if cell == "—" else float(cell.replace(",", ""))


def test_committed_table_matches_a_fresh_run(staffing_rows):
    committed = _committed()
    for row in staffing_rows:
        assert row["figure"] in committed, f"regenerate docs/validation.md: {row['figure']}"
        seed_cell, model_cell = committed[row["figure"]]
        assert _value(seed_cell) == pytest.approx(row["seed_value"], rel=5e-3)
        # the page prints 3 significant figures (whole numbers above 1,000)
        assert _value(model_cell) == pytest.approx(row["model_value"], rel=5e-3, abs=0.5e-3), \
            f"{row['figure']}: run python benchmarks/validation.py --out docs/validation.md"


def test_seed_figures_reproduced(staffing_rows):
    by = {r["figure"]: r for r in staffing_rows}
    for figure, row in by.items():
        assert set(row) == {"seed", "figure", "seed_value", "model_value", "error", "note"}
        assert row["seed"].startswith("seed 00") and not math.isnan(row["model_value"])
        if figure.startswith("Binhai") or "Tianjin:" in figure or "Chongqing: rooms" in figure:
            assert abs(row["error"]) < 0.01, figure  # calendars, coverage and stocks hold


def test_every_module_gives_rows_in_the_format():
    validation = _load("validation")
    mods = validation.modules()
    assert any(m.__name__.endswith("validation_staffing") for m in mods)
    for mod in mods:
        assert callable(mod.rows)
