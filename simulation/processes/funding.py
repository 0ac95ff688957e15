"""Funding: yearly budgets by line (source), earmarks, hard shortfalls and monthly spend.

Each source's yearly amount grows at its own rate from the start year; only its
``social_work_share`` is social work's to spend (seed 003: the reward-in-lieu and the
assistance share are for grassroots capacity in general). Costs are salaries of staff
employed by purchase or recruitment (by level), operating costs of contracted and
operating units, training places, running social-organisation projects, payments
by service volume, and what the running policies cost (:func:`simulation.policies.costs`:
exam incentives, housing subsidies), each policy cost item paid by its own lines.

Budgets are hard and earmarked (issue 15, item 5). A source (budget line) pays only the
cost items ``funding.earmarks`` lets it pay, and never more than this month's budget
(unspent money lapses; nothing is carried over or borrowed). Money goes to the items in
the order of :data:`~simulation.params.schema.EARMARKS` (operating, salaries, training,
projects, volume); for an item, the lines whose money is least needed by the items after
it pay first, lines of the same class in proportion to what they have left
(:func:`allocate`). Shortfalls then bite in this order:

1. new posts stay unfilled, new projects unlaunched and units uncontracted while the
   month's uncommitted money (``ledger.headroom``) does not cover them (stations and
   projects processes);
2. at the start of the month the expected costs are allocated: salaried staff work, and
   are paid, only the share of their hours their lines can pay (``paid_hours_share``),
   and running projects give only the share of their hours their lines pay for
   (``ledger.project_factor``); the hours not bought are ``budget_cuts``;
3. payment by service volume is paid only as far as its lines have money left (the rest
   is a cut);
4. what was bought but no line could pay at the month's end (operating costs and
   training of a network with no money, a salary bill above the month's estimate) is
   ``funding_gap``: arrears, explicit, never hidden in another line's spend.

So ``spend_by_source.<s>`` <= the month's budget of ``s``, ``spend_total`` = sum of
``spend_by_source``, and sum of ``spend_by_item`` = ``spend_total`` + ``funding_gap``
(cuts are not spent and appear in no item).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..params import SOURCES
from ..params.schema import COST_ITEMS, MODEL_COST_ITEMS
from ..state import STATION_TIERS, BoolArray, Employer, FloatArray, Level, Status
from . import projects, stations

if TYPE_CHECKING:
    from ..model import SocialWorkModel
    from ..params import Scenario

__all__ = ["COST_ITEMS", "FundingState", "allocate", "budget_year", "close_month", "cost",
           "eligibility", "init", "monthly_budget", "open_month", "pay_items", "social_work_money",
           "unfunded"]

#: the sources of the first releases (purchase ... market_fees), whose yearly shocks are
#: drawn first; later sources (district) draw after them
FIRST_SOURCES = 6
#: items whose unpaid part is not bought (a cut) rather than owed (arrears)
CUT_AT_CLOSE = ("volume",)


@dataclass
class FundingState:
    """The run's yearly funding shocks: year since start x source, factors of mean 1."""

    shocks: FloatArray


def init(model: SocialWorkModel) -> FundingState:
    """Draw each source's yearly shocks once: lognormal factors of mean 1 (deterministic: 1)."""
    src, months = model.params.funding.sources, model.params.months
    years = months // 12 + 2
    draws = model.draws["funding"]
    sd = np.array([getattr(src, s).volatility for s in SOURCES])
    sigma = np.sqrt(np.log1p(sd ** 2))
    if draws.deterministic:
        z = np.zeros((years, len(SOURCES)))
    else:  # sources added later draw after the first six, so those keep their shocks
        first = draws.rng.standard_normal((years, FIRST_SOURCES))
        z = np.c_[first, draws.rng.standard_normal((years, len(SOURCES) - FIRST_SOURCES))]
    shocks = np.exp(sigma * z - sigma ** 2 / 2)
    shocks[0] = 1.0  # the first year's amounts are the scenario's
    return FundingState(shocks=shocks)


