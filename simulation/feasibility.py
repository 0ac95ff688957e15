"""Warnings for scenarios that cannot do what they ask (``swsim validate`` and ``swsim run``).

A scenario can be valid and still not able to reach its own plan: money that cannot
pay for the stations its targets require by the deadline, a start after a deadline,
a certified-share target with no exam takers to reach it, a registrations series larger
than the people who may sit the exam, a parameter set where the scenario's mode never
reads it. Each check here is a rough, stated estimate made before any run (no
simulation); each warning names the key to change and by how much. They are warnings,
not errors: exit status stays 0.

The network's yearly cost (:func:`network_cost`) counts, at the target coverage: the
operating cost of every centre, station and room; the funded posts of centres and
stations at the assistant's salary (assumption: posts are filled by certified workers
first; the model commits the staff-certificate salary for a vacant post, so this is
the cautious side); the training programme and the projects. It leaves out payment
by service volume, so a budget just above it can still fall short.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from .params import Scenario
from .params.schema import scenario_policies
from .processes.funding import budget_year, social_work_money
from .state import month_label, months_between

__all__ = ["TIGHT", "Warning_", "check", "exam_pools", "inert", "network_cost", "yearly_budget"]


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
    """Money of all sources for social work in budget year ``years`` (no shocks: their mean
    is 1): the model's own rule (:func:`simulation.processes.funding.social_work_money`),
    so each source counts only its ``social_work_share``."""
    return float(social_work_money(sc, max(years, 0)).sum())


#: money within this factor of the counted cost is tight: payment by service volume, not
#: counted, was 7% of the cost in docs/tutorial.md's city (0.39 of 5.59 M yuan in 2025)
TIGHT = 1.05


def _money(sc: Scenario) -> list[Warning_]:
    nw = sc.network
    deadline = min(nw.station_deadline, nw.room_deadline)
    years = budget_year(sc, int(deadline[:4]))  # the model's year of the deadline's month
    costs = network_cost(sc, years)
    cost, budget = sum(costs.values()), yearly_budget(sc, years)
    if budget >= TIGHT * cost:
        return []
    purchase = sc.funding.sources.purchase
    # social-work yuan in the deadline's year per yuan of purchase.amount (the model's rule)
    per_yuan = purchase.social_work_share * (1.0 + purchase.growth) ** years
    if budget >= cost:
        more = (f"raising funding.sources.purchase.amount by "
                f"{math.ceil((TIGHT * cost - budget) / per_yuan):,}" if per_yuan > 0 else
                "raising funding.sources.purchase.social_work_share")
        return [Warning_("funding.sources.purchase.amount",
                         f"the money for social work by {deadline} ({budget / 1e6:,.2f} M yuan a "
                         f"year) covers the network the targets require ({cost / 1e6:,.2f} M a "
                         f"year) by less than {TIGHT - 1:.0%}, with nothing counted for payment "
                         f"by service volume: the last stations or rooms may stay unbuilt. "
                         f"Consider {more}")]
    items = ", ".join(f"{k} {v / 1e6:,.2f} M" for k, v in costs.items())
    raise_ = (f"Raise funding.sources.purchase.amount to at least "
              f"{math.ceil(purchase.amount + (cost - budget) / per_yuan):,}" if per_yuan > 0 else
              "Raise funding.sources.purchase.social_work_share")
    return [Warning_("funding.sources.purchase.amount",
                     f"the money for social work by {deadline} ({budget / 1e6:,.2f} M yuan a "
                     f"year, all sources, each its social_work_share) cannot pay for the network "
                     f"the targets require ({cost / 1e6:,.2f} M a year: {items}); some stations "
                     f"or rooms are likely to stay unbuilt and funding_gap above 0. {raise_} "
                     f"(or lower network.station_target_share / room targets)")]


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
    mine = [p for p in scenario_policies(sc)  # old keys and policies: alike
            if p.kind == "exam_incentive" and p.group in ("community_workers", "all")]
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
        if qualified:  # vacant posts filled by qualified recruits (an upper bound: no supply
            # limit, the strongest recruitment policy running all along)
            share = max(p.qualified_share for p in scenario_policies(sc)
                        if p.kind == "qualified_recruitment")
            most += (wf.community_worker_turnover * wf.community_workers
                     * share * months_between(sc.start, target.date) / 12)
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
                   "workforce.incentives or an exam_incentive policy, or funding.salary_assistant), "
                   + ("workforce.recruitment.qualified_share, " if qualified else "")
                   + f"or move targets.{i}.date later")
            key = "workforce.recruitment.qualified_share" if qualified else "workforce.incentives"
        out.append(Warning_(key, f"target {target.name!r} needs about {needed:,.0f} more "
                            f"{'qualified' if qualified else 'certified'} community workers by "
                            f"{target.date}, but {exams} exam(s) (pass chance at most "
                            f"{chance:.0%}) can bring at most {most:,.0f}. {fix}"))
    return out


def exam_pools(sc: Scenario) -> dict[str, int]:
    """People who may sit the exam at the start, by pool (an estimate, before any run): the
    uncertified community and grid workers and professionals, the assistants whose time at
    their level allows the intermediate exam (time at level at the start is uniform over
    ``max_years_at_level_start``), and ``outside_pool``. The growth rule draws on community
    workers, the workforce and outsiders; the decision on grid workers too."""
    wf, ex = sc.workforce, sc.workforce.exam
    span, wait = wf.max_years_at_level_start, ex.min_years_to_intermediate
    ready = max(0.0, 1.0 - wait / span) if span > 0 else float(wait <= 0)
    assistants = wf.share_assistant * ready  # of national certificate holders

    def pool(n: int, share: float) -> int:
        certified = round(n * share)
        return n - certified + round(certified * assistants)

    cw_cert = round(wf.community_workers * wf.community_worker_certified_share)
    grid_cert = round(wf.grid_workers * wf.grid_worker_certified_share)
    others = wf.national_certified - cw_cert - grid_cert
    pools = {"community workers": pool(wf.community_workers, wf.community_worker_certified_share),
             "grid workers": pool(wf.grid_workers, wf.grid_worker_certified_share),
             "workforce": wf.talent_total - wf.national_certified + round(others * assistants),
             "outside_pool": ex.outside_pool}
    if ex.registration_mode == "growth":
        del pools["grid workers"]
    return pools


def _series(sc: Scenario) -> list[Warning_]:
    """Registrations series years the run cannot honour: more registrants than the pools
    hold (the model registers all of them then), a year whose exam the run does not reach,
    and (growth rule) a count above the rule's ceiling."""
    ex = sc.workforce.exam
    pools = exam_pools(sc)
    supply = sum(pools.values())
    ceiling = ex.max_registrations_share * sc.territory.population
    end = sc.months - 1  # the run's last month, counted from its first
    out = []
    for year, count in sorted((ex.registrations_series or {}).items()):
        key = f"workforce.exam.registrations_series.{year}"
        exam = f"{year}-{ex.month:02d}"
        if not 0 <= months_between(sc.start, exam) <= end:
            out.append(Warning_(key, f"the {year} exam ({exam}) is outside the run ({sc.start} "
                                f"to {month_label(sc.start, end)}): this year has no effect"))
        elif count > supply:
            parts = ", ".join(f"{k} {v:,}" for k, v in pools.items())
            out.append(Warning_(key, f"{count:,} registrations are more than the people who may "
                                f"sit the exam (about {supply:,} at the start: {parts}); the run "
                                "registers every one of them instead. Check the figure, or raise "
                                "workforce.exam.outside_pool if more outsiders sit the exam"))
        elif ex.registration_mode == "growth" and count > ceiling:
            out.append(Warning_(key, f"{count:,} registrations are above the growth rule's "
                                "ceiling (workforce.exam.max_registrations_share x population = "
                                f"{ceiling:,.0f}), which a series overrides: the run registers "
                                f"{count:,}. Check the figure"))
    return out


