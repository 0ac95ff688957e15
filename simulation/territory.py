"""Build the territory and the network's units from the scenario's counts.

Streets and towns are spread evenly over districts, communities over streets
and villages over towns (assumption: the seeds give no per-area counts).
Urban residents are split equally over communities and rural residents over
villages, each by the scenario's group shares (assumption: no community-level
data in the seeds).
"""

from __future__ import annotations

import numpy as np

from .params import GROUPS, Scenario
from .state import Places, Status, Tier, TierTable, UnitTable

__all__ = ["build_places", "build_units"]


def _spread(n_items: int, n_bins: int, offset: int = 0) -> np.ndarray:
    """Assign items to bins evenly, in order (item i -> bin i * n_bins // n_items)."""
    if n_items == 0:
        return np.zeros(0, dtype=np.int32)
    return (offset + np.arange(n_items) * n_bins // n_items).astype(np.int32)


def build_places(sc: Scenario) -> Places:
    t = sc.territory
    n_areas = t.streets + t.towns
    # streets and towns interleaved over districts, so every district gets both kinds
    area_urban = np.r_[np.ones(t.streets, bool), np.zeros(t.towns, bool)]
    area_district = np.r_[_spread(t.streets, t.districts), _spread(t.towns, t.districts)]
    if n_areas and len(np.unique(area_district)) < t.districts:
        area_district = _spread(n_areas, t.districts)
    comm_area = np.r_[_spread(t.communities, t.streets), _spread(t.villages, t.towns, t.streets)]
    comm_urban = np.r_[np.ones(t.communities, bool), np.zeros(t.villages, bool)]

    urban_pp = t.population * t.urban_share / max(t.communities, 1)
    rural_pp = t.population * (1 - t.urban_share) / max(t.villages, 1)
    if t.communities == 0:
        rural_pp = t.population / max(t.villages, 1)
    if t.villages == 0:
        urban_pp = t.population / max(t.communities, 1)
    per_comm = np.where(comm_urban, urban_pp, rural_pp)
    shares = np.array([getattr(sc.residents, g).share for g in GROUPS])
    population = per_comm[:, None] * shares[None, :]
    return Places(area_district=area_district.astype(np.int32), area_urban=area_urban,
                  comm_area=comm_area.astype(np.int32), comm_urban=comm_urban,
                  population=population)


def build_units(sc: Scenario, places: Places, tiers: TierTable,
                rng: np.random.Generator) -> UnitTable:
    """Centres (one per district), stations (one per area), rooms (one per community).

    The initially operating units and the order in which the rest are rolled out
    are drawn from ``rng``.
    """
    n_c, n_a, n_r = sc.territory.districts, places.n_areas, places.n_communities
    tier = np.r_[np.full(n_c, Tier.CENTRE),
                 np.where(places.area_urban, Tier.STREET_STATION, Tier.TOWN_STATION),
                 np.where(places.comm_urban, Tier.URBAN_ROOM, Tier.RURAL_ROOM)].astype(np.int8)
    place = np.r_[np.arange(n_c), np.arange(n_a), np.arange(n_r)].astype(np.int32)
    area = np.r_[np.full(n_c, -1), np.arange(n_a), places.comm_area].astype(np.int32)
    district = np.r_[np.arange(n_c), places.area_district,
                     places.area_district[places.comm_area]].astype(np.int32)
    min_staff = tiers.min_staff[tier]
    posts = tiers.posts[tier]
    n = len(tier)
    order = rng.random(n)
    status = np.zeros(n, dtype=np.int8)
    for k in Tier:
        members = np.flatnonzero(tier == k)
        take = int(round(tiers.initial_share[k] * len(members)))
        chosen = members[np.argsort(order[members], kind="stable")[:take]]
        status[chosen] = Status.CONTRACTED  # operating once staffed at step 0
    rows = np.arange(n, dtype=np.int64)
    return UnitTable(tier=tier, place=place, area=area, district=district, status=status,
                     status_since=np.zeros(n, dtype=np.int32), min_staff=min_staff,
                     posts=posts, rollout_order=order,
                     centre_of_district=rows[:n_c], station_of_area=rows[n_c:n_c + n_a],
                     room_of_community=rows[n_c + n_a:])
