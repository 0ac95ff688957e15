"""The Mesa model: builds the world, steps one month at a time, collects metrics.

``SocialWorkModel.step`` is the ODD process overview (docs/ODD.md, section 3):
one line per process, in order. The model does no I/O. Every attribute of the model
is set here, in the constructor; each process's state is a typed dataclass declared
in the process's module (docs/ODD.md, section 2).
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
from numpy.typing import NDArray

from . import outcomes
from .agents import labour
from .params import Scenario
from .processes import (
    duties,
    funding,
    projects,
    service,
    staffing,
    stations,
    volunteers,
    workforce,
)
from .randomness import Draws
from .state import (
    BoolArray,
    FloatArray,
    Flows,
    IntArray,
    Ledger,
    Places,
    Status,
    TierTable,
    UnitTable,
    WorkerTable,
    month_label,
    salary_by_level,
)
from .territory import build_places, build_units

__all__ = ["RNG_STREAMS", "SocialWorkModel"]

#: one independent random stream per process, spawned from the run's SeedSequence;
#: append new streams at the end so existing ones keep their numbers
RNG_STREAMS = ("mesa", "territory", "workforce", "volunteers", "service", "projects", "funding",
               "labour")


class SocialWorkModel(mesa.Model):
    """Grassroots social-work system of one region, monthly.

    Args:
        scenario: validated scenario.
        seed: the run's seed.
        replicate: replicate number; with ``seed`` it keys every random stream.
    """

    def __init__(self, scenario: Scenario, seed: int = 0, replicate: int = 0):
        seq = np.random.SeedSequence([int(seed), int(replicate)])
        streams = dict(zip(RNG_STREAMS, seq.spawn(len(RNG_STREAMS)), strict=True))
        super().__init__(rng=np.random.default_rng(streams["mesa"]))
        self.draws: dict[str, Draws] = {k: Draws(np.random.default_rng(v), scenario.deterministic)
                                        for k, v in streams.items() if k != "mesa"}
        self.params = scenario
        self.flows = Flows()
        self.ledger = Ledger()
        self.records: list[dict[str, float | int | str]] = []
        #: per month, each district's shares (outcomes.by_district), for the page's map
        self.district_records: list[dict[str, list[float]]] = []
        self.tiers = TierTable.from_scenario(scenario)
        self.salary: FloatArray = salary_by_level(scenario)  # yuan/month by Level, indexed yearly

        # the world and its agent sets (one row per agent; docs/ODD.md, section 2)
        self.places: Places = build_places(scenario)
        self.units: UnitTable = build_units(scenario, self.places, self.tiers,
                                            self.draws["territory"].rng)
        self.initial_started: BoolArray = self.units.status >= Status.PLANNED
        self.workers = WorkerTable(capacity=scenario.workforce.talent_total
                                   + scenario.workforce.community_workers)
        # each process's own state
        self.service: service.ServiceState = service.init(self)
        self.workforce: workforce.WorkforceState = workforce.init(self)
        self.volunteers: volunteers.VolunteerState = volunteers.init(self)
        self.projects: projects.ProjectState = projects.init(self)
        self.duties: duties.DutyState = duties.init(self)
        self.funding: funding.FundingState = funding.init(self)
        self.staffing: staffing.StaffingState = staffing.init(self)
        funding.open_month(self)
        staffing.assess(self)
        stations.staff(self, within_budget=False)  # the starting network is given, not bought
        self.record()

    @property
    def date(self) -> str:
        """Month of the latest step, YYYY-MM; before the first step, the month before start."""
        return month_label(self.params.start, self.steps - 1)

    @property
    def year_month(self) -> tuple[int, int]:
        y, m = self.date.split("-")
        return int(y), int(m)

    @property
    def post_cost(self) -> FloatArray:
        """What a salaried post costs its employer a month by level, yuan: the salary plus
        employer social insurance (seed 001 requires it for station staff)."""
        cost: FloatArray = self.salary * (1.0 + self.params.funding.social_insurance_share)
        return cost

    def add_workers(self, n: int, **columns: NDArray[Any] | float | int) -> IntArray:
        """Append ``n`` people to the worker table, each with its own rank key and, unless
        given, a home district (:func:`simulation.agents.labour.homes`)."""
        if "district" not in columns:
            columns["district"], columns["rural"] = labour.homes(self, n, columns.get("community"))
        return self.workers.add(n, rank_key=self.draws["workforce"].uniform(n),
                                level_since=self.steps, **columns)

    def step(self) -> None:
        """One month, processes in ODD order."""
        self.flows = Flows()
        workforce.compact(self)         # housekeeping: drop rows of people who have left
        funding.open_month(self)        # budgets, commitments, any cut in paid hours
        workforce.step(self)            # ageing, exits, training, exams, graduates
        staffing.assess(self)           # WISN: required staff per unit, funded posts
        stations.roll_out(self)         # plan, build, contract units within budget
        stations.staff(self)            # fill posts, open staffed units
        projects.step(self)             # social-organisation projects start and end
        volunteers.step(self)           # lapse, registration, activation
        service.step(self)              # need arises, is served, waits or is abandoned
        duties.step(self)               # casework, supervision, CE duties per station
        funding.close_month(self)       # spend by item and source
        self.record()

    def record(self) -> None:
        """Append this month's metrics (computed in :mod:`simulation.outcomes`)."""
        row: dict[str, float | int | str] = {"step": self.steps, "date": self.date}
        row.update(outcomes.collect(self))
        self.records.append(row)
        self.district_records.append(outcomes.by_district(self))

    def run(self) -> None:
        """Step through every month of the scenario."""
        for _ in range(self.params.months):
            self.step()
