"""The whole ``simulation`` package (pyproject.toml's ``[tool.mypy] files``) type-checks under
``mypy --strict`` (issue 22 part 7)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from mypy import api  # in the dev extras

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent


def test_model_core_passes_mypy_strict(tmp_path):
    cwd = os.getcwd()
    os.chdir(ROOT)  # the [tool.mypy] files are relative to the project folder
    try:
        out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                    "--cache-dir", str(tmp_path / "cache")])
    finally:
        os.chdir(cwd)
    assert status == 0, out + err


def test_mypy_covers_the_whole_package_without_disabled_checks():
    """No module is left out of the strict check, and no module of the package turns an error
    code off (a library's gap is a narrow ``# type: ignore[code]`` or an override for it)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["files"] == ["simulation"]
    assert config["strict"] is True
    for override in config.get("overrides", []):
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        if any(m == "simulation" or m.startswith("simulation.") for m in modules):
            assert "disable_error_code" not in override, override
