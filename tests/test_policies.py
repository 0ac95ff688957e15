"""Policies as plug-ins (issue 22, part 2): a scenario's ``policies:`` list, the old keys
translated into it, and the housing subsidy, the kind that shows a new lever is one module."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL, refused

from simulation import policies, run
from simulation.agents.workers import exit_hazard
from simulation.model import SocialWorkModel
from simulation.params import load_scenario
from simulation.params.schema import COST_ITEMS, EARMARKS, SOURCES, scenario_policies

DET = "deterministic=true"
INCENTIVE = ("name: p, group: community_workers, start: '2022-01', end: '2023-06', "
             "bonus_per_pass: 2000, salary_step: 300, requirement: true, source: test")
HOUSING = "kind: housing_subsidy, start: '2022-01', subsidy: 1500, source: test"


def _ts(*sets: str, seed: int = 1):
    return run(load_scenario(SMALL, list(sets)), seed=seed).timeseries


def _rural_social_workers(model: SocialWorkModel) -> np.ndarray:
    w = model.workers
    return w.view("alive") & w.view("talent") & w.view("rural")


def test_old_keys_and_policies_give_the_same_run():
    """workforce.incentives and workforce.recruitment, or the same terms as ``policies:``:
    the same run, to the last digit (random draws included)."""
    old = _ts("months=24", "workforce.recruitment.qualified_share=0.6",
              f"workforce.incentives=[{{{INCENTIVE}}}]")
    new = _ts("months=24", "policies=[{kind: exam_incentive, " + INCENTIVE + "}, "
              "{kind: qualified_recruitment, start: '2022-01', qualified_share: 0.6, "
              "source: test}]")
    assert old["spend_by_item.incentives"].sum() > 0  # the policies act in both
    assert old.equals(new)


def test_old_keys_are_translated_in_one_place():
    """The old keys are policies listed before ``policies:``: the recruitment rule from the
    scenario's start, then each incentive."""
    sc = load_scenario("qualified_recruitment", [f"policies=[{{{HOUSING}}}]"])
    kinds = [p.kind for p in scenario_policies(sc)]
    assert kinds == ["qualified_recruitment", "exam_incentive", "housing_subsidy"]
    assert scenario_policies(sc)[0].start == sc.start
    assert scenario_policies(sc)[0].qualified_share == sc.workforce.recruitment.qualified_share


def test_housing_subsidy_lowers_rural_exit_hazards_only():
    """Same state, with and without a subsidy: rural social workers' hazard is x (1 -
    elasticity x subsidy / salary); everyone else's is unchanged, to the bit."""
    running = HOUSING.replace("2022-01", "2021-12")  # the month the model is built in
    base = SocialWorkModel(load_scenario(SMALL, [DET]), seed=1)
    subsidised = SocialWorkModel(load_scenario(SMALL, [DET, f"policies=[{{{running}}}]"]),
                                 seed=1)
    assert subsidised.date == "2021-12"
    rural = _rural_social_workers(subsidised)
    assert rural.sum() > 0 and (~rural & subsidised.workers.view("alive")).sum() > 0
    h0, h1 = exit_hazard(base), exit_hazard(subsidised)
    np.testing.assert_array_equal(h1[~rural], h0[~rural])
    salary = np.maximum(subsidised.salary[subsidised.workers.view("level")], 1.0)[rural]
    np.testing.assert_allclose(h1[rural], h0[rural] * (1 - 0.3 * 1500 / salary), rtol=1e-12)
    assert (h1[rural] < h0[rural]).all()


def test_housing_subsidy_keeps_the_hazard_at_zero_or_more():
    """A subsidy worth more than salary / elasticity stops rural exits (hazard 0), never
    below."""
    sc = load_scenario(SMALL, [DET, "policies=[{kind: housing_subsidy, start: '2021-12', "
                               "subsidy: 90000, elasticity: 2, source: test}]"])
    model = SocialWorkModel(sc, seed=1)
    hazard = exit_hazard(model)
    assert (hazard >= 0).all() and (hazard[_rural_social_workers(model)] == 0).all()


def test_housing_subsidy_lowers_exits_over_a_run():
    """Direction over two deterministic years: fewer exits, more social workers."""
    base = _ts(DET, "months=24")
    subsidised = _ts(DET, "months=24", f"policies=[{{{HOUSING}}}]")
    assert subsidised["workforce_exits"].sum() < base["workforce_exits"].sum()
    assert subsidised["social_workers_total"].iloc[-1] > base["social_workers_total"].iloc[-1]


