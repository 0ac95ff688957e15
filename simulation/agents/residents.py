"""Residents (one row per community and need group): the need they bring each month.

Need changes over time (issue 15, item 6): each group's population share drifts at its
``share_drift`` a year ('others' take up the difference, so the population is
unchanged), its need rates grow at ``need_growth`` a year, and events (an epidemic, a
disaster) multiply the need of some groups and service types for some months. The
drift moves every community's group in the same proportion (assumption: ageing is
even across places).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..params import GROUPS, SERVICE_TYPES
from ..state import FloatArray, month_label

if TYPE_CHECKING:
    from ..model import SocialWorkModel
    from ..params import Scenario

__all__ = ["group_shares", "need", "need_factor"]


def group_shares(sc: Scenario, months: float) -> FloatArray:
    """Population share of each group ``months`` after the start (sums to 1)."""
    r = sc.residents
    years = months / 12.0
    shares = np.array([max(getattr(r, g).share + getattr(r, g).share_drift * years, 0.0)
                       for g in GROUPS[:-1]])
    rest = max(1.0 - shares.sum(), 0.0)  # 'others' (the last group) take up the drift
    out: FloatArray = np.r_[shares, rest] / (shares.sum() + rest)
    return out


def need_factor(sc: Scenario, step: int, events: bool = True) -> FloatArray:
    """Need of month ``step`` (1 = the first) relative to the start, type x group: share
    drift x rate trend x events under way (left out with ``events=False``)."""
    r = sc.residents
    months = max(step - 1, 0)
    base = np.array([getattr(r, g).share for g in GROUPS])
    drift = np.divide(group_shares(sc, months), base, out=np.ones(len(GROUPS)), where=base > 0)
    trend = np.array([(1.0 + getattr(r, g).need_growth) ** (months / 12.0) for g in GROUPS])
    factor: FloatArray = np.tile(drift * trend, (len(SERVICE_TYPES), 1))
    now = month_label(sc.start, months)
    for ev in (r.events if events else ()):
        if ev.start <= now < month_label(ev.start, ev.months):  # YYYY-MM compares in order
            t = [SERVICE_TYPES.index(x) for x in ev.types]
            g = [GROUPS.index(x) for x in ev.groups]
            factor[np.ix_(t, g)] *= ev.multiplier
    return factor


def need(model: SocialWorkModel) -> FloatArray:
    """New need this month, hours, type x community x group: a Poisson number of requests
    at each group's rate (scaled by :func:`need_factor`), times the hours of one request."""
    state = model.service
    rate = state.request_rate * need_factor(model.params, model.steps)[:, None, :]
    hours: FloatArray = model.draws["service"].poisson(rate) * state.request_hours[:, None, None]
    return hours
