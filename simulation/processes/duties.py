"""Station duties (seed 001): casework cases, supervision hours, continuing education.

Each operating station is checked over the last 12 months (or the months it has
operated, pro rata): at least ``casework_cases`` cases completed by its own
workers (casework hours / hours per case), at least ``supervision_hours`` of
supervision (given by its intermediate and senior workers), and every worker with
``ce_hours`` of continuing education over the last 12 months (this calendar year's
hours plus last year's, pro rata).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..state import BoolArray, FloatArray, Level, Status, Tier

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["DUTIES", "DutyState", "init", "step"]

DUTIES = ("casework", "supervision", "ce_hours")


@dataclass
class DutyState:
    """Per station area: the last 12 months' duty work (month slot x area) and the verdict."""

    cases: FloatArray              # casework cases completed
    supervision: FloatArray        # supervision hours given
    months: FloatArray             # 1 where the station operated that month
    operating: BoolArray           # station operating this month
    met: dict[str, BoolArray] = field(default_factory=dict)  # duty -> met, by area


def init(model: SocialWorkModel) -> DutyState:
    n = model.places.n_areas
    return DutyState(cases=np.zeros((12, n)), supervision=np.zeros((12, n)),
                     months=np.zeros((12, n)), operating=np.zeros(n, dtype=bool),
                     met={name: np.zeros(n, dtype=bool) for name in DUTIES})


def step(model: SocialWorkModel) -> None:
    """Record this month's duty work and judge each station against its duties."""
    du, u, w, state = model.params.duties, model.units, model.workers, model.duties
    st = u.station_of_area
    operating = (u.status[st] == Status.OPERATING) & np.isin(
        u.tier[st], (Tier.STREET_STATION, Tier.TOWN_STATION))
    slot = model.steps % 12
    unit = w.view("unit")
    staffed = np.flatnonzero(unit >= 0)
    supervisors = np.bincount(unit[staffed], w.level[staffed] >= Level.INTERMEDIATE, len(u))[st]
    state.cases[slot] = (model.service.unit_casework_hours[st]
                         / model.params.service.casework_hours_per_case)
    state.supervision[slot] = supervisors * du.supervision_per_supervisor
    state.months[slot] = operating
    months = np.maximum(state.months.sum(axis=0), 1.0)
    share_of_year = months / 12.0
    met = state.met
    met["casework"] = state.cases.sum(axis=0) >= du.casework_cases * share_of_year - 1e-9
    met["supervision"] = (state.supervision.sum(axis=0)
                          >= du.supervision_hours * share_of_year - 1e-9)
    _, month = model.year_month
    # CE over the last 12 months: this year's hours plus the rest of last year's, pro rata
    last_12 = w.ce_hours[staffed] + w.ce_last_year[staffed] * (12 - month) / 12.0
    behind = last_12 < du.ce_hours - 1e-9
    lagging = np.bincount(unit[staffed], behind, len(u))[st]
    met["ce_hours"] = lagging == 0
    state.operating = operating
