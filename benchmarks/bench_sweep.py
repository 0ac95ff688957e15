"""Benchmark of ``swsim sweep`` executors: runs per second, parallel efficiency, coordinator memory.

Run from the project folder::

    python benchmarks/bench_sweep.py                       # small city, 64 runs per executor
    python benchmarks/bench_sweep.py --scenario tianjin_baseline --runs 8 --repeat 1
    python benchmarks/bench_sweep.py --memory-runs 10000 100000 --skip-throughput

Throughput: the same lhs sweep of the simulation (``--runs`` runs, one
replicate) on serial, local processes and a Dask LocalCluster (processes,
one thread each; with and without Dask's default ``MALLOC_TRIM_THRESHOLD_``),
each after a warm-up sweep so worker start-up and imports are not counted.
Efficiency = runs/s / (workers x serial runs/s).

Memory: resident set size of the coordinator (this process) while it drives a
sweep of ``--memory-runs`` runs of the Ishigami plug-in on 2 worker processes
(the coordinator's worst case: thousands of results a second).
Prints Markdown tables; not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from simulation.execution.executors import (
    DaskExecutor,
    Executor,
    ProcessExecutor,
    SerialExecutor,
    local_cluster,
)
from simulation.experiments.spec import Plan, load_experiment
from simulation.experiments.sweep import Sweep

LEVERS = {"workforce.attrition_rate": [0.08, 0.25], "workforce.exam.registration_growth": [0.0, 0.7]}
ISHIGAMI = {f"x{i}": [-3.141592653589793, 3.141592653589793] for i in (1, 2, 3)}


def _plan(folder: Path, name: str, **fields) -> Plan:
    path = folder / f"{name}.yaml"
    path.write_text(json.dumps({"name": name, "method": "lhs", "seed": 1, **fields}))
    return load_experiment(path)


def _sim_plan(folder: Path, scenario: str, runs: int, name: str) -> Plan:
    return _plan(folder, name, scenario=scenario, samples=runs, parameters=LEVERS,
                 outputs=["certified_total", "need_met_share"])


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class _Peak:
    """Samples this process's RSS every 20 ms in a thread; ``peak`` in MB."""

    def __init__(self) -> None:
        self.peak, self._stop = _rss_mb(), threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_mb())

    def __enter__(self) -> _Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _timed(make: Callable[[], Executor], folder: Path, scenario: str, runs: int, tag: str,
           repeat: int) -> tuple[float, int]:
    """Median seconds for ``runs`` runs after a warm-up; and the executor's worker count."""
    with make() as ex:
        warm = _sim_plan(folder, scenario, 2 * ex.slots, f"warm_{tag}")
        Sweep(warm, folder / f"warm_{tag}").run(ex, progress=False)
        plan = _sim_plan(folder, scenario, runs, f"main_{tag}")
        walls = []
        for r in range(repeat):
            t0 = time.perf_counter()
            Sweep(plan, folder / f"main_{tag}_{r}").run(ex, progress=False)
            walls.append(time.perf_counter() - t0)
        return statistics.median(walls), ex.slots


def _dask(workers: int, malloc_trim: bool) -> Callable[[], Executor]:
    class _Local(DaskExecutor):
        def __init__(self) -> None:
            self._cluster = local_cluster(workers, malloc_trim=malloc_trim)
            super().__init__(self._cluster.__enter__())

        def close(self) -> None:
            super().close()
            self._cluster.__exit__(None, None, None)

    return _Local


def throughput(scenario: str, runs: int, skip_dask: bool, repeat: int) -> None:
    cases: list[tuple[str, Callable[[], Executor]]] = [
        ("serial", SerialExecutor),
        ("processes", lambda: ProcessExecutor(1)),
        ("processes", lambda: ProcessExecutor(2)),
    ]
    if not skip_dask:
        cases += [("dask LocalCluster", _dask(1, False)), ("dask LocalCluster", _dask(2, False)),
                  ("dask LocalCluster, Dask's MALLOC_TRIM_THRESHOLD_=65536", _dask(2, True))]
    print(f"\n{runs} runs of {scenario} per executor (lhs, 2 levers, after a warm-up sweep; "
          f"median of {repeat})\n")
    print("| executor | workers | wall s | runs/s | efficiency |\n|---|---:|---:|---:|---:|")
    serial_rate = None
    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, make) in enumerate(cases):
            wall, workers = _timed(make, Path(tmp), scenario, runs, str(i), repeat)
            rate = runs / wall
            serial_rate = serial_rate or rate
            print(f"| {label} | {workers} | {wall:.2f} | {rate:.2f} | "
                  f"{rate / (workers * serial_rate):.0%} |", flush=True)


def memory(counts: list[int]) -> None:
    print("\nCoordinator memory (RSS) driving Ishigami sweeps on 2 worker processes\n")
    print("| runs | wall s | runs/s | RSS before MB | peak RSS MB | growth MB |\n"
          "|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp, ProcessExecutor(2) as ex:
        warm = _plan(Path(tmp), "warm", model="simulation.experiments.examples:ishigami",
                     samples=100, parameters=ISHIGAMI, outputs=["y"])
        Sweep(warm, Path(tmp) / "warm").run(ex, progress=False)
        for n in counts:
            plan = _plan(Path(tmp), f"m{n}", model="simulation.experiments.examples:ishigami",
                         samples=n, parameters=ISHIGAMI, outputs=["y"])
            before = _rss_mb()
            t0 = time.perf_counter()
            with _Peak() as peak:
                Sweep(plan, Path(tmp) / f"m{n}").run(ex, progress=False)
            wall = time.perf_counter() - t0
            print(f"| {n:,} | {wall:.1f} | {n / wall:,.0f} | {before:.0f} | {peak.peak:.0f} | "
                  f"{peak.peak - before:.0f} |", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scenario", default="small_city")
    p.add_argument("--runs", type=int, default=64, help="runs per executor (default 64)")
    p.add_argument("--memory-runs", type=int, nargs="*", default=[10_000])
    p.add_argument("--repeat", type=int, default=3, help="timed sweeps per executor (median)")
    p.add_argument("--skip-dask", action="store_true")
    p.add_argument("--skip-throughput", action="store_true")
    args = p.parse_args()
    if not args.skip_throughput:
        throughput(args.scenario, args.runs, args.skip_dask, args.repeat)
    if args.memory_runs:
        memory(args.memory_runs)


if __name__ == "__main__":
    main()
