"""The swsim command: the default run, output contract, reproducibility, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import SMALL

BAD_EXIT = 2


@pytest.mark.e2e
def test_default_run_writes_results_folder(tmp_path):
    """`swsim run` with no arguments: the Tianjin baseline, >= 120 monthly rows."""
    proc = subprocess.run([sys.executable, "-m", "simulation.cli", "run"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "results" / "tianjin_baseline"
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json", "scenario.yaml", "summary.csv", "timeseries.csv"]
    ts = pd.read_csv(out / "timeseries.csv")
    assert len(ts) == 121 and ts["step"].tolist() == list(range(121))
    assert ts["date"].iloc[1] == "2022-01" and ts["date"].iloc[-1] == "2031-12"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"] == "tianjin_baseline" and manifest["seed"] == 1
    assert manifest["replicates"] == 1 and manifest["versions"]["mesa"].startswith("3.5")
    assert manifest["wall_seconds"] > 0
    resolved = yaml.safe_load((out / "scenario.yaml").read_text())
    assert resolved["workforce"]["talent_total"] == 36_800
    assert not list(out.glob(".*tmp"))


@pytest.mark.e2e
def test_same_seed_same_bytes(cli, tmp_path):
    for name in ("a", "b", "c"):
        seed = "5" if name != "c" else "6"
        assert cli("run", SMALL, "--out", tmp_path / name, "--seed", seed, "--replicates", "2",
                   "--quiet")[0] == 0
    for f in ("timeseries.csv", "summary.csv", "scenario.yaml"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    assert (tmp_path / "a" / "timeseries.csv").read_bytes() != (
        tmp_path / "c" / "timeseries.csv").read_bytes()


def test_summary_matches_timeseries(cli, tmp_path):
    assert cli("run", SMALL, "--out", tmp_path, "--replicates", "3", "--quiet")[0] == 0
    ts = pd.read_csv(tmp_path / "timeseries.csv")
    summary = pd.read_csv(tmp_path / "summary.csv").set_index("metric")
    last = ts[ts.step == ts.step.max()]["certified_total"]
    assert len(last) == 3
    assert summary.loc["certified_total", "mean"] == pytest.approx(last.mean())
    assert summary.loc["certified_total", "p50"] == pytest.approx(last.median())
    assert summary.loc["certified_total", "p5"] <= summary.loc["certified_total", "p95"]


def test_several_scenarios_get_subfolders(cli, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text(f"extends: {SMALL}\nname: other_city\nmonths: 12\n")
    status, out, _ = cli("run", SMALL, other, "--out", tmp_path / "res", "--quiet")
    assert status == 0
    assert (tmp_path / "res" / "small_city" / "timeseries.csv").is_file()
    assert len(pd.read_csv(tmp_path / "res" / "other_city" / "timeseries.csv")) == 13


def test_set_overrides_and_is_recorded(cli, tmp_path):
    status, _, _ = cli("run", SMALL, "--out", tmp_path, "--quiet",
                       "--set", "months=6", "--set", "workforce.attrition_rate=0.2")
    assert status == 0
    resolved = yaml.safe_load((tmp_path / "scenario.yaml").read_text())
    assert resolved["months"] == 6 and resolved["workforce"]["attrition_rate"] == 0.2
    assert len(pd.read_csv(tmp_path / "timeseries.csv")) == 7


def test_validate_and_list(cli):
    status, out, _ = cli("validate", SMALL)
    assert status == 0 and "small_city" in out
    status, out, _ = cli("list")
    assert status == 0 and "tianjin_baseline" in out


def test_python_api(small):
    import simulation

    result = simulation.run(small, seed=3, replicates=1)
    assert isinstance(result.timeseries, pd.DataFrame)
    assert len(result.timeseries) == small.months + 1


BAD_FILES = {
    "syntax": ("name: x\nmonths: [1, 2\n", "invalid YAML", None),
    "empty": ("", "empty", None),
    "not_mapping": ("- 1\n- 2\n", "mapping", None),
    "unknown_key": ("name: x\nworkforce:\n  attrition_rat: 0.2\n", "unknown key",
                    "workforce.attrition_rat"),
    "wrong_type": ("name: x\nmonths: many\n", "integer", "months"),
    "nan": ("name: x\nworkforce:\n  attrition_rate: .nan\n", "finite", "workforce.attrition_rate"),
    "inf": ("name: x\nservice:\n  worker_hours: .inf\n", "finite", "service.worker_hours"),
    "out_of_bounds": ("name: x\nvolunteers:\n  active_share: 1.5\n", "less than or equal to 1",
                      "volunteers.active_share"),
    "duplicate": ("name: x\nmonths: 12\nmonths: 24\n", "duplicate key", None),
    "missing_parent": ("extends: nowhere.yaml\nname: x\n", "not found", "extends"),
    "bad_date": ("name: x\nstart: 2022-13\n", "use YYYY-MM", "start"),
    "inconsistent": ("name: x\nworkforce:\n  national_certified: 50000\n", "must not exceed",
                     "workforce"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_exit_2_one_line(cli, tmp_path, case):
    text, needle, path = BAD_FILES[case]
    f = tmp_path / f"{case}.yaml"
    f.write_text(text)
    out_dir = tmp_path / "out"
    status, out, err = cli("run", f, "--out", out_dir)
    assert status == BAD_EXIT
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {f}"), lines[0]
    assert needle.lower() in lines[0].lower(), lines[0]
    if path:
        assert f": {path}: " in lines[0], lines[0]
    assert "Traceback" not in err and not out_dir.exists()


def test_error_names_the_line(cli, tmp_path):
    f = tmp_path / "lines.yaml"
    f.write_text("name: x\nmonths: 12\nvolunteers:\n  active_share: 2\n")
    _, _, err = cli("validate", f)
    assert err.startswith(f"error: {f}:4: volunteers.active_share: ")


def test_error_in_parent_names_parent(cli, tmp_path):
    parent = tmp_path / "parent.yaml"
    parent.write_text("name: p\nmonths: 9999\n")
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent.yaml\nname: c\n")
    status, _, err = cli("validate", child)
    assert status == BAD_EXIT and err.startswith(f"error: {parent}:2: months: ")


def test_extends_cycle(cli, tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nname: a\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nname: b\n")
    status, _, err = cli("validate", tmp_path / "a.yaml")
    assert status == BAD_EXIT and "cycle" in err and len(err.strip().splitlines()) == 1


def test_extends_deep_merges(tmp_path):
    from simulation.params import load_scenario

    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {SMALL}\nname: c\nworkforce:\n  exam:\n    pass_rate_assistant: 0.4\n")
    sc = load_scenario(child)
    assert sc.workforce.exam.pass_rate_assistant == 0.4
    assert sc.workforce.exam.registrations_base == 400        # kept from small.yaml
    assert sc.workforce.talent_total == 1_472                 # kept from small.yaml
    assert sc.volunteers.registered_share == 0.1926           # kept from the baseline


@pytest.mark.parametrize("sets, needle", [
    (["workforce.nonsense=1"], "unknown key"),
    (["months"], "key.path=value"),
    (["months=abc"], "integer"),
    (["volunteers.active_share=nan"], "finite"),
    (["months=0"], "greater than or equal to 1"),
    (["months.x=1"], "not a section"),
])
def test_bad_set(cli, tmp_path, sets, needle):
    args = [a for s in sets for a in ("--set", s)]
    status, _, err = cli("run", SMALL, "--out", tmp_path / "o", *args)
    assert status == BAD_EXIT and err.startswith("error: --set: ")
    assert needle in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("args, needle", [
    (["run", "--replicates", "0"], "at least 1"),
    (["run", "--seed", "-3"], "between"),
    (["run", "--bogus"], "unrecognized"),
    (["frobnicate"], "invalid choice"),
    (["run", "no_such_scenario"], "not found"),
])
def test_bad_arguments(cli, args, needle, tmp_path):
    status, _, err = cli(*args, "--out", tmp_path / "o") if args[0] == "run" else cli(*args)
    assert status == BAD_EXIT and err.startswith("error: ") and needle in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.e2e
def test_console_script_installed():
    exe = Path(sys.executable).parent / "swsim"
    assert exe.exists(), "pip install -e . should install the swsim console script"
    proc = subprocess.run([str(exe), "list"], capture_output=True, text=True, check=False,
                          env={**os.environ})
    assert proc.returncode == 0 and "tianjin_baseline" in proc.stdout
