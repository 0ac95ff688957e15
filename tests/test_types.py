"""The modules in pyproject.toml's ``[tool.mypy] files`` (the model core, the services, the
parameters but for the schema, experiments, calibration, discovery, most of report/) type-check
under ``mypy --strict``; issue 22 part 7 extends the list to the whole package."""

from __future__ import annotations

import os
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
