"""The Mesa model: builds the world, steps one month at a time, collects metrics.

``SocialWorkModel.step`` is the ODD process overview (docs/ODD.md, section 3):
one line per process, in order. The model does no I/O (a scenario given by name or path
is read by :func:`simulation.params.load_scenario`). Every attribute of the model is set
here, in the constructor; each process's state is a typed dataclass declared in the
process's module (docs/ODD.md, section 2).

The Mesa way (docs/ODD.md, section 4, Observation)::

    model = SocialWorkModel(scenario="small_city", rng=1, **{"workforce.exam.worth_effect": 3.0})
    model.run()                       # or: while model.running: model.step()
    model.datacollector.get_model_vars_dataframe()   # the monthly table

    mesa.batch_run(SocialWorkModel, parameters={"scenario": "small_city",
                   "workforce.exam.worth_effect": [2.0, 8.0]}, max_steps=12, rng=[1])
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from numpy.typing import NDArray

from . import outcomes
from .agents import labour
from .params import Scenario, load_scenario
from .params.loader import ScenarioError, SourceMap, apply_sets, validate_mapping
from .params.schema import scenario_policies
from .policies import PolicyBase
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

__all__ = ["RNG_STREAMS", "SocialWorkModel", "scenario_of"]

#: one independent random stream per process, spawned from the run's SeedSequence;
#: append new streams at the end so existing ones keep their numbers
RNG_STREAMS = ("mesa", "territory", "workforce", "volunteers", "service", "projects", "funding",
               "labour")


def _yaml(value: Any) -> str:
    """A Python value as YAML flow text the loader reads back as that value (floats keep
    every digit; NaN and infinities stay so, for the loader to refuse as on the CLI)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
        text = repr(value)  # YAML 1.1 reads 1e-05 as text: write 1.0e-05
        return text.replace("e", ".0e", 1) if "e" in text and "." not in text else text
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a double-quoted YAML scalar
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_yaml(k)}: {_yaml(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value).__name__)


def _set_text(key: str, value: Any) -> str:
    """One keyword override as the ``--set`` item it stands for: text is taken as written
    on the command line (``"[lottery]"`` is a list, as with ``--set``); any other value is
    written as YAML, exactly."""
    if isinstance(value, str):
        return f"{key}={value}"
    try:
        return f"{key}={_yaml(value)}"
    except TypeError as exc:
        raise ScenarioError("--set", f"cannot use a {exc} as a value", key) from None


def scenario_of(scenario: Scenario | str | Path | None = None,
                overrides: dict[str, Any] | None = None) -> Scenario:
    """The scenario a keyword construction names: a validated :class:`Scenario`, a shipped
    name or a YAML path (None: the Tianjin baseline), with ``overrides`` (dotted key path:
    value) applied as ``--set`` items, through the loader's own ``--set`` machinery; a bad
    override raises its :class:`ScenarioError` (``--set: key.path: message``)."""
    sets = [_set_text(key, value) for key, value in (overrides or {}).items()]
    if not isinstance(scenario, Scenario):
        return load_scenario(scenario, sets)
    if not sets:
        return scenario
    data = apply_sets(scenario.model_dump(), sets)
    return validate_mapping(data, SourceMap([("--set", {})]))  # type: ignore[return-value]


def _seed_of(seed: Any, rng: Any) -> int:
    """The run seed from ``seed`` (swsim's name) or ``rng`` (Mesa's, which ``batch_run``
    passes): a whole number; neither given is seed 0."""
    if seed is not None and rng is not None:
        raise ValueError("give seed or rng, not both (both are the run seed)")
    value = seed if seed is not None else rng
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"the seed (rng) must be a whole number, as swsim run --seed; got "
                        f"{type(value).__name__}")
    return int(value)