def budget_year(sc: Scenario, year: int) -> int:
    """The budget year of calendar year ``year``: years after the start year (0 before it)."""
    return max(year - int(sc.start[:4]), 0)


def social_work_money(sc: Scenario, years: int) -> FloatArray:
    """Each source's money for social work in budget year ``years`` (:func:`budget_year`),
    yuan/year in SOURCES order, before that year's shock (of mean 1): amount x
    ``social_work_share`` x (1 + growth)^years.

    The one rule for a source's money: the run's monthly budget is this x the year's shock
    / 12 (:func:`monthly_budget`); ``swsim validate``'s yearly budget is its sum
    (:func:`simulation.feasibility.yearly_budget`)."""
    src = sc.funding.sources
    return np.array([getattr(src, s).amount * getattr(src, s).social_work_share
                     * (1.0 + getattr(src, s).growth) ** years for s in SOURCES])


def monthly_budget(model: SocialWorkModel) -> FloatArray:
    """Budget by source this month, yuan (yearly amount / 12, grown and shocked yearly)."""
    years = budget_year(model.params, model.year_month[0])
    base = social_work_money(model.params, years)
    shocks = model.funding.shocks
    budget: FloatArray = base * shocks[min(years, len(shocks) - 1)] / 12.0
    return budget


def _salaries(model: SocialWorkModel) -> float:
    w = model.workers
    employer, unit = w.view("employer"), w.view("unit")
    paid = (unit >= 0) & ((employer == Employer.PURCHASE) | (employer == Employer.RECRUITED))
    # staff hired from a neighbouring district earn a premium (issue 15)
    return float((model.post_cost[w.view("level")[paid]]
                  * (1.0 + w.view("pay_premium")[paid])).sum())


def _operating(model: SocialWorkModel) -> float:
    u = model.units
    return float(model.tiers.operating[u.tier[u.status >= Status.CONTRACTED]].sum()) / 12.0


def _reserved(model: SocialWorkModel) -> float:
    """Salaries held for the vacant posts of contracted units not yet open."""
    u = model.units
    unit = model.workers.view("unit")
    staffed = np.bincount(unit[unit >= 0], minlength=len(u))
    waiting = (u.status == Status.CONTRACTED) & np.isin(u.tier, STATION_TIERS)
    rows = np.flatnonzero(waiting)
    posts = stations.contract_posts(model, rows)
    return float(np.maximum(posts - staffed[rows], 0).sum() * model.post_cost[Level.STAFF])


def eligibility(model: SocialWorkModel) -> BoolArray:
    """Which source may pay which item: item (COST_ITEMS order) x source (SOURCES order)."""
    marks = model.params.funding.earmarks
    return np.array([[src in marks[item] for src in SOURCES] for item in COST_ITEMS])


def allocate(due: FloatArray, budget: FloatArray, eligible: BoolArray) -> FloatArray:
    """What each line pays of each item, item x source. Items are paid in order; for an
    item, the lines whose money is least needed later pay first: lines that may pay no
    later item, then those whose first later item comes last, ..., ties by how few items
    a line may pay; lines in the same class pay in proportion to what they have left.
    No line pays more than its budget or an item it may not pay; no item more than is due.
    """
    left = np.asarray(budget, dtype=float).copy()
    n_items = eligible.shape[0]
    paid = np.zeros(eligible.shape)
    breadth = eligible.sum(axis=0)
    for i, amount in enumerate(due):  # a handful of items and classes of lines
        later = eligible[i + 1:]
        first_later = (np.where(later.any(axis=0), later.argmax(axis=0) + i + 1, n_items)
                       if len(later) else np.full(eligible.shape[1], n_items))
        key = first_later * (n_items + 1) - breadth  # larger key: pays earlier
        for k in np.unique(key[eligible[i]])[::-1]:
            cls = eligible[i] & (key == k)
            avail = float(left[cls].sum())
            if amount <= 0.0 or avail <= 0.0:
                continue
            part = left[cls] * (min(amount, avail) / avail)
            paid[i, cls] = part
            left[cls] = np.maximum(left[cls] - part, 0.0)
            amount -= float(part.sum())
    return paid


