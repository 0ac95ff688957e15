"""Sweep, calibrate and report folders never mix and never clobber silently.

Destinations are checked before anything runs; a folder holding anything but a sweep
(calibration) of the same input is refused unless --overwrite; --overwrite swaps the new
folder in and removes the old one; names that are not folder-safe are refused.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import read_only, refused, snapshot

from simulation import results as results_module

ISHIGAMI = {"name": "tiny", "method": "sobol", "samples": 8, "seed": 3,
            "model": "simulation.experiments.examples:ishigami",
            "parameters": {f"x{i}": [-3.0, 3.0] for i in (1, 2, 3)}, "outputs": ["y"]}
CALIBRATION = {
    "name": "tinycal", "scenario": "small_city",
    "parameters": {"workforce.attrition_rate": [0.05, 0.3]},
    "targets": [{"metric": "social_workers_total", "date": "2022-03", "value": 1500}],
    "replicates": 1, "trials": 2, "batch": 2, "best_replicates": 1}


def hidden(parent: Path) -> list[str]:
    """Leftovers of a swap (``.NAME.new-*``, ``.NAME.old-*``)."""
    return [p.name for p in parent.iterdir() if p.name.startswith(".")]


@pytest.fixture
def exp(tmp_path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(json.dumps(ISHIGAMI), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory, small_run) -> Path:
    return small_run.write(tmp_path_factory.mktemp("run") / "small")


# ---- swsim sweep ----------------------------------------------------------------------------

def test_sweep_manifest_names_its_kind(cli, exp, tmp_path):
    assert cli("sweep", exp, "--out", tmp_path / "o", "--workers", "1")[0] == 0
    assert json.loads((tmp_path / "o" / "manifest.json").read_text())["kind"] == "sweep"
    assert hidden(tmp_path) == []


@pytest.mark.parametrize("resume", [False, True])
def test_sweep_refuses_a_run_folder(cli, exp, run_folder, tmp_path, resume):
    out = tmp_path / "run"
    shutil.copytree(run_folder, out)
    before = snapshot(out)
    refused(cli("sweep", exp, "--out", out, "--workers", "1", *(["--resume"] if resume else [])),
             "run result")
    assert snapshot(out) == before


def test_sweep_refuses_other_files_then_overwrites(cli, exp, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    refused(cli("sweep", exp, "--out", out, "--workers", "1"), "--overwrite")
    assert (out / "notes.txt").read_text() == "mine"
    assert cli("sweep", exp, "--out", out, "--workers", "1", "--overwrite")[0] == 0
    assert not (out / "notes.txt").exists() and (out / "manifest.json").exists()
    assert hidden(tmp_path) == []


def test_sweep_over_a_finished_sweep_needs_resume_or_overwrite(cli, exp, tmp_path):
    out = tmp_path / "o"
    assert cli("sweep", exp, "--out", out, "--workers", "1")[0] == 0
    before = snapshot(out)
    refused(cli("sweep", exp, "--out", out, "--workers", "1"), "--resume")
    refused(cli("sweep", exp, "--out", out, "--resume", "--overwrite"), "not both")
    assert snapshot(out) == before
    assert cli("sweep", exp, "--out", out, "--workers", "1", "--overwrite")[0] == 0
    assert (out / "runs.parquet").read_bytes() == before["runs.parquet"]  # same seed, same runs


def test_failed_overwrite_start_leaves_the_old_folder(cli, exp, tmp_path, monkeypatch):
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")

    def full_disk(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(results_module, "write_atomic", full_disk)  # the new folder cannot be filled
    status, _, err = cli("sweep", exp, "--out", out, "--workers", "1", "--overwrite")
    assert status == 1 and "No space left" in err
    assert snapshot(out) == {"notes.txt": b"mine"} and hidden(tmp_path) == []


def test_sweep_out_that_is_a_file(cli, exp, tmp_path):
    (tmp_path / "f").write_text("x")
    refused(cli("sweep", exp, "--out", tmp_path / "f", "--workers", "1"), "not a folder")
    refused(cli("sweep", exp, "--out", tmp_path / "f" / "sub", "--workers", "1"),
             "not a folder")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_sweep_into_a_read_only_folder(cli, exp, tmp_path):
    with read_only(tmp_path / "ro") as ro:
        refused(cli("sweep", exp, "--out", ro / "o", "--workers", "1"), "permission denied")


@pytest.mark.parametrize("name", ["..", ".hidden", "a/b"])
def test_unsafe_experiment_names_are_refused(cli, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "e.yaml"
    path.write_text(json.dumps({**ISHIGAMI, "name": name}), encoding="utf-8")
    status, _, err = cli("sweep", path, "--workers", "1")
    assert status == 2 and err.count("\n") == 1 and err.startswith("error:"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.yaml"]


# ---- swsim calibrate ------------------------------------------------------------------------

def _calibration(tmp_path: Path, **over) -> Path:
    path = tmp_path / "cal.yaml"
    path.write_text(yaml.safe_dump({**CALIBRATION, **over}), encoding="utf-8")
    return path


def test_calibrate_refuses_a_run_folder_and_unsafe_names(cli, run_folder, tmp_path, monkeypatch):
    out = tmp_path / "run"
    shutil.copytree(run_folder, out)
    before = snapshot(out)
    refused(cli("calibrate", _calibration(tmp_path), "--out", out, "--workers", "1"), "run result")
    assert snapshot(out) == before
    monkeypatch.chdir(tmp_path)
    refused(cli("calibrate", _calibration(tmp_path, name=".."), "--workers", "1"),
             "cannot be a folder name")
    assert not (tmp_path / "results").exists()


def test_calibrate_overwrite_replaces_and_names_its_kind(cli, tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    path = _calibration(tmp_path)
    refused(cli("calibrate", path, "--out", out, "--workers", "1"), "--overwrite")
    status, _, err = cli("calibrate", path, "--out", out, "--workers", "1", "--overwrite")
    assert status == 0, err
    assert not (out / "notes.txt").exists() and hidden(tmp_path) == []
    assert json.loads((out / "manifest.json").read_text())["kind"] == "calibration"
    refused(cli("calibrate", path, "--out", out, "--workers", "1"), "--resume")


# ---- swsim report --out -----------------------------------------------------------------------

def test_report_out_that_is_a_file_is_refused_before_building(cli, run_folder, tmp_path):
    (tmp_path / "f").write_text("x")
    refused(cli("report", run_folder, "--out", tmp_path / "f"), "not a folder")
    assert (tmp_path / "f").read_text() == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_report_out_unwritable_is_refused(cli, run_folder, tmp_path):
    with read_only(tmp_path / "ro") as ro:
        refused(cli("report", run_folder, "--out", ro), "permission denied")
