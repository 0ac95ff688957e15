"""Calibrate the exam decision (issue 14): worth_effect to Guang'an's jump (seed 002), then
the Tianjin baseline's propensities to its first-year registrations.

1. Guang'an (scenarios/guangan_incentive.yaml): the community cadres' propensity so that
   2021 (no policy) gives 84 registrations, and ``worth_effect`` so that 2022 (the
   incentive running) gives 629 (seed 002).
2. Tianjin (the schema's defaults): each group's propensity so that the 2022 exam draws
   ``registrations_base`` registrations split 35% community workers, 10% grid workers,
   35% workforce, 20% outside (the growth rule's split with grid workers carved out of the
   outside share: an assumption).

Runs in deterministic mode (expected values) and prints the values to declare in the
schema and the scenario. Usage: python benchmarks/calibrate_exam.py  (~1 min)
"""

from __future__ import annotations

import math

from simulation.model import SocialWorkModel
from simulation.params.loader import load_scenario
from simulation.params.schema import REGISTRANT_GROUPS

SPLIT = {"community_workers": 0.35, "grid_workers": 0.10, "workforce": 0.35, "outside": 0.20}
GUANGAN = (84, 629)  # seed 002: community cadres' registrations, 2021 -> 2022


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def expit(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def registrations(name: str, sets: list[str], until: str) -> dict[str, float]:
    """Registrations by group in the exam month of ``until``'s year (deterministic run)."""
    sc = load_scenario(name, sets=["deterministic=true", *sets])
    model = SocialWorkModel(sc, seed=0)
    while model.date < until:
        model.step()
    row = model.records[-1]
    return {g: float(row[f"exam_registrations.{g}"]) for g in REGISTRANT_GROUPS}


def solve(f, target: float, lo: float, hi: float, n: int = 30) -> float:
    """Root of increasing f(x) = target by bisection."""
    for _ in range(n):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) < target else (lo, mid)
    return (lo + hi) / 2


def main() -> None:
    cw = "workforce.exam.propensity_community_workers"
    z0 = solve(lambda z: registrations("guangan_incentive", [f"{cw}={expit(z)}"],
                                       "2021-06")["community_workers"], GUANGAN[0], -12, 3)
    beta = solve(lambda b: registrations("guangan_incentive", [
        f"{cw}={expit(z0)}", f"workforce.exam.worth_effect={b}"],
        "2022-06")["community_workers"], GUANGAN[1], 0.0, 50.0)
    print(f"guangan_incentive: {cw.split('.')[-1]} = {expit(z0):.4g}")
    print(f"schema: worth_effect = {beta:.3g}")
    base = load_scenario("tianjin_baseline").workforce.exam.registrations_base
    z = {g: -3.0 for g in REGISTRANT_GROUPS}
    for g in REGISTRANT_GROUPS:  # each group's count depends on its own propensity only
        key = f"workforce.exam.propensity_{g}"
        z[g] = solve(lambda v, k=key, g=g: registrations("tianjin_baseline", [
            f"{k}={expit(v)}", f"workforce.exam.worth_effect={round(beta, 2)}"],
            "2022-06")[g], SPLIT[g] * base, -15, 5, n=25)
        print(f"schema: propensity_{g} = {expit(z[g]):.4g}")


if __name__ == "__main__":
    main()
