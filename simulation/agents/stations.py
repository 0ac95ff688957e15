"""Units: centres, stations and rooms (rows of :class:`~simulation.state.UnitTable`):
which community workers a room takes, whether a room could be staffed, and which
need a unit serves first (whom a centre or station hires: :mod:`.labour`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..state import BoolArray, FloatArray, IntArray, Status
from .labour import pair, rank_in_group

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["SERVICE_ORDER", "room_prospect", "room_staff", "serve_fifo"]

#: a unit serves casework first (professionals only), then group work, then simple
#: support (service types in SERVICE_TYPES order)
SERVICE_ORDER = (0, 1, 2)


def room_staff(model: SocialWorkModel) -> tuple[IntArray, IntArray]:
    """Which community workers each contracted room takes this month: its own
    community's, best certified first, up to its posts (a headcount at the reassigned
    time share); then a room still without anyone shares one community worker of
    another community of its street/town who is not taken (seed 003's rural minimum of
    1 allows it). Returns the workers and the room each goes to."""
    u, w = model.units, model.workers
    rooms = u.room_of_community[u.status[u.room_of_community] >= Status.CONTRACTED]
    if not len(rooms):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    want = np.zeros(model.places.n_communities, np.int64)
    want[u.place[rooms]] = u.posts[rooms]
    cw = np.flatnonzero(w.view("alive") & w.view("community_worker"))
    comm = w.community[cw]
    order = np.lexsort((w.rank_key[cw], -w.level[cw], comm))
    cw, comm = cw[order], comm[order]
    take: BoolArray = rank_in_group(comm) < want[comm]
    staffed = np.zeros(model.places.n_communities, bool)
    staffed[comm[take]] = True
    empty = u.place[rooms][~staffed[u.place[rooms]]]
    area = model.places.comm_area
    wanted = np.zeros(model.places.n_areas, bool)
    wanted[area[empty]] = True
    spare = cw[~take]
    spare = spare[wanted[area[w.community[spare]]]]  # only where a room waits (speed)
    i_room, i_cw = pair(area[empty], np.zeros(len(empty)), area[w.community[spare]],
                        -w.level[spare] + w.rank_key[spare])
    workers = np.r_[cw[take], spare[i_cw]]
    where = np.r_[comm[take], empty[i_room]]
    return workers, u.room_of_community[where]


def room_prospect(model: SocialWorkModel, rooms: IntArray) -> BoolArray:
    """Whether each room could be staffed: its community or another of its street/town
    has a community worker, or its station is open to staff it by visits."""
    u, w, places = model.units, model.workers, model.places
    cw = w.view("alive") & w.view("community_worker")
    per_comm = np.bincount(w.view("community")[cw], minlength=places.n_communities)
    per_area = np.bincount(places.comm_area, per_comm, places.n_areas)
    comm = u.place[rooms]
    area = places.comm_area[comm]
    station_open = u.status[u.station_of_area[area]] == Status.OPERATING
    prospect: BoolArray = (per_comm[comm] > 0) | (per_area[area] > 0) | station_open
    return prospect


def serve_fifo(backlog: FloatArray, capacity: FloatArray) -> FloatArray:
    """Hours a unit serves from ``backlog`` (community x group x age) within ``capacity``
    (hours per community): oldest first, groups in proportion within an age."""
    by_age = backlog.sum(axis=1)
    older = np.cumsum(by_age[:, ::-1], axis=1)[:, ::-1] - by_age
    served_age = np.clip(capacity[:, None] - older, 0.0, by_age)
    frac = np.divide(served_age, by_age, out=np.zeros_like(by_age), where=by_age > 0)
    served: FloatArray = backlog * frac[:, None, :]
    return served
