"""Stations: roll-out of centres, stations and rooms, and staffing their posts.

Roll-out (seed 001): planned -> built after ``build_months`` -> contracted after
``contract_months`` if the budget has room for the unit's monthly cost ->
operating once it has a worker. What is planned when:

- with a calendar (``network.milestones``, e.g. Binhai's, seed 001) the units
  still missing from the target are planned evenly up to the plan month, and the
  hardware and staff milestones bring building and contracting forward;
- without one, the roll-out follows money and staff: each month as many missing
  units are planned as the month's money left after the pipeline can carry (rooms
  only where a community worker, a neighbouring one or the station is in
  prospect). The targets' deadlines are what a run is judged against, not a pace.

Staffing: centres and stations fill their funded posts (:mod:`.staffing` sets them)
by purchase of services from social-work organisations in their local labour
market (:mod:`simulation.agents.labour`), then by public recruitment, while the
budget allows; rooms are staffed each month by reassigning community workers
(their own community's, else a shared one of the same street/town), and a village
room with none by visits of its town station's spare workers. A room with no
worker for more than ``staffing.max_unstaffed_months`` is released.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..agents import labour
from ..agents import stations as unit_agents
from ..agents.labour import rank_in_group
from ..state import (
    ROOM_TIERS,
    STATION_TIERS,
    BoolArray,
    Employer,
    FloatArray,
    IntArray,
    Level,
    Status,
    Tier,
    months_between,
)
from . import recruitment, staffing

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["contract_posts", "roll_out", "staff", "unit_monthly_cost"]


def contract_posts(model: SocialWorkModel, rows: IntArray) -> IntArray:
    """Posts a unit's contract reserves money for: all its funded posts under the fixed
    rule; under the workload rule its minimum staff (at least one), since posts above
    the minimum are funded month by month from what money is left (coverage before
    depth; assumption)."""
    u = model.units
    if model.params.staffing.posts_rule != "workload":
        return u.posts[rows]
    posts: IntArray = np.minimum(u.posts[rows], np.maximum(u.min_staff[rows], 1))
    return posts


def unit_monthly_cost(model: SocialWorkModel, rows: IntArray) -> FloatArray:
    """Yuan per month a unit commits when contracted: operating cost plus its contract's
    posts at the staff-certificate salary with social insurance (rooms are staffed by
    community workers paid from community budgets, assumption)."""
    tiers = model.tiers
    tier = model.units.tier[rows]
    cost: FloatArray = (tiers.operating / 12.0)[tier] + np.where(
        tiers.salaried[tier], contract_posts(model, rows) * model.post_cost[Level.STAFF], 0.0)
    return cost


def _pipeline_cost(model: SocialWorkModel) -> float:
    """Money a new commitment must leave free, yuan/month: the units planned or built but
    not yet contracted, and the payment by service volume the staff in post will earn
    (at full hours; it is paid after the month, so no commitment holds it)."""
    u, sc = model.units, model.params
    pipeline = np.flatnonzero((u.status == Status.PLANNED) | (u.status == Status.BUILT))
    volume = (sc.funding.payment_per_service_hour * sc.service.worker_hours
              * float(staffing.actual_fte(model).sum()))
    return float(unit_monthly_cost(model, pipeline).sum()) + volume


def _targets(model: SocialWorkModel) -> list[tuple[str, BoolArray, float]]:
    nw = model.params.network
    u = model.units
    return [
        ("stations", np.isin(u.tier, STATION_TIERS), nw.station_target_share),  # and centres
        ("rooms", u.tier == ROOM_TIERS[0], nw.room_target_share_urban),
        ("rooms", u.tier == ROOM_TIERS[1], nw.room_target_share_rural),
    ]


def _calendar(model: SocialWorkModel, key: str, idle: IntArray, missing: int,
              started0: int, target: int) -> IntArray:
    """Units to plan this month on a calendar: the rest of the target spread evenly over
    the months up to the plan milestone (all of it once that month has come)."""
    ms = getattr(model.params.network.milestones, key)
    plan_by = max(1, months_between(model.params.start, ms.plan) + 1)
    wanted = started0 + int(np.ceil((target - started0) * min(1.0, model.steps / plan_by)))
    started = target - missing
    return idle[: max(wanted - started, 0)]


def _affordable(model: SocialWorkModel, key: str, idle: IntArray, missing: int,
                money: float) -> IntArray:
    """Units to plan this month without a calendar: as many of the target's missing units
    as the month's money left after the pipeline carries (and, for rooms, as have a
    worker in prospect), in roll-out order."""
    if key == "rooms":
        idle = idle[unit_agents.room_prospect(model, idle)]
    idle = idle[:missing]
    affordable = np.cumsum(unit_monthly_cost(model, idle)) <= money + 1e-6
    chosen: IntArray = idle[affordable]
    return chosen


def _plan(model: SocialWorkModel) -> None:
    u = model.units
    money = model.ledger.headroom - _pipeline_cost(model)
    for key, members, share in _targets(model):
        rows = np.flatnonzero(members)
        target = int(np.ceil(share * len(rows) - 1e-9))
        missing = target - int((u.status[rows] >= Status.PLANNED).sum())
        if missing <= 0:
            continue
        idle = rows[u.status[rows] == Status.NONE]
        idle = idle[np.argsort(u.rollout_order[idle], kind="stable")]
        if getattr(model.params.network.milestones, key) is not None:
            chosen = _calendar(model, key, idle, missing,
                               int(model.initial_started[rows].sum()), target)
        else:
            chosen = _affordable(model, key, idle, missing, money)
            money -= float(unit_monthly_cost(model, chosen).sum())
        u.advance(chosen, Status.PLANNED, model.steps)


def _due(model: SocialWorkModel, step: str) -> BoolArray:
    """Units whose tier's calendar says ``step`` ("hardware" or "staff") is due by now."""
    ms, u = model.params.network.milestones, model.units
    due = np.zeros(len(u), bool)
    for key, tiers in (("stations", STATION_TIERS), ("rooms", ROOM_TIERS)):
        m = getattr(ms, key)
        if m is not None and model.date >= getattr(m, step):
            due |= np.isin(u.tier, tiers)
    return due


