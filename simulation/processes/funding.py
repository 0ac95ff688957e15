"""Funding: yearly budgets by source, commitments, and monthly spend.

Each source's yearly amount grows at its own rate from the start year. Spend
is the month's actual cost (operating costs of contracted and operating units,
salaries of staff employed by purchase or recruitment); it is charged to the
sources in proportion to their budgets, so ``spend_total`` is the sum of
``spend_by_source`` by construction. Money bites through ``ledger.headroom``:
the stations process contracts new units and fills new posts only within it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..params import SOURCES
from ..state import E, S
from .stations import STATION_TIERS

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["monthly_budget", "monthly_cost", "open_month", "close_month"]


def monthly_budget(model: SocialWorkModel) -> np.ndarray:
    """Budget by source this month, yuan (yearly amount / 12, grown yearly)."""
    src = model.params.funding.sources
    years = model.year_month[0] - int(model.params.start[:4])
    return np.array([getattr(src, s).amount * (1.0 + getattr(src, s).growth) ** years / 12.0
                     for s in SOURCES])


def _salaries(model: SocialWorkModel) -> float:
    f, w = model.params.funding, model.workers
    salary = np.array([f.salary_none, f.salary_staff, f.salary_assistant,
                       f.salary_intermediate, f.salary_senior])
    employer, unit = w.view("employer"), w.view("unit")
    paid = w.view("alive") & (unit >= 0) & ((employer == E["purchase"])
                                             | (employer == E["recruited"]))
    return float(salary[w.view("level")[paid]].sum())


def monthly_cost(model: SocialWorkModel) -> float:
    """Actual cost this month, yuan: operating costs plus salaried staff."""
    f, u = model.params.funding, model.units
    operating = np.array([f.operating_centre, f.operating_station, f.operating_station,
                          f.operating_room, f.operating_room]) / 12.0
    running = u.status >= S["contracted"]
    return float(operating[u.tier[running]].sum()) + _salaries(model)


def _reserved(model: SocialWorkModel) -> float:
    """Salaries held for the vacant posts of contracted units not yet open."""
    u, f = model.units, model.params.funding
    unit = model.workers.view("unit")
    staffed = np.bincount(unit[unit >= 0], minlength=len(u))
    waiting = (u.status == S["contracted"]) & np.isin(u.tier, STATION_TIERS)
    return float(np.maximum(u.posts[waiting] - staffed[waiting], 0).sum() * f.salary_staff)


def open_month(model: SocialWorkModel) -> None:
    """Set this month's budget and what is already committed."""
    model.ledger.budget = monthly_budget(model)
    model.ledger.committed = monthly_cost(model) + _reserved(model)


def close_month(model: SocialWorkModel) -> None:
    """Charge the month's cost to the sources in proportion to their budgets."""
    cost = monthly_cost(model)
    budget = model.ledger.budget
    total = budget.sum()
    weights = budget / total if total > 0 else np.full(len(budget), 1.0 / len(budget))
    model.ledger.spend = cost * weights
