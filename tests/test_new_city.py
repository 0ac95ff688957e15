"""docs/new_city.md, run as written (issue 21): its ``$ swsim`` lines run in order in a fresh
folder, and every generated block of the page (the scaling rules, the example's file,
validate's output, the money comparison, the run's outcome) is what
benchmarks/new_city.py computes from them now."""

from __future__ import annotations

import importlib.util
import shlex
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "new_city.md"
REGENERATE = "run: python benchmarks/new_city.py --out docs/new_city.md"


def _generator():
    spec = importlib.util.spec_from_file_location("new_city", ROOT / "benchmarks" / "new_city.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


def commands() -> list[list[str]]:
    """The page's commands: lines ``$ swsim ...`` of its console blocks, in order."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    return [shlex.split(line[len("$ swsim "):]) for line in lines if line.startswith("$ swsim ")]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory):
    """The page's commands run in a fresh folder (each must exit 0): (generator, example)."""
    gen = _generator()
    folder = tmp_path_factory.mktemp("new_city")
    return gen, gen.run_example(folder, commands())


def test_new_city_page_commands_run_as_written(page):
    gen, example = page
    assert commands() == gen.COMMANDS, REGENERATE  # the page shows what the generator runs
    assert list(example.printed) == ["new", "validate", "run", "report"]
    report = (example.folder / "results" / "demo_city" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in report


def test_new_city_page_figures_are_current(page, tmp_path):
    """Every quoted output and figure: the four that had gone stale (validate's warning, the
    purchase figure, the coverage date, the certified share) and the rest."""
    gen, example = page
    text = DOC.read_text(encoding="utf-8")
    made = gen.blocks(example, tmp_path / "towns")
    for name in gen.BLOCKS:
        start, end = gen.markers(name)
        assert start in text and end in text, f"docs/new_city.md lost its {name} block"
        shown = text.split(start, 1)[1].split(end, 1)[0]
        assert shown.strip() == made[name].strip(), f"{name} block is stale; {REGENERATE}"
    # the quoted purchase figure is the file's, and the validate block is its output
    file = (example.folder / "demo_city.yaml").read_text(encoding="utf-8")
    amount = next(line for line in file.splitlines() if line.strip().startswith("amount:"))
    assert amount in text
    assert example.printed["validate"].strip() in text
