"""Validation rows for the need and money side (issue 15, items 5-7), for docs/validation.md.

``rows()`` returns dicts with keys ``seed, figure, seed_value, model_value, error, note``
(``error`` = model / seed - 1, NaN where the seeds give no figure); benchmarks/validation.py
collects them. Deterministic runs (expected values), a few seconds in all:

- the epidemic's scale (seed 003: 290,000+ counselling sessions in Chongqing): the extra
  casework need of ``epidemic_2022`` over the baseline, and how much of it was served;
- money by line (seed 003, Chongqing's lines): what the model gives social work from each
  line and spends from it in the first year;
- need served by group (a pattern, no seed figure): Tianjin 2023, first come first served
  and with assistance recipients and disabled people served first.

Run:  python benchmarks/validation_need.py
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from simulation import run
from simulation.params import GROUPS, load_scenario, shipped_scenarios

__all__ = ["COUNSELLING_SESSIONS", "rows"]

#: seed 003: 心理辅导 29 万余人次 in Chongqing's epidemic response
COUNSELLING_SESSIONS = 290_000
#: Chongqing's population (assumption, chongqing_three_tier.yaml; not in the seeds)
CHONGQING_POPULATION = 32_000_000
#: hours of one counselling session (assumption, plausible 0.5-1.5; epidemic_2022.yaml)
SESSION_HOURS = 1.0
#: Chongqing's yearly amounts by line, yuan (seed 003)
CHONGQING_LINES = {"purchase": 32.5e6, "reward_subsidy": 70e6, "charity": 100e6,
                   "market_fees": 25e6}
PRIORITY = "[assistance, disabled]"


def _run(name: str, *sets: str) -> pd.DataFrame:
    sc = load_scenario(shipped_scenarios()[name], ["deterministic=true", *sets])
    return run(sc, seed=1).timeseries


def _row(seed: str, figure: str, seed_value: float, model_value: float, note: str
         ) -> dict[str, Any]:
    error = model_value / seed_value - 1.0 if seed_value == seed_value and seed_value else math.nan
    return {"seed": seed, "figure": figure, "seed_value": seed_value,
            "model_value": model_value, "error": error, "note": note}


def _epidemic() -> list[dict[str, Any]]:
    epi = _run("epidemic_2022", "months=12")
    calm = _run("epidemic_2022", "months=12", "residents.events=[]")
    pop = load_scenario(shipped_scenarios()["epidemic_2022"]).territory.population
    scaled = COUNSELLING_SESSIONS * pop / CHONGQING_POPULATION
    extra_need = float((epi["need_by_type.casework"] - calm["need_by_type.casework"]).sum())
    extra_served = float((epi["served_by_type.casework"] - calm["served_by_type.casework"]).sum())
    return [
        _row("003", "epidemic counselling need (sessions, scaled to the population)", scaled,
             extra_need / SESSION_HOURS,
             f"290,000+ sessions x {pop / 1e6:.1f} M / 32 M people (assumption), 1 h a session;"
             " model: extra casework need of epidemic_2022 over the same year without it"),
        _row("003", "epidemic counselling served within the year (sessions, scaled)", scaled,
             extra_served / SESSION_HOURS,
             "extra casework hours served in 2022: the surge competes with ordinary casework "
             "for the same certified workers (seed 003 reports sessions given, not asked)"),
    ]


def _money() -> list[dict[str, Any]]:
    ts = _run("chongqing_three_tier", "months=12")
    year = ts[ts["step"] > 0]
    out = []
    for line, amount in CHONGQING_LINES.items():
        budget = float(year[f"budget_by_source.{line}"].sum())
        spent = float(year[f"spend_by_source.{line}"].sum())
        out.append(_row("003", f"Chongqing {line} line, first year (yuan)", amount, spent,
                        f"available to social work {budget / 1e6:.1f} M (social_work_share), "
                        f"spent {spent / 1e6:.1f} M within its earmark"))
    out.append(_row("003", "Chongqing: spending cut for want of money, first year (yuan)",
                    math.nan, float(year["budget_cuts"].sum()),
                    f"arrears (funding_gap) {year['funding_gap'].sum() / 1e6:.1f} M; lines "
                    "never pay more than their money (tests/test_money.py)"))
    return out


def _groups() -> list[dict[str, Any]]:
    fifo = _run("tianjin_baseline", "months=24")
    first = _run("tianjin_baseline", "months=24", f"service.priority_groups={PRIORITY}")
    y_fifo, y_first = (t[t["date"].astype(str).str[:4] == "2023"] for t in (fifo, first))
    out = []
    for g in GROUPS:
        col = f"need_served_share.{g}"
        out.append(_row("—", f"need served 2023: {g} (first come first served -> "
                        f"{PRIORITY} first)", math.nan, float(y_first[col].mean()),
                        f"first come first served {y_fifo[col].mean():.2f}; pattern, no seed "
                        "figure"))
    return out


def rows() -> list[dict[str, Any]]:
    """Every validation row of the need and money side."""
    return [*_epidemic(), *_money(), *_groups()]


if __name__ == "__main__":
    print(pd.DataFrame(rows()).to_string())
