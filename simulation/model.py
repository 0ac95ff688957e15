"""The Mesa model: builds the world, steps one month at a time, collects metrics.

``SocialWorkModel.step`` is the ODD process overview (docs/ODD.md, section 3):
one line per process, in order. The model does no I/O.
"""

from __future__ import annotations

import mesa
import numpy as np
from mesa.agent import AgentSet

from . import outcomes
from .agents import ResidentCohort, SocialWorker, Station, VolunteerCohort
from .params import Scenario
from .processes import duties, funding, projects, service, stations, volunteers, workforce
from .randomness import Draws
from .state import Flows, Ledger, S, WorkerTable, month_label
from .territory import build_places, build_units

__all__ = ["RNG_STREAMS", "SocialWorkModel"]

#: one independent random stream per process, spawned from the run's SeedSequence;
#: append new streams at the end so existing ones keep their numbers
RNG_STREAMS = ("mesa", "territory", "workforce", "volunteers", "service", "projects", "funding")


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
        self.draws = {k: Draws(np.random.default_rng(v), scenario.deterministic)
                      for k, v in streams.items() if k != "mesa"}
        self.params = scenario
        self.flows = Flows()
        self.ledger = Ledger()
        self.records: list[dict[str, float | int | str]] = []

        self.places = build_places(scenario)
        self.units = build_units(scenario, self.places, self.draws["territory"].rng)
        self.initial_started = self.units.status >= S["planned"]
        self.station_agents = [Station(self, r) for r in range(len(self.units))]
        self.workers = WorkerTable(capacity=scenario.workforce.talent_total
                                   + scenario.workforce.community_workers)
        self.worker_agents: list[SocialWorker] = []
        service.init(self)
        workforce.init(self)
        volunteers.init(self)
        projects.init(self)
        duties.init(self)
        funding.init(self)
        self.volunteer_agents = [VolunteerCohort(self, c)
                                 for c in range(self.places.n_communities)]
        self.resident_agents = [ResidentCohort(self, c) for c in range(self.places.n_communities)]
        funding.open_month(self)
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

    def add_workers(self, n: int, **columns) -> np.ndarray:
        """Append ``n`` people to the worker table, each with its SocialWorker agent."""
        rows = self.workers.add(n, rank_key=self.draws["workforce"].uniform(n),
                                level_since=self.steps, **columns)
        self.worker_agents.extend(SocialWorker(self, int(r)) for r in rows)
        return rows

    def stations_at(self, rows: np.ndarray) -> AgentSet:
        """The Station agents of these unit rows, as an AgentSet."""
        return AgentSet([self.station_agents[r] for r in rows], random=self.random)

    def workers_at(self, rows: np.ndarray) -> AgentSet:
        """The SocialWorker agents of these worker rows, as an AgentSet."""
        return AgentSet([self.worker_agents[r] for r in rows], random=self.random)

    def compact_workers(self) -> None:
        """Reclaim the rows of people who have left, once they are a quarter of the table,
        so monthly array work scales with the living workforce (agents keep their identity;
        only their row index moves)."""
        w = self.workers
        if (w.n - int(w.view("alive").sum())) * 4 < w.n:
            return
        remap = w.compact()
        keep = np.flatnonzero(remap >= 0)
        self.worker_agents = [self.worker_agents[i] for i in keep]
        for row, agent in enumerate(self.worker_agents):
            agent.row = row
        for pending in self.pending_certificates:
            moved = remap[pending.rows]
            pending.rows, pending.levels = moved[moved >= 0], pending.levels[moved >= 0]

    def step(self) -> None:
        """One month, processes in ODD order."""
        self.flows = Flows()
        self.compact_workers()          # housekeeping: drop rows of people who have left
        funding.open_month(self)        # budgets, commitments, any cut in paid hours
        workforce.step(self)            # ageing, exits, training, exams, graduates
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

    def run(self) -> None:
        """Step through every month of the scenario."""
        for _ in range(self.params.months):
            self.step()
