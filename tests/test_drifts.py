"""Rules declared once (issue 22, part 5): each rule that two places had written apart, and
that had drifted, is now one function or one table both read; each test here failed before.
"""

from __future__ import annotations

import pytest
from conftest import SMALL

from simulation.feasibility import check, yearly_budget
from simulation.model import SocialWorkModel
from simulation.params import SOURCES, load_scenario

# ---- 2. validate's budget is the model's ------------------------------------------------------


def test_validate_budget_is_the_models_budget_over_a_year():
    """``swsim validate``'s yearly budget counted every source whole, while the model gives
    social work only each source's ``social_work_share`` (small_city: 7.2 M assumed in 2022,
    6.0 M in the run). Now it is the sum of the run's monthly ``budget_total`` over the year
    (a deterministic run with no volatility: a deterministic run takes a volatile source's
    median shock, below 1)."""
    calm = [f"funding.sources.{s}.volatility=0" for s in SOURCES]
    sc = load_scenario(SMALL, [*calm, "deterministic=true", "months=24"])
    assert sc.funding.sources.reward_subsidy.social_work_share == 0.5  # the share matters here
    model = SocialWorkModel(sc, seed=1)
    for _ in range(sc.months):
        model.step()
    for year in (0, 1):  # 2022 and 2023 (the records start with the state before 2022-01)
        months = [row["budget_total"] for row in model.records
                  if row["date"].startswith(str(2022 + year))]
        assert len(months) == 12
        assert yearly_budget(sc, year) == pytest.approx(sum(months), rel=1e-12)
    assert yearly_budget(sc, 0) == pytest.approx(6.0e6)  # 3.2 + 0.8 + 0.4 + 0.6 + 0.4 + 0.2 + 0.4


@pytest.mark.parametrize(("name", "warned"), [
    # the money for social work by 2025-12 against the network's counted cost (the shares of
    # reward_subsidy and assistance_share were counted whole before: 'tight' and no warning)
    ("small_city", "cannot pay"), ("funding_mix_charity", "cannot pay"),
    ("training_boost", "by less than 5%"), ("tianjin_baseline", None)])
def test_validate_money_warnings_count_only_social_works_share(name, warned):
    money = [w.message for w in check(load_scenario(name)) if w.key.startswith("funding")]
    assert (money == []) if warned is None else (len(money) == 1 and warned in money[0]), money


def test_validate_raise_figure_pays_the_gap_at_the_purchase_lines_share():
    """The amount validate asks for is what closes the gap once the model takes its share:
    raising purchase.amount to it leaves no 'cannot pay' warning."""
    sc = load_scenario("funding_cut", ["funding.sources.purchase.social_work_share=0.5"])
    (warning,) = [w for w in check(sc) if w.key.startswith("funding")]
    figure = warning.message.split("to at least ")[1].split(" ")[0].replace(",", "")
    raised = load_scenario("funding_cut", ["funding.sources.purchase.social_work_share=0.5",
                                           f"funding.sources.purchase.amount={figure}"])
    assert not [w for w in check(raised) if "cannot pay" in w.message]


# ---- 1. the page's levers are the schema's ----------------------------------------------------


@pytest.mark.parametrize("name", ["tianjin_baseline", "small_city", "binhai_2022"])
def test_every_parameter_is_a_lever_or_excluded_with_a_reason(name):
    """The page's groups were a hand-written list of prefixes with no ``staffing.``: its 8
    parameters were missing though the README says the page shows every parameter."""
    from simulation.app.levers import EXCLUDED, GROUPS, TITLES, levers
    from simulation.params.schema import describe_parameters

    sc = load_scenario(name)
    paths = [row["path"] for row in describe_parameters(type(sc), sc)]
    shown = [lv.path for group in levers(sc).values() for lv in group]
    assert len(shown) == len(set(shown))
    assert sorted(shown + list(EXCLUDED)) == sorted(paths)  # each one or the other, not both
    assert all(reason.strip() for reason in EXCLUDED.values())
    staffing = [p for p in paths if p.startswith("staffing.")]
    assert len(staffing) == 8 and set(staffing) == {lv.path for lv in levers(sc)["staffing"]}
    assert [key for key, *_ in GROUPS] == list(TITLES)  # every group titled, in page order


def test_lever_groups_follow_the_schemas_sections():
    """A top-level section is a group of its own without touching the page's code."""
    from pydantic import BaseModel

    from simulation.app.levers import GROUPS, group_of
    from simulation.params import Scenario

    sections = [n for n, f in Scenario.model_fields.items()
                if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)]
    prefixes = {p for *_, ps in GROUPS for p in ps}
    assert {f"{n}." for n in sections} <= prefixes
    assert group_of("staffing.max_posts") == "staffing"
    assert group_of("workforce.exam.month") == "exam" and group_of("months") == "run"