def _show(value: Any) -> str:
    """A value as the YAML of a scenario writes it."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return f"{value:g}" if isinstance(value, float) else str(value)


def _get(sc: Scenario, path: str) -> Any:
    node: Any = sc
    for part in path.split("."):
        node = getattr(node, part)
    return node


def _acts(sc: Scenario, when: dict[str, Any]) -> str:
    """'' when every condition of a ``when`` declaration holds in ``sc``; else the first
    that fails and what would make it hold, in words."""
    for switch, allowed in when.items():
        now = _get(sc, switch)
        if isinstance(allowed, dict):
            if now in allowed["not"]:
                return (f"while {switch} is {_show(now)}. Set {switch} as well, or leave this "
                        "key out")
        elif now not in allowed:
            return (f"while {switch} is {_show(now)}. Set {switch}: "
                    f"{' or '.join(_show(x) for x in allowed)} as well, or leave this key out")
    return ""


@cache
def _defaults() -> Scenario:
    return Scenario()


def _declared(model: BaseModel, default: BaseModel | None, prefix: str = ""
              ) -> Iterator[tuple[str, Any, Any, dict[str, Any]]]:
    """Every parameter that declares ``when`` (simulation/params/schema.py): its path, value,
    default (in the default scenario; a list item's field default) and declaration."""
    for name, info in type(model).model_fields.items():
        value, path = getattr(model, name), f"{prefix}{name}"
        if default is not None:
            dflt = getattr(default, name)
        else:
            dflt = info.get_default(call_default_factory=True)
            dflt = None if dflt is PydanticUndefined else dflt
        if isinstance(value, BaseModel):
            yield from _declared(value, dflt if isinstance(dflt, BaseModel) else None, path + ".")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _declared(item, None, f"{path}.{i}.")
        elif isinstance(info.json_schema_extra, dict) and "when" in info.json_schema_extra:
            yield path, value, dflt, info.json_schema_extra


def inert(sc: Scenario, sets: Sequence[str] = ()) -> list[Warning_]:
    """Parameters set (by the scenario's files away from their default, or by ``--set``)
    where the scenario's mode never reads them: each declares the modes it acts in
    (``when`` in simulation/params/schema.py). A parameter a file may keep for another mode
    (``kept``) is warned about only when ``--set`` names it."""
    given = {item.partition("=")[0].strip() for item in sets}
    out = []
    for path, value, default, extra in _declared(sc, _defaults()):
        why = _acts(sc, extra["when"])
        if not why or not (path in given or (value != default and not extra.get("kept"))):
            continue
        kept = f" (here it is only {extra['kept']})" if extra.get("kept") else ""
        out.append(Warning_(path, f"set to {_show(value)}, but it has no effect on the run"
                            f"{kept} {why}"))
    return out


def check(sc: Scenario, sets: Sequence[str] = ()) -> list[Warning_]:
    """Every warning for ``sc`` (``sets``: the ``--set`` items it was loaded with): money,
    deadlines, certified community workers, registrations series, parameters without effect."""
    return [*_deadlines(sc), *_money(sc), *_certified_share(sc), *_series(sc), *inert(sc, sets)]
