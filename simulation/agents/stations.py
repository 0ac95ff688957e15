"""Units: centres, stations and rooms (rows of :class:`~simulation.state.UnitTable`):
whom a centre or station hires, which community workers a room takes, and which
need a unit serves first."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..state import BoolArray, Employer, FloatArray, IntArray, Status

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["SERVICE_ORDER", "hire_from_pool", "room_staff", "serve_fifo"]

#: a unit serves casework first (professionals only), then group work, then simple
#: support (service types in SERVICE_TYPES order)
SERVICE_ORDER = (0, 1, 2)


def hire_from_pool(model: SocialWorkModel, n_slots: int) -> IntArray:
    """Whom centres and stations hire by purchase of services for ``n_slots`` posts:
    unplaced social-organisation workers, best certified first (rank key splits ties)."""
    w = model.workers
    pool = np.flatnonzero(w.view("alive") & (w.view("employer") == Employer.SOCIAL_ORG)
                          & (w.view("unit") < 0))
    chosen: IntArray = pool[np.lexsort((w.rank_key[pool], -w.level[pool]))][:n_slots]
    return chosen


def room_staff(model: SocialWorkModel) -> tuple[IntArray, IntArray]:
    """Which community workers each contracted room takes this month: its own
    community's, best certified first, up to its minimum staff. Returns the workers and
    the room each goes to."""
    u, w = model.units, model.workers
    rooms = u.room_of_community[u.status[u.room_of_community] >= Status.CONTRACTED]
    if not len(rooms):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    want = np.zeros(model.places.n_communities, np.int64)
    want[u.place[rooms]] = u.min_staff[rooms]
    cw = np.flatnonzero(w.view("alive") & w.view("community_worker"))
    comm = w.community[cw]
    cw, comm = cw[want[comm] > 0], comm[want[comm] > 0]
    order = np.lexsort((w.rank_key[cw], -w.level[cw], comm))
    cw, comm = cw[order], comm[order]
    first = np.r_[0, np.flatnonzero(np.diff(comm)) + 1]
    rank = np.arange(len(cw)) - np.repeat(first, np.diff(np.r_[first, len(cw)]))
    take: BoolArray = rank < want[comm]
    return cw[take], u.room_of_community[comm[take]]


def serve_fifo(backlog: FloatArray, capacity: FloatArray) -> FloatArray:
    """Hours a unit serves from ``backlog`` (community x group x age) within ``capacity``
    (hours per community): oldest first, groups in proportion within an age."""
    by_age = backlog.sum(axis=1)
    older = np.cumsum(by_age[:, ::-1], axis=1)[:, ::-1] - by_age
    served_age = np.clip(capacity[:, None] - older, 0.0, by_age)
    frac = np.divide(served_age, by_age, out=np.zeros_like(by_age), where=by_age > 0)
    served: FloatArray = backlog * frac[:, None, :]
    return served
