"""Social-organisation projects (venture philanthropy, seed 004).

Each month a twelfth of the yearly number of projects is launched, if the
budget's headroom covers their monthly cost; each runs ``duration_months`` in
a community drawn in proportion to population and gives it group-work and
support hours (served in the service process, provider ``social_org``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..state import FloatArray, IntArray

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["ProjectState", "init", "monthly_cost", "step"]


@dataclass
class ProjectState:
    """Running projects (one entry each) and what they give communities."""

    community: IntArray            # community of each running project
    end: IntArray                  # step at which each running project ends
    hours: FloatArray              # group-work and support hours a month, by community
    beneficiaries: float = 0.0     # people reached since the start (cumulative)


def init(model: SocialWorkModel) -> ProjectState:
    return ProjectState(community=np.zeros(0, dtype=np.int64), end=np.zeros(0, dtype=np.int64),
                        hours=np.zeros(model.places.n_communities))


def monthly_cost(model: SocialWorkModel, n: int | None = None) -> float:
    """Yuan per month of ``n`` projects (default: those running)."""
    pj = model.params.projects
    count = len(model.projects.end) if n is None else n
    return count * pj.cost_per_project / pj.duration_months


def step(model: SocialWorkModel) -> None:
    """Retire finished projects, launch this month's within the budget."""
    pj, state = model.params.projects, model.projects
    running = state.end > model.steps
    state.community, state.end = state.community[running], state.end[running]
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
        state.community = np.r_[state.community, np.minimum(where, len(pop) - 1)]
        state.end = np.r_[state.end, np.full(due, model.steps + pj.duration_months)]
        model.ledger.committed += monthly_cost(model, due)
        state.beneficiaries += due * pj.beneficiaries_per_project
    state.hours = np.asarray(np.bincount(state.community, minlength=len(state.hours))
                             * pj.hours_per_month, dtype=np.float64)
