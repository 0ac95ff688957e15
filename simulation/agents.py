"""The four kinds of Mesa agent: stations, social workers, volunteers, residents.

Stations and social workers are one agent each. Volunteers and residents are
cohort agents, one per community, each standing for all of that community's
registered volunteers or residents (its ``scale``, in people). Every agent
reads and writes its numbers in the model's state tables (:mod:`simulation.state`)
through its index, so whole-city processes stay array operations while each
agent remains a real, inspectable Mesa agent that acts at its own events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from .state import EMPLOYERS, STATUS, TIERS

if TYPE_CHECKING:
    from .model import SocialWorkModel

__all__ = ["ResidentCohort", "SocialWorker", "Station", "VolunteerCohort"]


class SocialWorker(mesa.Agent):
    """One person on (or able to climb) the certification ladder.

    Acts at events, not by a monthly step: certification, assignment to a unit
    and leaving the workforce.
    """

    model: SocialWorkModel

    def __init__(self, model: SocialWorkModel, row: int):
        super().__init__(model)
        self.row = row

    @property
    def level(self) -> int:
        return int(self.model.workers.level[self.row])

    @property
    def employer(self) -> str:
        return EMPLOYERS[self.model.workers.employer[self.row]]

    @property
    def unit(self) -> int:
        return int(self.model.workers.unit[self.row])

    @property
    def age(self) -> float:
        return float(self.model.workers.age[self.row])

    @property
    def is_talent(self) -> bool:
        return bool(self.model.workers.talent[self.row])

    def certify(self, level: int) -> bool:
        """Take up a certificate; returns True if this makes the person join the workforce."""
        w = self.model.workers
        w.level[self.row] = max(level, int(w.level[self.row]))
        w.level_since[self.row] = self.model.steps
        joined = not w.talent[self.row]
        w.talent[self.row] = True
        return joined

    def leave(self) -> None:
        """Leave the system for good (attrition, retirement, turnover)."""
        w = self.model.workers
        w.alive[self.row] = False
        w.unit[self.row] = -1
        self.remove()


class Station(mesa.Agent):
    """A district guidance centre, street/town station or community/village room."""

    model: SocialWorkModel

    def __init__(self, model: SocialWorkModel, row: int):
        super().__init__(model)
        self.row = row

    @property
    def tier(self) -> str:
        return TIERS[self.model.units.tier[self.row]]

    @property
    def status(self) -> str:
        return STATUS[self.model.units.status[self.row]]

    def advance_to(self, status: str) -> None:
        """Move along the roll-out pipeline (planned -> built -> contracted -> operating)."""
        u = self.model.units
        u.status[self.row] = STATUS.index(status)
        u.status_since[self.row] = self.model.steps


class VolunteerCohort(mesa.Agent):
    """The registered volunteers of one community; ``scale`` people."""

    model: SocialWorkModel

    def __init__(self, model: SocialWorkModel, community: int):
        super().__init__(model)
        self.community = community

    @property
    def scale(self) -> int:
        return int(self.model.volunteers_registered[self.community])

    @property
    def active(self) -> int:
        return int(self.model.volunteers_active[self.community])


class ResidentCohort(mesa.Agent):
    """The residents of one community, by need group; ``scale`` people."""

    model: SocialWorkModel

    def __init__(self, model: SocialWorkModel, community: int):
        super().__init__(model)
        self.community = community

    @property
    def scale(self) -> float:
        return float(self.model.places.population[self.community].sum())

    @property
    def by_group(self) -> np.ndarray:
        """People by need group (``simulation.params.GROUPS`` order)."""
        return self.model.places.population[self.community]

    @property
    def backlog_hours(self) -> float:
        """Need hours of this community waiting for service."""
        return float(self.model.backlog[:, self.community].sum())