def pay_items(due: FloatArray, budget: FloatArray, eligible: BoolArray) -> FloatArray:
    """What each line pays of each item (item x source): the model's own items
    (``MODEL_COST_ITEMS``) by :func:`allocate`, then the policy kinds' items by
    :func:`allocate` from what their lines have left (so a policy item never changes how
    the model's items are shared among lines)."""
    k = len(MODEL_COST_ITEMS)
    core = allocate(due[:k], budget, eligible[:k])
    if len(due) == k:
        return core
    left = np.maximum(np.asarray(budget, dtype=float) - core.sum(axis=0), 0.0)
    return np.vstack([core, allocate(due[k:], left, eligible[k:])])


def _paid_share(paid: FloatArray, due: FloatArray, item: str) -> float:
    k = COST_ITEMS.index(item)
    return 1.0 if due[k] <= 0 else float(np.clip(paid[k].sum() / due[k], 0.0, 1.0))


def open_month(model: SocialWorkModel) -> None:
    """Set this month's budget, what is already committed, and the share of salaried hours
    and project hours the earmarked money pays for."""
    tr = model.params.workforce.training
    ledger = model.ledger
    ledger.budget = monthly_budget(model)
    expected = {"operating": _operating(model), "salaries": _salaries(model),
                "training": tr.capacity * tr.cost_per_trainee / 12.0,
                "projects": projects.monthly_cost(model)}
    due = np.array([expected.get(item, 0.0) for item in COST_ITEMS])
    paid = pay_items(due, ledger.budget, eligibility(model))
    ledger.committed = float(due.sum()) + _reserved(model)
    ledger.service_factor = _paid_share(paid, due, "salaries")
    ledger.project_factor = _paid_share(paid, due, "projects")


def cost(model: SocialWorkModel) -> float:
    """This month's cost, funded or not: the sum of ``spend_by_item`` (0 before the first month)."""
    return float(sum(model.flows.cost_by_item.values()))


def unfunded(model: SocialWorkModel) -> float:
    """This month's cost that no line's money covers (``funding_gap``, arrears), yuan."""
    return model.flows.arrears


def close_month(model: SocialWorkModel) -> None:
    """Cost the month by item; the lines pay it within their budgets and earmarks
    (:func:`allocate`); record cuts and what stays unpaid (arrears)."""
    f, tr, ledger = model.params.funding, model.params.workforce.training, model.ledger
    salaries, running = _salaries(model), projects.monthly_cost(model)
    due_items = {
        "salaries": salaries * ledger.service_factor,
        "operating": _operating(model),
        "training": model.flows.trainings * tr.cost_per_trainee,
        "projects": running * ledger.project_factor,
        "volume": model.flows.served_by_provider.get("worker", 0.0) * f.payment_per_service_hour,
        **model.flows.policy_costs,  # the policies' items (simulation/policies/)
    }
    due = np.array([due_items.get(item, 0.0) for item in COST_ITEMS])
    paid = pay_items(due, ledger.budget, eligibility(model))
    unpaid = due - paid.sum(axis=1)
    unpaid[unpaid < 1e-6] = 0.0  # float dust of a fully paid item
    cut = np.array([unpaid[k] if item in CUT_AT_CLOSE else 0.0
                    for k, item in enumerate(COST_ITEMS)])
    items = dict(zip(COST_ITEMS, (due - cut).tolist(), strict=True))
    model.flows.cost_by_item = items
    cuts = {**dict(zip(COST_ITEMS, cut.tolist(), strict=True)),
            "salaries": salaries * (1.0 - ledger.service_factor),
            "projects": running * (1.0 - ledger.project_factor)}
    model.flows.cuts_by_item = {k: v if v > 1e-6 else 0.0 for k, v in cuts.items()}
    ledger.paid = paid
    ledger.spend = paid.sum(axis=0)
    model.flows.arrears = float(unpaid.sum() - cut.sum())
