"""Workforce policy (issue 14): the exam as each person's decision, incentive policies,
qualified recruitment, grid workers, the qualified share (seed 002's target)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL

from simulation import run
from simulation.model import SocialWorkModel
from simulation.params import load_scenario

DET = "deterministic=true"


def _ts(*sets: str, scenario: str = SMALL, seed: int = 1):
    return run(load_scenario(scenario, list(sets)), seed=seed).timeseries


def _june(ts, column: str = "exam_registrations"):
    return ts[ts.date.str.endswith("-06")].set_index("date")[column]


def _policy(**terms) -> str:
    body = ", ".join(f"{k}: {v}" for k, v in {"name": "p", "group": "community_workers",
                                              "start": "2022-01", "source": "test",
                                              **terms}.items())
    return f"workforce.incentives=[{{{body}}}]"


@pytest.fixture(scope="module")
def guangan():
    """Guang'an deterministic, to 2023 (a year past the one-year policy)."""
    return _ts(DET, "months=36", scenario="guangan_incentive")


def test_guangan_jump_reproduced_within_ten_percent(guangan):
    """Seed 002: community cadres' registrations 84 (2021) -> 629 (2022) under the incentive,
    reproduced by each cadre's decision (no multiplier)."""
    cadres = _june(guangan, "exam_registrations.community_workers")
    assert cadres["2021-06"] == pytest.approx(84, rel=0.10)
    assert cadres["2022-06"] == pytest.approx(629, rel=0.10)
    random = _june(_ts(scenario="guangan_incentive"), "exam_registrations.community_workers")
    assert random["2022-06"] == pytest.approx(629, rel=0.10)


def test_one_off_incentive_ends_when_it_ends(guangan):
    """The policy runs 2022-01..2022-12: registrations fall back in 2023 and nothing is paid
    for it after its end (its bonuses were earned at the 2022 exam)."""
    cadres = _june(guangan, "exam_registrations.community_workers")
    assert cadres["2023-06"] < 0.5 * cadres["2022-06"]
    paid = guangan.set_index("date")["spend_by_item.incentives"]
    assert paid["2022-01":"2022-12"].sum() > 0
    assert paid["2023-01":].sum() == 0
    assert paid[:"2021-12"].sum() == 0


@pytest.mark.parametrize("terms", [{"bonus_per_pass": 3000}, {"salary_step": 300},
                                   {"requirement": "true"}])
def test_each_incentive_raises_its_groups_registrations(terms):
    """Deterministic: a bonus, an allowance or a requirement for community workers raises
    their registrations and leaves other groups' alone (to within rounding: an allowance
    also keeps certified community workers, which moves exits shared with others)."""
    base = _ts(DET, "months=7")
    policy = _ts(DET, "months=7", _policy(**terms))
    for col, direction in (("exam_registrations.community_workers", 1),
                           ("exam_registrations.workforce", 0)):
        b, p = _june(base, col)["2022-06"], _june(policy, col)["2022-06"]
        assert (p > 1.05 * b) if direction else (abs(p - b) <= 0.01 * b), (terms, col, b, p)


def test_pay_step_preparation_failures_and_age_move_the_decision():
    """Deterministic: a bigger pay step to assistant and more exam preparation raise
    registrations; a stronger failure or age effect lowers them (the second year has people
    who failed the first)."""
    def regs(*sets):
        return _june(_ts(DET, "months=19", *sets))["2023-06"]

    base = regs()
    assert regs("funding.salary_assistant=6500") > base
    assert regs("workforce.training.exam_prep_share=1.0") > regs("workforce.training.exam_prep_share=0")
    assert regs("workforce.exam.failure_effect=2") < base
    assert regs("workforce.exam.age_effect=1") < base


