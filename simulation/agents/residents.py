"""Residents (one row per community and need group): the need they bring each month."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..state import FloatArray

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["need"]


def need(model: SocialWorkModel) -> FloatArray:
    """New need this month, hours, type x community x group: a Poisson number of requests
    at each group's rate, times the hours of one request."""
    state = model.service
    hours: FloatArray = (model.draws["service"].poisson(state.request_rate)
                         * state.request_hours[:, None, None])
    return hours
