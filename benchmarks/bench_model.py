"""Benchmark the model: full-scale Tianjin time and memory, time by process, scaling, start-up.

Run:  python benchmarks/bench_model.py [--quick] [--out docs/performance.md]

Each measurement runs in a fresh subprocess (so peak memory is that run's own),
pinned to one core where the OS allows. Figures go to stdout as Markdown, and
with --out into the marked block of that file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# what scales with a region's size (people, places, money); rates and shares stay
SCALED = {
    "territory": ["population", "streets", "towns", "communities", "villages"],
    "workforce": ["talent_total", "national_certified", "community_workers", "graduates",
                  "grid_workers"],
    "workforce.exam": ["registrations_base", "senior_quota", "outside_pool"],
    "workforce.training": ["capacity", "staff_evaluation_intake"],
    "projects": ["per_year"],
}

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import cProfile, pstats
from simulation.params import load_scenario
from simulation.model import SocialWorkModel
from simulation.processes import (duties, funding, projects, service, staffing, stations,
                                  volunteers, workforce)
t_import = time.perf_counter() - t0
args = json.loads(sys.argv[1])
sc = load_scenario(None, args["sets"])
timers = {}
def timed(mod, name):
    fn = getattr(mod, name)
    key = f"{mod.__name__.rsplit('.', 1)[-1]}.{name}"
    def wrapper(model, *a, **k):
        t = time.perf_counter()
        try:
            return fn(model, *a, **k)
        finally:
            timers[key] = timers.get(key, 0.0) + time.perf_counter() - t
    setattr(mod, name, wrapper)
if args["split"]:
    for mod, name in [(funding, "open_month"), (workforce, "step"), (staffing, "assess"),
                      (stations, "roll_out"),
                      (stations, "staff"), (projects, "step"), (volunteers, "step"),
                      (service, "step"), (duties, "step"), (funding, "close_month")]:
        timed(mod, name)
    import simulation.model as sm
    rec = sm.SocialWorkModel.record
    def record(self):
        t = time.perf_counter(); rec(self)
        timers["outcomes.collect"] = timers.get("outcomes.collect", 0.0) + time.perf_counter() - t
    sm.SocialWorkModel.record = record
t1 = time.perf_counter()
model = SocialWorkModel(sc, seed=1)
t_init = time.perf_counter() - t1
t2 = time.perf_counter()
model.run()
t_run = time.perf_counter() - t2
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"import": t_import, "init": t_init, "run": t_run, "peak_mb": peak_kb / 1024,
                  "agents": int(model.workers.view("alive").sum()) + len(model.units),
                  "workers": int(model.workers.n),
                  "units": len(model.units), "communities": int(model.places.n_communities),
                  "timers": timers}))
"""


def scale_sets(k: float) -> list[str]:
    """--set overrides that scale the Tianjin baseline's size by ``k``."""
    from simulation.params import SOURCES, load_scenario

    base = load_scenario(None)
    sets = []
    for section, keys in SCALED.items():
        node = base
        for part in section.split("."):
            node = getattr(node, part)
        for key in keys:
            sets.append(f"{section}.{key}={max(1, round(getattr(node, key) * k))}")
    for s in SOURCES:
        amount = getattr(base.funding.sources, s).amount
        sets.append(f"funding.sources.{s}.amount={amount * k}")
    return sets


def measure(k: float, split: bool = False) -> dict:
    cmd = [sys.executable, "-c", CHILD, json.dumps({"sets": scale_sets(k), "split": split})]
    if hasattr(os, "sched_setaffinity") and Path("/usr/bin/taskset").exists():
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cli_time(*args: str, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "simulation.cli", *args], capture_output=True,
                       check=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2]


def report(quick: bool) -> str:
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()}, one core per run "
             "(taskset), seed 1, 120 monthly steps, 1 replicate.", ""]
    full = [measure(1.0, split=True) for _ in range(1 if quick else 3)]
    best = sorted(full, key=lambda r: r["run"])[len(full) // 2]
    lines += ["### Full-scale Tianjin (median of runs)", "",
              "| imports (s) | build (s) | 120 steps (s) | build + steps (s) | peak memory (MB) "
              "| workers + units at end | worker rows | units | communities |",
              "|---|---|---|---|---|---|---|---|---|",
              f"| {best['import']:.2f} | {best['init']:.2f} | {best['run']:.2f} | "
              f"{best['init'] + best['run']:.2f} | {best['peak_mb']:.0f} | {best['agents']:,} | "
              f"{best['workers']:,} | {best['units']:,} | {best['communities']:,} |", "",
              "### Time by process (full scale, seconds over 120 steps)", "",
              "| process | seconds | share |", "|---|---|---|"]
    total = sum(best["timers"].values())
    for name, sec in sorted(best["timers"].items(), key=lambda kv: -kv[1]):
        lines.append(f"| {name} | {sec:.3f} | {sec / total:.0%} |")
    lines += ["", "### Scaling (population, places, workforce and money scaled together)", "",
              "| scale | residents | build + steps (s) | s per 1 M residents | peak memory (MB) |",
              "|---|---|---|---|---|"]
    for k in ([0.125, 0.5, 1.0, 2.0] if quick else [0.125, 0.25, 0.5, 1.0, 2.0, 4.0]):
        r = best if k == 1.0 else measure(k)
        residents = 13.9 * k
        secs = r["init"] + r["run"]
        lines.append(f"| {k:g}x | {residents:.1f} M | {secs:.2f} | {secs / residents:.3f} | "
                     f"{r['peak_mb']:.0f} |")
    lines += ["", "### Start-up (median of 3, whole command)", "",
              "| command | seconds |", "|---|---|",
              f"| `swsim --help` | {cli_time('--help'):.2f} |",
              f"| `swsim validate scenarios/tianjin_baseline.yaml` | "
              f"{cli_time('validate', 'scenarios/tianjin_baseline.yaml'):.2f} |"]
    return "\n".join(lines) + "\n"


def write_block(path: Path, text: str) -> None:
    start, end = "<!-- bench_model:start -->", "<!-- bench_model:end -->"
    old = path.read_text(encoding="utf-8") if path.exists() else f"{start}\n{end}\n"
    head, _, rest = old.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(f"{head}{start}\n{text}{end}{tail}", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer repeats and scales")
    ap.add_argument("--out", type=Path, help="Markdown file with a bench_model block to update")
    args = ap.parse_args()
    text = report(args.quick)
    print(text)
    if args.out:
        write_block(args.out, text)


if __name__ == "__main__":
    main()
