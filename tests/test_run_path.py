"""One way to run the model: swsim run, sweeps and calibration share one run function,
one seeding module and one choice of executor (issue 13, part 3)."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from conftest import refused

from simulation.execution import executors
from simulation.execution.model_run import output_value, simulate
from simulation.execution.seeds import replicate_key, run_seed, trial_seed
from simulation.experiments.evaluate import evaluate
from simulation.runner import ReplicateError, run, run_replicate

ROOT = Path(__file__).resolve().parent.parent
SHORT = ("--set", "months=18")  # the small city for a year and a half


def _run(cli, out: Path, *extra: str) -> bytes:
    status, _, err = cli("run", "small_city", *SHORT, "--replicates", "3", "--seed", "5",
                         "--out", out, "--quiet", *extra)
    assert status == 0, err
    return (out / "timeseries.csv").read_bytes()


@pytest.mark.e2e
def test_run_replicates_in_parallel_give_the_serial_bytes(cli, tmp_path):
    serial = _run(cli, tmp_path / "serial")
    assert _run(cli, tmp_path / "procs", "--workers", "2") == serial
    assert (tmp_path / "procs" / "summary.csv").read_bytes() == (
        tmp_path / "serial" / "summary.csv").read_bytes()
    import json

    manifest = json.loads((tmp_path / "procs" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["executor"]["kind"] == "processes"
    assert json.loads((tmp_path / "serial" / "manifest.json").read_text())["executor"] == {
        "kind": "serial", "workers": 1}


@pytest.mark.e2e
def test_run_on_a_dask_cluster_gives_the_serial_bytes(cli, tmp_path):
    from simulation.execution.executors import local_cluster

    serial = _run(cli, tmp_path / "serial")
    before = dict(os.environ)
    with local_cluster(2) as address:
        assert _run(cli, tmp_path / "dask", "--scheduler", address) == serial
    assert dict(os.environ) == before


def test_run_keeps_its_seeding(small):
    """swsim run's replicate r is SocialWorkModel(scenario, seed=seed, replicate=r)."""
    from simulation.model import SocialWorkModel

    sc = small.model_copy(update={"months": 6})
    model = SocialWorkModel(sc, seed=9, replicate=2)
    model.run()
    frame = run_replicate(sc, 9, 2)
    assert frame["certified_total"].tolist() == [r["certified_total"] for r in model.records]
    assert replicate_key(9, 2) == (9, 2)
    assert run(sc, seed=9, replicates=3).timeseries.query("replicate == 2").reset_index(
        drop=True).equals(frame)


def test_sweep_and_calibration_seeds_unchanged():
    """The documented sweep, discovery and calibration figures depend on these keys."""
    assert run_seed(20221, 0) == 8077724689851133399
    assert run_seed(7, 123) == 310515619614408894
    assert trial_seed(3, 0, 0) == 6233904063939786893
    assert trial_seed(3, -1, 2) == 5104686863285727774  # the best parameters' runs


def test_calibration_targets_are_outputs_like_any_other(small):
    sc = small.model_copy(update={"months": 30})
    params = {"workforce.attrition_rate": 0.2}
    records = simulate(params, 4, sc)
    got = evaluate(params, 4, sc, ["exam_registrations@2023", "certified_total@2023-06",
                                   "certified_total"])
    months = [r["exam_registrations"] for r in records if r["date"].startswith("2023-")]
    assert len(months) == 12 and got["exam_registrations@2023"] == sum(months)
    assert got["certified_total"] == records[-1]["certified_total"]
    from simulation.calibration.objective import simulate as calibration_simulate

    class T:  # a target as calibration gives it: only its label is read
        def __init__(self, label: str):
            self.label = label

    assert calibration_simulate(params, 4, sc, (T("exam_registrations@2023"),)) == {
        "exam_registrations@2023": got["exam_registrations@2023"]}
    with pytest.raises(KeyError, match="not wholly inside"):
        output_value(records, "exam_registrations@2021")  # only step 0 is dated 2021


def test_one_place_builds_the_model():
    """In the package, only execution/model_run.py calls SocialWorkModel(...)."""
    found = []
    for path in (ROOT / "simulation").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(
                    node.func, "attr", None)) == "SocialWorkModel":
                found.append(path.relative_to(ROOT / "simulation").as_posix())
    assert found == ["execution/model_run.py"]


def test_failed_replicate_is_one_error_line(cli, tmp_path, monkeypatch):
    from simulation import runner

    def boom(params, seed, scenario, replicate=0):
        raise ValueError("no such thing")

    monkeypatch.setattr(runner, "simulate", boom)
    with pytest.raises(ReplicateError, match="replicate 0 failed: ValueError: no such thing"):
        run("small_city")
    status, _, err = cli("run", "small_city", "--out", tmp_path / "x")
    errors = [line for line in err.splitlines() if not line.startswith("warning: ")]
    assert status == 1 and len(errors) == 1 and errors[0].startswith(
        "error: small_city: replicate 0 failed"), err
    assert not (tmp_path / "x").exists()


