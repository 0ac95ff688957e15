"""Funding: yearly budgets by source, commitments, shortfalls and monthly spend.

Each source's yearly amount grows at its own rate from the start year. Costs
are salaries of staff employed by purchase or recruitment (by level),
operating costs of contracted and operating units, training places, running
social-organisation projects and payments by service volume. Money bites in
this order (issue 5): new posts stay unfilled and new projects unlaunched
(stations/projects processes, within ``ledger.headroom``), units wait built but
uncontracted (roll-out), and, if commitments still exceed the budget, salaried
staff's hours are cut to what the money pays (``ledger.service_factor``).

Budgets are soft: what is already running (operating costs, training, running
projects, payment by service volume) is still bought in a deficit. Only money
that exists is spent, though. A source has this month's budget and nothing
else (unspent money lapses at the end of the month; nothing is carried over
or borrowed). The month's cost is paid by the sources in proportion to their
budgets, each paying at most its own budget, so ``spend_by_source.<s>`` <=
the month's budget of ``s``, ``spend_total`` = sum of ``spend_by_source`` =
min(cost, budget), and the cost no source pays is the ``funding_gap``:
sum of ``spend_by_item`` = ``spend_total`` + ``funding_gap``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..params import SOURCES
from ..state import STATION_TIERS, Employer, FloatArray, Status
from . import projects, stations

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["COST_ITEMS", "FundingState", "charge", "close_month", "cost", "init",
           "monthly_budget", "open_month", "unfunded"]

COST_ITEMS = ("salaries", "operating", "training", "projects", "volume")


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
    z = np.zeros((years, len(SOURCES))) if draws.deterministic else draws.rng.standard_normal(
        (years, len(SOURCES)))
    shocks = np.exp(sigma * z - sigma ** 2 / 2)
    shocks[0] = 1.0  # the first year's amounts are the scenario's
    return FundingState(shocks=shocks)


def monthly_budget(model: SocialWorkModel) -> FloatArray:
    """Budget by source this month, yuan (yearly amount / 12, grown and shocked yearly)."""
    src = model.params.funding.sources
    years = max(model.year_month[0] - int(model.params.start[:4]), 0)
    base = np.array([getattr(src, s).amount * (1.0 + getattr(src, s).growth) ** years
                     for s in SOURCES])
    shocks = model.funding.shocks
    budget: FloatArray = base * shocks[min(years, len(shocks) - 1)] / 12.0
    return budget


def _salaries(model: SocialWorkModel) -> float:
    w = model.workers
    employer, unit = w.view("employer"), w.view("unit")
    paid = (unit >= 0) & ((employer == Employer.PURCHASE) | (employer == Employer.RECRUITED))
    # staff hired from a neighbouring district earn a premium (issue 15)
    return float((model.salary[w.view("level")[paid]] * (1.0 + w.view("pay_premium")[paid])).sum())


def _operating(model: SocialWorkModel) -> float:
    u = model.units
    return float(model.tiers.operating[u.tier[u.status >= Status.CONTRACTED]].sum()) / 12.0


def _reserved(model: SocialWorkModel) -> float:
    """Salaries held for the vacant posts of contracted units not yet open."""
    u, f = model.units, model.params.funding
    unit = model.workers.view("unit")
    staffed = np.bincount(unit[unit >= 0], minlength=len(u))
    waiting = (u.status == Status.CONTRACTED) & np.isin(u.tier, STATION_TIERS)
    rows = np.flatnonzero(waiting)
    posts = stations.contract_posts(model, rows)
    return float(np.maximum(posts - staffed[rows], 0).sum() * f.salary_staff)


def open_month(model: SocialWorkModel) -> None:
    """Set this month's budget, what is already committed, and any cut in paid hours."""
    tr = model.params.workforce.training
    ledger = model.ledger
    ledger.budget = monthly_budget(model)
    salaries = _salaries(model)
    fixed = (_operating(model) + _reserved(model) + tr.capacity * tr.cost_per_trainee / 12.0
             + projects.monthly_cost(model))
    ledger.committed = fixed + salaries
    budget = float(ledger.budget.sum())
    ledger.service_factor = (1.0 if ledger.committed <= budget or salaries <= 0
                             else float(np.clip((budget - fixed) / salaries, 0.0, 1.0)))


def charge(due: float, budget: FloatArray) -> FloatArray:
    """What each source pays of the month's cost ``due``: one share of every budget, at most all.

    Each source pays ``budget * min(1, due / budget.sum())``, so it never pays more than
    its budget and a source with no money pays nothing; the sum is ``min(due,
    budget.sum())`` and the rest of the cost is unfunded (``funding_gap``).
    """
    total = float(budget.sum())
    if total <= 0.0 or due <= 0.0:
        return np.zeros(len(budget))
    paid: FloatArray = budget * min(1.0, due / total)
    return paid


def cost(model: SocialWorkModel) -> float:
    """This month's cost, funded or not: the sum of ``spend_by_item`` (0 before the first month)."""
    return float(sum(model.flows.cost_by_item.values()))


def unfunded(model: SocialWorkModel) -> float:
    """This month's cost that no source's money covers (``funding_gap``), yuan."""
    return max(0.0, cost(model) - float(model.ledger.budget.sum()))


def close_month(model: SocialWorkModel) -> None:
    """Cost the month by item; the sources pay it within their budgets (:func:`charge`)."""
    f, tr = model.params.funding, model.params.workforce.training
    items = {
        "salaries": _salaries(model) * model.ledger.service_factor,
        "operating": _operating(model),
        "training": model.flows.trainings * tr.cost_per_trainee,
        "projects": projects.monthly_cost(model),
        "volume": model.flows.served_by_provider.get("worker", 0.0) * f.payment_per_service_hour,
    }
    model.flows.cost_by_item = items
    model.ledger.spend = charge(sum(items.values()), model.ledger.budget)
