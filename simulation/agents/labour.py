"""Local labour markets: where workers live, and whom a vacant post gets.

Every worker belongs to a home district and an urban or rural area
(:class:`~simulation.state.WorkerTable` columns ``district``, ``rural``): a
community worker where their community is, anyone else where residents live
(drawn in proportion to population; assumption: the seeds give no figures on
where social workers live). Stations hire from their own district first, then
from neighbouring districts at a pay premium (``staffing.borrow_premium``);
a worker who lives in an urban area accepts a town-station post only with
probability ``staffing.rural_acceptance``. The seeds give no geography, so
districts are taken to border the districts numbered next to them (a ring;
assumption). Scarce certified workers are spread by need: every unit's first
vacancy is served before any unit's second, and among units with as many
vacancies filled, those furthest below their required staff come first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from ..state import BoolArray, Employer, FloatArray, IntArray, Tier

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["homes", "match", "pair", "rank_in_group"]


def homes(model: SocialWorkModel, n: int, community: NDArray[Any] | float | None
          ) -> tuple[IntArray, BoolArray]:
    """Home district and rural flag of ``n`` new people: their community's if they have
    one (``community`` >= 0), else a community drawn in proportion to its population."""
    places = model.places
    comm = np.broadcast_to(np.asarray(-1 if community is None else community), (n,)).astype(np.int64)
    drawn = comm < 0
    if drawn.any():
        weights = places.population.sum(axis=1)
        cdf = np.cumsum(weights) / weights.sum()
        u = model.draws["labour"].uniform(int(drawn.sum()))
        comm = comm.copy()
        comm[drawn] = np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)
    district: IntArray = places.area_district[places.comm_area[comm]].astype(np.int32)
    rural: BoolArray = ~places.comm_urban[comm]
    return district, rural


def rank_in_group(sorted_groups: IntArray) -> IntArray:
    """Position of each item within its run of equal values (``sorted_groups`` sorted)."""
    ranks: IntArray = np.arange(len(sorted_groups)) - np.searchsorted(sorted_groups,
                                                                       sorted_groups)
    return ranks


def pair(a_group: IntArray, a_order: FloatArray, b_group: IntArray, b_order: FloatArray
         ) -> tuple[IntArray, IntArray]:
    """Within each group, the k-th item of ``a`` (lowest ``a_order`` first) pairs with the
    k-th of ``b``; returns the paired indices into ``a`` and ``b``."""
    if not len(a_group) or not len(b_group):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    oa, ob = np.lexsort((a_order, a_group)), np.lexsort((b_order, b_group))
    ga, gb = a_group[oa].astype(np.int64), b_group[ob].astype(np.int64)
    size = max(len(oa), len(ob)) + 1
    ka, kb = ga * size + rank_in_group(ga), gb * size + rank_in_group(gb)
    _, ia, ib = np.intersect1d(ka, kb, assume_unique=True, return_indices=True)
    return oa[ia], ob[ib]


def match(model: SocialWorkModel, slots: IntArray, priority: FloatArray
          ) -> tuple[IntArray, IntArray, FloatArray]:
    """Unplaced social-organisation workers for vacant posts (``slots``: the unit of each
    post; lower ``priority`` first), best certified first: own district, then each
    neighbouring district at the pay premium. Returns the matched posts' indices into
    ``slots``, the workers and each one's pay premium. A slot's ``priority`` is its rank
    within its unit plus a fraction, so within a district every unit's first vacancy is
    paired before any unit's second."""
    w, u, st = model.workers, model.units, model.params.staffing
    pool = np.flatnonzero(w.view("alive") & (w.view("employer") == Employer.SOCIAL_ORG)
                          & (w.view("unit") < 0))
    cand_order = -w.level[pool] + w.rank_key[pool]  # level first; the key splits ties
    accepts = w.rural[pool] | model.draws["labour"].select(
        np.full(len(pool), st.rural_acceptance), w.rank_key[pool])
    slot_rural = u.tier[slots] == Tier.TOWN_STATION
    slot_d, cand_d = u.district[slots], w.district[pool]
    n_d = model.params.territory.districts
    free_s, free_c = np.ones(len(slots), bool), np.ones(len(pool), bool)
    out: list[tuple[IntArray, IntArray, FloatArray]] = []
    shifts = [(0, 0.0)] + [(s, st.borrow_premium) for s in sorted({1 % n_d, -1 % n_d} - {0})]
    for shift, premium in shifts:
        # workers who will not take a town post go to street posts first; then everyone
        # left, in priority order (so a unit's k-th vacancy still comes before any (k+1)-th)
        for town_ok in (False, True):
            s = np.flatnonzero(free_s & (town_ok | ~slot_rural))
            c = np.flatnonzero(free_c & (accepts == town_ok))
            i_s, i_c = pair(slot_d[s], priority[s], (cand_d[c] + shift) % n_d, cand_order[c])
            free_s[s[i_s]], free_c[c[i_c]] = False, False
            out.append((s[i_s], pool[c[i_c]], np.full(len(i_s), premium)))
    s_idx, workers, prem = (np.concatenate(x) for x in zip(*out, strict=True))
    return s_idx.astype(np.int64), workers.astype(np.int64), prem
