"""Money that does not exist is not spent (issue 12, part 5); hard, earmarked budget
lines (issue 15, item 5).

A source's money in a month is that month's budget (unspent money lapses, nothing
is carried over or borrowed). A source (budget line) pays only the cost items its
earmark allows and never more than its budget; what is bought and no line can pay is
the ``funding_gap`` (arrears), what is not bought for want of money the ``budget_cuts``
(docs/ODD.md, 7.7). Every source's fields are set explicitly, so these tests do not
depend on how a partial override of a source is resolved.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL

from simulation import run
from simulation.model import SocialWorkModel
from simulation.params import SOURCES, load_scenario
from simulation.processes.funding import COST_ITEMS, allocate, eligibility

BY_SOURCE = [f"spend_by_source.{s}" for s in SOURCES]
BY_ITEM = [f"spend_by_item.{i}" for i in COST_ITEMS]
#: small_city's yearly amounts (yuan), each with growth and volatility set here
AMOUNTS = {"purchase": 3.2e6, "reward_subsidy": 0.8e6, "assistance_share": 0.4e6,
           "lottery": 0.6e6, "charity": 0.4e6, "market_fees": 0.2e6, "district": 0.4e6}


def _sources(amounts: dict[str, float], growth: float = 0.03, volatility: float = 0.2) -> list[str]:
    """Overrides setting every field of every source."""
    return [f"funding.sources.{s}.{k}={v}" for s, a in amounts.items()
            for k, v in (("amount", a), ("growth", growth), ("volatility", volatility),
                         ("social_work_share", 1.0))]


def _scenario(amounts: dict[str, float], *more: str, **kw):
    return load_scenario(SMALL, [*_sources(amounts, **kw), *more])


ZERO = dict.fromkeys(SOURCES, 0.0)
NO_PURCHASE = {**AMOUNTS, "purchase": 0.0}
TIGHT = {s: a / 4 for s, a in AMOUNTS.items()}      # a quarter of the money: deep deficits


def _months(scenario, seed: int, replicate: int):
    """Step the model; per month, (the model, recorded row)."""
    model = SocialWorkModel(scenario, seed=seed, replicate=replicate)
    for _ in range(scenario.months):
        model.step()
        yield model, model.records[-1]


def _check_identities(ts):
    by_source = ts[BY_SOURCE].sum(axis=1)
    np.testing.assert_allclose(by_source, ts["spend_total"], rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(ts[BY_ITEM].sum(axis=1), ts["spend_total"] + ts["funding_gap"],
                               rtol=1e-9, atol=1e-6)
    assert (ts["spend_total"] <= ts["budget_total"] * (1 + 1e-12)).all()
    assert (ts[BY_SOURCE] >= 0).all().all() and (ts["funding_gap"] >= 0).all()


def test_allocate_known_answer():
    """Items in order; a line that may pay no later item pays first; no line overspends."""
    eligible = np.array([[True, True, False],     # item 0: lines 0 and 1
                         [True, False, True],     # item 1: lines 0 and 2
                         [False, False, True]])   # item 2: line 2 only
    paid = allocate(np.array([5.0, 6.0, 1.0]), np.array([4.0, 3.0, 2.0]), eligible)
    # item 0: line 1 (no later use) pays 3, line 0 the other 2; item 1: line 0 (its
    # first later item, none, comes after line 2's item 2) pays 2, line 2 pays 2; item 2
    # finds line 2 empty
    np.testing.assert_allclose(paid, [[2.0, 3.0, 0.0], [2.0, 0.0, 2.0], [0.0, 0.0, 0.0]])
    assert (paid[~eligible] == 0).all()
    np.testing.assert_allclose(allocate(np.array([1.0, 1.0, 1.0]), np.zeros(3), eligible), 0.0)
    # plenty of money: every item is paid in full, each line within its budget
    paid = allocate(np.array([1.0, 1.0, 1.0]), np.array([9.0, 9.0, 9.0]), eligible)
    np.testing.assert_allclose(paid.sum(axis=1), 1.0)
    assert (paid.sum(axis=0) <= 9.0).all()


def test_no_money_nothing_spent():
    """Every source at 0: no source pays; salaried hours and projects are cut, the
    starting network's operating and training costs are arrears (the funding gap)."""
    ts = run(_scenario(ZERO), seed=3, replicates=2).timeseries
    assert (ts[BY_SOURCE] == 0).all().all()
    assert (ts["spend_total"] == 0).all() and (ts["budget_total"] == 0).all()
    _check_identities(ts)
    later = ts[ts["step"] > 0]
    assert (later["paid_hours_share"] == 0).all() and (later["spend_by_item.salaries"] == 0).all()
    assert (later["cuts_by_item.salaries"] > 0).all()          # the salary bill not paid
    assert (ts["projects_running"] == 0).all()
    for _, rep in ts.groupby("replicate"):
        assert rep["station_coverage"].nunique() == 1 and rep["centre_coverage"].nunique() == 1
    assert (later["funding_gap"] > 0).all()
    np.testing.assert_allclose(later["funding_gap"], later[BY_ITEM].sum(axis=1), rtol=1e-12)
    assert (later["spend_by_item.volume"] == 0).all()            # volume payments are cut
    np.testing.assert_allclose(later["cost_per_service_hour"],
                               later[BY_ITEM].sum(axis=1) / later["served_hours"], rtol=1e-12)


