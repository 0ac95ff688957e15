"""Result folders never mix and never clobber silently (issue 12, part 2, ``swsim run``)."""

from __future__ import annotations

import json
import os

import pytest
from conftest import read_only, refused

import simulation.runner as runner_module


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.yaml").write_text("extends: small_city\nname: tiny\nmonths: 3\n")
    (tmp_path / "tiny2.yaml").write_text("extends: small_city\nname: tiny2\nmonths: 3\n")
    return tmp_path


def _manifest(folder):
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_set_runs_get_their_own_folder(project, cli):
    assert cli("run", "tiny.yaml", "--quiet")[0] == 0
    plain = _manifest(project / "results" / "tiny")
    status, out, _ = cli("run", "tiny.yaml", "--set", "workforce.attrition_rate=0.2", "--quiet")
    assert status == 0
    folder = project / out.strip()
    assert folder.parent == project / "results" and folder.name.startswith("tiny.set-")
    info = _manifest(folder)
    assert info["kind"] == "run" and info["overrides"] == ["workforce.attrition_rate=0.2"]
    assert _manifest(project / "results" / "tiny") == plain  # untouched
    assert plain["overrides"] == []


def test_rerun_replaces_a_finished_run_and_says_so(project, cli):
    cli("run", "tiny.yaml", "--quiet")
    status, out, _ = cli("run", "tiny.yaml", "--seed", "5")
    assert status == 0 and "replaced the earlier result" in out
    assert _manifest(project / "results" / "tiny")["seed"] == 5
    assert [p.name for p in (project / "results").iterdir()] == ["tiny"]  # no leftovers


@pytest.mark.parametrize("setup,message", [
    (lambda d: (d.mkdir(), (d / "manifest.json").write_text('{"kind": "sweep"}')), "holds a sweep"),
    (lambda d: (d.mkdir(), (d / "notes.txt").write_text("mine")), "holds other files (notes.txt)"),
    (lambda d: d.write_text("a file"), "exists and is not a folder"),
])
def test_foreign_destinations_are_refused(project, cli, setup, message):
    dest = project / "dest"
    setup(dest)
    before = sorted(p.name for p in dest.iterdir()) if dest.is_dir() else dest.read_text()
    status, out, err = cli("run", "tiny.yaml", "--out", dest)
    assert status == 2 and out == "" and message in err and err.count("\n") == 1
    after = sorted(p.name for p in dest.iterdir()) if dest.is_dir() else dest.read_text()
    assert after == before


def test_overwrite_replaces_a_foreign_folder_whole(project, cli):
    dest = project / "dest"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    assert cli("run", "tiny.yaml", "--out", dest, "--overwrite", "--quiet")[0] == 0
    assert sorted(p.name for p in dest.iterdir()) == ["manifest.json", "scenario.yaml",
                                                      "summary.csv", "timeseries.csv"]


def test_the_working_folder_is_never_a_destination(project, cli):
    status, _, err = cli("run", "tiny.yaml", "--out", ".", "--overwrite")
    assert status == 2 and "holds your work" in err
    assert (project / "tiny.yaml").exists()


def test_every_destination_is_checked_before_any_run(project, cli):
    out = project / "both"
    (out / "tiny2").mkdir(parents=True)
    (out / "tiny2" / "keep.txt").write_text("x")
    status, _, err = cli("run", "tiny.yaml", "tiny2.yaml", "--out", out)
    assert status == 2 and "tiny2" in err
    assert sorted(p.name for p in out.iterdir()) == ["tiny2"]  # tiny was not written


def test_interrupted_write_keeps_the_earlier_folder(project, cli, monkeypatch):
    cli("run", "tiny.yaml", "--quiet")
    folder = project / "results" / "tiny"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real = runner_module.write_atomic

    def failing(path, data):
        if path.name == "timeseries.csv":
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(runner_module, "write_atomic", failing)
    status, _, err = cli("run", "tiny.yaml", "--seed", "9")
    assert status == 1 and "No space left on device" in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in (project / "results").iterdir()] == ["tiny"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_destination_is_refused_before_running(project, cli):
    with read_only(project / "locked") as locked:
        refused(cli("run", "tiny.yaml", "--out", locked / "x"), "permission denied")