# ---- one choice of executor for every command ---------------------------------------------

def _calibration(tmp_path: Path) -> Path:
    path = tmp_path / "cal.yaml"
    path.write_text("name: cal\nscenario: small_city\nparameters:\n"
                    "  workforce.attrition_rate: [0.05, 0.3]\n"
                    "targets:\n  - {metric: social_workers_total, date: 2023-06, value: 1500}\n"
                    "trials: 2\nbatch: 2\n", encoding="utf-8")
    return path


def _args(command: str, tmp_path: Path) -> list:
    if command == "run":
        return ["run", "small_city", "--out", tmp_path / "o"]
    if command == "sweep":
        return ["sweep", ROOT / "experiments" / "smoke.yaml", "--out", tmp_path / "o"]
    return ["calibrate", _calibration(tmp_path), "--out", tmp_path / "o"]


class _NoSwsimWorkers:
    """A Dask cluster whose workers cannot import swsim."""

    kind = "dask"
    closed = False

    def __init__(self, address: str) -> None:
        self.address = address

    def worker_facts(self):
        raise ModuleNotFoundError("No module named 'simulation'")

    def close(self) -> None:
        _NoSwsimWorkers.closed = True


@pytest.mark.parametrize("command", ["run", "sweep", "calibrate"])
def test_every_command_checks_dask_workers(cli, tmp_path, monkeypatch, command):
    monkeypatch.setattr(executors, "DaskExecutor", _NoSwsimWorkers)
    _NoSwsimWorkers.closed = False
    status, _, err = cli(*_args(command, tmp_path), "--scheduler", "tcp://127.0.0.1:8786")
    assert status == 2
    assert err.startswith(f"error: swsim {command}: the Dask workers cannot run swsim")
    assert _NoSwsimWorkers.closed and not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["run", "sweep", "calibrate"])
def test_every_command_refuses_workers_with_scheduler(cli, tmp_path, command):
    status, _, err = cli(*_args(command, tmp_path), "--workers", "2", "--scheduler", "tcp://x:1")
    assert status == 2
    assert err == f"error: swsim {command}: give --workers or --scheduler, not both\n"


@pytest.mark.parametrize("command", ["run", "sweep", "calibrate"])
@pytest.mark.parametrize("address,says", [
    ("notaurl", "(no port)"), ("foo://bar:1", "unknown scheme 'foo'"), ("tcp://h:0", "(no port)"),
    ("tcp://h:99999", "Port out of range"), ("tcp://h:1/x", "not of the form HOST:PORT"),
])
def test_every_command_refuses_a_scheduler_that_is_not_an_address(cli, tmp_path, command,
                                                                  address, says):
    """Checked before any file is read or any connection tried (issue 21)."""
    result = cli(*_args(command, tmp_path), "--scheduler", address)
    refused(result, f"error: swsim {command}: --scheduler {address!r}")
    assert says in result[2] and not (tmp_path / "o").exists()


@pytest.mark.e2e
def test_a_bad_scheduler_fails_promptly_in_one_line(tmp_path):
    """`--scheduler notaurl` printed the right line, then hung 20 s and printed Dask's
    Client.__del__ traceback (issue 21); a refused connection answers at once."""
    import subprocess
    import sys
    import time

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for address in ("notaurl", "tcp://127.0.0.1:1"):
        t0 = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "simulation.cli", "run", "small_city",
                               "--scheduler", address, "--out", str(tmp_path / "o")],
                              capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
        assert time.monotonic() - t0 < 15, done.stderr
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert done.stderr.startswith("error: swsim run: ") and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()


def test_a_port_that_never_answers_as_dask_times_out(tmp_path):
    """A port that accepts connections but is not a Dask scheduler: Dask's client waited for
    ever; DaskExecutor gives up after its timeout with a readable OSError."""
    import socket
    import time

    with socket.create_server(("127.0.0.1", 0)) as server:
        server.listen()
        port = server.getsockname()[1]
        t0 = time.monotonic()
        with pytest.raises(OSError, match="does not answer as a Dask scheduler"):
            executors.DaskExecutor(f"tcp://127.0.0.1:{port}", timeout=1.0)
        assert time.monotonic() - t0 < 10


