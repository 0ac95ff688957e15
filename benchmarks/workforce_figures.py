"""Every seed figure the workforce policy touches (issue 14), with the model's value and
error, for docs/calibration.md and tests/test_docs.py.

Run:  python benchmarks/workforce_figures.py [--out docs/calibration.md]   (~15 s)

All runs are deterministic (expected values, seed 0), so the table is exact and a test
recomputes it. Populations of the regions in seed 004 are public statistics, not in the
seeds (stated in the table).
"""

from __future__ import annotations

import argparse
from functools import cache
from pathlib import Path

import pandas as pd

from simulation.model import SocialWorkModel
from simulation.params import load_scenario
from simulation.params.docs import write_block

START, END = "<!-- workforce_figures:start -->", "<!-- workforce_figures:end -->"
#: seed 004's 2025 registration records, over public population figures (not in the seeds)
RECORDS_2025 = [("Guangxi", 54_000, 50.1e6), ("Yunnan", 51_000, 46.7e6),
                ("Gansu", 37_483, 24.6e6), ("Hefei", 13_853, 9.85e6)]


@cache
def _series(name: str, months: int) -> pd.DataFrame:
    sc = load_scenario(name, ["deterministic=true", f"months={months}"])
    model = SocialWorkModel(sc, seed=0)
    model.run()
    return pd.DataFrame(model.records).set_index("date")


def _row(figure: str, seed: str, value: float | str, model: float, fmt: str,
         how: str) -> dict[str, str]:
    if isinstance(value, str):
        error = "—"
        shown = value
    else:
        error = "0" if model == value else f"{(model - value) / value:+.1%}"
        shown = format(value, fmt)
    return {"figure": figure, "seed": seed, "seed value": shown, "model": format(model, fmt),
            "error": error, "how": how}


def rows() -> list[dict[str, str]]:
    base = _series("tianjin_baseline", 48)
    start = base.iloc[0]
    out = [
        _row("Tianjin social-work professionals", "002", 36_800, start["social_workers_total"],
             ",.0f", "input (`workforce.talent_total`), step 0"),
        _row("of whom hold the national certificate", "002", 10_800, start["certified_total"],
             ",.0f", "input, step 0"),
        _row("Tianjin community workers", "002", 20_700, start["community_workers"], ",.0f",
             "input; posts refilled by the recruitment policy"),
        _row("Tianjin grid workers (full- and part-time)", "002", 48_000, start["grid_workers"],
             ",.0f", "input; a pool that sits the exam and feeds community-worker posts"),
    ]
    for name in ("tianjin_baseline", "qualified_recruitment"):
        value = _series(name, 48).loc["2025-12", "community_worker_qualified_share"]
        out.append(_row(f"target: >= 50% of community workers certified or with a degree by "
                        f"2025 ({name})", "002", 0.5, value, ".3f",
                        "target, judged (`community_workers_qualified`): a projection"))
    ga = _series("guangan_incentive", 24)
    out += [
        _row("Guang'an community cadres' registrations, 2021 (before the incentive)", "002",
             84, ga.loc["2021-06", "exam_registrations.community_workers"], ",.0f",
             "calibrates the district's propensity (benchmarks/calibrate_exam.py)"),
        _row("... 2022, under the incentive", "002", 629,
             ga.loc["2022-06", "exam_registrations.community_workers"], ",.0f",
             "reproduced by each cadre's decision; calibrates `worth_effect`"),
    ]
    regs = base.loc["2022-06", "exam_registrations"]
    out.append(_row("Tianjin registrations 2022 (assumed ~0.07% of population; Hefei 13,853 "
                    "in 2025)", "004", 10_000, regs, ",.0f",
                    "calibrates the propensities (benchmarks/calibrate_exam.py)"))
    share = base.loc["2025-06", "exam_registrations"] / 13.9e6
    for region, count, population in RECORDS_2025:
        out.append(_row(f"2025 registrations / population, {region} ({count:,} / "
                        f"{population / 1e6:.3g} M, population public)", "004",
                        count / population, share, ".3%",
                        "Tianjin baseline's 2025 registrations / 13.9 M, by decision"))
    surge = _series("registration_surge_2025", 48)
    ratio = surge.loc["2025-06", "exam_registrations"] / base.loc["2024-06", "exam_registrations"]
    out.append(_row("2025 registrations +66.3% year on year (Guangxi), +67% (Zhoushan)", "004",
                    1.663, ratio, ".3f", "`registration_surge_2025`: 2025 over the baseline's 2024"))
    staff = base["certified_by_level.staff"]
    out.append(_row("Tianjin staff certificate (社会工作员) evaluated year by year", "000",
                    "ongoing", staff.iloc[-1], ",.0f",
                    f"holders at 2025-12 (from {staff.iloc[0]:,.0f} at start) with the yearly "
                    "evaluation"))
    return out


def table() -> str:
    frame = pd.DataFrame(rows())
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(r) + " |" for r in frame.astype(str).to_numpy().tolist()]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    text = table()
    print(text)
    if args.out:
        write_block(args.out, START, END, text)


if __name__ == "__main__":
    main()
