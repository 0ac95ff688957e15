"""Volunteers (one row per community: its registered volunteers): whether they lapse,
who registers, and whether a registered volunteer is active this month."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..state import IntArray

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["be_active", "lapse_and_register"]


def be_active(model: SocialWorkModel, registered: IntArray) -> IntArray:
    """Active volunteers this month: each registered volunteer with ``active_share``."""
    active: IntArray = np.asarray(model.draws["volunteers"].binomial(
        registered, model.params.volunteers.active_share))
    return active


def lapse_and_register(model: SocialWorkModel, registered: IntArray) -> None:
    """Registered volunteers lapse (``lapse_rate`` a year) and residents register
    (``recruitment_rate`` of the population a year), in place."""
    v, draws = model.params.volunteers, model.draws["volunteers"]
    lapse_p = 1.0 - (1.0 - v.lapse_rate) ** (1.0 / 12.0)
    people = model.places.population.sum(axis=1)
    registered -= draws.binomial(registered, lapse_p)
    registered += np.rint(draws.poisson(people * v.recruitment_rate / 12.0)).astype(np.int64)
