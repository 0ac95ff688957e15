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
Within a type the oldest need is served first and groups share in proportion.
Need that has waited more than ``max_wait_months`` is abandoned. Centre staff
supervise and train rather than serve directly (assumption).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..params import GROUPS, SERVICE_TYPES
from ..state import E, S, T
from .workforce import recently_trained

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["init", "serve_fifo", "step"]

CASEWORK, GROUPWORK, SUPPORT = range(3)


def init(model: SocialWorkModel) -> None:
    sv = model.params.service
    shape = (model.places.n_communities, len(GROUPS), len(SERVICE_TYPES), sv.max_wait_months + 1)
    model.backlog = np.zeros(shape)
    r = model.params.residents
    rates = np.array([[getattr(getattr(r, g), t) for t in SERVICE_TYPES] for g in GROUPS])
    model.request_hours = np.array([sv.casework_hours_per_case, sv.group_hours_per_request,
                                    sv.support_hours_per_request])
    # expected requests per month by community, group and type
    model.request_rate = (model.places.population[:, :, None] * rates[None, :, :] / 1000.0
                          / model.request_hours[None, None, :])
    model.unit_workload = np.ones(len(model.units))
    model.unit_casework_hours = np.zeros(len(model.units))


def serve_fifo(backlog: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Hours served from ``backlog`` (community x group x age) within ``capacity``
    (hours per community): oldest first, groups in proportion within an age."""
    by_age = backlog.sum(axis=1)
    older = np.cumsum(by_age[:, ::-1], axis=1)[:, ::-1] - by_age
    served_age = np.clip(capacity[:, None] - older, 0.0, by_age)
    frac = np.divide(served_age, by_age, out=np.zeros_like(by_age), where=by_age > 0)
    return backlog * frac[:, None, :]


def _unit_hours(model: SocialWorkModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit: professional hours, other hours, full-time equivalents this month."""
    w, u, sc = model.workers, model.units, model.params
    unit, employer = w.view("unit"), w.view("employer")
    on = np.flatnonzero(unit >= 0)
    emp = employer[on]
    share = np.where(emp == E["reassigned"], sc.network.reassigned_time_share, 1.0)
    # in a deficit, salaried staff work (and are paid) only the hours the money covers
    salaried = (emp == E["purchase"]) | (emp == E["recruited"])
    share = share * np.where(salaried, model.ledger.service_factor, 1.0)
    serving = (u.status == S["operating"]) & (u.tier != T["centre"])
    share = share * serving[unit[on]]
    boost = 1.0 + sc.workforce.training.productivity_boost * recently_trained(model)[on]
    hours = share * boost * sc.service.worker_hours
    prof = w.level[on] >= 1
    n = len(u)
    return (np.bincount(unit[on], hours * prof, n), np.bincount(unit[on], hours * ~prof, n),
            np.bincount(unit[on], share, n))


def _serve_level(B: np.ndarray, caps: tuple[np.ndarray, np.ndarray, np.ndarray],
                 area: np.ndarray | None, types: tuple[int, ...] = (CASEWORK, GROUPWORK, SUPPORT)
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Serve backlog ``B`` in place with (professional, other, volunteer) hours given per
    community (``area`` None) or per station area, shared over its communities in
    proportion to what waits. Returns hours served (community x group x type x age),
    volunteer hours used and casework hours used, per capacity holder."""
    prof, other, vol = (c.astype(float) for c in caps)
    served = np.zeros_like(B)
    left_work, left_vol = prof, vol
    vol_used = casework_used = np.zeros_like(prof)
    for t in types:
        if t == GROUPWORK or (t == SUPPORT and GROUPWORK not in types):
            left_work = left_work + other
        waiting = B[:, :, t, :].sum(axis=(1, 2))
        cap = left_work + (left_vol if t == SUPPORT else 0.0)
        if area is None:
            used = np.minimum(cap, waiting)
            cap_c = used
        else:
            wait_area = np.bincount(area, waiting, len(cap))
            used = np.minimum(cap, wait_area)
            cap_c = waiting * np.divide(used, wait_area, out=np.zeros_like(used),
                                        where=wait_area > 0)[area]
        served[:, :, t, :] = serve_fifo(B[:, :, t, :], cap_c)
        if t == CASEWORK:
            casework_used = used
        if t == SUPPORT:
            vol_used = np.minimum(used, left_vol)
            used = used - vol_used
        left_work = left_work - used
    B -= served
    np.maximum(B, 0.0, out=B)  # clear float dust below zero
    return served, vol_used, casework_used


def _workload(need: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """New need per hour of capacity this month, capped at 3 (1 = standard load)."""
    ratio = np.divide(need, np.maximum(capacity, 1.0), out=np.full_like(need, 1.0),
                      where=capacity > 0)
    return np.minimum(ratio, 3.0)


def step(model: SocialWorkModel) -> None:
    """One month of need, service and waiting."""
    sc, B, fl = model.params, model.backlog, model.flows
    abandoned = B[..., -1].copy()
    B[..., 1:] = B[..., :-1].copy()
    new = model.draws["service"].poisson(model.request_rate) * model.request_hours
    B[..., 0] = new
    fl.need, fl.abandoned = new.sum(axis=0), abandoned.sum(axis=0)

    prof, other, fte = _unit_hours(model)
    places, n_units = model.places, len(model.units)
    first_room = n_units - places.n_communities
    st = slice(sc.territory.districts, sc.territory.districts + places.n_areas)
    ratio, hours = sc.volunteers.coordination_ratio, sc.volunteers.hours_per_active
    active = model.volunteers_active.astype(float)
    room = slice(first_room, None)

    need_c = new.sum(axis=(1, 2))
    model.unit_workload[room] = _workload(need_c, prof[room] + other[room])
    vol_room = np.minimum(active, ratio * fte[room])
    s1, v1, c1 = _serve_level(B, (prof[room], other[room], vol_room * hours), None)

    # a station carries its area's need beyond what its rooms could take
    room_cap = np.bincount(places.comm_area, prof[room] + other[room], places.n_areas)
    need_area = np.bincount(places.comm_area, need_c, places.n_areas)
    model.unit_workload[st] = _workload(np.maximum(need_area - room_cap, 0.0), prof[st] + other[st])
    spare = np.bincount(places.comm_area, active - vol_room, places.n_areas)
    vol_station = np.minimum(spare, ratio * fte[st])
    s2, v2, c2 = _serve_level(B, (prof[st], other[st], vol_station * hours), places.comm_area)
    model.unit_casework_hours[:] = 0.0
    model.unit_casework_hours[room], model.unit_casework_hours[st] = c1, c2

    zero = np.zeros(places.n_communities)
    s3, _, _ = _serve_level(B, (zero, model.project_hours, zero), None, (GROUPWORK, SUPPORT))

    served = s1 + s2 + s3
    fl.served = served.sum(axis=(0, 3))
    fl.wait_weighted = (served * np.arange(B.shape[-1])).sum(axis=(0, 2, 3))
    volunteer = float(v1.sum() + v2.sum())
    projects = float(s3.sum())
    fl.served_by_provider = {"worker": float(s1.sum() + s2.sum()) - volunteer,
                             "volunteer": volunteer, "social_org": projects}
    fl.volunteers_coordinated = float(vol_room.sum() + vol_station.sum())
