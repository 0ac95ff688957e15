"""Workforce submodel: docking against closed forms, lever directions, shipped scenarios."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL

from simulation import run
from simulation.params import load_scenario

# a closed cohort: no exams, no newcomers, no retirement, no pay/workload/training effects
GROWTH = "workforce.exam.registration_mode=growth"
CLOSED = ["deterministic=true", GROWTH, "workforce.exam.registrations_base=0",
          "workforce.grid_workers=0", "workforce.grid_worker_certified_share=0",
          "workforce.training.staff_evaluation_intake=0", "workforce.graduates=0",
          "workforce.post_refill_share=0", "workforce.retirement_age=75", "workforce.mean_age=30",
          "workforce.age_sd=0", "workforce.pay_elasticity=0", "workforce.workload_elasticity=0",
          "workforce.training.capacity=0", "workforce.community_worker_turnover=0"]


def _ts(*sets: str, scenario=SMALL, seed: int = 1):
    return run(load_scenario(scenario, list(sets)), seed=seed).timeseries


def test_docking_attrition_matches_closed_form():
    """A closed cohort at one level: deterministic exits remove round(N p) each month, so
    N(t) follows N(t-1) - round(N(t-1) p) exactly and N0 (1 - r)^(t/12) to within rounding."""
    r = 0.2
    ts = _ts(*CLOSED, f"workforce.attrition_rate={r}", "workforce.national_certified=0",
             "workforce.staff_certificate_share=0", "workforce.community_workers=0",
             "workforce.community_worker_certified_share=0")
    n = ts["social_workers_total"].to_numpy()
    p = 1 - (1 - r) ** (1 / 12)
    assert ts["workforce_entries"].sum() == 0
    recurrence = [n[0]]
    for _ in range(len(n) - 1):
        recurrence.append(recurrence[-1] - round(recurrence[-1] * p))
    assert n.tolist() == recurrence
    t = np.arange(len(n))
    assert np.all(np.abs(n - n[0] * (1 - r) ** (t / 12)) <= 0.5 * t + 1e-9)
    assert n[12] == pytest.approx(n[0] * (1 - r), abs=6)


def test_docking_exam_cohort():
    """1 exam, community workers only, pass rate q: exactly round(R q) certificates, on time."""
    sets = [*CLOSED, "workforce.attrition_rate=0", "workforce.exam.registrations_series={2022: 400}",
            "workforce.exam.from_community_workers=1", "workforce.exam.from_workforce=0",
            "workforce.exam.pass_rate_assistant=0.25", "workforce.exam.senior_quota=0",
            "workforce.exam.min_years_to_intermediate=20"]  # everyone sits the assistant level
    ts = _ts(*sets)
    june = ts[ts.date == "2022-06"].iloc[0]
    september = ts[ts.date == "2022-09"].iloc[0]          # exam month 6 + 3 months' delay
    assert june["exam_registrations"] == 400
    assert september["exam_passes"] == 100
    before = ts[ts.date == "2022-08"].iloc[0]
    assert september["certified_total"] - before["certified_total"] == 100
    cw = september["community_workers"]
    assert september["community_worker_certified_share"] - before["community_worker_certified_share"] \
        == pytest.approx(100 / cw)
    # community workers who pass join the workforce: entries = 100 that month
    assert september["workforce_entries"] == 100


@pytest.mark.parametrize("lever, low, high", [
    ("workforce.exam.registrations_base", 200, 800),
    ("workforce.training.capacity", 0, 600),
    ("workforce.exam.pass_rate_assistant", 0.15, 0.35),
])
def test_more_exams_or_training_never_lower_certified(lever, low, high):
    lo = _ts("deterministic=true", GROWTH, f"{lever}={low}", "months=48")
    hi = _ts("deterministic=true", GROWTH, f"{lever}={high}", "months=48")
    assert np.all(hi["certified_total"].to_numpy() >= lo["certified_total"].to_numpy())
    assert hi["certified_total"].iloc[-1] > lo["certified_total"].iloc[-1]


def test_higher_attrition_never_raises_workforce():
    lo = _ts("deterministic=true", "workforce.attrition_rate=0.10", "months=48")
    hi = _ts("deterministic=true", "workforce.attrition_rate=0.25", "months=48")
    assert np.all(hi["social_workers_total"].to_numpy() <= lo["social_workers_total"].to_numpy())
    assert hi["social_workers_total"].iloc[-1] < lo["social_workers_total"].iloc[-1]


def test_better_pay_lowers_exits():
    # the growth rule keeps registrations fixed, so only attrition answers to pay
    lo = _ts("deterministic=true", GROWTH, "funding.salary_assistant=4000", "months=24")
    hi = _ts("deterministic=true", GROWTH, "funding.salary_assistant=9000", "months=24")
    assert hi["workforce_exits"].sum() < lo["workforce_exits"].sum()


def test_incentive_multiplier_is_one_off():
    """Growth rule: the multiplier applies in its one year only (the schema's 'one-off')."""
    sets = [GROWTH, "workforce.exam.incentive_year=2023", "workforce.exam.incentive_multiplier=2",
            "workforce.exam.max_registrations_share=0.01"]
    exam = load_scenario(SMALL, sets).workforce.exam
    ts = _ts(*sets)
    june = ts[ts.date.str.endswith("-06")].set_index("date")["exam_registrations"]
    base, growth = exam.registrations_base, 1 + exam.registration_growth
    assert june["2022-06"] == base
    assert june["2023-06"] == round(base * growth * 2)
    assert june["2024-06"] == round(base * growth ** 2)


def test_registrations_saturate_at_ceiling():
    sc = load_scenario(SMALL, [GROWTH, "workforce.exam.registration_growth=2.0"])
    ceiling = sc.workforce.exam.max_registrations_share * sc.territory.population
    ts = run(sc, seed=1).timeseries
    assert ts["exam_registrations"].max() == round(ceiling)


@pytest.fixture(scope="module")
def tianjin_2025():
    """The baseline and the three workforce scenarios to 2025-12 (the targets' year),
    deterministic: expected values, so a direction is a fact of the model, not of a seed."""
    return {name: run(load_scenario(name, ["deterministic=true", "months=48"]), seed=1)
            .timeseries.iloc[-1]
            for name in ("tianjin_baseline", "registration_surge_2025", "training_boost", "attrition_high")}


@pytest.mark.e2e
@pytest.mark.parametrize("scenario, metric, sign", [
    ("registration_surge_2025", "certified_total", +1),
    ("registration_surge_2025", "community_worker_certified_share", +1),
    ("training_boost", "certified_total", +1),
    ("training_boost", "social_workers_total", +1),
    ("attrition_high", "social_workers_total", -1),
    ("attrition_high", "certified_total", -1),
])
def test_shipped_workforce_scenarios_move_the_right_way(tianjin_2025, scenario, metric, sign):
    effect = tianjin_2025[scenario][metric] - tianjin_2025["tianjin_baseline"][metric]
    assert sign * effect > 0, effect
