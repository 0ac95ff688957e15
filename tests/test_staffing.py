"""Issue 15, items 1-4: workload-based staffing (WISN), local labour markets, village rooms,
roll-out by calendar."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL, refused

from simulation import run
from simulation.agents import labour
from simulation.model import SocialWorkModel
from simulation.params import load_scenario
from simulation.processes import funding, staffing, stations
from simulation.state import Employer, Status, Tier

BINHAI = SMALL.parent / "binhai_2022.yaml"


def _model(*sets: str, months: int = 0) -> SocialWorkModel:
    m = SocialWorkModel(load_scenario(SMALL, ["deterministic=true", *sets]), seed=1)
    for _ in range(months):
        m.step()
    return m


def test_required_staff_scale_with_population_served():
    base, double = _model(), _model("territory.population=1112000")
    st = np.isin(base.units.tier, (Tier.STREET_STATION, Tier.TOWN_STATION))
    load = staffing.required_fte(base)[st]
    above = load > base.units.min_staff[st]  # above the seed 003 floor the workload decides
    assert above.any()
    np.testing.assert_allclose(staffing.required_fte(double)[st][above], 2 * load[above])
    # the floor is seed 003's minimum staff, whatever the workload
    # a town of 10,000 (its workforce scaled down too: at most 5% of the residents)
    tiny = _model("territory.population=10000", "workforce.talent_total=60",
                  "workforce.national_certified=40", "workforce.community_workers=100",
                  "workforce.grid_workers=100")
    assert (staffing.required_fte(tiny) == tiny.units.min_staff).all()


def test_a_room_in_the_network_takes_its_work_off_the_station():
    m = _model()
    u = m.units
    comm = int(np.flatnonzero(u.status[u.room_of_community] == Status.NONE)[0])
    station = u.station_of_area[m.places.comm_area[comm]]
    before = staffing.required_fte(m)[station]
    u.status[u.room_of_community[comm]] = Status.PLANNED
    need = staffing.expected_need(m)[:, comm]
    moved = (need[1] + m.params.staffing.support_worker_share * need[2]) / 100.0
    assert staffing.required_fte(m)[station] == pytest.approx(max(before - moved,
                                                                  u.min_staff[station]))


def test_posts_rule_lever():
    fixed = _model("staffing.posts_rule=fixed", months=1)
    st = np.isin(fixed.units.tier, (Tier.STREET_STATION, Tier.TOWN_STATION))
    assert (fixed.units.posts[st] == fixed.params.network.station_posts).all()
    work = _model(months=1)
    req = work.staffing.required[st]
    np.testing.assert_array_equal(work.units.posts[st],
                                  np.clip(np.ceil(req - 1e-9), work.units.min_staff[st], 20))
    assert work.units.posts[st].max() > fixed.params.network.station_posts


def test_reassigned_workers_count_by_time_share():
    m = _model(months=2)
    w = m.workers
    room = (w.view("employer") == Employer.REASSIGNED) & (w.view("unit") >= 0)
    urban = room & (m.units.tier[np.maximum(w.view("unit"), 0)] == Tier.URBAN_ROOM)
    assert m.records[-1]["staff_fte.urban_room"] == pytest.approx(0.5 * urban.sum())
    # a room wants enough reassigned workers to make seed 003's full-time minimum of 2
    rooms = m.units.room_of_community[m.places.comm_urban]
    assert (m.units.posts[rooms] >= 4).all()


def test_tier_figures_add_up():
    rec = _model(months=3).records[-1]
    tiers = ("centre", "street_station", "town_station", "urban_room", "rural_room")
    for name in ("required_staff", "staff_fte", "staffing_gap_fte"):
        assert sum(rec[f"{name}.{t}"] for t in tiers) == pytest.approx(rec[name])
        assert rec[f"{name}.urban"] + rec[f"{name}.rural"] + rec[f"{name}.centre"] == \
            pytest.approx(rec[name])
    assert rec["wisn_ratio"] == pytest.approx(rec["staff_fte"] / rec["required_staff"])
    assert rec["wisn_ratio_p10"] <= rec["wisn_ratio_p50"] <= rec["wisn_ratio_p90"]


def _empty_district_station(m: SocialWorkModel) -> int:
    """Leave district 0 with no social-organisation worker and one open station without
    staff; returns that station's row."""
    w, u = m.workers, m.units
    pool = w.view("alive") & (w.view("employer") == Employer.SOCIAL_ORG)
    w.view("district")[pool & (w.view("district") == 0)] = 1
    station = int(np.flatnonzero((u.tier == Tier.STREET_STATION) & (u.district == 0)
                                 & (u.status == Status.OPERATING))[0])
    at = w.view("unit") == station
    w.view("unit")[at], w.view("employer")[at] = -1, Employer.OTHER
    return station


