"""Configuration files are data: a file alone never makes swsim import or run a plug-in.

Allowed without opt-in: swsim's own models and ``swsim.models`` entry points of
installed packages (registered here by a real ``*.dist-info`` folder on
sys.path). Any other ``package.module:function`` needs ``--trust-model`` naming
exactly it. Plug-in modules written here leave a marker file when imported.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simulation.experiments.spec import load_experiment
from simulation.params import ScenarioError

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = '''\
import pathlib
pathlib.Path({marker!r}).write_text("imported")  # import-time side effect


def f(params, seed):
    return {{"y": sum(params.values())}}
'''


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """A fresh importable module (on sys.path) that writes a marker when imported."""
    name = f"swsim_plugin_{uuid.uuid4().hex[:8]}"
    code = tmp_path / "code"
    code.mkdir()
    marker = tmp_path / "imported"
    (code / f"{name}.py").write_text(PLUGIN.format(marker=str(marker)), encoding="utf-8")
    monkeypatch.syspath_prepend(str(code))
    yield name, marker, code
    sys.modules.pop(name, None)


def experiment(path: Path, model: str, **fields) -> Path:
    doc = {"name": "t", "method": "lhs", "samples": 8, "seed": 1, "model": model,
           "parameters": {"a": [0, 1], "b": [0, 1]}, "outputs": ["y"], **fields}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")  # model: line 5
    return path


def assert_refused(status: int, out: str, err: str, *words: str) -> None:
    assert status == 2 and out == "" and err.startswith("error: ") and err.count("\n") == 1, err
    assert ":5: model: " in err  # file and line of the model key
    for word in words:
        assert word in err, err


def test_subprocess_call_is_refused_and_runs_nothing(cli, tmp_path):
    target = tmp_path / "pwned"
    exp = tmp_path / "x.yaml"
    exp.write_text(f"name: t\nmethod: lhs\nsamples: 8\nseed: 1\nmodel: subprocess:call\n"
                   f"parameters:\n  touch: [0, 1]\n  {target}: [0, 1]\noutputs: [y]\n")
    for extra in (["--check"], ["--workers", "1"], ["--workers", "2"]):
        status, out, err = cli("sweep", exp, "--out", tmp_path / "o", *extra)
        assert_refused(status, out, err, "'subprocess:call'", "--trust-model subprocess:call",
                       "swsim.models")
    assert not target.exists() and not (tmp_path / "o").exists()


def test_untrusted_module_is_never_imported(cli, tmp_path, plugin):
    name, marker, _ = plugin
    exp = experiment(tmp_path / "x.yaml", f"{name}:f")
    for extra in (["--check"], ["--workers", "2"]):
        status, out, err = cli("sweep", exp, "--out", tmp_path / "o", *extra)
        assert_refused(status, out, err, f"--trust-model {name}:f")
    with pytest.raises(ScenarioError, match="--trust-model"):
        load_experiment(exp)
    # a flag naming another model trusts nothing
    status, out, err = cli("sweep", exp, "--check", "--trust-model", "simulation:evaluate")
    assert_refused(status, out, err, "must name exactly")
    assert not marker.exists() and name not in sys.modules


def test_trusted_module_runs_in_worker_processes(cli, tmp_path, plugin):
    name, marker, _ = plugin
    exp = experiment(tmp_path / "x.yaml", f"{name}:f")
    status, out, err = cli("sweep", exp, "--check", "--trust-model", f"{name}:f")
    assert status == 0 and out.startswith("ok:") and marker.exists(), err
    status, out, err = cli("sweep", exp, "--out", tmp_path / "o", "--workers", "2",
                           "--trust-model", f"{name}:f")
    assert status == 0, err
    runs = pd.read_parquet(tmp_path / "o" / "runs.parquet")
    assert (runs["status"] == "ok").all() and runs["y"].tolist() == pytest.approx(runs["a"] + runs["b"])
    # trusted but broken: the usual one-line errors
    for ref, message in (("no_such_module_here:f", "cannot import module"),
                         (f"{name}:nope", "is not a function")):
        status, out, err = cli("sweep", experiment(tmp_path / "b.yaml", ref), "--check",
                               "--trust-model", ref)
        assert status == 2 and err.count("\n") == 1 and message in err, err


def test_registered_entry_point_needs_no_flag(cli, tmp_path, plugin):
    name, marker, code = plugin
    info = code / "swsim_test_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: swsim-test-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[swsim.models]\ntest-sum = {name}:f\n")
    exp = experiment(tmp_path / "x.yaml", "test-sum")
    status, out, err = cli("sweep", exp, "--out", tmp_path / "o", "--workers", "2")
    assert status == 0, err
    assert pd.read_parquet(tmp_path / "o" / "runs.parquet")["status"].eq("ok").all()
    assert load_experiment(exp).model.__module__ == name
    status, out, err = cli("sweep", experiment(tmp_path / "u.yaml", "test-unknown"), "--check")
    assert_refused(status, out, err, "'test-unknown' is not a built-in model nor a registered")


@pytest.mark.e2e
def test_builtin_models_need_no_flag(tmp_path):
    # the shipped experiments name the simulation implicitly or as simulation:evaluate
    for path in sorted((ROOT / "experiments").glob("*.yaml")):
        assert load_experiment(path).builtin
    plan = load_experiment(experiment(tmp_path / "i.yaml", "simulation.experiments.examples:ishigami",
                                      parameters={"x1": [-3, 3], "x2": [-3, 3], "x3": [-3, 3]}))
    assert plan.model.__name__ == "ishigami" and not plan.builtin


def test_calibration_files_take_no_model(cli, tmp_path):
    text = (ROOT / "calibration" / "tianjin.yaml").read_text(encoding="utf-8")
    path = tmp_path / "c.yaml"
    path.write_text(text + "model: subprocess:call\n", encoding="utf-8")
    status, out, err = cli("calibrate", path, "--check")
    assert status == 2 and err.count("\n") == 1 and "model: " in err and "unknown key" in err, err