def roll_out(model: SocialWorkModel) -> None:
    """Plan new units, move built ones on, contract those the budget can carry (rooms
    only with a worker in prospect). A calendar's milestone brings its step forward."""
    nw, u = model.params.network, model.units
    _plan(model)
    waited = model.steps - u.status_since
    built = (waited >= nw.build_months) | _due(model, "hardware")
    u.advance(np.flatnonzero((u.status == Status.PLANNED) & built), Status.BUILT, model.steps)
    contract = (waited >= nw.contract_months) | _due(model, "staff")
    ready = np.flatnonzero((u.status == Status.BUILT) & contract)
    rooms = np.isin(u.tier[ready], ROOM_TIERS)
    ready = ready[~rooms | unit_agents.room_prospect(model, ready)]
    if len(ready):
        ready = ready[np.argsort(u.rollout_order[ready], kind="stable")]
        cost = unit_monthly_cost(model, ready)
        # money bites: units wait, built but not contracted, until the budget has room
        money = model.ledger.headroom - _pipeline_cost(model) + float(cost.sum())
        affordable = np.cumsum(cost) <= money + 1e-6
        u.advance(ready[affordable], Status.CONTRACTED, model.steps)
        model.ledger.committed += float(cost[affordable].sum())


def _vacancies(model: SocialWorkModel, posts: IntArray
               ) -> tuple[IntArray, FloatArray, BoolArray, BoolArray]:
    """One entry per vacant funded post of contracted and open centres and stations, its
    priority (lower first: a unit's first vacancy before any unit's second, then units
    furthest below their required staff), whether it is within the unit's minimum and
    whether its contract already reserved it."""
    u, unit = model.units, model.workers.view("unit")
    open_units = np.flatnonzero(np.isin(u.tier, STATION_TIERS) & (u.status >= Status.CONTRACTED))
    staffed = np.bincount(unit[unit >= 0], minlength=len(u))
    vacancies = np.maximum(posts[open_units] - staffed[open_units], 0)
    slots = np.repeat(open_units, vacancies)
    gap = np.maximum(model.staffing.required - staffed, 0.0)[slots]
    rank = rank_in_group(slots)
    priority: FloatArray = rank + 0.5 / (1.0 + gap)
    minimum = rank < contract_posts(model, slots) - staffed[slots]
    reserved: BoolArray = (u.status[slots] == Status.CONTRACTED) & minimum
    if _stations_missing(model):  # coverage before depth: posts above the minimum wait
        slots, priority, reserved = slots[minimum], priority[minimum], reserved[minimum]
        minimum = minimum[minimum]
    return slots, priority, minimum, reserved


def _stations_missing(model: SocialWorkModel) -> bool:
    """Whether stations (or centres) of the coverage target are still unplanned."""
    u = model.units
    members = np.isin(u.tier, STATION_TIERS)  # and centres, as the target
    target = int(np.ceil(model.params.network.station_target_share * members.sum() - 1e-9))
    return int((members & (u.status >= Status.PLANNED)).sum()) < target