@pytest.mark.parametrize("command", ["run", "sweep", "calibrate"])
def test_every_command_notes_the_worker_cap(cli, tmp_path, monkeypatch, command):
    """Asked for more workers than runs or cores: the same note from every command."""
    seen = []

    class Pool:  # records what the command asked for instead of starting processes
        kind = "processes"

        def __init__(self, workers, note=None):
            seen.append((workers, note is not None))
            raise KeyboardInterrupt  # stop before anything runs

    monkeypatch.setattr(executors, "ProcessExecutor", Pool)
    status, _, _ = cli(*_args(command, tmp_path), "--workers", "64")
    assert status == 130 and seen == [(64, True)]


def test_worker_count_note():
    n, note = executors.worker_count(1000, 3)
    assert n <= 3 and note.startswith("using ") and "asked for 1000" in note


# ---- a script without the main guard (issue 21) ---------------------------------------------

_SCRIPT = """\
import simulation
from simulation.execution.executors import ProcessExecutor
from simulation.params import load_scenario

{guard}{indent}with ProcessExecutor(2) as ex:
{indent}    result = simulation.run(load_scenario("small_city", sets=["months=2"]), seed=1,
{indent}                            replicates=2, executor=ex)
{indent}print("ran", len(result.timeseries))
"""


@pytest.mark.e2e
@pytest.mark.parametrize("guarded", [False, True])
def test_a_script_without_the_main_guard_is_told_so(tmp_path, guarded):
    """The README's "From Python" block pasted into a script: each worker runs the script
    again and dies starting processes of its own; the error blamed memory ("WorkerLost ...
    out of memory") after retries. Now it names the `if __name__ == "__main__":` guard."""
    import subprocess
    import sys

    script = tmp_path / "mine.py"
    script.write_text(_SCRIPT.format(guard='if __name__ == "__main__":\n' if guarded else "",
                                     indent="    " if guarded else ""), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path)
    if guarded:
        assert done.returncode == 0 and done.stdout == "ran 6\n", done.stderr
        return
    last = done.stderr.strip().splitlines()[-1]
    assert done.returncode == 1 and "ran" not in done.stdout
    assert last.startswith("simulation.execution.executors.WorkerStartError: the local worker "
                           f"processes died while starting: each one runs {script} again"), last
    assert 'put the code that starts runs under `if __name__ == "__main__":`' in last
    assert "memory" not in done.stderr and "WorkerLost" not in done.stderr


# ---- cancel (issue 22, part 4: the page's Cancel on the shared executors) ---------------------

@pytest.mark.e2e
def test_cancel_ends_the_process_workers_mid_replicate_and_the_next_run_works(small):
    """A drive told to stop ends a ProcessExecutor's workers at once, the replicate under way
    included (before, the executors had no cancel: a running replicate ran to its end), leaves
    no child process behind, and the same executor then runs the serial bytes."""
    import multiprocessing as mp
    import time

    from simulation.execution.driver import Cancelled
    from simulation.params import load_scenario
    from simulation.runner import run_replicates

    before = {p.pid for p in mp.active_children()}
    long = load_scenario("small_city", ["months=1200"])  # one replicate: ~7 s on an idle core
    seen: list[int] = []
    workers: list = []
    asked: list[float] = []
    t0 = time.monotonic()

    def cancelled() -> bool:
        workers.extend(p for p in mp.active_children() if p.pid not in before and p not in workers)
        if time.monotonic() - t0 > 2.5:  # the worker has imported the model and is running
            asked.append(time.monotonic())
            return True
        return False

    with executors.ProcessExecutor(1) as ex:
        with pytest.raises(Cancelled):
            run_replicates(long, 1, [0, 1], ex, progress=lambda d, t: seen.append(d),
                           cancelled=cancelled)
        latency = time.monotonic() - asked[0]
        assert seen == [0] and len(asked) == 1  # no replicate finished; asked until it said yes
        assert latency < 1.5, latency
        assert workers and not any(p.is_alive() for p in workers)
        assert {p.pid for p in mp.active_children()} <= before
        again = run_replicates(small, 1, [0, 1], ex)
    ref = run_replicates(small, 1, [0, 1])
    assert [f.to_csv(index=False) for f in again] == [f.to_csv(index=False) for f in ref]
    assert {p.pid for p in mp.active_children()} <= before


def test_a_serial_drive_stops_between_runs_when_cancelled():
    """In this process a run under way cannot be ended: the driver asks between batches."""
    from simulation.execution.driver import Cancelled, drive
    from simulation.execution.executors import Run, SerialExecutor

    ran: list[int] = []

    def task(params, seed):
        ran.append(seed)
        return {}

    with pytest.raises(Cancelled):
        drive(SerialExecutor(), task, None, [Run(i, {}, i + 1) for i in range(50)],
              lambda results: None, cancelled=lambda: len(ran) >= 3)
    assert 3 <= len(ran) < 50