def test_a_station_without_local_workers_borrows_only_at_a_cost():
    m = _model()
    station = _empty_district_station(m)
    stations.staff(m, within_budget=False)
    w = m.workers
    staff = np.flatnonzero(w.view("unit") == station)
    borrowed = staff[w.employer[staff] == Employer.PURCHASE]
    assert len(borrowed) and (w.district[borrowed] == 1).all()
    assert (w.pay_premium[borrowed] == m.params.staffing.borrow_premium).all()
    assert m.records[0]["borrowed_workers"] == 0 and len(borrowed) > 0
    # the premium is paid: salaries include it
    paid = w.view("unit") >= 0
    paid &= np.isin(w.view("employer"), (Employer.PURCHASE, Employer.RECRUITED))
    expected = (m.post_cost[w.view("level")[paid]] * (1 + w.view("pay_premium")[paid])).sum()
    assert funding._salaries(m) == pytest.approx(expected)


def test_no_money_no_borrowing():
    m = _model()
    station = _empty_district_station(m)
    m.ledger.committed = float(m.ledger.budget.sum()) + 1e6  # no headroom at all
    stations.staff(m)
    assert not (m.workers.view("unit") == station).any()


def test_scarce_certified_workers_spread_by_need():
    """A unit's first vacancy is filled before any unit's second: with fewer workers than
    stations, no station gets two while another has none, and the best go first."""
    m = _model()
    u, w = m.units, m.workers
    st = np.flatnonzero(np.isin(u.tier, (Tier.STREET_STATION, Tier.TOWN_STATION))
                        & (u.district == 0))
    pool = np.flatnonzero(w.view("alive") & (w.view("employer") == Employer.SOCIAL_ORG)
                          & (w.view("unit") < 0))
    keep = pool[w.district[pool] == 0][: len(st) - 1]
    w.employer[np.setdiff1d(pool, keep)] = Employer.OTHER
    w.rural[keep] = True  # willing to take town posts
    slots = np.repeat(st, 2)
    gap = np.arange(len(slots), dtype=float)
    s_idx, workers, premium = labour.match(m, slots, labour.rank_in_group(slots) + 0.5 / (1 + gap))
    per = np.bincount(slots[s_idx], minlength=len(u))[st]
    assert len(workers) == len(keep) and per.max() == 1 and (premium == 0).all()
    # the unit furthest below its need (largest gap) gets the best worker
    best = keep[np.lexsort((w.rank_key[keep], -w.level[keep]))[0]]
    assert slots[s_idx[workers == best]][0] == st[-1]


def test_village_rooms_open_without_their_own_community_worker():
    ts = run(load_scenario(SMALL, ["deterministic=true"]), seed=1).timeseries
    sc = load_scenario(SMALL)
    t = sc.territory
    target = (np.ceil(sc.network.room_target_share_urban * t.communities)
              + np.ceil(sc.network.room_target_share_rural * t.villages)) / (t.communities
                                                                            + t.villages)
    assert ts["room_coverage"].iloc[-1] == pytest.approx(target, abs=1e-9)