def _fill_station_posts(model: SocialWorkModel, within_budget: bool) -> None:
    u, w = model.units, model.workers
    # the starting network is staffed as it was set up (fixed posts); it grows from there
    posts = u.posts if within_budget else np.minimum(u.posts, model.tiers.posts[u.tier])
    slots, priority, minimum, reserved = _vacancies(model, posts)
    if not len(slots):
        return
    s_idx, pool, premium = labour.match(model, slots, priority)
    worker = np.full(len(slots), -1, np.int64)
    extra = np.zeros(len(slots))
    worker[s_idx], extra[s_idx] = pool, premium
    # posts no social-organisation worker takes are filled by public recruitment (local)
    cost = np.where(worker >= 0, model.post_cost[w.level[worker]] * (1.0 + extra),
                    model.post_cost[Level.NONE])
    # a post already counted when its unit was contracted costs nothing new; a hire also
    # earns the payment by service volume. A unit's minimum is refilled from the month's
    # headroom; posts above it only from what the pipeline does not need (coverage
    # before depth)
    sc = model.params
    volume = sc.funding.payment_per_service_hour * sc.service.worker_hours
    new_cost = np.where(reserved, 0.0, cost) + volume
    funded = np.zeros(len(slots), bool)
    left = model.ledger.headroom if within_budget else np.inf
    for part, reserve in ((minimum, 0.0), (~minimum, _pipeline_cost(model))):
        rows = np.flatnonzero(part)
        rows = rows[np.argsort(priority[rows], kind="stable")]
        ok = np.cumsum(new_cost[rows]) <= left - reserve + 1e-6
        funded[rows[ok]] = True
        left -= float(new_cost[rows[ok]].sum())
    funded |= reserved
    new_cost -= volume  # the volume payment is not a commitment (it is paid after the month)
    model.ledger.committed += float(new_cost[funded].sum())
    hired = funded & (worker >= 0)
    w.unit[worker[hired]] = slots[hired]
    w.employer[worker[hired]] = Employer.PURCHASE
    w.pay_premium[worker[hired]] = extra[hired]
    recruit = slots[funded & (worker < 0)]
    if len(recruit):  # new hires, qualified as the recruitment policy says (issue 14)
        model.flows.entries += recruitment.hire_newcomers(
            model, len(recruit), talent=True, employer=Employer.RECRUITED, unit=recruit,
            district=u.district[recruit], rural=u.tier[recruit] == Tier.TOWN_STATION)


def _reassign_room_staff(model: SocialWorkModel) -> None:
    w = model.workers
    employer, unit = w.view("employer"), w.view("unit")
    back = employer == Employer.REASSIGNED
    employer[back], unit[back] = Employer.COMMUNITY, -1
    taken, rooms = unit_agents.room_staff(model)
    employer[taken] = Employer.REASSIGNED
    unit[taken] = rooms


def _host_rooms(model: SocialWorkModel, staffed: IntArray) -> None:
    """Village rooms still without a worker are staffed by visits of their town station's
    workers beyond its minimum, ``rooms_per_station_worker`` rooms per worker."""
    u, st = model.units, model.params.staffing
    hosted = model.staffing.hosted
    hosted[:] = False
    rooms = u.room_of_community
    empty = rooms[(u.tier[rooms] == Tier.RURAL_ROOM) & (u.status[rooms] >= Status.CONTRACTED)
                  & (staffed[rooms] == 0)]
    station = u.station_of_area[u.area[empty]]
    order = np.argsort(station, kind="stable")
    empty, station = empty[order], station[order]
    spare = np.maximum(staffed - u.min_staff, 0) * st.rooms_per_station_worker
    can = (u.status[station] == Status.OPERATING) & (
        rank_in_group(station) < np.floor(spare[station] + 1e-9))
    hosted[empty[can]] = True


def _release_unstaffed_rooms(model: SocialWorkModel, staffed: IntArray) -> None:
    """A room with no worker for more than ``max_unstaffed_months`` is released to
    built: its contract and running costs end until it can be staffed."""
    u, state = model.units, model.staffing
    rooms = u.room_of_community
    open_room = u.status[rooms] >= Status.CONTRACTED
    empty = open_room & (staffed[rooms] == 0) & ~state.hosted[rooms]
    state.unstaffed_months[rooms] = np.where(empty, state.unstaffed_months[rooms] + 1, 0)
    over = rooms[state.unstaffed_months[rooms] > model.params.staffing.max_unstaffed_months]
    u.advance(over, Status.BUILT, model.steps)
    state.unstaffed_months[over] = 0


def staff(model: SocialWorkModel, within_budget: bool = True) -> None:
    """Fill posts (new salaries only within the budget's headroom unless
    ``within_budget`` is False), staff rooms, then open contracted units that now have a
    worker (or, for a village room, its station's visits) and release rooms left empty."""
    _fill_station_posts(model, within_budget)
    _reassign_room_staff(model)
    u, unit = model.units, model.workers.view("unit")
    staffed = np.bincount(unit[unit >= 0], minlength=len(u))
    _host_rooms(model, staffed)
    ready = (u.status == Status.CONTRACTED) & ((staffed > 0) | model.staffing.hosted)
    u.advance(np.flatnonzero(ready), Status.OPERATING, model.steps)
    _release_unstaffed_rooms(model, staffed)
