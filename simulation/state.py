"""The model's state as arrays: the one place processes read and write.

Agents are Mesa objects that hold an index into these tables; the tables hold
the numbers, so that monthly processes and metrics are array operations
(a Python loop over agents costs ~40-300x more, shared/facts.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "EMPLOYERS",
    "STATUS",
    "TIERS",
    "Flows",
    "Ledger",
    "Places",
    "UnitTable",
    "WorkerTable",
    "month_label",
]

#: employer of a worker (issue 4's list, plus "community" for community workers
#: still in their residents' committee)
EMPLOYERS = ("purchase", "reassigned", "recruited", "social_org", "community", "other")
#: tiers of the three-tier network (seed 003)
TIERS = ("centre", "street_station", "town_station", "urban_room", "rural_room")
#: roll-out pipeline (seed 001): none -> planned -> built -> contracted -> operating
STATUS = ("none", "planned", "built", "contracted", "operating")

E = {name: i for i, name in enumerate(EMPLOYERS)}
T = {name: i for i, name in enumerate(TIERS)}
S = {name: i for i, name in enumerate(STATUS)}


def month_label(start: str, offset: int) -> str:
    """``start`` (YYYY-MM) shifted by ``offset`` months, as YYYY-MM."""
    y, m = (int(x) for x in start.split("-"))
    k = y * 12 + (m - 1) + offset
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


class WorkerTable:
    """One row per person who is, or may become, a social worker.

    level: 0 none, 1 staff (local certificate), 2 assistant, 3 intermediate, 4 senior.
    talent: counted in the social-work workforce (``social_workers_total``).
    community: home community of a community worker, else -1.
    unit: unit the worker staffs, else -1.
    """

    COLUMNS = {
        "alive": np.bool_, "talent": np.bool_, "community_worker": np.bool_,
        "level": np.int8, "employer": np.int8, "community": np.int32, "unit": np.int32,
        "age": np.float64, "level_since": np.int32, "rank_key": np.float64,
        "trained_at": np.int32, "ce_hours": np.float64, "ce_last_year": np.float64,
    }
    NEVER = -(10**6)  # trained_at of someone never trained

    def __init__(self, capacity: int = 1024):
        self.n = 0
        for name, dtype in self.COLUMNS.items():
            setattr(self, name, np.zeros(max(capacity, 16), dtype=dtype))

    def add(self, count: int, **values: np.ndarray | float | int) -> np.ndarray:
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

    def compact(self) -> np.ndarray:
        """Drop the rows of people who have left; returns old row -> new row (-1 if gone)."""
        keep = np.flatnonzero(self.view("alive"))
        remap = np.full(self.n, -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        for name in self.COLUMNS:
            col = getattr(self, name)
            col[: len(keep)] = col[keep]
        self.n = len(keep)
        return remap

    def view(self, name: str) -> np.ndarray:
        """The used part of a column."""
        return getattr(self, name)[: self.n]


@dataclass
class Places:
    """Territory: districts, streets/towns (station areas), communities/villages."""

    area_district: np.ndarray      # station area -> district
    area_urban: np.ndarray         # station area is a street (True) or a town
    comm_area: np.ndarray          # community -> station area
    comm_urban: np.ndarray         # community (True) or village
    population: np.ndarray         # community x group, people (expected counts)

    @property
    def n_areas(self) -> int:
        return len(self.area_district)

    @property
    def n_communities(self) -> int:
        return len(self.comm_area)


@dataclass
class UnitTable:
    """Centres, stations and rooms: tier, place, roll-out status, staffing targets."""

    tier: np.ndarray               # index into TIERS
    place: np.ndarray              # district / area / community index, by tier
    area: np.ndarray               # station area the unit serves (-1 for centres)
    district: np.ndarray
    status: np.ndarray             # index into STATUS
    status_since: np.ndarray       # step the status was entered
    min_staff: np.ndarray
    posts: np.ndarray              # funded posts (rooms: filled by reassignment)
    rollout_order: np.ndarray      # random key: lower keys are planned first

    def __len__(self) -> int:
        return len(self.tier)


@dataclass
class Ledger:
    """Money this month: budget by source, commitments and spend (yuan/month)."""

    budget: np.ndarray = field(default_factory=lambda: np.zeros(0))
    committed: float = 0.0
    spend: np.ndarray = field(default_factory=lambda: np.zeros(0))
    #: share of salaried staff hours the month's money pays for (< 1 only in a deficit)
    service_factor: float = 1.0

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
    need: np.ndarray | None = None          # group x type, hours
    served: np.ndarray | None = None        # group x type, hours
    abandoned: np.ndarray | None = None     # group x type, hours
    wait_weighted: np.ndarray | None = None  # group: sum of served hours x months waited
    served_by_provider: dict[str, float] = field(default_factory=dict)
    volunteers_coordinated: float = 0.0
    trainings: int = 0
    cost_by_item: dict[str, float] = field(default_factory=dict)  # yuan this month
