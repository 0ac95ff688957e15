"""Workforce policy (issue 14): the exam as each person's decision, incentive policies,
qualified recruitment, grid workers, the qualified share (seed 002's target)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL

from simulation import run
from simulation.model import SocialWorkModel
from simulation.params import ScenarioError, load_scenario

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


# ---- registrations series the pools cannot supply (issue 21, group 3) -----------------------

def _registrations(*sets: str) -> dict[str, tuple[float, float]]:
    """June registrations and the month's professionals, small city, 19 months."""
    ts = _ts("months=19", *sets)
    june = ts[ts.date.str.endswith("-06")].set_index("date")
    return {d: (r["exam_registrations"], r["social_workers_total"]) for d, r in june.iterrows()}


@pytest.mark.parametrize("mode", ["decision", "growth"])
def test_a_series_beyond_the_pools_registers_every_one_of_them(mode):
    """Before: {2023: 100000} (growth) drew 98,237 registrants from an outside pool of 1,200
    and the workforce jumped 1,509 -> 25,621; {2022: 10000} (decision) took 2,030 outsiders
    from the same pool. Now at most every eligible worker and the whole outside pool."""
    big = _registrations(f"workforce.exam.registration_mode={mode}",
                         "workforce.exam.registrations_series={2022: 10000, 2023: 100000}")
    pools = load_scenario(SMALL).workforce
    everyone = pools.talent_total + pools.community_workers + pools.grid_workers \
        + pools.exam.outside_pool
    for registered, _ in big.values():
        assert 1_000 < registered <= everyone
    ts = _ts("months=19", f"workforce.exam.registration_mode={mode}",
             "workforce.exam.registrations_series={2022: 10000, 2023: 100000}")
    outside = ts.set_index("date")["exam_registrations.outside"]
    assert outside.max() <= pools.exam.outside_pool
    assert ts["social_workers_total"].max() < 2.5 * pools.talent_total


@pytest.mark.parametrize("mode", ["decision", "growth"])
def test_a_series_the_pools_can_supply_is_recorded_as_written(mode):
    """What is recorded is what the series says, in deterministic and random runs (before:
    small_city's {2022: 500} recorded 514 in a random run)."""
    for det in ([DET], []):
        got = _registrations(*det, f"workforce.exam.registration_mode={mode}",
                             "workforce.exam.registrations_series={2022: 500, 2023: 1500}")
        assert got["2022-06"][0] == 500 and got["2023-06"][0] == 1500, (det, got)


def test_growth_outsiders_beyond_the_pool_come_from_the_eligible():
    """Growth rule, an outside pool of 10: the series' count still holds, outsiders at most 10."""
    ts = _ts(DET, "months=7", "workforce.exam.registration_mode=growth",
             "workforce.exam.outside_pool=10", "workforce.exam.registrations_series={2022: 900}")
    june = ts.set_index("date").loc["2022-06"]
    assert june["exam_registrations"] == 900 and june["exam_registrations.outside"] == 10


def test_validate_warns_on_a_series_the_pools_cannot_supply(cli):
    status, _, err = cli("validate", SMALL, "--set", "workforce.exam.registration_mode=growth",
                         "--set", "workforce.exam.registrations_series={2023: 100000, 2030: 5}")
    lines = [x for x in err.splitlines() if "registrations_series" in x]
    assert status == 0 and len(lines) == 2, err
    assert lines[0].startswith(f"warning: {SMALL}: workforce.exam.registrations_series.2023: "
                               "100,000 registrations are more than the people who may sit the "
                               "exam (about 3,009 at the start: community workers 705, "
                               "workforce 1,104, outside_pool 1,200)")
    assert "registrations_series.2030: the 2030 exam (2030-06) is outside the run" in lines[1]
    _, _, err = cli("validate", SMALL, "--set", "workforce.exam.registration_mode=growth",
                    "--set", "workforce.exam.registrations_series={2023: 2000}")
    assert "2,000 registrations are above the growth rule's ceiling" in err  # 834 in the small city
    assert "registrations_series" not in cli("validate", "registration_surge_2025")[2]


# ---- parameters set where the scenario's mode never reads them (issue 21, group 3) ----------

def _declared_modes():
    """Every parameter that declares the modes it acts in, and a value it does not have."""
    from simulation.feasibility import _declared, _defaults
    from simulation.params.schema import describe_parameters

    high = {r["path"]: r["high"] for r in describe_parameters()}
    out = []
    for path, value, _, extra in _declared(_defaults(), None):
        if value is None:
            other = "2023"  # a year
        elif isinstance(value, bool):
            other = "true" if not value else "false"
        else:
            mid = value + (high[path] - value) / 4  # within the bounds, away from the default
            other = str(round(mid) if isinstance(value, int) else mid)
        out.append((path, other, extra["when"]))
    return out


MODES = {"workforce.exam.registration_mode": ["decision", "growth"],
         "staffing.posts_rule": ["fixed", "workload"], "deterministic": [True, False]}


def _elsewhere(when: dict) -> list[str]:
    """--set items that put the scenario in a mode where a ``when`` declaration fails: its
    "not" condition fails (the switch left null, the other conditions held), else its first."""
    if any(isinstance(allowed, dict) for allowed in when.values()):
        return [f"{switch}={allowed[0]}" for switch, allowed in when.items()
                if not isinstance(allowed, dict)]
    switch, allowed = next(iter(when.items()))
    value = next(v for v in MODES[switch] if v not in allowed)
    return [f"{switch}={str(value).lower()}"]