def test_housing_subsidy_costs_subsidy_times_rural_social_workers():
    """Money identity, deterministic: each month's ``housing_subsidy`` item is the subsidy x
    the rural social workers in post at the month's start, paid only by its own lines (the
    district line is raised so that they can)."""
    sc = load_scenario(SMALL, [DET, "months=6", "funding.sources.district.amount=20e6",
                               f"policies=[{{{HOUSING}}}]"])
    model = SocialWorkModel(sc, seed=1)
    k = COST_ITEMS.index("housing_subsidy")
    lines = np.array([s in EARMARKS["housing_subsidy"] for s in SOURCES])
    for _ in range(6):
        in_post = int(_rural_social_workers(model).sum())
        model.step()
        assert in_post > 0
        assert model.flows.cost_by_item["housing_subsidy"] == 1500.0 * in_post
        assert (model.ledger.paid[k][~lines] == 0).all()
        assert model.ledger.paid[k].sum() == pytest.approx(1500.0 * in_post, rel=1e-12)
        row = model.records[-1]
        assert row["spend_by_item.housing_subsidy"] == 1500.0 * in_post


def test_a_policy_outside_its_months_does_nothing():
    """A subsidy that starts after the run, or ended before it: the run is the baseline's;
    one that runs for a window costs only in it."""
    base = _ts(DET, "months=12")
    later = _ts(DET, "months=12", "policies=[{kind: housing_subsidy, start: '2030-01', "
                "subsidy: 1500, source: test}]")
    earlier = _ts(DET, "months=12", "policies=[{kind: housing_subsidy, start: '2010-01', "
                  "end: '2021-12', subsidy: 1500, source: test}]")
    assert base.equals(later) and base.equals(earlier)
    window = _ts(DET, "months=12", "policies=[{kind: housing_subsidy, start: '2022-04', "
                 "end: '2022-06', subsidy: 1500, source: test}]").set_index("date")
    paid = window["spend_by_item.housing_subsidy"]
    assert (paid["2022-04":"2022-06"] > 0).all()
    assert paid.drop(["2022-04", "2022-05", "2022-06"]).eq(0).all()


@pytest.mark.parametrize(("entry", "says"), [
    ("{kind: rent_control, start: '2022-01', source: test}", "kind must be one of"),
    ("{kind: housing_subsidy, start: '2022-01', source: test}", "subsidy"),
    ("{kind: housing_subsidy, start: '2022-06', end: '2022-01', subsidy: 1, source: test}",
     "end 2022-01 is before start 2022-06"),
    ("{kind: housing_subsidy, start: '2022-01', subsidy: 1, source: test, rooms: 2}", "rooms"),
    ("{kind: housing_subsidy, start: '2022-01', subsidy: -5, source: test}", "subsidy"),
])
def test_bad_policies_are_refused_with_one_line(cli, entry, says):
    refused(cli("validate", SMALL, "--set", f"policies=[{entry}]"), says)


def test_kinds_and_cost_items_are_registered():
    """Each kind is one module, registered once; its cost items join the earmarks after
    the model's own, with their labels."""
    assert set(policies.KINDS) == {"exam_incentive", "qualified_recruitment", "housing_subsidy"}
    assert COST_ITEMS[-2:] == ("incentives", "housing_subsidy")
    assert EARMARKS["housing_subsidy"] == ("purchase", "reward_subsidy", "district")
    assert policies.ITEM_LABELS["housing_subsidy"][0].startswith("housing subsidy")


def test_validate_reads_policies_as_it_reads_the_old_keys(cli, tmp_path):
    """swsim validate's exam checks read only workforce.incentives and .recruitment: the same
    terms under ``policies:`` were ignored (a qualified target 'at most 1,014' instead of
    2,247). Now both forms give the same warnings, and the policies count."""
    base = ("extends: tianjin_baseline\nname: {name}\n"
            "workforce: {{exam: {{worth_effect: 0, prep_effect: 0}}{extra}}}\n{policies}")
    incentive = ("{name: x, group: community_workers, start: 2022-01, bonus_per_pass: 20000, "
                 "salary_step: 2000, requirement: true, source: s}")
    files = {
        "none": base.format(name="none", extra="", policies=""),
        "old": base.format(name="old", extra=", recruitment: {qualified_share: 0.3}, "
                           f"incentives: [{incentive}]", policies=""),
        "new": base.format(name="new", extra="", policies=(
            "policies:\n  - {kind: qualified_recruitment, start: 2022-01, qualified_share: 0.3, "
            "source: s}\n  - {kind: exam_incentive, " + incentive[1:] + "\n")),
    }
    said = {}
    for name, text in files.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        status, _, err = cli("validate", path)
        assert status == 0, err
        said[name] = err.replace(str(path), "FILE")
    assert said["old"] == said["new"] != said["none"]
    assert "can bring at most 2,247" in said["new"] and "can bring at most 1,014" in said["none"]
