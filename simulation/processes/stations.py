"""Stations: roll-out of centres, stations and rooms, and staffing their posts.

Roll-out (seed 001): planned -> built after ``build_months`` -> contracted after
``contract_months`` if the budget has room for the unit's yearly cost ->
operating once it has a worker. Planning follows a straight line from the
starting coverage to the target, so that the last units planned can still be
operating by the deadline (assumption: the seeds give targets and pipeline
times, not the pace in between).

Staffing: centres and stations fill their funded posts by purchase of
services from social-work organisations (best certified first), then by public
recruitment, while the budget allows; rooms are staffed each month by
reassigning their own community's community workers, best certified first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..agents import stations as unit_agents
from ..state import (
    ROOM_TIERS,
    STATION_TIERS,
    BoolArray,
    Employer,
    FloatArray,
    IntArray,
    Level,
    Status,
)

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["months_between", "roll_out", "staff", "unit_monthly_cost"]


def months_between(start: str, end: str) -> int:
    ys, ms = (int(x) for x in start.split("-"))
    ye, me = (int(x) for x in end.split("-"))
    return (ye - ys) * 12 + (me - ms)


def unit_monthly_cost(model: SocialWorkModel, rows: IntArray) -> FloatArray:
    """Yuan per month a unit commits when contracted: operating cost plus its posts at
    the staff-certificate salary and social insurance (rooms are staffed by community workers paid from
    community budgets, assumption)."""
    tiers = model.tiers
    tier = model.units.tier[rows]
    cost: FloatArray = (tiers.operating / 12.0)[tier] + np.where(
        tiers.salaried[tier], model.units.posts[rows] * model.post_cost[Level.STAFF], 0.0)
    return cost


def _targets(model: SocialWorkModel) -> list[tuple[BoolArray, float, str]]:
    nw = model.params.network
    u = model.units
    return [
        (np.isin(u.tier, STATION_TIERS), nw.station_target_share, nw.station_deadline),
        (u.tier == ROOM_TIERS[0], nw.room_target_share_urban, nw.room_deadline),
        (u.tier == ROOM_TIERS[1], nw.room_target_share_rural, nw.room_deadline),
    ]


def _plan(model: SocialWorkModel) -> None:
    nw, u = model.params.network, model.units
    lead = nw.build_months + nw.contract_months
    for members, share, deadline in _targets(model):
        rows = np.flatnonzero(members)
        target = int(np.ceil(share * len(rows) - 1e-9))
        started0 = int(model.initial_started[rows].sum())
        if target <= started0:
            continue
        plan_by = max(1, months_between(model.params.start, deadline) + 1 - lead)
        wanted = started0 + int(np.ceil((target - started0) * min(1.0, model.steps / plan_by)))
        started = int((u.status[rows] >= Status.PLANNED).sum())
        if wanted <= started:
            continue
        idle = rows[u.status[rows] == Status.NONE]
        chosen = idle[np.argsort(u.rollout_order[idle], kind="stable")[: wanted - started]]
        u.advance(chosen, Status.PLANNED, model.steps)


def roll_out(model: SocialWorkModel) -> None:
    """Plan new units, move built ones on, contract those the budget can carry."""
    nw, u = model.params.network, model.units
    _plan(model)
    waited = model.steps - u.status_since
    u.advance(np.flatnonzero((u.status == Status.PLANNED) & (waited >= nw.build_months)),
              Status.BUILT, model.steps)
    ready = np.flatnonzero((u.status == Status.BUILT) & (waited >= nw.contract_months))
    if len(ready):
        ready = ready[np.argsort(u.rollout_order[ready], kind="stable")]
        cost = unit_monthly_cost(model, ready)
        # money bites: units wait, built but not contracted, until the budget has room
        affordable = np.cumsum(cost) <= model.ledger.headroom + 1e-6
        u.advance(ready[affordable], Status.CONTRACTED, model.steps)
        model.ledger.committed += float(cost[affordable].sum())


def _fill_station_posts(model: SocialWorkModel, within_budget: bool) -> None:
    u, w = model.units, model.workers
    open_units = np.flatnonzero(np.isin(u.tier, STATION_TIERS) & (u.status >= Status.CONTRACTED))
    unit = w.view("unit")
    staffed = np.bincount(unit[unit >= 0], minlength=len(u))
    vacancies = np.maximum(u.posts[open_units] - staffed[open_units], 0)
    slots = np.repeat(open_units, vacancies)
    if not len(slots):
        return
    pool = unit_agents.hire_from_pool(model, len(slots))
    # posts beyond the social-organisation pool are filled by public recruitment
    recruits = len(slots) - len(pool)
    cost = np.r_[model.post_cost[w.level[pool]], np.full(recruits, model.post_cost[Level.NONE])]
    # a post already counted when its unit was contracted costs nothing new
    new_cost = np.where(u.status[slots] == Status.CONTRACTED, 0.0, cost)
    limit = model.ledger.headroom if within_budget else np.inf
    fundable = int((np.cumsum(new_cost) <= limit + 1e-6).sum())
    model.ledger.committed += float(new_cost[:fundable].sum())
    slots, n_pool = slots[:fundable], min(len(pool), fundable)
    w.unit[pool[:n_pool]] = slots[:n_pool]
    w.employer[pool[:n_pool]] = Employer.PURCHASE
    n_new = fundable - n_pool
    if n_new > 0:
        model.add_workers(n_new, talent=True, employer=Employer.RECRUITED, unit=slots[n_pool:],
                          age=model.params.workforce.entrant_age)
        model.flows.entries += n_new


def _reassign_room_staff(model: SocialWorkModel) -> None:
    w = model.workers
    employer, unit = w.view("employer"), w.view("unit")
    back = employer == Employer.REASSIGNED
    employer[back], unit[back] = Employer.COMMUNITY, -1
    taken, rooms = unit_agents.room_staff(model)
    employer[taken] = Employer.REASSIGNED
    unit[taken] = rooms


def staff(model: SocialWorkModel, within_budget: bool = True) -> None:
    """Fill posts (new salaries only within the budget's headroom unless
    ``within_budget`` is False), then open contracted units that now have a worker."""
    _fill_station_posts(model, within_budget)
    _reassign_room_staff(model)
    u, unit = model.units, model.workers.view("unit")
    staffed = np.bincount(unit[unit >= 0], minlength=len(u))
    u.advance(np.flatnonzero((u.status == Status.CONTRACTED) & (staffed > 0)),
              Status.OPERATING, model.steps)
