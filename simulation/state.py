"""The model's state: enums, tables of agents and places, and the month's ledger and flows.

Every agent kind is a vectorised agent set: one row per agent in numpy columns
(Starsim's people arrays, mesa-frames' agent sets), so that each decision is taken
for the whole set at once. Process state lives in typed dataclasses declared in
the module that owns it; what one process hands another is a named field here
(:class:`Flows`) or of the owner's state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from .params import Scenario

__all__ = [
    "EMPLOYERS",
    "STATUS",
    "ROOM_TIERS",
    "STATION_TIERS",
    "TIERS",
    "BoolArray",
    "Employer",
    "FloatArray",
    "Flows",
    "IntArray",
    "Ledger",
    "Level",
    "Places",
    "Status",
    "Tier",
    "TierTable",
    "UnitTable",
    "WorkerTable",
    "month_label",
    "months_between",
    "salary_by_level",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.signedinteger[Any]]
BoolArray = NDArray[np.bool_]


class Level(IntEnum):
    """Certification ladder (seed 000): none -> staff (Tianjin's local certificate) ->
    assistant -> intermediate -> senior. A worker is *professional* from STAFF up and
    *nationally certified* from ASSISTANT up."""

    NONE = 0
    STAFF = 1
    ASSISTANT = 2
    INTERMEDIATE = 3
    SENIOR = 4


class Tier(IntEnum):
    """Tiers of the three-tier network (seed 003)."""

    CENTRE = 0
    STREET_STATION = 1
    TOWN_STATION = 2
    URBAN_ROOM = 3
    RURAL_ROOM = 4


class Status(IntEnum):
    """Roll-out pipeline (seed 001): none -> planned -> built -> contracted -> operating."""

    NONE = 0
    PLANNED = 1
    BUILT = 2
    CONTRACTED = 3
    OPERATING = 4


class Employer(IntEnum):
    """Employer of a worker (issue 4's list, plus COMMUNITY for community workers still
    in their residents' committee)."""

    PURCHASE = 0
    REASSIGNED = 1
    RECRUITED = 2
    SOCIAL_ORG = 3
    COMMUNITY = 4
    OTHER = 5


#: names, in enum order (used for metric names and labels)
EMPLOYERS = tuple(e.name.lower() for e in Employer)
TIERS = tuple(t.name.lower() for t in Tier)
STATUS = tuple(s.name.lower() for s in Status)
#: the tiers whose posts are salaried (filled by purchase of services or recruitment)
STATION_TIERS = (Tier.CENTRE, Tier.STREET_STATION, Tier.TOWN_STATION)
ROOM_TIERS = (Tier.URBAN_ROOM, Tier.RURAL_ROOM)

# name -> index, kept for code that spells names (outcomes)
E = {e.name.lower(): int(e) for e in Employer}
T = {t.name.lower(): int(t) for t in Tier}
S = {s.name.lower(): int(s) for s in Status}


def months_between(start: str, end: str) -> int:
    """Months from ``start`` to ``end`` (both YYYY-MM); negative when ``end`` comes first."""
    ys, ms = (int(x) for x in start.split("-")[:2])
    ye, me = (int(x) for x in end.split("-")[:2])
    return (ye - ys) * 12 + (me - ms)


def month_label(start: str, offset: int) -> str:
    """``start`` (YYYY-MM) shifted by ``offset`` months, as YYYY-MM."""
    y, m = (int(x) for x in start.split("-"))
    k = y * 12 + (m - 1) + offset
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


@dataclass(frozen=True)
class TierTable:
    """Per-tier parameters, indexed by :class:`Tier`: the one place the scenario's
    per-tier keys (``network.min_staff_*``, ``funding.operating_*``, ...) become arrays."""

    min_staff: IntArray          # workers
    posts: IntArray              # funded posts (at least the minimum; rooms: 0 funded)
    initial_share: FloatArray    # share of units contracted at start
    operating: FloatArray        # operating cost, yuan/year
    salaried: BoolArray          # posts paid from the budget (centres and stations)

    @classmethod
    def from_scenario(cls, sc: Scenario) -> TierTable:
        nw, f = sc.network, sc.funding
        min_staff = np.array([nw.min_staff_centre, nw.min_staff_street, nw.min_staff_town,
                              nw.min_staff_urban_room, nw.min_staff_rural_room], dtype=np.int32)
        funded = np.array([nw.centre_posts, nw.station_posts, nw.station_posts, 0, 0],
                          dtype=np.int32)
        return cls(min_staff=min_staff, posts=np.maximum(min_staff, funded),
                   initial_share=np.array([nw.centres_initial_share, nw.stations_initial_share,
                                           nw.stations_initial_share,
                                           nw.rooms_initial_share_urban,
                                           nw.rooms_initial_share_rural]),
                   operating=np.array([f.operating_centre, f.operating_station,
                                       f.operating_station, f.operating_room, f.operating_room]),
                   salaried=np.isin(np.arange(len(Tier)), STATION_TIERS))


def salary_by_level(sc: Scenario, years: int = 0) -> FloatArray:
    """Monthly salary (yuan) by :class:`Level`, ``years`` after the start year (indexed
    yearly by ``funding.wage_growth``)."""
    f = sc.funding
    return np.array([f.salary_none, f.salary_staff, f.salary_assistant, f.salary_intermediate,
                     f.salary_senior]) * (1.0 + f.wage_growth) ** years


class WorkerTable:
    """The social workers and community workers: one row per person who is, or may
    become, a social worker (a vectorised agent set).

    level: :class:`Level`. talent: counted in the social-work workforce
    (``social_workers_total``). community: home community of a community worker, else -1.
    degree: holds a social-work degree. grid_worker: one of the grid workers (seed 002),
    a pool outside the workforce until certified. failures: exams failed so far.
    unit: unit the worker staffs, else -1. district, rural: where the person lives (their
    labour market). Rows of people who left are reclaimed by
    :meth:`compact`, so a row is not an identity across months.
    """

    COLUMNS: dict[str, type[np.generic]] = {
        "alive": np.bool_, "talent": np.bool_, "community_worker": np.bool_,
        "level": np.int8, "employer": np.int8, "community": np.int32, "unit": np.int32,
        "age": np.float64, "level_since": np.int32, "rank_key": np.float64,
        "trained_at": np.int32, "ce_hours": np.float64, "ce_last_year": np.float64,
        "degree": np.bool_, "grid_worker": np.bool_, "failures": np.int8,
        "district": np.int32, "rural": np.bool_, "pay_premium": np.float64,
    }
    NEVER = -(10**6)  # trained_at of someone never trained

    alive: BoolArray
    talent: BoolArray
    community_worker: BoolArray
    level: IntArray
    employer: IntArray
    community: IntArray
    unit: IntArray
    age: FloatArray
    level_since: IntArray
    rank_key: FloatArray
    trained_at: IntArray
    ce_hours: FloatArray
    ce_last_year: FloatArray
    degree: BoolArray
    grid_worker: BoolArray
    failures: IntArray
    district: IntArray      # home district (local labour market; simulation/agents/labour.py)
    rural: BoolArray        # home in a village (True) or an urban community
    pay_premium: FloatArray  # share added to salary (hired from a neighbouring district)

    def __init__(self, capacity: int = 1024):
        self.n = 0
        for name, dtype in self.COLUMNS.items():
            setattr(self, name, np.zeros(max(capacity, 16), dtype=dtype))

    def add(self, count: int, **values: NDArray[Any] | float | int) -> IntArray:
        """Append ``count`` rows; columns not given start at 0/False (-1 for places)."""
        need = self.n + count
        cap = len(self.alive)
        if need > cap:
            new_cap = max(need, 2 * cap)
            for name in self.COLUMNS:
                old = getattr(self, name)
                grown = np.zeros(new_cap, dtype=old.dtype)
                grown[: self.n] = old[: self.n]
                setattr(self, name, grown)
        idx = np.arange(self.n, need)
        for name in self.COLUMNS:  # rows past n may hold people compacted away
            getattr(self, name)[idx] = 0
        self.community[idx] = -1
        self.unit[idx] = -1
        self.trained_at[idx] = self.NEVER
        self.alive[idx] = True
        for name, value in values.items():
            getattr(self, name)[idx] = value
        self.n = need
        return idx

    def compact(self) -> IntArray:
        """Drop the rows of people who have left; returns old row -> new row (-1 if gone)."""
        keep = np.flatnonzero(self.view("alive"))
        remap = np.full(self.n, -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        for name in self.COLUMNS:
            col = getattr(self, name)
            col[: len(keep)] = col[keep]
        self.n = len(keep)
        return remap

    def view(self, name: str) -> NDArray[Any]:
        """The used part of a column."""
        column: NDArray[Any] = getattr(self, name)[: self.n]
        return column

    def registrant_group(self) -> IntArray:
        """Each row's exam registrant group (index into ``REGISTRANT_GROUPS``): community
        workers, grid workers, the rest of the workforce; -1 for anyone in none of them."""
        group: IntArray = np.where(self.view("community_worker"), 0,
                                   np.where(self.view("grid_worker"), 1,
                                            np.where(self.view("talent"), 2, -1))).astype(np.int8)
        return group

    def certify(self, rows: IntArray, level: IntArray | int, step: int) -> int:
        """These people take up a certificate at ``level`` (never lower than what they
        hold); returns how many of them join the workforce by it. ``rows`` are distinct."""
        self.level[rows] = np.maximum(level, self.level[rows])
        self.level_since[rows] = step
        joined = int((~self.talent[rows]).sum())
        self.talent[rows] = True
        return joined

    def leave(self, rows: IntArray) -> None:
        """These people leave the system for good (attrition, retirement, turnover)."""
        self.alive[rows] = False
        self.unit[rows] = -1


@dataclass
class Places:
    """Territory: districts, streets/towns (station areas), communities/villages."""

    area_district: IntArray        # station area -> district
    area_urban: BoolArray          # station area is a street (True) or a town
    comm_area: IntArray            # community -> station area
    comm_urban: BoolArray          # community (True) or village
    population: FloatArray         # community x group, people (expected counts)

    @property
    def n_areas(self) -> int:
        return len(self.area_district)

    @property
    def n_communities(self) -> int:
        return len(self.comm_area)


@dataclass
class UnitTable:
    """Centres, stations and rooms (a vectorised agent set): tier, place, roll-out status,
    staffing targets, and index arrays from places to their units."""

    tier: IntArray                 # Tier
    place: IntArray                # district / area / community index, by tier
    area: IntArray                 # station area the unit serves (-1 for centres)
    district: IntArray
    status: IntArray               # Status
    status_since: IntArray         # step the status was entered
    min_staff: IntArray
    posts: IntArray                # funded posts (rooms: filled by reassignment)
    rollout_order: FloatArray      # random key: lower keys are planned first
    centre_of_district: IntArray   # district -> its centre's row
    station_of_area: IntArray      # station area -> its station's row
    room_of_community: IntArray    # community -> its room's row

    def __len__(self) -> int:
        return len(self.tier)

    def advance(self, rows: IntArray, status: Status, step: int) -> None:
        """These units move along the roll-out pipeline to ``status`` at ``step``."""
        self.status[rows] = status
        self.status_since[rows] = step


@dataclass
class Ledger:
    """Money this month: budget by source, commitments and spend (yuan/month)."""

    budget: FloatArray = field(default_factory=lambda: np.zeros(0))
    committed: float = 0.0
    spend: FloatArray = field(default_factory=lambda: np.zeros(0))
    #: share of salaried staff hours the month's money pays for (< 1 only in a deficit)
    service_factor: float = 1.0
    #: share of running projects' hours the month's money pays for (< 1 only in a deficit)
    project_factor: float = 1.0
    #: what each line paid of each cost item this month, item x source (yuan)
    paid: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))

    @property
    def headroom(self) -> float:
        return float(self.budget.sum()) - self.committed


@dataclass
class Flows:
    """What happened during the current month; reset at its start."""

    entries: int = 0
    exits: int = 0
    registrations: int = 0
    passes: int = 0
    need: FloatArray | None = None          # group x type, hours
    served: FloatArray | None = None        # group x type, hours
    abandoned: FloatArray | None = None     # group x type, hours
    wait_weighted: FloatArray | None = None  # group: sum of served hours x months waited
    served_by_provider: dict[str, float] = field(default_factory=dict)
    volunteers_coordinated: float = 0.0
    trainings: int = 0
    #: registrations by registrant group (``REGISTRANT_GROUPS``), in the exam month
    registrations_by_group: IntArray | None = None
    #: what the policies cost this month by cost item (exam bonuses and allowances:
    #: ``incentives``; the policy kinds' own items), yuan
    policy_costs: dict[str, float] = field(default_factory=dict)
    cost_by_item: dict[str, float] = field(default_factory=dict)  # yuan this month
    cuts_by_item: dict[str, float] = field(default_factory=dict)  # not bought for want of money
    arrears: float = 0.0                    # cost bought that no line paid (funding_gap), yuan
    backlog_start: FloatArray | None = None  # group x type, hours waiting at the month's start
