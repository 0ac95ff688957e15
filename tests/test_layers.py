"""The package's layers (issue 22): commands above services above the model core.

The contracts are in pyproject.toml's ``[tool.importlinter]``; import-linter (grimp) reads
every import statement of every module, those inside functions too, so a lazy import does
not hide an upward one.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "simulation"

pytest.importorskip("importlinter", reason="import-linter is a dev extra: pip install -e '.[dev]'")


def _lint() -> subprocess.CompletedProcess[str]:
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_import_contracts_are_kept():
    """Model code imports nothing from the commands or services; commands import downward."""
    done = _lint()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_the_contract_reads_imports_inside_functions():
    """The executors' schema error is imported inside a function: the graph the contract is
    checked on holds that import (so an upward import cannot hide in a function)."""
    import grimp

    graph = grimp.build_graph("simulation")
    details = graph.get_import_details(importer="simulation.execution.executors",
                                       imported="simulation.params.levers")
    assert details, "the in-function import of schema_error is not in the graph"
    line = details[0]["line_number"]
    source = (PACKAGE / "execution" / "executors.py").read_text(encoding="utf-8").splitlines()
    assert source[line - 1].startswith("        from ..params.levers import")  # indented: in a function


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _private_imports() -> list[str]:
    """``from X import _name`` where X is in another top-level part of the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if not source.startswith("simulation."):
                continue
            if source.split(".")[:2] == module.split(".")[:2]:
                continue  # within one part of the package (report.build -> report.fonts)
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{module}:{node.lineno} imports {source}.{alias.name}")
    return found


def test_no_module_uses_another_parts_private_names():
    """The web page used the report's private ``_mplfonts_file``: a name one part of the package
    uses from another is public (in that module's ``__all__``)."""
    assert _private_imports() == []


def test_the_moved_names_stay_importable_where_users_had_them():
    from simulation import cliutil, results
    from simulation.arguments import UsageError
    from simulation.experiments import levers as experiment_levers
    from simulation.params import levers as params_levers
    from simulation.params import names

    assert cliutil.UsageError is UsageError
    assert results.NAME_PATTERN == names.NAME_PATTERN == r"^[^\W.\-][\w.\-]{0,99}$"
    assert experiment_levers.apply_params is params_levers.apply_params
    assert experiment_levers.schema_error is params_levers.schema_error
    with pytest.raises(results.ResultsError, match="cannot be a folder name"):
        results.check_name("../x")
    with pytest.raises(names.FolderNameError, match="'/' is not allowed"):
        names.check_name("a/b")


def test_a_scenario_name_that_cannot_be_a_folder_is_still_refused_by_the_schema():
    from pydantic import ValidationError

    from simulation.params import Scenario

    with pytest.raises(ValidationError, match="scenario name '../x' cannot be a folder name"):
        Scenario(name="../x")
