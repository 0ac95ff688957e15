"""Volunteers: registration, lapse and monthly activation, by community.

Registered volunteers start at the scenario's share of each community's
population (seed 002: 19.26% in Tianjin); each month some lapse, new ones
register, and a share of the registered are active (registered != active).
How many active volunteers give service depends on social workers to
coordinate them: that is decided in the service process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..agents import volunteers as volunteer_agents
from ..state import IntArray

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["VolunteerState", "init", "step"]


@dataclass
class VolunteerState:
    """Volunteers by community: registered, and active this month (people)."""

    registered: IntArray
    active: IntArray


def init(model: SocialWorkModel) -> VolunteerState:
    v = model.params.volunteers
    people = model.places.population.sum(axis=1)
    registered = np.round(people * v.registered_share).astype(np.int64)
    return VolunteerState(registered=registered, active=volunteer_agents.be_active(model, registered))


def step(model: SocialWorkModel) -> None:
    """One month: lapses, new registrations, who is active."""
    state = model.volunteers
    volunteer_agents.lapse_and_register(model, state.registered)
    state.active = volunteer_agents.be_active(model, state.registered)
