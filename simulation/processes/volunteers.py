"""Volunteers: registration, lapse and monthly activation, by community.

Registered volunteers start at the scenario's share of each community's
population (seed 002: 19.26% in Tianjin); each month some lapse, new ones
register, and a share of the registered are active (registered != active).
How many active volunteers give service depends on social workers to
coordinate them: that is decided in the service process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["init", "step"]


def init(model: SocialWorkModel) -> None:
    v = model.params.volunteers
    people = model.places.population.sum(axis=1)
    model.volunteers_registered = np.round(people * v.registered_share).astype(np.int64)
    _activate(model)


def _activate(model: SocialWorkModel) -> None:
    v = model.params.volunteers
    model.volunteers_active = model.draws["volunteers"].binomial(model.volunteers_registered,
                                                                 v.active_share)


def step(model: SocialWorkModel) -> None:
    """One month: lapses, new registrations, who is active."""
    v, draws = model.params.volunteers, model.draws["volunteers"]
    reg = model.volunteers_registered
    lapse_p = 1.0 - (1.0 - v.lapse_rate) ** (1.0 / 12.0)
    people = model.places.population.sum(axis=1)
    reg -= draws.binomial(reg, lapse_p)
    reg += np.rint(draws.poisson(people * v.recruitment_rate / 12.0)).astype(np.int64)
    _activate(model)
