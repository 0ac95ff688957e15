"""Sweep size: runs are counted without building the design, huge designs are refused
before they are built, and local workers are capped at what helps."""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest
import yaml

from simulation.execution import executors
from simulation.experiments.sampling import design_points, problem, sample
from simulation.experiments.spec import MAX_RUNS, Experiment

ISHIGAMI = "simulation.experiments.examples:ishigami"


def pid(params: dict[str, float], seed: int) -> dict[str, float]:
    """A plug-in that reports which process ran it."""
    return {"pid": float(os.getpid())}


def write(path: Path, d: int, **fields) -> Path:
    doc = {"name": "t", "method": "sobol", "samples": 8, "seed": 3, "model": ISHIGAMI,
           "parameters": {f"x{i}": [0, 1] for i in range(1, d + 1)}, "outputs": ["y"], **fields}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("method,samples", [("sobol", 4), ("sobol", 16), ("morris", 2),
                                            ("morris", 5), ("fast", 65), ("fast", 100),
                                            ("lhs", 1), ("lhs", 17)])
@pytest.mark.parametrize("d", [1, 3, 5])
def test_counts_equal_salib(method, samples, d):
    exp = Experiment(name="t", method=method, samples=samples, outputs=["y"],
                     parameters={f"x{i}": (0.0, 1.0) for i in range(d)})
    assert design_points(method, samples, d) == len(sample(exp))
    if method == "sobol":  # the formula with second order, too
        from SALib.sample import sobol

        rows = len(sobol.sample(problem(exp), samples, calc_second_order=True, seed=1))
        assert design_points(method, samples, d, second_order=True) == rows


def test_huge_design_is_counted_and_refused_before_it_is_built(cli, tmp_path):
    twelve = write(tmp_path / "big.yaml", 12, samples=2**22)  # 58.7 M points: ~5.6 GB if built
    fits = write(tmp_path / "fits.yaml", 12, samples=2**19)  # 7.3 M runs: counted, not built
    wide = write(tmp_path / "wide.yaml", 200, method="lhs", samples=MAX_RUNS)  # 16 GB matrix
    assert cli("sweep", fits, "--check")[0] == 0  # imports done: measure the checks alone
    tracemalloc.start()
    t0 = time.perf_counter()
    status, out, err = cli("sweep", twelve, "--check")
    assert status == 2 and out == "" and err.count("\n") == 1, err
    assert err.startswith(f"error: {twelve}:3: samples: ")
    assert "58,720,256 runs; the limit is 10,000,000 runs" in err
    status, out, err = cli("sweep", twelve, "--out", tmp_path / "o", "--workers", "1")
    assert status == 2 and "the limit is 10,000,000 runs" in err
    status, out, err = cli("sweep", wide, "--check")
    assert status == 2 and "GiB sample matrix; the limit is 1 GiB" in err, err
    status, out, err = cli("sweep", fits, "--check")
    assert status == 0 and "(sobol: 7340032 sample points x 1 replicate(s) = 7340032 runs)" in out
    seconds, peak = time.perf_counter() - t0, tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 2 and peak < 20e6, (seconds, peak)
    assert not (tmp_path / "o").exists()


def test_worker_count(monkeypatch):
    monkeypatch.setattr(executors, "usable_cores", lambda: 8)
    assert executors.worker_count(4, 100) == (4, None)
    assert executors.worker_count(1000, 40) == (
        8, "using 8 worker processes (asked for 1000; 40 run(s) to do, 8 usable core(s))")
    assert executors.worker_count(6, 3) == (3, "using 3 worker processes (asked for 6; 3 run(s) to do)")
    assert executors.worker_count(4, 0)[0] == 1
    with executors.ProcessExecutor(6) as ex:  # no process starts before a run is submitted
        ex.prepare(3)
        assert ex.slots == 3 and ex.describe()["workers"] == 3


def test_workers_are_capped_at_runs_and_cores(cli, tmp_path):
    exp = write(tmp_path / "p.yaml", 2, method="lhs", samples=5, model="test_sweep_size:pid",
                outputs=["pid"])
    status, out, err = cli("sweep", exp, "--out", tmp_path / "o", "--workers", "1000",
                           "--trust-model", "test_sweep_size:pid")
    assert status == 0, err
    used = min(5, executors.usable_cores())
    assert err.startswith(f"note: using {used} worker process") and "(asked for 1000; 5 run(s) to do" in err
    notes = [line for line in err.splitlines() if not line.startswith("progress: ")]
    assert len(notes) == 1 and "progress: t: 5/5 runs (100%)" in err  # progress lines: issue 16
    runs = pd.read_parquet(tmp_path / "o" / "runs.parquet")
    assert runs["pid"].nunique() <= used and os.getpid() not in runs["pid"].tolist()
