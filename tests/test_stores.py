"""Resume and damaged stores: code fingerprints, damaged files refused with one line, nothing good deleted.

Every damaged-store case runs on a copy of a small finished (or cut) sweep, calibration or
run folder and checks: exit status 2, one ``error: PATH: ...`` line naming the damaged file,
and every file of the folder unchanged afterwards.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import refused, snapshot

from simulation import provenance

ROOT = Path(__file__).resolve().parent.parent
ISHIGAMI = {"name": "tiny", "method": "sobol", "samples": 8, "seed": 3,
            "model": "simulation.experiments.examples:ishigami",
            "parameters": {f"x{i}": [-3.0, 3.0] for i in (1, 2, 3)}, "outputs": ["y"]}


def truncate(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


# ---- fixtures: a finished sweep, a cut sweep (chunks), a calibration, a run -----------------

@pytest.fixture(scope="module")
def sweep_files(tmp_path_factory):
    """A finished plug-in sweep (40 runs), its experiment file, and a cut copy with 4 chunks."""
    from simulation.cli import main

    base = tmp_path_factory.mktemp("stores")
    exp = base / "tiny.yaml"
    exp.write_text(json.dumps(ISHIGAMI), encoding="utf-8")
    done = base / "done"
    assert main(["sweep", str(exp), "--out", str(done), "--workers", "1"]) == 0
    cut = base / "cut"
    shutil.copytree(done, cut)
    table = pq.read_table(cut / "runs.parquet")
    (cut / "chunks").mkdir()
    for k, start in enumerate(range(0, 32, 8)):  # 32 of 40 runs saved, as a killed sweep leaves
        pq.write_table(table.slice(start, 8), cut / "chunks" / f"part-{k:05d}.parquet")
    for name in ("runs.parquet", "sensitivity.csv", "manifest.json"):
        (cut / name).unlink()
    return exp, done, cut


@pytest.fixture
def sweeps(sweep_files, tmp_path):
    exp, done, cut = sweep_files
    shutil.copytree(done, tmp_path / "done")
    shutil.copytree(cut, tmp_path / "cut")
    return exp, tmp_path / "done", tmp_path / "cut"


CALIBRATION = {
    "name": "tinycal", "scenario": "small_city",
    "parameters": {"workforce.attrition_rate": [0.05, 0.3]},
    "targets": [{"metric": "social_workers_total", "date": "2022-03", "value": 1500},
                {"metric": "social_workers_total", "date": "2022-06", "value": 1500}],
    "holdout_from": "2022-06", "replicates": 1, "trials": 4, "batch": 2, "startup_trials": 2,
    "best_replicates": 1, "seed": 1}


@pytest.fixture(scope="module")
def calibration_files(tmp_path_factory):
    """A finished tiny calibration (4 trials of a 6-month small city)."""
    from simulation.cli import main

    base = tmp_path_factory.mktemp("cal")
    path = base / "tinycal.yaml"
    path.write_text(yaml.safe_dump(CALIBRATION), encoding="utf-8")
    assert main(["calibrate", str(path), "--out", str(base / "done"), "--workers", "1"]) == 0
    return path, base / "done"


@pytest.fixture(scope="module")
def run_files(tmp_path_factory, small_run):
    return small_run.write(tmp_path_factory.mktemp("run") / "small")


# ---- the code fingerprint ----------------------------------------------------------------

def test_code_fingerprint_is_recorded_and_cached(sweep_files):
    _, done, _ = sweep_files
    code = provenance.code_fingerprint()
    assert len(code) == 64 and provenance.code_fingerprint() is code  # one hash per process
    assert json.loads((done / "plan.json").read_text())["code"] == code


def test_resume_refuses_changed_code(cli, sweeps, monkeypatch):
    exp, done, cut = sweeps
    before = snapshot(cut)
    other = lambda: "0" * 64  # noqa: E731 - the code as edited after the sweep started
    monkeypatch.setattr(provenance, "code_fingerprint", other)
    refused(cli("sweep", exp, "--out", cut, "--resume", "--workers", "1"), str(cut))
    _, _, err = cli("sweep", exp, "--out", cut, "--resume", "--workers", "1")
    assert "code changed" in err
    assert snapshot(cut) == before


# ---- sweep --resume and discover on damaged stores ---------------------------------------

@pytest.mark.parametrize("case", ["truncated_chunk", "empty_chunk", "plan_list", "plan_garbage"])
def test_resume_refuses_a_damaged_cut_sweep(cli, sweeps, case):
    exp, _, cut = sweeps
    damaged = {"truncated_chunk": cut / "chunks" / "part-00002.parquet",
               "empty_chunk": cut / "chunks" / "part-00001.parquet",
               "plan_list": cut / "plan.json", "plan_garbage": cut / "plan.json"}[case]
    if case == "truncated_chunk":
        truncate(damaged)
    elif case == "empty_chunk":
        damaged.write_bytes(b"")
    else:
        damaged.write_text("[1, 2]" if case == "plan_list" else "{not json", encoding="utf-8")
    before = snapshot(cut)
    refused(cli("sweep", exp, "--out", cut, "--resume", "--workers", "1"), str(damaged))
    assert snapshot(cut) == before


@pytest.mark.parametrize("case", ["truncated_runs", "manifest_list"])
def test_resume_refuses_a_damaged_finished_sweep(cli, sweeps, case):
    exp, done, _ = sweeps
    damaged = done / ("runs.parquet" if case == "truncated_runs" else "manifest.json")
    if case == "truncated_runs":
        truncate(damaged)
    else:
        damaged.write_text('["not", "an", "object"]', encoding="utf-8")
    before = snapshot(done)
    refused(cli("sweep", exp, "--out", done, "--resume", "--workers", "1"), str(damaged))
    assert snapshot(done) == before  # the finished sweep's manifest is still there


def test_resume_of_a_cut_sweep_still_finishes(cli, sweeps):
    exp, done, cut = sweeps
    assert cli("sweep", exp, "--out", cut, "--resume", "--workers", "1")[0] == 0
    assert pq.read_table(cut / "runs.parquet").equals(pq.read_table(done / "runs.parquet"))


@pytest.mark.parametrize("case", ["truncated_runs", "empty_runs", "manifest_list"])
def test_discover_refuses_a_damaged_sweep(cli, sweeps, case):
    _, done, _ = sweeps
    damaged = done / ("manifest.json" if case == "manifest_list" else "runs.parquet")
    if case == "truncated_runs":
        truncate(damaged)
    elif case == "empty_runs":
        damaged.write_bytes(b"")
    else:
        damaged.write_text("[]", encoding="utf-8")
    before = snapshot(done)
    refused(cli("discover", done, "--target", "y > 0"), str(damaged))
    assert snapshot(done) == before


@pytest.mark.parametrize("case", ["truncated_runs", "manifest_list"])
def test_report_refuses_a_damaged_sweep(cli, sweeps, case):
    _, done, _ = sweeps
    damaged = done / ("manifest.json" if case == "manifest_list" else "runs.parquet")
    if case == "truncated_runs":
        truncate(damaged)
    else:
        damaged.write_text("3", encoding="utf-8")
    before = snapshot(done)
    refused(cli("report", done), str(damaged))
    assert snapshot(done) == before


# ---- calibrate --resume on damaged stores -------------------------------------------------

@pytest.mark.parametrize("case", ["truncated_trials", "empty_trials", "plan_list", "manifest_list"])
def test_calibrate_resume_refuses_a_damaged_store(cli, calibration_files, tmp_path, case):
    path, done = calibration_files
    out = tmp_path / "cal"
    shutil.copytree(done, out)
    damaged = out / {"truncated_trials": "trials.parquet", "empty_trials": "trials.parquet",
                     "plan_list": "plan.json", "manifest_list": "manifest.json"}[case]
    if case == "truncated_trials":
        truncate(damaged)
    elif case == "empty_trials":
        damaged.write_bytes(b"")
    else:
        damaged.write_text("[]", encoding="utf-8")
    before = snapshot(out)
    refused(cli("calibrate", path, "--out", out, "--resume", "--workers", "1"), str(damaged))
    assert snapshot(out) == before


def test_report_of_a_calibration_folder_adds_only_the_report(cli, calibration_files, tmp_path):
    """A calibration folder is reported (issue 16; it was refused): its own files untouched,
    and a damaged one still refused with one line naming the file."""
    _, done = calibration_files
    before = snapshot(done)
    status, out, err = cli("report", done, "--out", tmp_path / "rep")
    assert status == 0 and "report.html" in out, err
    assert snapshot(done) == before
    assert (tmp_path / "rep" / "report.html").is_file()
    broken = tmp_path / "broken"
    shutil.copytree(done, broken)
    (broken / "fit.csv").write_text("metric,date\n", encoding="utf-8")
    refused(cli("report", broken), "fit.csv")


# ---- swsim report on a damaged run folder -------------------------------------------------

def _damage_timeseries(file: Path, case: str) -> None:
    text = file.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    if case == "mid_row":
        file.write_text(text[: len(text) - len(lines[-1]) // 2], encoding="utf-8")
    elif case == "row_boundary":  # whole rows lost: the last replicate stops early
        file.write_text("".join(lines[:-3]), encoding="utf-8")
    elif case == "extra_field":
        lines[5] = lines[5].rstrip("\n") + ",1\n"
        file.write_text("".join(lines), encoding="utf-8")
    elif case == "missing_metric":
        header = lines[0].rstrip("\n").split(",")
        drop = header.index("certified_total")
        file.write_text("".join(",".join(f for i, f in enumerate(line.rstrip("\n").split(","))
                                         if i != drop) + "\n" for line in lines), encoding="utf-8")
    elif case == "text_value":
        fields = lines[4].split(",")
        fields[6] = "lots"
        lines[4] = ",".join(fields)
        file.write_text("".join(lines), encoding="utf-8")
    elif case == "one_replicate":
        file.write_text("".join(line for line in lines if line.split(",")[1] != "1"),
                        encoding="utf-8")


@pytest.mark.parametrize("case", ["mid_row", "row_boundary", "extra_field", "missing_metric",
                                  "text_value", "one_replicate"])
def test_report_refuses_a_damaged_timeseries(cli, run_files, tmp_path, case):
    folder = tmp_path / "run"
    shutil.copytree(run_files, folder)
    _damage_timeseries(folder / "timeseries.csv", case)
    before = snapshot(folder)
    refused(cli("report", folder), str(folder / "timeseries.csv"))
    assert snapshot(folder) == before and not (folder / "report.html").exists()


def test_report_refuses_a_damaged_run_manifest(cli, run_files, tmp_path):
    folder = tmp_path / "run"
    shutil.copytree(run_files, folder)
    (folder / "manifest.json").write_text("[]", encoding="utf-8")
    refused(cli("report", folder), str(folder / "manifest.json"))
    assert not (folder / "report.html").exists()

