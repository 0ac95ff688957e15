"""When are 50% of Tianjin's community workers qualified (certificate or social-work degree,
seed 002's target)? For the README's scenario table.

Run:  python benchmarks/qualified_dates.py [--replicates 10] [--workers 2] [--out README.md]

For each scenario and replicate (seed 1): the first month the qualified share reaches 0.5,
and the month from which it stays at or above 0.5 to the end of the run; then the median
and the 5-95% band across replicates, and the share at 2025-12 (the target's date).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from simulation import run
from simulation.execution.executors import ProcessExecutor
from simulation.params.docs import write_block

SCENARIOS = ("tianjin_baseline", "qualified_recruitment")
METRIC, THRESHOLD, DATE = "community_worker_qualified_share", 0.5, "2025-12"
START, END = "<!-- qualified_dates:start -->", "<!-- qualified_dates:end -->"


def _months(ts: pd.DataFrame) -> tuple[list[str | None], list[str | None], list[float]]:
    reached, kept, at_date = [], [], []
    for _, rep in ts.groupby("replicate"):
        ok = (rep[METRIC] >= THRESHOLD).to_numpy()
        dates = rep["date"].to_numpy()
        reached.append(dates[ok.argmax()] if ok.any() else None)
        # the first month after which the share never falls below the threshold again
        fails = np.flatnonzero(~ok)
        last_fail = fails[-1] if len(fails) else -1
        kept.append(dates[last_fail + 1] if last_fail + 1 < len(dates) else None)
        at_date.append(float(rep.loc[rep["date"] == DATE, METRIC].iloc[0]))
    return reached, kept, at_date


def _band(months: list[str | None], end: str) -> str:
    """Median [5%, 95%] of months; a replicate that never gets there counts as after ``end``."""
    key = sorted((m or "9999-99") for m in months)
    q = [key[int(round(p * (len(key) - 1)))] for p in (0.5, 0.05, 0.95)]
    show = [f"after {end}" if m == "9999-99" else m for m in q]
    return f"{show[0]} [{show[1]}, {show[2]}]"


def table(replicates: int, workers: int) -> str:
    lines = ["| scenario | qualified share at 2025-12, median [5%, 95%] | first reaches 50% | "
             "50% met and kept from |", "|---|---|---|---|"]
    with ProcessExecutor(workers) as ex:
        for name in SCENARIOS:
            ts = run(name, seed=1, replicates=replicates, executor=ex).timeseries
            reached, kept, at_date = _months(ts)
            q = np.quantile(at_date, [0.5, 0.05, 0.95])
            end = ts["date"].iloc[-1]
            lines.append(f"| `{name}` | {q[0]:.3f} [{q[1]:.3f}, {q[2]:.3f}] | "
                         f"{_band(reached, end)} | {_band(kept, end)} |")
    return "\n".join(lines) + f"\n\n{replicates} replicates each, seed 1 " \
        "(`python benchmarks/qualified_dates.py --out README.md`).\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replicates", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    text = table(args.replicates, args.workers)
    print(text)
    if args.out:
        write_block(args.out, START, END, text)


if __name__ == "__main__":
    main()