DECLARED = _declared_modes()


def test_every_mode_switch_declares_its_parameters():
    paths = {p for p, _, _ in DECLARED}
    assert {"workforce.exam.registration_growth", "workforce.exam.registrations_base",
            "workforce.exam.max_registrations_share", "workforce.exam.from_community_workers",
            "workforce.exam.from_workforce", "workforce.exam.incentive_multiplier",
            "workforce.exam.worth_effect", "workforce.exam.propensity_outside",
            "network.station_posts", "network.centre_posts", "staffing.max_posts",
            "workforce.age_sd"} <= paths


@pytest.mark.parametrize("path,other,when", DECLARED, ids=[p for p, _, _ in DECLARED])
def test_a_declared_parameter_changes_nothing_outside_its_mode(path, other, when):
    """The declaration is true: in a mode where it says the parameter does not act, changing
    it leaves every metric of a deterministic run unchanged (and validate says so)."""
    mode = [DET, "months=14", *_elsewhere(when)]
    if path.startswith("workforce.incentives"):
        pytest.skip("list items are checked by test_requirement_has_no_effect_under_the_growth_rule")
    base = _ts(*mode, seed=3)
    try:
        changed = _ts(*mode, f"{path}={other}", seed=3)
    except ScenarioError as exc:  # refused outright: stronger than a warning
        assert path.startswith("workforce.exam.incentive_") and "growth rule" in exc.message
        return
    assert base.drop(columns="scenario").equals(changed.drop(columns="scenario")), path
    from simulation.feasibility import check

    warned = [w.key for w in check(load_scenario(SMALL, [*mode, f"{path}={other}"]),
                                   [f"{path}={other}"])]
    assert path in warned


def test_requirement_has_no_effect_under_the_growth_rule(cli):
    growth = [DET, "months=14", "workforce.exam.registration_mode=growth"]
    base = _ts(*growth, _policy(requirement="false"))
    assert base.equals(_ts(*growth, _policy(requirement="true")))
    _, _, err = cli("validate", SMALL, *[a for s in [*growth, _policy(requirement="true")]
                                         for a in ("--set", s)])
    assert "workforce.incentives.0.requirement: set to true, but it has no effect" in err


def test_readme_growth_example_warns_and_its_replacement_changes_the_run(cli, tmp_path):
    """Before: `swsim run --set workforce.exam.registration_growth=0.6` changed nothing under
    the default registration_mode: decision, silently."""
    status, _, err = cli("validate", SMALL, "--set", "workforce.exam.registration_growth=0.6")
    assert status == 0 and (f"warning: {SMALL}: workforce.exam.registration_growth: set to 0.6, "
                            "but it has no effect on the run while workforce.exam.registration_mode "
                            "is decision. Set workforce.exam.registration_mode: growth as well, "
                            "or leave this key out") in err
    status, _, err = cli("run", SMALL, "--set", "months=7", "--set",
                         "workforce.exam.registration_growth=0.6", "--out", tmp_path / "a")
    assert status == 0 and "workforce.exam.registration_growth: set to 0.6" in err
    # the README's replacement: the growth-rule scenario, where the key acts
    _, _, err = cli("validate", "registration_growth_sustained", "--set",
                    "workforce.exam.registration_growth=0.6")
    assert "registration_growth" not in err
    growth = [DET, "months=19", "workforce.exam.registration_mode=growth"]
    assert _june(_ts(*growth, "workforce.exam.registration_growth=0.6"))["2023-06"] > \
        _june(_ts(*growth))["2023-06"]


def test_kept_reference_values_warn_only_when_set(cli):
    """small_city keeps registrations_base (the decision's calibration reference) without a
    warning; --set of it under the decision is warned about."""
    assert "registrations_base" not in cli("validate", SMALL)[2]
    _, _, err = cli("validate", SMALL, "--set", "workforce.exam.registrations_base=800")
    assert "workforce.exam.registrations_base: set to 800, but it has no effect on the run " \
           "(here it is only the count the decision's propensities are calibrated to" in err


def test_shipped_scenarios_set_nothing_without_effect():
    from simulation.feasibility import inert
    from simulation.params import shipped_scenarios

    for name in shipped_scenarios():
        assert inert(load_scenario(name)) == [], name


def test_exact_selection_keeps_each_persons_chance():
    """A series' count is drawn exactly (Pareto sampling): people of chance 1 always, of
    chance 0 never while others remain, everyone else about as often as their chance."""
    from simulation.randomness import Draws

    p = np.r_[np.full(50, 0.1), np.full(50, 0.5), [1.0, 1.0, 0.0]]  # sums to 32
    key = np.random.default_rng(0).random(len(p))
    draws = Draws(np.random.default_rng(1))
    picks = np.array([draws.select_exactly(p, 32, key) for _ in range(2000)])
    assert (picks.sum(axis=1) == 32).all()
    assert picks[:, 100:102].all() and not picks[:, 102].any()
    assert picks[:, :50].mean() == pytest.approx(0.1, abs=0.02)
    assert picks[:, 50:100].mean() == pytest.approx(0.5, abs=0.02)
    det = Draws(np.random.default_rng(1), deterministic=True).select_exactly(p, 32, key)
    assert det.sum() == 32 and det[100:102].all() and not det[102]
