"""Service: residents' need arises, operating units serve it, the rest waits or is abandoned.

Need arises each month in every community by resident group and service type
as a Poisson number of requests of a fixed size. It joins the community's
backlog, kept by age in months. Service runs in three levels:

1. the community's own room, if operating, with its reassigned community
   workers' hours and the volunteers they coordinate;
2. the street/town station, if operating, sharing its workers' hours (and the
   volunteers they coordinate) over its area's communities in proportion to
   what is still waiting;
3. social-organisation projects running in the community (group and support).

Within a level, casework is served first and only by professional (certified:
staff certificate or national) workers; group work by any worker; simple
support by coordinated volunteers first, then by workers' remaining hours.
Within a type the oldest need is served first and groups share in proportion, unless
``service.priority_groups`` names groups to serve first (issue 15, item 6): then each
listed group in turn is served, oldest first, before the next and before the rest.
Need that has waited more than ``max_wait_months`` is abandoned. Projects give only the
share of their hours the month's money pays for (``ledger.project_factor``). Centre staff
supervise and train rather than serve directly (assumption).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..agents import residents
from ..agents.stations import SERVICE_ORDER, serve_fifo
from ..agents.workers import recently_trained
from ..params import GROUPS, SERVICE_TYPES
from ..state import Employer, FloatArray, IntArray, Level, Status, Tier

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["ServiceState", "init", "priority_classes", "serve_ranked", "step"]

CASEWORK, GROUPWORK, SUPPORT = range(3)


@dataclass
class ServiceState:
    """Residents' waiting need and what the month's service tells other processes."""

    #: hours waiting, type x community x group x months waited (type-major: each type's
    #: block is contiguous)
    backlog: FloatArray
    request_hours: FloatArray        # hours of one request, by type
    request_rate: FloatArray         # expected requests a month, type x community x group
    #: outputs of the month, by unit: new need per hour of capacity (read by workforce's
    #: exit hazard next month; 1 where a unit has no capacity) and casework hours given
    #: (read by duties)
    unit_workload: FloatArray
    unit_casework_hours: FloatArray


def init(model: SocialWorkModel) -> ServiceState:
    sv = model.params.service
    n_c = model.places.n_communities
    r = model.params.residents
    rates = np.array([[getattr(getattr(r, g), t) for g in GROUPS] for t in SERVICE_TYPES])
    request_hours = np.array([sv.casework_hours_per_case, sv.group_hours_per_request,
                              sv.support_hours_per_request])
    return ServiceState(
        backlog=np.zeros((len(SERVICE_TYPES), n_c, len(GROUPS), sv.max_wait_months + 1)),
        request_hours=request_hours,
        request_rate=(model.places.population[None, :, :] * rates[:, None, :] / 1000.0
                      / request_hours[:, None, None]),
        unit_workload=np.ones(len(model.units)),
        unit_casework_hours=np.zeros(len(model.units)))


def priority_classes(priority: Sequence[str]) -> list[IntArray]:
    """Groups served together, in order: each listed group alone, then all the others."""
    first = [GROUPS.index(g) for g in dict.fromkeys(priority)]
    rest = [g for g in range(len(GROUPS)) if g not in first]
    return [np.array([g]) for g in first] + ([np.array(rest)] if rest else [])


def serve_ranked(block: FloatArray, cap: FloatArray, classes: list[IntArray]) -> FloatArray:
    """Hours served from ``block`` (community x group x age) within ``cap`` per community:
    the groups of each class in turn, oldest first within a class."""
    if len(classes) == 1:
        return serve_fifo(block, cap)
    served = np.zeros_like(block)
    left = cap.astype(float).copy()
    for groups in classes:
        part = serve_fifo(block[:, groups], left)
        served[:, groups] = part
        left = np.maximum(left - part.sum(axis=(1, 2)), 0.0)
    return served


class Tally:
    """Hours served this month by group and type, and served hours x months waited."""

    def __init__(self, n_types: int, n_groups: int, n_ages: int,
                 classes: list[IntArray] | None = None):
        self.served = np.zeros((n_groups, n_types))
        self.wait = np.zeros(n_groups)
        self.ages = np.arange(n_ages)
        self.classes = classes or [np.arange(n_groups)]

    def serve(self, B: FloatArray, t: int, cap: FloatArray) -> None:
        """Serve type ``t`` of backlog ``B`` in place with ``cap`` hours per community,
        touching only the communities that have capacity."""
        rows = np.flatnonzero(cap > 0)
        if not len(rows):
            return
        block = B[t, rows]
        served = serve_ranked(block, cap[rows], self.classes)
        B[t, rows] = np.maximum(block - served, 0.0)  # clear float dust below zero
        by_group_age = served.sum(axis=0)
        self.served[:, t] += by_group_age.sum(axis=1)
        self.wait += by_group_age @ self.ages


def _unit_hours(model: SocialWorkModel) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per unit: professional hours, other hours, full-time equivalents this month."""
    w, u, sc = model.workers, model.units, model.params
    unit, employer = w.view("unit"), w.view("employer")
    on = np.flatnonzero(unit >= 0)
    emp = employer[on]
    share = np.where(emp == Employer.REASSIGNED, sc.network.reassigned_time_share, 1.0)
    # in a deficit, salaried staff work (and are paid) only the hours the money covers
    salaried = (emp == Employer.PURCHASE) | (emp == Employer.RECRUITED)
    share = share * np.where(salaried, model.ledger.service_factor, 1.0)
    serving = (u.status == Status.OPERATING) & (u.tier != Tier.CENTRE)
    share = share * serving[unit[on]]
    boost = 1.0 + sc.workforce.training.productivity_boost * recently_trained(model)[on]
    hours = share * boost * sc.service.worker_hours
    prof = w.level[on] >= Level.STAFF
    n = len(u)
    return (np.bincount(unit[on], hours * prof, n), np.bincount(unit[on], hours * ~prof, n),
            np.bincount(unit[on], share, n))


