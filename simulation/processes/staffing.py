"""Staffing need: the WHO's WISN method (Workload Indicators of Staffing Need) per unit.

Each unit's required staff (full-time equivalents) is the yearly workload of the
people it serves divided by a worker's available direct-service time
(``service.worker_hours`` a month), and never below the tier's minimum (seed 003):

- a room carries its community's group and community work and its workers' share
  of simple support (``staffing.support_worker_share``; volunteers do the rest);
- a station carries its area's casework (certified work, seed 001's casework duty)
  and the room work of the communities in its area that have no room in the network;
- a guidance centre carries ``staffing.centre_fte_per_station`` per station of its
  district (supervision and training; centres serve no one directly).

The workload is the expected need of the month (request rates x hours per request;
residents' need may change over a run, so it is read every month). Under the
``workload`` rule (``staffing.posts_rule``) a centre's or station's funded posts
are its required staff rounded up (at most ``staffing.max_posts``) and a room
takes as many reassigned community workers as make its required FTE at their time
share (at most all community workers); under ``fixed`` posts are
``network.station_posts``/``centre_posts`` and a room takes its minimum headcount.
Actual staff count by time share (reassigned community workers
``network.reassigned_time_share``), so the "full-time" minima of seed 003 are met in FTE.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..agents.residents import need_factor
from ..state import ROOM_TIERS, STATION_TIERS, BoolArray, Employer, FloatArray, IntArray, Status, Tier

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["StaffingState", "actual_fte", "assess", "expected_need", "in_network", "init",
           "required_fte", "stations_mask"]


@dataclass
class StaffingState:
    """Required staff per unit (FTE, this month), rooms staffed by visits of their town
    station's workers, and how long each contracted unit has had no worker."""

    required: FloatArray
    hosted: BoolArray
    unstaffed_months: IntArray


def init(model: SocialWorkModel) -> StaffingState:
    n = len(model.units)
    return StaffingState(required=np.zeros(n), hosted=np.zeros(n, bool),
                         unstaffed_months=np.zeros(n, np.int32))


def expected_need(model: SocialWorkModel) -> FloatArray:
    """Expected new need this month, hours, service type x community: the residents'
    request rates with their ageing and need trends (not one-off events such as an
    epidemic: posts are planned for the lasting workload)."""
    sv = model.service
    trend = need_factor(model.params, model.steps, events=False)[:, None, :]
    need: FloatArray = (sv.request_rate * trend * sv.request_hours[:, None, None]).sum(axis=2)
    return need


def required_fte(model: SocialWorkModel) -> FloatArray:
    """WISN required staff of every unit, FTE (see the module docstring)."""
    u, places, sc = model.units, model.places, model.params
    need = expected_need(model)
    room_load = need[1] + sc.staffing.support_worker_share * need[2]
    rooms = u.room_of_community
    has_room = u.status[rooms] >= Status.PLANNED
    area_load = np.bincount(places.comm_area, need[0] + np.where(has_room, 0.0, room_load),
                            places.n_areas)
    load = np.zeros(len(u))
    load[rooms], load[u.station_of_area] = room_load, area_load
    req = load / max(sc.service.worker_hours, 1e-9)
    stations = np.isin(u.tier, STATION_TIERS[1:]) & (u.status >= Status.PLANNED)
    per_district = np.bincount(u.district[stations], minlength=len(u.centre_of_district))
    req[u.centre_of_district] = sc.staffing.centre_fte_per_station * per_district
    required: FloatArray = np.maximum(req, u.min_staff)
    return required


def assess(model: SocialWorkModel) -> None:
    """This month's required staff and, under the workload rule, funded posts."""
    u, st, nw = model.units, model.params.staffing, model.params.network
    req = required_fte(model)
    model.staffing.required = req
    if st.posts_rule != "workload":
        return
    salaried = np.isin(u.tier, STATION_TIERS)
    posts = np.clip(np.ceil(req - 1e-9), u.min_staff, max(st.max_posts, 1))
    share = max(nw.reassigned_time_share, 1e-9)
    # reassigned workers count by their time share; a room never asks for more of them
    # than there are community workers
    heads = np.minimum(np.ceil(req / share - 1e-9), max(model.params.workforce.community_workers, 1))
    u.posts[:] = np.where(salaried, posts, np.where(np.isin(u.tier, ROOM_TIERS), heads, u.posts))


def actual_fte(model: SocialWorkModel) -> FloatArray:
    """Staff of every unit, FTE: full-timers 1, reassigned community workers their time
    share; a room staffed by station visits counts 1/``rooms_per_station_worker`` of a
    station worker, moved from its station."""
    u, w, sc = model.units, model.workers, model.params
    unit, employer = w.view("unit"), w.view("employer")
    on = unit >= 0
    share = np.where(employer[on] == Employer.REASSIGNED, sc.network.reassigned_time_share, 1.0)
    fte: FloatArray = np.bincount(unit[on], share, len(u)).astype(float)
    hosted = np.flatnonzero(model.staffing.hosted)
    if len(hosted):
        visit = 1.0 / max(sc.staffing.rooms_per_station_worker, 1e-9)
        fte[hosted] += visit
        np.subtract.at(fte, u.station_of_area[u.area[hosted]], visit)
    return fte


def in_network(model: SocialWorkModel) -> BoolArray:
    """Units planned, being set up or open (the network the requirement is for)."""
    network: BoolArray = model.units.status >= Status.PLANNED
    return network


def stations_mask(model: SocialWorkModel) -> BoolArray:
    """Street and town stations."""
    mask: BoolArray = np.isin(model.units.tier, (Tier.STREET_STATION, Tier.TOWN_STATION))
    return mask
