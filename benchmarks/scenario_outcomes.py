"""Key outcomes of every shipped scenario, for docs/calibration.md.

Run:  python benchmarks/scenario_outcomes.py [--replicates 3] [--out docs/calibration.md]

Medians across replicates (seed 1) at the start, end-2022, end-2025 (the
targets' year, seed 002) and the last month, written as Markdown into the
``scenario_outcomes`` block of the output file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from simulation import run
from simulation.outcomes import METRICS
from simulation.params import shipped_scenarios
from simulation.params.docs import write_block

#: the registry's key metrics (``key=True`` in simulation/outcomes.py), in registry order
KEY = [m for m in METRICS if m.key]


def _header(metric) -> str:
    return f"{metric.label_en} (M yuan/mo)" if metric.unit == "yuan/month" else metric.label_en


def _cell(value: float, unit: str) -> str:
    if value != value:
        return "—"
    if unit == "yuan/month":
        return f"{value / 1e6:.2f}"
    if unit.startswith("people") or unit == "FTE":
        return f"{value:,.0f}"
    return f"{value:.2f}"


def table(replicates: int) -> str:
    lines = ["| scenario | month | " + " | ".join(_header(m) for m in KEY) + " |",
             "|---|---|" + "---|" * len(KEY)]
    for name in shipped_scenarios():
        ts = run(name, seed=1, replicates=replicates).timeseries
        dates = sorted({ts.date.iloc[0], "2022-12", "2025-12", ts.date.iloc[-1]} & set(ts.date))
        for d in dates:
            med = ts[ts.date == d][[m.name for m in KEY]].median()
            cells = [_cell(med[m.name], m.unit) for m in KEY]
            lines.append(f"| {name} | {d} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replicates", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    text = table(args.replicates)
    print(text)
    if args.out:
        write_block(args.out, "<!-- scenario_outcomes:start -->", "<!-- scenario_outcomes:end -->",
                    text)


if __name__ == "__main__":
    main()
