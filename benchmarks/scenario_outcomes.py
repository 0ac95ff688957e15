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
from simulation.params import shipped_scenarios

COLUMNS = {
    "station_coverage": "stations", "room_coverage": "rooms",
    "staffing_compliance": "staffing ok", "social_workers_total": "workforce",
    "certified_total": "certified", "community_worker_certified_share": "CW certified",
    "need_met_share": "need met", "duties_compliance": "duties ok",
    "spend_total": "spend (M yuan/mo)",
}


def table(replicates: int) -> str:
    lines = ["| scenario | month | " + " | ".join(COLUMNS.values()) + " |",
             "|---|---|" + "---|" * len(COLUMNS)]
    for name in shipped_scenarios():
        ts = run(name, seed=1, replicates=replicates).timeseries
        dates = sorted({ts.date.iloc[0], "2022-12", "2025-12", ts.date.iloc[-1]} & set(ts.date))
        for d in dates:
            med = ts[ts.date == d][list(COLUMNS)].median()
            cells = []
            for col in COLUMNS:
                v = med[col]
                if col == "spend_total":
                    cells.append(f"{v / 1e6:.2f}")
                elif col in ("social_workers_total", "certified_total"):
                    cells.append(f"{v:,.0f}")
                else:
                    cells.append("—" if v != v else f"{v:.2f}")
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
        start, end = "<!-- scenario_outcomes:start -->", "<!-- scenario_outcomes:end -->"
        old = args.out.read_text(encoding="utf-8")
        head, _, rest = old.partition(start)
        _, _, tail = rest.partition(end)
        args.out.write_text(f"{head}{start}\n{text}{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    main()
