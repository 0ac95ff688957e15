"""Funding: yearly budgets by source, commitments, shortfalls and monthly spend.

Each source's yearly amount grows at its own rate from the start year. Costs
are salaries of staff employed by purchase or recruitment (by level),
operating costs of contracted and operating units, training places, running
social-organisation projects and payments by service volume. Money bites in
this order (issue 5): new posts stay unfilled and new projects unlaunched
(stations/projects processes, within ``ledger.headroom``), units wait built but
uncontracted (roll-out), and, if commitments still exceed the budget, salaried
staff's hours are cut to what the money pays (``ledger.service_factor``).
Spend is charged to the sources in proportion to their budgets, so
``spend_total`` is the sum of ``spend_by_source`` by construction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..params import SOURCES
from ..state import E, S
from . import projects
from .stations import STATION_TIERS
from .workforce import salary_by_level

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["COST_ITEMS", "close_month", "init", "monthly_budget", "open_month"]

COST_ITEMS = ("salaries", "operating", "training", "projects", "volume")


def init(model: SocialWorkModel) -> None:
    """Draw each source's yearly shocks once: lognormal factors of mean 1 (deterministic: 1)."""
    src, months = model.params.funding.sources, model.params.months
    years = months // 12 + 2
    draws = model.draws["funding"]
    sd = np.array([getattr(src, s).volatility for s in SOURCES])
    sigma = np.sqrt(np.log1p(sd ** 2))
    z = np.zeros((years, len(SOURCES))) if draws.deterministic else draws.rng.standard_normal(
        (years, len(SOURCES)))
    model.funding_shocks = np.exp(sigma * z - sigma ** 2 / 2)
    model.funding_shocks[0] = 1.0  # the first year's amounts are the scenario's


def monthly_budget(model: SocialWorkModel) -> np.ndarray:
    """Budget by source this month, yuan (yearly amount / 12, grown and shocked yearly)."""
    src = model.params.funding.sources
    years = max(model.year_month[0] - int(model.params.start[:4]), 0)
    base = np.array([getattr(src, s).amount * (1.0 + getattr(src, s).growth) ** years
                     for s in SOURCES])
    return base * model.funding_shocks[min(years, len(model.funding_shocks) - 1)] / 12.0


def _salaries(model: SocialWorkModel) -> float:
    w = model.workers
    employer, unit = w.view("employer"), w.view("unit")
    paid = (unit >= 0) & ((employer == E["purchase"]) | (employer == E["recruited"]))
    return float(salary_by_level(model)[w.view("level")[paid]].sum())


def _operating(model: SocialWorkModel) -> float:
    f, u = model.params.funding, model.units
    yearly = np.array([f.operating_centre, f.operating_station, f.operating_station,
                       f.operating_room, f.operating_room])
    return float(yearly[u.tier[u.status >= S["contracted"]]].sum()) / 12.0


def _reserved(model: SocialWorkModel) -> float:
    """Salaries held for the vacant posts of contracted units not yet open."""
    u, f = model.units, model.params.funding
    unit = model.workers.view("unit")
    staffed = np.bincount(unit[unit >= 0], minlength=len(u))
    waiting = (u.status == S["contracted"]) & np.isin(u.tier, STATION_TIERS)
    return float(np.maximum(u.posts[waiting] - staffed[waiting], 0).sum() * f.salary_staff)


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


def close_month(model: SocialWorkModel) -> None:
    """Cost the month by item and charge it to the sources in proportion to their budgets."""
    f, tr = model.params.funding, model.params.workforce.training
    items = {
        "salaries": _salaries(model) * model.ledger.service_factor,
        "operating": _operating(model),
        "training": model.flows.trainings * tr.cost_per_trainee,
        "projects": projects.monthly_cost(model),
        "volume": model.flows.served_by_provider.get("worker", 0.0) * f.payment_per_service_hour,
    }
    model.flows.cost_by_item = items
    cost = sum(items.values())
    budget = model.ledger.budget
    total = budget.sum()
    weights = budget / total if total > 0 else np.full(len(budget), 1.0 / len(budget))
    model.ledger.spend = cost * weights
