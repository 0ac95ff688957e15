"""Station duties (seed 001): casework cases, supervision hours, continuing education.

Each operating station is checked over the last 12 months (or the months it has
operated, pro rata): at least ``casework_cases`` cases completed by its own
workers (casework hours / hours per case), at least ``supervision_hours`` of
supervision (given by its intermediate and senior workers), and every worker with
``ce_hours`` of continuing education over the last 12 months (this calendar year's
hours plus last year's, pro rata).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..state import S, T

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["DUTIES", "init", "step"]

DUTIES = ("casework", "supervision", "ce_hours")


def init(model: SocialWorkModel) -> None:
    n = model.places.n_areas
    model.duty_window = {name: np.zeros((12, n)) for name in ("cases", "supervision", "months")}
    model.duty_met = {name: np.zeros(n, dtype=bool) for name in DUTIES}
    model.duty_operating = np.zeros(n, dtype=bool)


def step(model: SocialWorkModel) -> None:
    """Record this month's duty work and judge each station against its duties."""
    du, u, w = model.params.duties, model.units, model.workers
    first = model.params.territory.districts
    st = slice(first, first + model.places.n_areas)
    operating = (u.status[st] == S["operating"]) & np.isin(u.tier[st], (T["street_station"],
                                                                       T["town_station"]))
    slot = model.steps % 12
    unit = w.view("unit")
    staffed = np.flatnonzero(unit >= 0)
    supervisors = np.bincount(unit[staffed], w.level[staffed] >= 3, len(u))[st]
    window = model.duty_window
    window["cases"][slot] = model.unit_casework_hours[st] / model.params.service.casework_hours_per_case
    window["supervision"][slot] = supervisors * du.supervision_per_supervisor
    window["months"][slot] = operating
    months = np.maximum(window["months"].sum(axis=0), 1.0)
    share_of_year = months / 12.0
    met = model.duty_met
    met["casework"] = window["cases"].sum(axis=0) >= du.casework_cases * share_of_year - 1e-9
    met["supervision"] = (window["supervision"].sum(axis=0)
                          >= du.supervision_hours * share_of_year - 1e-9)
    _, month = model.year_month
    # CE over the last 12 months: this year's hours plus the rest of last year's, pro rata
    last_12 = w.ce_hours[staffed] + w.ce_last_year[staffed] * (12 - month) / 12.0
    behind = last_12 < du.ce_hours - 1e-9
    lagging = np.bincount(unit[staffed], behind, len(u))[st]
    met["ce_hours"] = lagging == 0
    model.duty_operating = operating
