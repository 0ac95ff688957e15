"""Money that does not exist is not spent (issue 12, part 5).

A source's money in a month is that month's budget (unspent money lapses, nothing
is carried over or borrowed). Each source pays the month's cost in proportion to
its budget and never more than its budget; cost beyond the month's budget is the
``funding_gap`` (docs/ODD.md, 7.7). Every source's fields are set explicitly, so
these tests do not depend on how a partial override of a source is resolved.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL

from simulation import run
from simulation.model import SocialWorkModel
from simulation.params import SOURCES, load_scenario
from simulation.processes.funding import COST_ITEMS, charge

BY_SOURCE = [f"spend_by_source.{s}" for s in SOURCES]
BY_ITEM = [f"spend_by_item.{i}" for i in COST_ITEMS]
#: small_city's yearly amounts (yuan), each with growth and volatility set here
AMOUNTS = {"purchase": 3.2e6, "reward_subsidy": 0.8e6, "assistance_share": 0.4e6,
           "lottery": 0.6e6, "charity": 0.4e6, "market_fees": 0.2e6}


def _sources(amounts: dict[str, float], growth: float = 0.03, volatility: float = 0.2) -> list[str]:
    """Overrides setting every field of every source."""
    return [f"funding.sources.{s}.{k}={v}" for s, a in amounts.items()
            for k, v in (("amount", a), ("growth", growth), ("volatility", volatility))]


def _scenario(amounts: dict[str, float], *more: str, **kw):
    return load_scenario(SMALL, [*_sources(amounts, **kw), *more])


ZERO = dict.fromkeys(SOURCES, 0.0)
NO_PURCHASE = {**AMOUNTS, "purchase": 0.0}
TIGHT = {s: a / 4 for s, a in AMOUNTS.items()}      # a quarter of the money: deep deficits


def _months(scenario, seed: int, replicate: int):
    """Step the model; per month, (budget by source, spend by source, recorded row)."""
    model = SocialWorkModel(scenario, seed=seed, replicate=replicate)
    for _ in range(scenario.months):
        model.step()
        yield model.ledger.budget.copy(), model.ledger.spend.copy(), model.records[-1]


def _check_identities(ts):
    by_source = ts[BY_SOURCE].sum(axis=1)
    np.testing.assert_allclose(by_source, ts["spend_total"], rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(ts[BY_ITEM].sum(axis=1), ts["spend_total"] + ts["funding_gap"],
                               rtol=1e-9, atol=1e-6)
    assert (ts["spend_total"] <= ts["budget_total"] * (1 + 1e-12)).all()
    assert (ts[BY_SOURCE] >= 0).all().all() and (ts["funding_gap"] >= 0).all()


def test_charge_never_exceeds_a_budget():
    budget = np.array([6.0, 3.0, 1.0, 0.0])
    np.testing.assert_allclose(charge(5.0, budget), [3.0, 1.5, 0.5, 0.0])   # by budget share
    np.testing.assert_array_equal(charge(25.0, budget), budget)              # all of it, no more
    np.testing.assert_array_equal(charge(10.0, budget), budget)
    np.testing.assert_array_equal(charge(7.0, np.zeros(4)), np.zeros(4))     # no money: nobody pays
    np.testing.assert_array_equal(charge(0.0, budget), np.zeros(4))


def test_no_money_nothing_spent():
    """Every source at 0: no source pays; the cost of what still runs is the funding gap."""
    ts = run(_scenario(ZERO), seed=3, replicates=2).timeseries
    assert (ts[BY_SOURCE] == 0).all().all()          # was 21,677 yuan/month each (even split)
    assert (ts["spend_total"] == 0).all() and (ts["budget_total"] == 0).all()
    _check_identities(ts)
    later = ts[ts["step"] > 0]
    # what the model then does: salaried hours are not paid, nothing new is bought ...
    assert (later["paid_hours_share"] == 0).all() and (later["spend_by_item.salaries"] == 0).all()
    assert (ts["projects_running"] == 0).all()
    for _, rep in ts.groupby("replicate"):
        assert rep["station_coverage"].nunique() == 1 and rep["centre_coverage"].nunique() == 1
    # ... and the starting network's operating, training and volume costs are unfunded
    assert (later["funding_gap"] > 0).all()
    np.testing.assert_allclose(later["funding_gap"], later[BY_ITEM].sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(later["cost_per_service_hour"],
                               later["funding_gap"] / later["served_hours"], rtol=1e-12)


@pytest.mark.parametrize("amounts", [AMOUNTS, TIGHT, NO_PURCHASE], ids=["base", "tight", "no_purchase"])
def test_each_source_spends_at_most_its_money(amounts):
    """Every month of every replicate, spend by source <= that month's budget of the source."""
    scenario = _scenario(amounts)
    gap_months = 0
    for replicate in range(2):
        for budget, spend, row in _months(scenario, seed=11, replicate=replicate):
            assert np.all(spend <= budget), (row["date"], spend - budget)
            assert np.all(spend >= 0)
            np.testing.assert_allclose([row[c] for c in BY_SOURCE], spend, rtol=0, atol=0)
            cost = sum(row[c] for c in BY_ITEM)
            assert row["spend_total"] == pytest.approx(min(cost, budget.sum()), rel=1e-12)
            assert row["funding_gap"] == pytest.approx(max(0.0, cost - budget.sum()), rel=1e-12)
            gap_months += row["funding_gap"] > 0
            if row["funding_gap"] > 0:                 # short of money: every source pays it all
                np.testing.assert_allclose(spend, budget, rtol=1e-12)
    if amounts is TIGHT:
        assert gap_months > 0                          # the case under test does occur


def test_money_identities_hold_every_month():
    ts = run(_scenario(TIGHT), seed=5, replicates=3).timeseries
    _check_identities(ts)
    assert (ts["funding_gap"] > 0).any() and (ts["spend_total"] > 0).any()


def test_one_source_without_money():
    """Purchase at 0, the others funded: purchase pays nothing, the others pay their share."""
    ts = run(_scenario(NO_PURCHASE), seed=2, replicates=2).timeseries
    _check_identities(ts)
    assert (ts["spend_by_source.purchase"] == 0).all()
    later = ts[ts["step"] > 0]
    for s in SOURCES:
        if s != "purchase":
            assert (later[f"spend_by_source.{s}"] > 0).all(), s
    # without volatility or growth each funded source pays the same share of its budget
    flat = run(_scenario(NO_PURCHASE, growth=0.0, volatility=0.0), seed=2).timeseries
    flat = flat[flat["step"] > 0]
    share = flat["spend_total"] / flat["budget_total"]
    for s in SOURCES:
        expected = NO_PURCHASE[s] / 12 * share
        np.testing.assert_allclose(flat[f"spend_by_source.{s}"], expected, rtol=1e-9)