def test_no_room_runs_unstaffed_beyond_the_limit():
    m = _model("workforce.community_workers=100", months=24)
    u, limit = m.units, m.params.staffing.max_unstaffed_months
    unit = m.workers.view("unit")
    staffed = np.bincount(unit[unit >= 0], minlength=len(u))
    rooms = u.room_of_community
    paying = u.status[rooms] >= Status.CONTRACTED
    empty = paying & (staffed[rooms] == 0) & ~m.staffing.hosted[rooms]
    assert (m.staffing.unstaffed_months[rooms][empty] <= limit).all()
    assert (m.staffing.unstaffed_months[rooms] <= limit).all()


def test_binhai_follows_its_calendar():
    """Seed 001: planned by end-April, hardware by end-May, operator and staff by end-July
    2022, a station in every street/town by end-2022."""
    ts = run(load_scenario(BINHAI, ["deterministic=true", "months=12"]), seed=1).timeseries
    at = ts.set_index("date")
    assert at.loc["2022-03", "stations_planned_share"] < 1.0
    assert at.loc["2022-04", "stations_planned_share"] == 1.0
    assert at.loc["2022-04", "stations_built_share"] < 1.0
    assert at.loc["2022-05", "stations_built_share"] == 1.0
    assert at.loc["2022-06", "station_coverage"] < 1.0
    assert (at.loc["2022-07":"2022-12", "station_coverage"] == 1.0).all()


def test_milestones_must_be_in_order(tmp_path, cli):
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: small_city\nname: bad\nnetwork:\n  milestones:\n    stations: "
                   "{plan: 2022-08, hardware: 2022-05, staff: 2022-07}\n", encoding="utf-8")
    refused(cli("validate", bad), "network.milestones.stations")


def test_a_village_room_with_no_community_worker_in_its_town_is_staffed_by_station_visits():
    m = _model()
    u, w, places = m.units, m.workers, m.places
    station = int(np.flatnonzero((u.tier == Tier.TOWN_STATION) & (u.status == Status.OPERATING))[0])
    area = u.place[station]
    villages = np.flatnonzero(places.comm_area == area)
    cw = np.isin(w.view("community"), villages) & w.view("community_worker")
    w.view("community")[cw] = int(np.flatnonzero(places.comm_area != area)[0])  # none left here
    rooms = u.room_of_community[villages]
    u.advance(rooms, Status.CONTRACTED, 0)
    extra = np.flatnonzero(w.view("alive") & (w.view("unit") < 0) & ~w.view("community_worker"))
    w.unit[extra[:2]], w.employer[extra[:2]] = station, Employer.PURCHASE
    stations.staff(m, within_budget=False)
    spare = int((w.view("unit") == station).sum()) - u.min_staff[station]  # beyond the minimum
    hosted = m.staffing.hosted[rooms]
    can = int(spare * m.params.staffing.rooms_per_station_worker)
    assert 0 < can < len(rooms) and hosted.sum() == can
    assert (u.status[rooms[hosted]] == Status.OPERATING).all()
    assert (u.status[rooms[~hosted]] == Status.CONTRACTED).all()


def test_required_staff_follows_ageing_but_not_one_off_events():
    """WISN staffing plans for the lasting workload: an ageing population raises required
    staff year by year; an epidemic's months of extra need do not (issues 15, items 1 and 6)."""
    from simulation import run
    from simulation.params import load_scenario

    def required(*sets):
        ts = run(load_scenario("small_city", ["deterministic=true", "months=36", *sets]),
                 seed=1).timeseries
        return ts.set_index("date")["required_staff"]

    flat = required("residents.elderly.share_drift=0")
    ageing = required("residents.elderly.share_drift=0.01")
    assert ageing["2024-12"] > flat["2024-12"] and ageing["2022-01"] == flat["2022-01"]
    event = ("residents.events=[{name: e, start: 2023-01, months: 3, multiplier: 3, "
             "types: [casework], groups: [elderly], source: test}]")
    assert (required(event) == required()).all()