def _serve_level(B: FloatArray, tally: Tally, caps: tuple[FloatArray, FloatArray, FloatArray],
                 area: IntArray | None, types: tuple[int, ...] = SERVICE_ORDER
                 ) -> tuple[float, float, FloatArray]:
    """Serve backlog ``B`` in place with (professional, other, volunteer) hours given per
    community (``area`` None) or per station area, shared over its communities in
    proportion to what waits. Returns total hours served, volunteer hours used, and
    casework hours used per capacity holder."""
    prof, other, vol = (c.astype(float) for c in caps)
    left_work, left_vol = prof, vol
    casework_used = np.zeros_like(prof)
    total = vol_total = 0.0
    for t in types:
        if t == GROUPWORK or (t == SUPPORT and GROUPWORK not in types):
            left_work = left_work + other
        waiting = B[t].sum(axis=(1, 2))
        cap = left_work + (left_vol if t == SUPPORT else 0.0)
        if area is None:
            used = np.minimum(cap, waiting)
            cap_c = used
        else:
            wait_area = np.bincount(area, waiting, len(cap))
            used = np.minimum(cap, wait_area)
            cap_c = waiting * np.divide(used, wait_area, out=np.zeros_like(used),
                                        where=wait_area > 0)[area]
        tally.serve(B, t, cap_c)
        total += float(used.sum())
        if t == CASEWORK:
            casework_used = used
        if t == SUPPORT:
            by_vol = np.minimum(used, left_vol)
            vol_total += float(by_vol.sum())
            used = used - by_vol
        left_work = left_work - used
    return total, vol_total, casework_used


def _workload(need: FloatArray, capacity: FloatArray) -> FloatArray:
    """New need per hour of capacity this month (1 = standard load, 1 without capacity)."""
    ratio: FloatArray = np.divide(need, np.maximum(capacity, 1.0), out=np.full_like(need, 1.0),
                                  where=capacity > 0)
    return ratio


def step(model: SocialWorkModel) -> None:
    """One month of need, service and waiting."""
    sc, state, fl = model.params, model.service, model.flows
    B = state.backlog
    fl.backlog_start = B.sum(axis=(1, 3)).T
    fl.abandoned = B[..., -1].sum(axis=1).T
    B[..., 1:] = B[..., :-1]
    new = residents.need(model)
    B[..., 0] = new
    fl.need = new.sum(axis=1).T

    prof, other, fte = _unit_hours(model)
    places = model.places
    room, st = model.units.room_of_community, model.units.station_of_area
    ratio, hours = sc.volunteers.coordination_ratio, sc.volunteers.hours_per_active
    active = model.volunteers.active.astype(float)
    tally = Tally(B.shape[0], B.shape[2], B.shape[3],
                  priority_classes(sc.service.priority_groups))

    need_c = new.sum(axis=(0, 2))
    state.unit_workload[room] = _workload(need_c, prof[room] + other[room])
    vol_room = np.minimum(active, ratio * fte[room])
    h1, v1, c1 = _serve_level(B, tally, (prof[room], other[room], vol_room * hours), None)

    # a station carries its area's need beyond what its rooms could take
    room_cap = np.bincount(places.comm_area, prof[room] + other[room], places.n_areas)
    need_area = np.bincount(places.comm_area, need_c, places.n_areas)
    state.unit_workload[st] = _workload(np.maximum(need_area - room_cap, 0.0),
                                        prof[st] + other[st])
    spare = np.bincount(places.comm_area, active - vol_room, places.n_areas)
    vol_station = np.minimum(spare, ratio * fte[st])
    h2, v2, c2 = _serve_level(B, tally, (prof[st], other[st], vol_station * hours),
                              places.comm_area)
    state.unit_casework_hours[:] = 0.0
    state.unit_casework_hours[room], state.unit_casework_hours[st] = c1, c2

    zero = np.zeros(places.n_communities)
    project_hours = model.projects.hours * model.ledger.project_factor
    h3, _, _ = _serve_level(B, tally, (zero, project_hours, zero), None,
                            (GROUPWORK, SUPPORT))

    fl.served, fl.wait_weighted = tally.served, tally.wait
    fl.served_by_provider = {"worker": h1 + h2 - v1 - v2, "volunteer": v1 + v2, "social_org": h3}
    fl.volunteers_coordinated = float(vol_room.sum() + vol_station.sum())
