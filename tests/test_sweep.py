"""swsim sweep: known answers (Ishigami), executors agree, resume, failures, bad input.

Plug-in models used here are defined in this module and named ``test_sweep:...``
(pytest puts tests/ on sys.path; worker processes inherit it).
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import refused

from simulation.execution.executors import local_cluster, preserved_environ
from simulation.experiments.examples import ishigami, ishigami_indices
from simulation.experiments.spec import load_experiment

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENTS = ROOT / "experiments"
PI = math.pi
#: set at collection, before any worker process starts, so workers inherit it
MARKERS = Path(os.environ.setdefault("SWSIM_TEST_MARKERS", tempfile.mkdtemp(prefix="swsim-")))
ISHIGAMI = {"model": "simulation.experiments.examples:ishigami",
            "parameters": {f"x{i}": [-PI, PI] for i in (1, 2, 3)}, "outputs": ["y"]}


# ---- plug-in models for these tests -------------------------------------------------------

def holes(params: dict[str, float], seed: int) -> dict[str, float]:
    """Ishigami, but raises where x1 > 2.5 (part of the space fails)."""
    if params["x1"] > 2.5:
        raise ValueError(f"no model here (x1 = {params['x1']:.3f})")
    return ishigami(params, seed)


_calls = 0


def killed(params: dict[str, float], seed: int) -> dict[str, float]:
    """Ishigami; with SWSIM_TEST_KILL_AT=K set, SIGKILLs its own process on the K-th call."""
    global _calls
    _calls += 1
    if _calls == int(os.environ.get("SWSIM_TEST_KILL_AT", "0")):
        os.kill(os.getpid(), signal.SIGKILL)
    return ishigami(params, seed)


def dies(params: dict[str, float], seed: int) -> dict[str, float]:
    """Ishigami; its worker process dies once where x1 > 2.8, and every time where x1 < -3.0."""
    if params["x1"] < -3.0:
        os._exit(3)
    marker = MARKERS / f"died-{seed}"
    if params["x1"] > 2.8 and not marker.exists():
        marker.touch()
        os._exit(3)
    return ishigami(params, seed)


# ---- helpers ------------------------------------------------------------------------------

def write_experiment(path: Path, **fields) -> Path:
    base = {"name": "t", "method": "sobol", "samples": 64, "seed": 11}
    path.write_text(json.dumps({**base, **fields}), encoding="utf-8")  # JSON is YAML
    return path


def table(folder: Path):
    return pq.read_table(folder / "runs.parquet")


def sens(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "sensitivity.csv").set_index(["output", "parameter", "index"])


# ---- known answers ------------------------------------------------------------------------

def test_ishigami_sobol_indices_match_analytic(cli, tmp_path):
    exp = write_experiment(tmp_path / "ish.yaml", samples=1024, **ISHIGAMI)
    status, out, err = cli("sweep", exp, "--out", tmp_path / "out", "--workers", "1")
    assert status == 0, err
    got = sens(tmp_path / "out")
    for index, values in ishigami_indices().items():
        for name, expected in values.items():
            assert got.loc[("y", name, index), "value"] == pytest.approx(expected, abs=0.05), (
                index, name)
            assert got.loc[("y", name, index), "conf"] > 0
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert len(runs) == 1024 * 5 and runs["run_id"].tolist() == list(range(len(runs)))
    assert (runs["status"] == "ok").all() and runs["error"].isna().all()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["runs"]["failed"] == 0 and manifest["executor"]["kind"] == "serial"


@pytest.mark.parametrize("method,samples,index", [("morris", 40, "mu_star"), ("fast", 257, "ST"),
                                                  ("lhs", 400, "spearman")])
def test_other_methods_rank_ishigami(cli, tmp_path, method, samples, index):
    exp = write_experiment(tmp_path / "e.yaml", method=method, samples=samples, **ISHIGAMI)
    assert cli("sweep", exp, "--out", tmp_path / "o", "--workers", "1")[0] == 0
    got = sens(tmp_path / "o")["value"].xs(index, level="index").loc["y"]
    if method == "lhs":  # y rises with sin(x1) but not monotonically with x2, x3
        assert got["x1"] > 0.3 and abs(got["x2"]) < 0.15 and abs(got["x3"]) < 0.15
    else:
        assert got["x1"] > got["x3"] and got["x2"] > got["x3"]


def test_evaluate_is_the_simulation_as_a_plugin(small):
    import simulation
    from simulation.experiments.levers import apply_params

    got = simulation.evaluate({"workforce.attrition_rate": 0.2}, 5, scenario=small,
                              outputs=["certified_total", "station_coverage@2023-01"])
    assert set(got) == {"certified_total", "station_coverage@2023-01"}
    assert all(isinstance(v, float) for v in got.values())
    assert got == simulation.evaluate({"workforce.attrition_rate": 0.2}, 5, scenario=small,
                                      outputs=["certified_total", "station_coverage@2023-01"])
    rounded = apply_params(small, {"network.station_posts": 3.6, "workforce.attrition_rate": 0.2})
    assert rounded.network.station_posts == 4 and rounded.workforce.attrition_rate == 0.2


# ---- executors agree run for run ----------------------------------------------------------

@pytest.mark.e2e
def test_serial_processes_and_dask_give_identical_runs(cli, tmp_path):
    """The simulation itself (small city, two replicates) on all three executors."""
    exp = write_experiment(tmp_path / "sc.yaml", scenario="small_city", method="morris", samples=2,
                           replicates=2, parameters={"workforce.attrition_rate": [0.08, 0.25],
                                                     "network.station_posts": [2, 6]},
                           outputs=["certified_total", "need_met_share", "spend_total@2023-06"])
    assert cli("sweep", exp, "--out", tmp_path / "serial", "--workers", "1")[0] == 0
    assert cli("sweep", exp, "--out", tmp_path / "procs", "--workers", "2")[0] == 0
    before = dict(os.environ)
    with local_cluster(2) as address:
        status, _, err = cli("sweep", exp, "--out", tmp_path / "dask", "--scheduler", address)
    assert status == 0, err
    assert "MALLOC_TRIM_THRESHOLD_" not in err  # our workers do not get Dask's setting
    assert dict(os.environ) == before
    serial = table(tmp_path / "serial")
    assert serial.num_rows == 2 * 3 * 2
    assert serial.equals(table(tmp_path / "procs")) and serial.equals(table(tmp_path / "dask"))
    runs = serial.to_pandas()
    assert runs.groupby("sample")["certified_total"].nunique().max() == 2  # replicates differ
    assert (tmp_path / "serial" / "sensitivity.csv").read_bytes() == (
        tmp_path / "dask" / "sensitivity.csv").read_bytes()


def test_preserved_environ_undoes_changes(monkeypatch):
    monkeypatch.setenv("SWSIM_KEEP", "1")
    with preserved_environ():
        os.environ["MALLOC_TRIM_THRESHOLD_"] = "65536"
        os.environ["SWSIM_KEEP"] = "2"
    assert "MALLOC_TRIM_THRESHOLD_" not in os.environ and os.environ["SWSIM_KEEP"] == "1"


# ---- resume -------------------------------------------------------------------------------

@pytest.mark.e2e
def test_resume_after_kill_equals_uninterrupted_sweep(cli, tmp_path):
    exp = write_experiment(tmp_path / "k.yaml", samples=1024, **{**ISHIGAMI, "model": "test_sweep:killed"})
    code = ("import sys; from simulation.experiments.spec import load_experiment; "
            "from simulation.experiments.sweep import Sweep; "
            "from simulation.execution.executors import SerialExecutor; "
            "plan = load_experiment(sys.argv[1], trust_model='test_sweep:killed'); "
            "Sweep(plan, sys.argv[2], flush_rows=50).run(SerialExecutor())")
    env = {**os.environ, "SWSIM_TEST_KILL_AT": "2500",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", code, exp, tmp_path / "crashed"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    crashed = tmp_path / "crashed"
    assert not (crashed / "manifest.json").exists() and not (crashed / "runs.parquet").exists()
    saved = sum(pq.read_metadata(p).num_rows for p in (crashed / "chunks").glob("part-*.parquet"))
    assert 0 < saved < 2500
    trust = ("--trust-model", "test_sweep:killed")
    status, _, err = cli("sweep", exp, "--out", crashed, *trust)  # a sweep is there: refuse
    assert status == 2 and err.startswith("error:") and "--resume" in err
    assert cli("sweep", exp, "--out", crashed, "--resume", "--workers", "2", *trust)[0] == 0
    assert cli("sweep", exp, "--out", tmp_path / "whole", "--workers", "1", *trust)[0] == 0
    assert table(crashed).equals(table(tmp_path / "whole"))
    manifest = json.loads((crashed / "manifest.json").read_text())
    assert manifest["resumed"] and manifest["runs"]["run_this_session"] == 1024 * 5 - saved
    assert not (crashed / "chunks").exists()
    # resuming a finished sweep runs nothing and changes nothing
    assert cli("sweep", exp, "--out", crashed, "--resume", "--workers", "1", *trust)[0] == 0
    assert table(crashed).equals(table(tmp_path / "whole"))


def test_resume_refuses_a_changed_experiment(cli, tmp_path):
    exp = write_experiment(tmp_path / "e.yaml", samples=8, **ISHIGAMI)
    assert cli("sweep", exp, "--out", tmp_path / "o", "--workers", "1")[0] == 0
    write_experiment(exp, samples=16, **ISHIGAMI)
    status, _, err = cli("sweep", exp, "--out", tmp_path / "o", "--resume")
    assert status == 2 and err.count("\n") == 1 and "different experiment" in err


# ---- failures are data --------------------------------------------------------------------

def test_failing_runs_are_recorded_and_exit_nonzero(cli, tmp_path):
    exp = write_experiment(tmp_path / "h.yaml", replicates=2, **{**ISHIGAMI, "model": "test_sweep:holes"})
    status, out, err = cli("sweep", exp, "--out", tmp_path / "o", "--workers", "2",
                           "--trust-model", "test_sweep:holes")
    assert status == 1, err
    runs = pd.read_parquet(tmp_path / "o" / "runs.parquet")
    bad = runs["x1"] > 2.5
    assert bad.any() and (~bad).any() and len(runs) == 64 * 5 * 2
    assert (runs.loc[bad, "status"] == "failed").all() and (runs.loc[~bad, "status"] == "ok").all()
    assert runs.loc[bad, "error"].str.startswith("ValueError: no model here").all()
    assert runs.loc[bad, "y"].isna().all() and runs.loc[~bad, "y"].notna().all()
    assert f"{bad.sum()} run(s) failed" in out and "ValueError" in out
    first = runs.loc[bad, "run_id"].iloc[0]
    assert f"run {first} " in out
    assert "no indices computed" in out  # sobol needs every point
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["runs"]["failed"] == bad.sum()


def test_report_says_why_no_indices_were_computed(cli, tmp_path):
    """Every output without indices left a header-only sensitivity.csv, which the report
    called damaged ("run the sweep again", which gives the same); it now says what failed."""
    exp = write_experiment(tmp_path / "h.yaml", samples=8, **{**ISHIGAMI, "model": "test_sweep:holes"})
    out = tmp_path / "o"
    status, _, err = cli("sweep", exp, "--out", out, "--workers", "1", "--trust-model",
                         "test_sweep:holes")
    assert status == 1, err
    why = json.loads((out / "manifest.json").read_text())["sensitivity_notes"]
    assert len(why) == 1 and why[0].startswith("y: ") and "no indices computed" in why[0]
    status, stdout, err = cli("report", out)
    assert status == 0, err
    assert err == f"note: {out}: no sensitivity indices could be computed: {why[0]}\n"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"No sensitivity indices could be computed: {why[0]}." in page
    assert "damaged" not in page + err


@pytest.mark.e2e
def test_lost_workers_are_retried(cli, tmp_path):
    exp = write_experiment(tmp_path / "d.yaml", method="lhs", samples=60,
                           **{**ISHIGAMI, "model": "test_sweep:dies"})
    status, out, err = cli("sweep", exp, "--out", tmp_path / "o", "--workers", "2",
                           "--trust-model", "test_sweep:dies")
    runs = pd.read_parquet(tmp_path / "o" / "runs.parquet").set_index("run_id")
    always = runs["x1"] < -3.0
    once = runs["x1"] > 2.8
    assert always.any() and once.any() and status == 1, err
    assert (runs.loc[always, "status"] == "failed").all()
    assert runs.loc[always, "error"].str.startswith("WorkerLost").all()
    ok = runs[~always]
    assert (ok["status"] == "ok").all()
    expected = [ishigami({"x1": r.x1, "x2": r.x2, "x3": r.x3}, 0)["y"] for r in ok.itertuples()]
    assert ok["y"].tolist() == pytest.approx(expected, rel=1e-12)


# ---- bad input ----------------------------------------------------------------------------

GOOD = {"scenario": "small_city", "method": "sobol", "samples": 8,
        "parameters": {"workforce.attrition_rate": [0.1, 0.2]}, "outputs": ["certified_total"]}

BAD = [
    ({"colour": "red"}, "colour: unknown key"),
    ({"samples": "many"}, "samples: Input should be a valid integer"),
    ({"replicates": 0}, "replicates: Input should be greater than or equal to 1"),
    ({"parameters": {"workforce.attrition_rate": [0.3, 0.2]}}, "low must be below high"),
    ({"parameters": {"workforce.attrition_rate": [0.2, 0.2]}}, "low must be below high"),
    ({"parameters": {"workforce.attrition_rate": [0.1, 0.95]}}, "outside the parameter's bounds"),
    ({"parameters": {"workforce.attrition_rate": [0.1]}}, "parameters.workforce.attrition_rate"),
    ({"parameters": {"workforce.atrition_rate": [0.1, 0.2]}}, "did you mean 'workforce.attrition_rate'"),
    ({"parameters": {"network.station_deadline": [1, 2]}}, "not a numeric scenario parameter"),
    ({"parameters": {}}, "parameters: Dictionary should have at least 1 item"),
    ({"method": "sobel"}, "method: Input should be 'sobol', 'morris', 'fast' or 'lhs'"),
    ({"samples": 10}, "samples: sobol needs a power of 2"),
    ({"method": "fast", "samples": 50}, "samples: fast needs more than 64"),
    ({"model": "no_such_module:f"}, "model: 'no_such_module:f' is not a built-in or registered"),
    ({"model": "no_such_plugin"}, "model: 'no_such_plugin' is not a built-in model nor a registered"),
    ({"model": "not a reference"}, "model: String should match pattern"),
    ({"model": "simulation.experiments.examples:ishigami"}, "scenario: only the built-in model"),
    ({"scenario": "atlantis"}, "scenario: scenario file not found"),
    ({"outputs": ["certified_totl"]}, "did you mean 'certified_total'"),
    ({"outputs": ["certified_total@2040-01"]}, "is not simulated"),
    ({"outputs": ["exam_passes@2021"]}, "year 2021 is not wholly simulated"),
    ({"outputs": []}, "outputs: List should have at least 1 item"),
    ({"seed": -1}, "seed: Input should be greater than or equal to 0"),
    # each range valid alone, not together (issue 21: --check accepted it, half the runs failed)
    ({"parameters": {"workforce.exam.from_community_workers": [0.1, 0.6],
                     "workforce.exam.from_workforce": [0.1, 0.6]}},
     "parameters.workforce.exam.from_community_workers: a combination of the ranges' ends "
     "(workforce.exam.from_community_workers=0.6, workforce.exam.from_workforce=0.6) gives an "
     "invalid scenario: workforce.exam: from_community_workers + from_workforce must not exceed 1"),
    # an output month that only the longest runs reach
    ({"parameters": {"months": [6, 24]}, "outputs": ["social_workers_total@2023-06"]},
     "outputs.0: month '2023-06' is not simulated in the shortest run the 'months' lever "
     "allows (6 months: YYYY-MM from 2021-12 to 2022-06"),
    ({"parameters": {"months": [6.4, 24]}, "outputs": ["exam_passes@2022"]},
     "year 2022 is not wholly simulated in the shortest run the 'months' lever allows (6 months"),
]


@pytest.mark.parametrize("change,message", BAD, ids=[m for _, m in BAD])
def test_bad_experiment_exits_2_with_one_line(cli, tmp_path, change, message):
    exp = write_experiment(tmp_path / "bad.yaml", **{**GOOD, **change})
    status, out, err = cli("sweep", exp, "--out", tmp_path / "o", "--workers", "1")
    assert status == 2 and out == ""
    assert err.startswith(f"error: {exp}") and err.count("\n") == 1, err
    assert message in err
    assert not (tmp_path / "o").exists()
    status, out, err = cli("sweep", exp, "--check")  # --check refuses what a run refuses
    assert status == 2 and out == "" and message in err and err.count("\n") == 1, err


def test_every_sample_point_goes_through_the_schema(small, tmp_path):
    """A point the corners do not reveal is refused by its number before anything runs."""
    from simulation.experiments.levers import check_points
    from simulation.params import ScenarioError
    from simulation.params.loader import FileCheck

    names = ["workforce.exam.from_community_workers", "workforce.exam.from_workforce"]
    check = FileCheck(tmp_path / "e.yaml", {"parameters": 5})
    check_points(small, names, [[0.3, 0.3], [0.5, 0.5]], check)  # both valid
    with pytest.raises(ScenarioError) as caught:
        check_points(small, names, [[0.3, 0.3], [0.55, 0.5], [0.7, 0.7]], check)
    err = caught.value
    assert err.line == 5 and err.path == f"parameters.{names[0]}"
    assert err.message.startswith(f"sample point 1 ({names[0]}=0.55, {names[1]}=0.5) gives an "
                                  "invalid scenario: workforce.exam: from_community_workers")


def test_failed_runs_record_one_line_without_pydantic_text(small):
    """A run the schema refuses is recorded as `key.path: what is wrong`, not pydantic's
    three lines with its URL; a missing output without KeyError's quotes."""
    from simulation.execution.executors import one_line
    from simulation.execution.model_run import output_value
    from simulation.experiments.levers import apply_params

    with pytest.raises(Exception) as caught:
        apply_params(small, {"workforce.exam.from_community_workers": 0.9,
                             "workforce.exam.from_workforce": 0.9})
    assert one_line(caught.value) == (
        "ValidationError: workforce.exam: from_community_workers + from_workforce must not "
        "exceed 1 (the rest come from outside)")
    with pytest.raises(KeyError) as missing:
        output_value([{"date": "2022-01", "x": 1.0}], "x@2023-06")
    assert one_line(missing.value) == "KeyError: output 'x@2023-06': month 2023-06 is outside the run"


