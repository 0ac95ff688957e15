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
    return VolunteerState(registered=registered, active=_activate(model, registered))


def _activate(model: SocialWorkModel, registered: IntArray) -> IntArray:
    active: IntArray = np.asarray(model.draws["volunteers"].binomial(
        registered, model.params.volunteers.active_share))
    return active


def step(model: SocialWorkModel) -> None:
    """One month: lapses, new registrations, who is active."""
    v, draws, state = model.params.volunteers, model.draws["volunteers"], model.volunteers
    reg = state.registered
    lapse_p = 1.0 - (1.0 - v.lapse_rate) ** (1.0 / 12.0)
    people = model.places.population.sum(axis=1)
    reg -= draws.binomial(reg, lapse_p)
    reg += np.rint(draws.poisson(people * v.recruitment_rate / 12.0)).astype(np.int64)
    state.active = _activate(model, reg)