@pytest.mark.parametrize("amounts", [AMOUNTS, TIGHT, NO_PURCHASE], ids=["base", "tight", "no_purchase"])
def test_budgets_never_overspent_per_line(amounts):
    """Every month of every replicate: each line pays at most its month's budget and only
    the items its earmark allows; an item left unpaid has exhausted every line that may
    pay it."""
    scenario = _scenario(amounts)
    short_months = 0
    for replicate in range(2):
        for model, row in _months(scenario, seed=11, replicate=replicate):
            budget, paid = model.ledger.budget, model.ledger.paid
            eligible = eligibility(model)
            spend = paid.sum(axis=0)
            assert np.all(spend <= budget * (1 + 1e-12)), (row["date"], spend - budget)
            assert (paid >= 0).all() and (paid[~eligible] == 0).all()
            np.testing.assert_allclose([row[c] for c in BY_SOURCE], spend, rtol=0, atol=0)
            np.testing.assert_allclose([row[f"budget_by_source.{s}"] for s in SOURCES], budget)
            due = np.array([row[f"spend_by_item.{i}"] for i in COST_ITEMS])
            unpaid = due - paid.sum(axis=1)
            for k in np.flatnonzero(unpaid > 1e-3):        # a shortfall: its lines are empty
                np.testing.assert_allclose(spend[eligible[k]], budget[eligible[k]], rtol=1e-9)
            short_months += row["funding_gap"] + row["budget_cuts"] > 0
    if amounts is TIGHT:
        assert short_months > 0                        # the case under test does occur


def test_money_identities_hold_every_month():
    ts = run(_scenario(TIGHT), seed=5, replicates=3).timeseries
    _check_identities(ts)
    assert (ts["budget_cuts"] > 0).any() and (ts["spend_total"] > 0).any()
    assert (ts["paid_hours_share"] < 1).any()          # short money cuts salaried hours


def test_one_source_without_money():
    """Purchase at 0, the others funded: purchase pays nothing, the others pay what their
    earmarks allow."""
    ts = run(_scenario(NO_PURCHASE), seed=2, replicates=2).timeseries
    _check_identities(ts)
    assert (ts["spend_by_source.purchase"] == 0).all()
    later = ts[ts["step"] > 0]
    for s in SOURCES:
        if s != "purchase":
            assert (later[f"spend_by_source.{s}"] > 0).all(), s


def test_lottery_never_pays_salaries():
    """An earmark binds: with only lottery money, salaried hours go unpaid while the
    lottery still pays operating costs."""
    only = {**ZERO, "lottery": 5e6}
    model = SocialWorkModel(_scenario(only), seed=1)
    for _ in range(3):
        model.step()
    k_sal, k_op = COST_ITEMS.index("salaries"), COST_ITEMS.index("operating")
    lottery = SOURCES.index("lottery")
    assert model.ledger.paid[k_sal].sum() == 0 and model.ledger.service_factor == 0
    assert model.ledger.paid[k_op, lottery] > 0
    # allowed to pay salaries, the same money does
    model = SocialWorkModel(_scenario(only, "funding.earmarks.salaries=[lottery]"), seed=1)
    for _ in range(3):
        model.step()
    assert model.ledger.paid[k_sal, lottery] > 0 and model.ledger.service_factor > 0


def test_social_work_share_limits_the_money():
    """Only the stated share of a general fund is social work's (seed 003)."""
    half = load_scenario(SMALL, ["months=2", "funding.sources.reward_subsidy.social_work_share=0.5"])
    full = load_scenario(SMALL, ["months=2", "funding.sources.reward_subsidy.social_work_share=1.0"])
    b_half, b_full = (SocialWorkModel(sc, seed=1).ledger.budget for sc in (half, full))
    k = SOURCES.index("reward_subsidy")
    assert b_half[k] == pytest.approx(b_full[k] / 2) and b_full[k] > 0
