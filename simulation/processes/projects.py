"""Social-organisation projects (venture philanthropy, seed 004).

Each month a twelfth of the yearly number of projects is launched, if the
budget's headroom covers their monthly cost; each runs ``duration_months`` in
a community drawn in proportion to population and gives it group-work and
support hours (served in the service process, provider ``social_org``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["init", "monthly_cost", "step"]


def init(model: SocialWorkModel) -> None:
    model.project_community = np.zeros(0, dtype=np.int64)
    model.project_end = np.zeros(0, dtype=np.int64)
    model.project_hours = np.zeros(model.places.n_communities)
    model.project_beneficiaries = 0.0


def monthly_cost(model: SocialWorkModel, n: int | None = None) -> float:
    """Yuan per month of ``n`` projects (default: those running)."""
    pj = model.params.projects
    count = len(model.project_end) if n is None else n
    return count * pj.cost_per_project / pj.duration_months


def step(model: SocialWorkModel) -> None:
    """Retire finished projects, launch this month's within the budget."""
    pj = model.params.projects
    running = model.project_end > model.steps
    model.project_community, model.project_end = (model.project_community[running],
                                                  model.project_end[running])
    _, month = model.year_month
    due = pj.per_year * month // 12 - pj.per_year * (month - 1) // 12
    per_project = monthly_cost(model, 1)
    if per_project > 0:
        affordable = int(max(model.ledger.headroom, 0.0) // per_project)
        due = min(due, affordable)
    if due > 0:
        pop = model.places.population.sum(axis=1)
        cum = np.cumsum(pop) / pop.sum()
        # communities by population share, from this process's own stream of draws
        where = np.searchsorted(cum, model.draws["projects"].uniform(due), side="right")
        model.project_community = np.r_[model.project_community, np.minimum(where, len(pop) - 1)]
        model.project_end = np.r_[model.project_end,
                                  np.full(due, model.steps + pj.duration_months)]
        model.ledger.committed += monthly_cost(model, due)
        model.project_beneficiaries += due * pj.beneficiaries_per_project
    model.project_hours = np.bincount(model.project_community, minlength=len(model.project_hours)
                                      ) * pj.hours_per_month
