"""Service: residents' need arises, operating units serve it, the rest waits or is abandoned.

Need arises each month in every community by resident group and service type
as a Poisson number of requests of a fixed size. It joins the community's
backlog, kept by age in months. Service runs in two levels:

1. the community's own room, if operating, with its reassigned community
   workers' hours and the volunteers they coordinate;
2. the street/town station, if operating, sharing its workers' hours (and the
   volunteers they coordinate) over its area's communities in proportion to
   what is still waiting.

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


def serve_fifo(backlog: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Hours served from ``backlog`` (community x group x age) within ``capacity``
    (hours per community): oldest first, groups in proportion within an age."""
    by_age = backlog.sum(axis=1)
    older = np.cumsum(by_age[:, ::-1], axis=1)[:, ::-1] - by_age
    served_age = np.clip(capacity[:, None] - older, 0.0, by_age)
    frac = np.divide(served_age, by_age, out=np.zeros_like(by_age), where=by_age > 0)
    return backlog * frac[:, None, :]


def _unit_hours(model: SocialWorkModel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit: professional hours, other hours, full-time equivalents."""
    w, u, sc = model.workers, model.units, model.params
    unit, employer = w.view("unit"), w.view("employer")
    on = unit >= 0
    share = np.where(employer[on] == E["reassigned"], sc.network.reassigned_time_share, 1.0)
    serving = (u.status == S["operating"]) & (u.tier != T["centre"])
    share = share * serving[unit[on]]
    prof = w.view("level")[on] >= 1
    hours = share * sc.service.worker_hours
    n = len(u)
    return (np.bincount(unit[on], hours * prof, n), np.bincount(unit[on], hours * ~prof, n),
            np.bincount(unit[on], share, n))


def _serve_level(model: SocialWorkModel, prof: np.ndarray, other: np.ndarray,
                 vol: np.ndarray, area: np.ndarray | None) -> tuple[np.ndarray, float, float]:
    """Serve the backlog with capacities given per community (``area`` None) or per
    station area (shared over its communities in proportion to what waits)."""
    B = model.backlog
    served = np.zeros_like(B)
    left_vol, left_work = vol.astype(float), prof.astype(float)

    def per_community(cap: np.ndarray, waiting: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if area is None:
            used = np.minimum(cap, waiting)
            return used, used
        wait_area = np.bincount(area, waiting, len(cap))
        used_area = np.minimum(cap, wait_area)
        frac = np.divide(used_area, wait_area, out=np.zeros_like(used_area), where=wait_area > 0)
        return waiting * frac[area], used_area

    for t in (CASEWORK, GROUPWORK, SUPPORT):
        if t == GROUPWORK:
            left_work = left_work + other
        waiting = B[:, :, t, :].sum(axis=(1, 2)) - served[:, :, t, :].sum(axis=(1, 2))
        cap = left_work + (left_vol if t == SUPPORT else 0.0)
        cap_c, used = per_community(cap, waiting)
        served[:, :, t, :] = serve_fifo(B[:, :, t, :], cap_c)
        if t == SUPPORT:
            by_vol = np.minimum(used, left_vol)
            vol_hours, left_vol = float(by_vol.sum()), left_vol - by_vol
            used = used - by_vol
        left_work = left_work - used
    B -= served
    np.maximum(B, 0.0, out=B)  # clear float dust below zero
    return served, vol_hours, float(served.sum()) - vol_hours


def step(model: SocialWorkModel) -> None:
    """One month of need, service and waiting."""
    sc, B, fl = model.params, model.backlog, model.flows
    abandoned = B[..., -1].copy()
    B[..., 1:] = B[..., :-1].copy()
    new = model.rngs["service"].poisson(model.request_rate) * model.request_hours
    B[..., 0] = new
    fl.need, fl.abandoned = new.sum(axis=0), abandoned.sum(axis=0)

    prof, other, fte = _unit_hours(model)
    u, places = model.units, model.places
    first_room = len(u) - places.n_communities
    ratio, hours = sc.volunteers.coordination_ratio, sc.volunteers.hours_per_active
    active = model.volunteers_active.astype(float)
    room = slice(first_room, None)
    vol_room = np.minimum(active, ratio * fte[room])
    s1, v1, w1 = _serve_level(model, prof[room], other[room], vol_room * hours, None)

    n_areas, first_station = places.n_areas, model.params.territory.districts
    st = slice(first_station, first_station + n_areas)
    spare = np.bincount(places.comm_area, active - vol_room, n_areas)
    vol_station = np.minimum(spare, ratio * fte[st])
    s2, v2, w2 = _serve_level(model, prof[st], other[st], vol_station * hours, places.comm_area)

    served = s1 + s2
    ages = np.arange(B.shape[-1])
    fl.served = served.sum(axis=(0, 3))
    fl.wait_weighted = (served * ages).sum(axis=(0, 2, 3))
    fl.served_by_provider = {"worker": w1 + w2, "volunteer": v1 + v2}
    fl.volunteers_coordinated = float(vol_room.sum() + vol_station.sum())
