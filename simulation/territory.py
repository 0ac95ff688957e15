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
from .state import STATUS, Places, UnitTable

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


def build_units(sc: Scenario, places: Places, rng: np.random.Generator) -> UnitTable:
    """Centres (one per district), stations (one per area), rooms (one per community).

    The initially operating units and the order in which the rest are rolled out
    are drawn from ``rng``.
    """
    nw, t = sc.network, sc.territory
    n_c, n_a, n_r = t.districts, places.n_areas, places.n_communities
    tier = np.r_[np.zeros(n_c), np.where(places.area_urban, 1, 2),
                 np.where(places.comm_urban, 3, 4)].astype(np.int8)
    place = np.r_[np.arange(n_c), np.arange(n_a), np.arange(n_r)].astype(np.int32)
    area = np.r_[np.full(n_c, -1), np.arange(n_a), places.comm_area].astype(np.int32)
    district = np.r_[np.arange(n_c), places.area_district,
                     places.area_district[places.comm_area]].astype(np.int32)
    minimum = np.array([nw.min_staff_centre, nw.min_staff_street, nw.min_staff_town,
                        nw.min_staff_urban_room, nw.min_staff_rural_room], dtype=np.int32)
    min_staff = minimum[tier]
    posts = np.maximum(min_staff, np.array([nw.centre_posts, nw.station_posts, nw.station_posts,
                                            0, 0], dtype=np.int32)[tier])
    n = len(tier)
    order = rng.random(n)
    status = np.zeros(n, dtype=np.int8)
    initial = np.array([nw.centres_initial_share, nw.stations_initial_share,
                        nw.stations_initial_share, nw.rooms_initial_share_urban,
                        nw.rooms_initial_share_rural])
    for k in range(len(initial)):
        members = np.flatnonzero(tier == k)
        take = int(round(initial[k] * len(members)))
        chosen = members[np.argsort(order[members], kind="stable")[:take]]
        status[chosen] = STATUS.index("contracted")  # operating once staffed at step 0
    return UnitTable(tier=tier, place=place, area=area, district=district, status=status,
                     status_since=np.zeros(n, dtype=np.int32), min_staff=min_staff,
                     posts=posts, rollout_order=order)
