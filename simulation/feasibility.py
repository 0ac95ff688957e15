"""Warnings for scenarios that cannot do what they ask (``swsim validate`` and ``swsim run``).

A scenario can be valid and still not able to reach its own plan: money that cannot
pay for the stations its targets require by the deadline, a start after a deadline,
a certified-share target with no exam takers to reach it. Each check here is a rough,
stated estimate made before any run (no simulation); each warning names the key to
change and by how much. They are warnings, not errors: exit status stays 0.

The network's yearly cost (:func:`network_cost`) counts, at the target coverage: the
operating cost of every centre, station and room; the funded posts of centres and
stations at the assistant's salary (assumption: posts are filled by certified workers
first; the model commits the staff-certificate salary for a vacant post, so this is
the cautious side); the training programme and the projects. It leaves out payment
by service volume, so a budget just above it can still fall short.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .params import Scenario
from .params.schema import SOURCES
from .state import months_between

__all__ = ["TIGHT", "Warning_", "check", "network_cost", "yearly_budget"]


@dataclass(frozen=True)
class Warning_:
    """One warning: the key path to change and what is wrong (and what to do)."""

    key: str
    message: str

    def line(self, file: str) -> str:
        return f"warning: {file}: {self.key}: {self.message}"


def network_cost(sc: Scenario, years: int = 0) -> dict[str, float]:
    """Yuan a year the network at its target coverage costs, by item (see module doc),
    ``years`` after the start (salaries indexed by ``wage_growth``, with social insurance)."""
    t, nw, f, wf = sc.territory, sc.network, sc.funding, sc.workforce
    post_year = (12.0 * f.salary_assistant * (1.0 + f.social_insurance_share)
                 * (1.0 + f.wage_growth) ** max(years, 0))
    stations = math.ceil(nw.station_target_share * (t.streets + t.towns) - 1e-9)
    rooms = (math.ceil(nw.room_target_share_urban * t.communities - 1e-9)
             + math.ceil(nw.room_target_share_rural * t.villages - 1e-9))
    return {
        "centres": t.districts * (f.operating_centre + nw.centre_posts * post_year),
        "stations": stations * (f.operating_station + nw.station_posts * post_year),
        "rooms": rooms * f.operating_room,
        "training": wf.training.capacity * wf.training.cost_per_trainee,
        "projects": sc.projects.per_year * sc.projects.cost_per_project,
    }


def yearly_budget(sc: Scenario, years: int) -> float:
    """Money of all sources in year ``years`` after the start (no shocks: their mean is 1)."""
    sources = (getattr(sc.funding.sources, name) for name in SOURCES)
    return sum(s.amount * (1.0 + s.growth) ** max(years, 0) for s in sources)


#: money within this factor of the counted cost is tight: payment by service volume, not
#: counted, was 7% of the cost in docs/tutorial.md's city (0.39 of 5.59 M yuan in 2025)
TIGHT = 1.05


def _money(sc: Scenario) -> list[Warning_]:
    nw = sc.network
    deadline = min(nw.station_deadline, nw.room_deadline)
    years = max(0, months_between(sc.start, deadline) // 12)
    costs = network_cost(sc, years)
    cost, budget = sum(costs.values()), yearly_budget(sc, years)
    if budget >= TIGHT * cost:
        return []
    if budget >= cost:
        return [Warning_("funding.sources.purchase.amount",
                         f"the money by {deadline} ({budget / 1e6:,.2f} M yuan a year) covers the "
                         f"network the targets require ({cost / 1e6:,.2f} M a year) by less than "
                         f"{TIGHT - 1:.0%}, with nothing counted for payment by service volume: "
                         f"the last stations or rooms may stay unbuilt. Consider raising "
                         f"funding.sources.purchase.amount by {TIGHT * cost - budget:,.0f}")]
    items = ", ".join(f"{k} {v / 1e6:,.2f} M" for k, v in costs.items())
    purchase = sc.funding.sources.purchase.amount
    need = purchase + (cost - budget) / (1.0 + sc.funding.sources.purchase.growth) ** years
    return [Warning_("funding.sources.purchase.amount",
                     f"the money by {deadline} ({budget / 1e6:,.2f} M yuan a year, all sources) "
                     f"cannot pay for the network the targets require ({cost / 1e6:,.2f} M a "
                     f"year: {items}); some stations or rooms are likely to stay unbuilt and "
                     f"funding_gap above 0. Raise funding.sources.purchase.amount to at least "
                     f"{need:,.0f} (or lower network.station_target_share / room targets)")]


def _deadlines(sc: Scenario) -> list[Warning_]:
    out = []
    lead = sc.network.build_months + sc.network.contract_months
    for key in ("station_deadline", "room_deadline"):
        deadline = getattr(sc.network, key)
        if months_between(sc.start, deadline) < lead:
            out.append(Warning_(f"network.{key}", f"{deadline} is before the start {sc.start} "
                                f"plus the {lead}-month roll-out (build + contract): nothing can "
                                f"be built by then. Set it to a month after the start (Tianjin "
                                f"had 47 months: 2022-01 to 2025-12)"))
    for i, target in enumerate(sc.targets):
        if target.date is not None and months_between(sc.start, target.date) < 0:
            out.append(Warning_(f"targets.{i}.date", f"{target.date} is before the start "
                                f"{sc.start}: target {target.name!r} is judged on the starting "
                                f"state only. Set the date after the start, or start earlier"))
    return out


def _exam_years(sc: Scenario, date: str) -> int:
    """Exams whose certificates take effect by ``date``."""
    exam = sc.workforce.exam
    months = months_between(sc.start, date)
    return sum(1 for m in range(months + 1) if (int(sc.start[5:7]) - 1 + m) % 12 + 1 == exam.month
               and m + exam.certificate_delay_months <= months)


def _decided_share(sc: Scenario) -> float:
    """An upper bound on the yearly chance an uncertified community worker registers under
    the exam decision: no age or failures held against them, the strongest incentive any
    policy offers community workers, preparation for all."""
    wf, f, exam = sc.workforce, sc.funding, sc.workforce.exam
    mine = [p for p in wf.incentives if p.group in ("community_workers", "all")]
    bonus = max((p.bonus_per_pass for p in mine), default=0.0)
    step = f.salary_assistant - f.salary_none + max((p.salary_step for p in mine), default=0.0)
    from .agents.workers import decision_chance, worth_in_wages

    chance = min(1.0, exam.pass_rate_assistant + wf.training.pass_rate_boost)
    worth = worth_in_wages(exam, chance, bonus, step, wf.reference_wage)
    return float(decision_chance(exam, exam.propensity_community_workers, worth, prepared=1.0,
                                 required=any(x.requirement for x in mine)))


def _certified_share(sc: Scenario) -> list[Warning_]:
    """A certified- or qualified-share target of community workers above the starting share
    that exams (and, for the qualified share, recruitment) cannot reach."""
    wf, exam = sc.workforce, sc.workforce.exam
    growth_rule = exam.registration_mode == "growth"
    out = []
    for i, target in enumerate(sc.targets):
        qualified = target.metric == "community_worker_qualified_share"
        if target.metric != "community_worker_certified_share" and not qualified \
                or target.date is None:
            continue
        cert = wf.community_worker_certified_share
        start = cert + (1 - cert) * wf.degree_share_community_workers if qualified else cert
        needed = (target.threshold - start) * wf.community_workers
        if needed <= 0:
            continue
        exams = _exam_years(sc, target.date)
        chance = min(1.0, exam.pass_rate_assistant + wf.training.pass_rate_boost)
        if growth_rule:
            cap = exam.max_registrations_share * sc.territory.population
            takers = sum(min(cap, exam.registrations_base * (1 + exam.registration_growth) ** y)
                         for y in range(exams)) * exam.from_community_workers
        else:  # every uncertified community worker decides each year: no turnover, an upper bound
            takers = exams * (1 - cert) * wf.community_workers * _decided_share(sc)
        most = takers * chance
        if qualified:  # vacant posts filled by qualified recruits (an upper bound: no supply limit)
            most += (wf.community_worker_turnover * wf.community_workers
                     * wf.recruitment.qualified_share * months_between(sc.start, target.date) / 12)
        if most >= needed:
            continue
        if growth_rule:
            per_year = math.ceil(needed / max(exams, 1) / max(exam.from_community_workers
                                                                * chance, 1e-9))
            fix = (f"Raise workforce.exam.registrations_base to about {per_year:,} (or "
                   f"workforce.exam.from_community_workers, or move targets.{i}.date later)")
            key = "workforce.exam.registrations_base"
        else:
            fix = ("Raise what a certificate is worth to community workers (an incentive under "
                   "workforce.incentives, or funding.salary_assistant), "
                   + ("workforce.recruitment.qualified_share, " if qualified else "")
                   + f"or move targets.{i}.date later")
            key = "workforce.recruitment.qualified_share" if qualified else "workforce.incentives"
        out.append(Warning_(key, f"target {target.name!r} needs about {needed:,.0f} more "
                            f"{'qualified' if qualified else 'certified'} community workers by "
                            f"{target.date}, but {exams} exam(s) (pass chance at most "
                            f"{chance:.0%}) can bring at most {most:,.0f}. {fix}"))
    return out


def check(sc: Scenario) -> list[Warning_]:
    """Every warning for ``sc``: money, deadlines, certified community workers."""
    return [*_deadlines(sc), *_money(sc), *_certified_share(sc)]