class SocialWorkModel(mesa.Model):
    """Grassroots social-work system of one region, monthly.

    ``SocialWorkModel(scenario, seed, replicate)`` runs replicate ``replicate`` of
    ``swsim run --seed seed``. Mesa's keyword form builds the same model:
    ``SocialWorkModel(scenario="small_city", rng=1, **{"workforce.exam.worth_effect": 3.0})``
    is ``swsim run small_city --seed 1 --set workforce.exam.worth_effect=3.0`` (replicate 0).

    Args:
        scenario: validated scenario, shipped name or YAML path (None: the Tianjin baseline).
        seed: the run's seed (default 0).
        replicate: replicate number; with ``seed`` it keys every random stream.
        rng: Mesa's name for the seed (what ``mesa.batch_run`` passes): give one of the two.
        **overrides: parameters by dotted key path, as ``--set`` (see :func:`scenario_of`).

    The month's metrics are collected by ``datacollector`` (a ``mesa.DataCollector`` whose
    model reporters are the metric registry's, :func:`simulation.outcomes.model_reporters`);
    ``running`` turns False after the scenario's last month (``max_steps`` of ``batch_run``
    may stop it earlier).
    """

    def __init__(self, scenario: Scenario | str | Path | None = None, seed: int | None = None,
                 replicate: int = 0, *, rng: int | None = None, **overrides: Any):
        scenario = scenario_of(scenario, overrides)
        seed = _seed_of(seed, rng)
        seq = np.random.SeedSequence([int(seed), int(replicate)])
        streams = dict(zip(RNG_STREAMS, seq.spawn(len(RNG_STREAMS)), strict=True))
        super().__init__(rng=np.random.default_rng(streams["mesa"]))
        self.draws: dict[str, Draws] = {k: Draws(np.random.default_rng(v), scenario.deterministic)
                                        for k, v in streams.items() if k != "mesa"}
        self.params: Scenario = scenario
        #: the scenario's policies in the order they act (old keys translated, then policies:)
        self.policies: list[PolicyBase] = scenario_policies(scenario)
        self.flows: Flows = Flows()
        self.ledger: Ledger = Ledger()
        #: the month's metrics, one model reporter per output column (step, date, metrics)
        self.datacollector = mesa.DataCollector(model_reporters=outcomes.model_reporters())
        self._rows: list[dict[str, float | int | str]] = []  # records, read from datacollector
        #: the state tables' quantities the month's reporters share (set while collecting)
        self.snapshot: outcomes.Snapshot | None = None
        #: per month, each district's shares (outcomes.by_district), for the page's map
        self.district_records: list[dict[str, list[float]]] = []
        self.tiers = TierTable.from_scenario(scenario)
        self.salary: FloatArray = salary_by_level(scenario)  # yuan/month by Level, indexed yearly

        # the world and its agent sets (one row per agent; docs/ODD.md, section 2)
        self.places: Places = build_places(scenario)
        self.units: UnitTable = build_units(scenario, self.places, self.tiers,
                                            self.draws["territory"].rng)
        self.initial_started: BoolArray = self.units.status >= Status.PLANNED
        self.workers: WorkerTable = WorkerTable(capacity=scenario.workforce.talent_total
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
    def records(self) -> list[dict[str, float | int | str]]:
        """The monthly table as rows (step 0 is the starting state): the datacollector's
        model variables, one dict per collected month, columns in registry order."""
        table = self.datacollector.model_vars
        done, n = len(self._rows), len(table["step"])
        if done < n:
            names = list(table)
            self._rows.extend({k: table[k][i] for k in names} for i in range(done, n))
        return self._rows

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
        self.running = self.steps < self.params.months

    def record(self) -> None:
        """Collect this month's metrics (computed in :mod:`simulation.outcomes`) into
        ``datacollector``, from one snapshot of the state tables."""
        self.snapshot = outcomes.Snapshot(self)
        self.datacollector.collect(self)
        self.district_records.append(outcomes.by_district(self))
        self.snapshot = None

    def run(self) -> None:
        """Step through every month of the scenario."""
        for _ in range(self.params.months):
            self.step()