def test_tianjin_decision_reproduces_its_first_year_registrations():
    """Calibration (benchmarks/calibrate_exam.py): the baseline's 2022 exam draws its assumed
    10,000 registrations (registrations_base) within 5%."""
    sc = load_scenario("tianjin_baseline", [DET, "months=6"])
    model = SocialWorkModel(sc, seed=0)
    model.run()
    got = model.records[-1]["exam_registrations"]
    assert got == pytest.approx(sc.workforce.exam.registrations_base, rel=0.05)


def test_registrations_series_overrides_the_decision_count():
    ts = _ts(DET, "workforce.exam.registrations_series={2023: 777}", "months=19")
    june = _june(ts)
    assert june["2023-06"] == 777 and june["2022-06"] != 777


def test_qualified_share_never_below_certified_share(small_run):
    ts = small_run.timeseries
    assert (ts["community_worker_qualified_share"] >= ts["community_worker_certified_share"]).all()
    assert (ts["grid_worker_qualified_share"].dropna() >= 0).all()


def test_grid_worker_pool_keeps_its_size_and_starts_at_seed_figure():
    ts = _ts("months=24", scenario="tianjin_baseline")
    assert ts["grid_workers"].iloc[0] == 48_000  # seed 002
    assert (ts["grid_workers"] == 48_000).all()  # vacant grid posts are refilled


def test_qualified_recruitment_raises_the_qualified_share():
    base = _ts(DET, "months=48")
    policy = _ts(DET, "months=48", "workforce.recruitment.qualified_share=0.8")
    assert policy["community_worker_qualified_share"].iloc[-1] > \
        base["community_worker_qualified_share"].iloc[-1] + 0.02
    assert np.all(policy["community_worker_qualified_share"].to_numpy()
                  >= base["community_worker_qualified_share"].to_numpy() - 1e-9)


def test_degree_counts_toward_the_target():
    none = _ts(DET, "months=1", "workforce.degree_share_community_workers=0")
    some = _ts(DET, "months=1", "workforce.degree_share_community_workers=0.2")
    assert (none["community_worker_qualified_share"].iloc[0]
            == pytest.approx(none["community_worker_certified_share"].iloc[0]))
    assert some["community_worker_qualified_share"].iloc[0] > \
        none["community_worker_qualified_share"].iloc[0] + 0.1


def test_staff_certificate_evaluation_keeps_holders():
    """Seed 000's ongoing evaluation: with it, staff-certificate holders wither far less."""
    without = _ts(DET, "months=48", "workforce.training.staff_evaluation_intake=0")
    with_it = _ts(DET, "months=48")
    assert with_it["certified_by_level.staff"].iloc[-1] > \
        without["certified_by_level.staff"].iloc[-1] * 1.2


def test_pay_is_indexed_and_insured():
    """Salaries grow by wage_growth each January; salaried posts cost social insurance."""
    ts = _ts(DET, "months=25", "funding.wage_growth=0.1")
    idx = ts.set_index("date")["salary_index"]
    assert idx["2022-12"] == pytest.approx(1.0) and idx["2023-01"] == pytest.approx(1.1)
    assert idx["2024-01"] == pytest.approx(1.21)
    # ample money, so both hire the same staff (budgets are hard: issue 15)
    rich = "funding.sources.purchase.amount=1e10"
    lo = _ts(DET, "months=3", rich, "funding.social_insurance_share=0")
    hi = _ts(DET, "months=3", rich, "funding.social_insurance_share=0.3")
    ratio = hi["spend_by_item.salaries"].iloc[-1] / lo["spend_by_item.salaries"].iloc[-1]
    assert ratio == pytest.approx(1.3, rel=0.02)


def test_decision_mode_refuses_the_growth_multiplier(cli):
    status, _, err = cli("validate", "tianjin_baseline", "--set",
                         "workforce.exam.incentive_multiplier=2")
    assert status == 2 and "workforce.incentives" in err


def test_explain_lists_incentive_policies(cli):
    status, out, err = cli("explain", "qualified_recruitment")
    assert status == 0, err
    assert "community_worker_exam_support: community_workers, 2022-01..open: bonus 2,000" in out