def test_scenario_path_is_relative_to_the_experiment(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mine.yaml").write_text("extends: small_city\nname: mine\nmonths: 12\n")
    exp = write_experiment(tmp_path / "sub" / "e.yaml", **{**GOOD, "scenario": "mine.yaml"})
    monkeypatch.chdir(ROOT)
    plan = load_experiment(exp)
    assert plan.scenario.name == "mine" and plan.scenario.months == 12


def test_error_names_the_line(cli, tmp_path):
    exp = tmp_path / "lined.yaml"
    exp.write_text("name: t\nscenario: small_city\nmethod: sobol\nsamples: 8\nparameters:\n"
                   "  workforce.attrition_rate: [0.1, 0.95]\noutputs: [certified_total]\n")
    status, _, err = cli("sweep", exp, "--out", tmp_path / "o")
    assert status == 2
    assert err.startswith(f"error: {exp}:6: parameters.workforce.attrition_rate: [0.1, 0.95]")


@pytest.mark.parametrize("args,message", [
    (["--workers", "0"], "must be at least 1"),
    (["--workers", "1", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
    (["--scheduler", "foo://bar"], "--scheduler 'foo://bar': unknown scheme"),
    (["--frobnicate"], "unrecognized arguments"),
])
def test_bad_command_line_exits_2(cli, tmp_path, args, message):
    exp = write_experiment(tmp_path / "e.yaml", samples=8, **ISHIGAMI)
    status, _, err = cli("sweep", exp, "--out", tmp_path / "o", *args)
    assert status == 2 and err.startswith("error:") and err.count("\n") == 1 and message in err
    assert not (tmp_path / "o").exists()


# ---- shipped experiments ------------------------------------------------------------------

@pytest.mark.e2e
def test_smoke_experiment_runs_end_to_end(cli, tmp_path):
    status, out, err = cli("sweep", EXPERIMENTS / "smoke.yaml", "--out", tmp_path / "smoke",
                           "--workers", "2")
    assert status == 0, err
    folder = tmp_path / "smoke"
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json", "plan.json", "runs.parquet", "scenario.yaml", "sensitivity.csv"]
    s = pd.read_csv(folder / "sensitivity.csv")
    assert list(s.columns) == ["output", "parameter", "index", "value", "conf"]
    assert set(s["index"]) == {"S1", "ST"} and s["value"].notna().all()
    assert "wrote" in out


def test_shipped_experiments_and_calibrations_are_found_by_name(cli, tmp_path, monkeypatch):
    """`swsim sweep smoke` from another folder said "smoke: file not found" (issue 21)."""
    monkeypatch.chdir(tmp_path)
    status, out, err = cli("sweep", "smoke", "--check")
    assert status == 0 and out.startswith("ok: smoke (sobol: 80 sample points"), err
    status, out, err = cli("sweep", "smoke.yaml", "--check")
    assert status == 0, err
    status, out, err = cli("calibrate", "tianjin", "--check")
    assert status == 0 and out.startswith("ok: tianjin ("), err
    result = cli("sweep", "smok", "--check")
    refused(result, "error: smok: file not found (shipped: certified_target_small_city, ")
    refused(cli("calibrate", "nosuch"), "error: nosuch: file not found (shipped: tianjin)")
    (tmp_path / "smoke.yaml").write_text("name: mine\n", encoding="utf-8")  # a file named wins
    refused(cli("sweep", "smoke.yaml", "--check"), "error: smoke.yaml: ")


def test_the_wheel_ships_experiments_and_calibrations():
    """Installed, they are found inside the package, as the scenarios are."""
    import tomllib

    from simulation.experiments.spec import shipped_files

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    for folder in ("scenarios", "experiments", "calibration"):
        assert included[folder] == f"simulation/_{folder}"
    assert set(shipped_files("experiments")) == {p.stem for p in EXPERIMENTS.glob("*.yaml")}
    assert set(shipped_files("calibration")) == {"tianjin"}


@pytest.mark.e2e
@pytest.mark.parametrize("path", sorted(EXPERIMENTS.glob("*.yaml")), ids=lambda p: p.stem)
def test_shipped_experiments_validate(cli, path):
    plan = load_experiment(path)
    assert plan.experiment.name == path.stem
    status, out, _ = cli("sweep", path, "--check")
    assert status == 0 and out.startswith("ok:")


def test_year_total_outputs_sum_the_years_months(cli, tmp_path):
    """``metric@YYYY`` in a sweep is the total of that year's twelve months of the run."""
    exp = write_experiment(tmp_path / "year.yaml", **{**GOOD, "method": "lhs", "samples": 2,
                                                      "outputs": ["exam_passes@2023"]})
    status, _, err = cli("sweep", exp, "--out", tmp_path / "out", "--workers", "1")
    assert status == 0, err
    runs = table(tmp_path / "out").to_pandas()
    from simulation.execution.model_run import simulate
    from simulation.params import load_scenario

    row = runs.iloc[0]
    params = {"workforce.attrition_rate": row["workforce.attrition_rate"]}
    records = simulate(params, int(row["seed"]), load_scenario("small_city"))
    total = sum(r["exam_passes"] for r in records if str(r["date"]).startswith("2023-"))
    assert row["exam_passes@2023"] == total > 0


# ---- progress ------------------------------------------------------------------------------

def _sweep_clock(startup: float, per_run: float, runs: int, workers: int):
    """(done, time) as a sweep reports them: nothing during ``startup``, then ``workers``
    runs every ``per_run`` seconds."""
    yield 0, 0.0
    for k in range(1, runs // workers + 1):
        yield k * workers, startup + k * per_run


@pytest.mark.parametrize("tty", [False, True])
def test_time_left_is_estimated_from_finished_runs_only(tty):
    """The first sweep's estimate said 11.4 min for a 49 s sweep: the workers' start-up
    (imports before the first run finishes) was taken for the pace (issue 21). Plain lines
    and the terminal's bar both say the time left at the pace of finished runs."""
    import io
    import re

    from simulation.progress import ConsoleProgress

    startup, per_run, runs = 8.0, 0.6, 160  # 56 s in all, 8 of them starting up
    now, stream = [0.0], io.StringIO()
    show = ConsoleProgress("smoke", stream=stream, every=5.0, tty=tty, clock=lambda: now[0])
    said, lines = [], 0  # (estimate, truth) whenever one is shown
    for done, t in _sweep_clock(startup, per_run, runs, 2):
        now[0] = t
        show(done, runs)
        printed = stream.getvalue().splitlines()
        if 0 < done < runs and (tty or len(printed) > lines):
            lines = len(printed)
            text = show._bar.postfix if tty else printed[-1]
            found = re.search(r"about (\d+) s left", text or "")
            if done == 2:  # the first finished runs: no pace yet
                assert "estimating time left" in text, text
            elif found:
                said.append((float(found[1]), startup + runs // 2 * per_run - t))
    show.close()
    assert len(said) >= (10 if tty else 5), stream.getvalue()
    for estimate, truth in said:
        assert abs(estimate - truth) <= max(2.0, 0.1 * truth), (estimate, truth)
