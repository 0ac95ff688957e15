"""The scenario schema: every parameter of the model, declared once.

Each field carries its default, unit, bounds, a one-line description and its
source: a seed file ("seed 002") or "assumption: ..." where the sources are
silent. The YAML loader, ``--set``, sweeps and the report's assumptions table
all read this one declaration.
"""

from __future__ import annotations

import datetime
import math
import re
import types
import typing
from functools import cache
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .names import check_name

__all__ = [
    "GROUPS",
    "LEVELS",
    "SERVICE_TYPES",
    "COST_ITEMS",
    "MODEL_COST_ITEMS",
    "EARMARKS",
    "FileModel",
    "SOURCES",
    "TARGET_OPERATORS",
    "TARGET_TOLERANCE",
    "Duties",
    "Exam",
    "Funding",
    "FundingSource",
    "GroupNeed",
    "Milestone",
    "Milestones",
    "Network",
    "INCENTIVE_GROUPS",
    "Incentive",
    "NeedEvent",
    "Policy",
    "PolicyTarget",
    "POSTS_RULES",
    "REGISTRANT_GROUPS",
    "REGISTRATION_MODES",
    "Recruitment",
    "Projects",
    "Residents",
    "Scenario",
    "Service",
    "Staffing",
    "Territory",
    "Training",
    "Volunteers",
    "Workforce",
    "YearMonth",
    "MAX_NEED_FACTOR",
    "MAX_PEOPLE",
    "MAX_REGISTRATIONS",
    "MAX_WAITING_CELLS",
    "MAX_WORKFORCE_SHARE",
    "YearOrMonth",
    "describe_parameters",
    "need_multiplier",
    "people_bound",
    "scenario_policies",
    "summarize_items",
    "param",
    "target_met",
]

_YEAR = r"(19|2[01])\d{2}"
_MONTH = rf"{_YEAR}-(0[1-9]|1[0-2])"
MONTH_RANGE = "1900-01 to 2199-12"


def _calendar(pattern: str, what: str) -> Any:
    """A check that text is ``what`` (one message for every date field of every file)."""
    compiled = re.compile(rf"^{pattern}$")

    def check(value: Any) -> Any:
        if isinstance(value, str) and compiled.match(value):
            return value
        if isinstance(value, datetime.date):  # YAML reads 2022-01-01 as a date
            raise ValueError(f"{what}; a day is not part of it")
        raise ValueError(what)

    return BeforeValidator(check)


#: a calendar month, years 1900-2199 (year 0000 would pass a bare pattern and crash the run);
#: every date field of scenarios, experiments and calibrations uses it
YearMonth = Annotated[str, StringConstraints(pattern=rf"^{_MONTH}$"),
                      _calendar(_MONTH, f"use YYYY-MM, a month from {MONTH_RANGE}")]
#: a month (YYYY-MM) or a whole year (YYYY), in the same range (calibration observations)
YearOrMonth = Annotated[str, StringConstraints(pattern=rf"^{_YEAR}(-(0[1-9]|1[0-2]))?$"),
                        _calendar(rf"{_YEAR}(-(0[1-9]|1[0-2]))?",
                                  f"use YYYY-MM (a month) or YYYY (a year), from {MONTH_RANGE}")]

#: resident need groups (domain.md section 3, item 5)
GROUPS = ("assistance", "elderly", "disabled", "children", "others")
#: service types: casework needs a certified worker; support volunteers can give
SERVICE_TYPES = ("casework", "group", "support")
#: certification ladder above "none" (seed 000: staff -> assistant -> intermediate -> senior)
LEVELS = ("staff", "assistant", "intermediate", "senior")
#: who may decide to sit the national exam (seed 000 lists community workers, social-organisation
#: staff, civil-affairs staff and students; seed 002 adds Tianjin's grid workers as a pool)
REGISTRANT_GROUPS = ("community_workers", "grid_workers", "workforce", "outside")
#: funding sources (seed 003 lists Chongqing's; seed 001 names lottery funds)
SOURCES = ("purchase", "reward_subsidy", "assistance_share", "lottery", "charity", "market_fees",
           "district")
#: Earmarks, in the order money goes to them when it is short (issue 15, item 5): each
#: cost item and the funding lines (sources) that may pay it. The one place a spending item
#: is declared: add an item here (with its lines) and cost it in processes/funding.py.
#: Seed 001 names the budget lines stations draw on (assistance, elderly care, child
#: welfare, community building, social affairs, lottery) without saying which line pays
#: which cost; who pays what below is an assumption (plausible: any line may pay operating
#: costs; lottery and charity money pays projects and premises, not salaries).
EARMARKS: dict[str, tuple[str, ...]] = {
    "operating": ("purchase", "reward_subsidy", "lottery", "charity", "market_fees", "district"),
    "salaries": ("purchase", "assistance_share", "market_fees", "district"),
    "training": ("purchase", "reward_subsidy", "charity", "district"),
    "projects": ("purchase", "lottery", "charity", "district"),
    "volume": ("purchase", "assistance_share", "district"),
    # exam bonuses and allowances (issue 14): talent policy, paid like training (assumption)
    "incentives": ("purchase", "reward_subsidy", "district"),
    # then the items of the policy kinds (simulation/policies/, each kind's COST_ITEMS),
    # added where the kinds are imported below: housing_subsidy (purchase, reward_subsidy,
    # district: assumption, paid like exam incentives)
}


def param(default: Any, unit: str, lo: float | None, hi: float | None, desc: str,
          source: str, when: dict[str, Any] | None = None, kept: str = "") -> Any:
    """Declare one parameter with unit, bounds [lo, hi], description and source; ``when``
    (one of the mode constants below) says in which modes it has an effect at all, and
    ``kept`` why a scenario file may keep it in the other modes (then only ``--set`` of it
    there is warned about)."""
    extra: dict[str, Any] = {"unit": unit, "source": source}
    if when:
        extra["when"] = when
    if kept:
        extra["kept"] = kept
    return Field(default, ge=lo, le=hi, description=desc, json_schema_extra=extra)


#: The mode switches and where a parameter has an effect (``when`` of :func:`param`, the
#: ``json_schema_extra`` key read by ``swsim validate``/``run``'s warning on parameters set
#: where they change nothing, simulation/feasibility.py): {dotted switch: [values in which
#: the parameter acts]} or {dotted switch: {"not": [values in which it does not]}}; every
#: condition must hold. A parameter without ``when`` acts in every mode.
#: how the year's exam registrations arise (``workforce.exam.registration_mode``)
REGISTRATION_MODES = ("decision", "growth")
#: how centres' and stations' funded posts are set (``staffing.posts_rule``)
POSTS_RULES = ("fixed", "workload")
GROWTH_RULE = {"workforce.exam.registration_mode": ["growth"]}
DECISION: dict[str, JsonValue] = {"workforce.exam.registration_mode": ["decision"]}
FIXED_POSTS = {"staffing.posts_rule": ["fixed"]}
WORKLOAD_POSTS = {"staffing.posts_rule": ["workload"]}
DRAWN = {"deterministic": [False]}  # a spread that only random draws use


def _is_section(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


@cache
def _declared_default(cls: type[BaseModel], name: str) -> dict[str, Any]:
    """The one declared default of section field ``cls.name``, as a mapping."""
    value = cls.model_fields[name].get_default(call_default_factory=True)
    return value.model_dump() if isinstance(value, BaseModel) else {}


def _accepts_bool(annotation: Any) -> bool:
    if annotation is bool or annotation is Any:
        return True
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Literal:
        return any(isinstance(a, bool) for a in args)
    if origin is Annotated:
        return _accepts_bool(args[0])
    if origin is typing.Union or isinstance(annotation, types.UnionType):
        return any(_accepts_bool(a) for a in args)
    return False


def _members(annotation: Any) -> list[Any]:
    """The alternatives of a union (``int | None``), Annotated stripped; else [annotation]."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _members(args[0])
    if origin is typing.Union or isinstance(annotation, types.UnionType):
        return [m for a in args for m in _members(a)]
    return [annotation]


def _boolean_in(annotation: Any, value: Any, at: str = "") -> str | None:
    """Where ``value`` holds a boolean that ``annotation`` takes as a number (pydantic reads
    true as 1), with what was expected; None if nowhere. Looks inside mappings, lists and
    tuples (a series ``{2022: true}``); sections check their own fields."""
    if not isinstance(value, (bool, dict, list, tuple)):
        return None
    if isinstance(value, bool):
        if _accepts_bool(annotation):
            return None
        kinds = [m for m in _members(annotation) if m is not type(None)]
        return (f"expected {_kind(kinds[0]) if len(kinds) == 1 else 'a value'}, got the boolean "
                f"{str(value).lower()}" + (f" (at {at})" if at else ""))
    for member in _members(annotation):
        origin, args = typing.get_origin(member), typing.get_args(member)
        if isinstance(value, dict) and origin is dict and len(args) == 2:
            for key, item in value.items():
                where = f"{at}.{key}" if at else str(key)
                found = _boolean_in(args[0], key, where) or _boolean_in(args[1], item, where)
                if found:
                    return found
        elif isinstance(value, (list, tuple)) and origin in (list, tuple) and args:
            for i, item in enumerate(value):
                item_type = args[0] if origin is list or (len(args) == 2 and args[1] is ...) \
                    else args[min(i, len(args) - 1)]
                found = _boolean_in(item_type, item, f"{at}.{i}" if at else f"item {i}")
                if found:
                    return found
    return None


class FileModel(BaseModel):
    """Base of every model read from a file (scenario sections, experiments, calibrations):
    a boolean given for a number is refused, also inside a series or list (pydantic would
    read true as 1)."""

    @field_validator("*", mode="before")
    @classmethod
    def _booleans_are_not_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name is not None:
            found = _boolean_in(cls.model_fields[info.field_name].annotation, value)
            if found:
                raise ValueError(found)
        return value


class Section(FileModel):
    """Base of every scenario section: unknown keys, NaN/inf and booleans given for
    numbers are refused, and a sub-section written partly keeps every field it does
    not mention from that sub-section's one declared default (never from another)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _partial_sections_keep_their_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for name, value in data.items():
            info = cls.model_fields.get(name) if isinstance(name, str) else None
            if info is not None and isinstance(value, dict) and _is_section(info.annotation):
                out[name] = {**_declared_default(cls, name), **value}
        return out


def _kind(annotation: Any) -> str:
    if typing.get_origin(annotation) is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(annotation))
    text = getattr(annotation, "__name__", None) or str(annotation)
    return {"int": "a whole number", "float": "a number", "str": "text"}.get(text, f"a {text}")


class Territory(Section):
    population: int = param(13_900_000, "people", 1_000, 2_000_000_000,
                            "resident population", "seed 002: 2.67 M volunteers = 19.26% of population")
    urban_share: float = param(0.85, "share", 0.0, 1.0, "share of residents in urban communities",
                               "assumption: Tianjin's urbanisation, not in the seeds")
    districts: int = param(16, "count", 1, 5_000, "districts/counties, one guidance centre each",
                           "assumption: Tianjin's 16 districts, not in the seeds")
    streets: int = param(130, "count", 0, 50_000, "urban streets (one station each)",
                         "assumption: not in the seeds")
    towns: int = param(125, "count", 0, 50_000, "rural towns (one station each)",
                       "assumption: not in the seeds")
    communities: int = param(1_900, "count", 0, 1_000_000, "urban communities (one room each)",
                             "assumption: not in the seeds")
    villages: int = param(3_500, "count", 0, 1_000_000, "rural villages (one room each)",
                          "assumption: not in the seeds")

    @model_validator(mode="after")
    def _areas_have_places(self) -> Territory:
        if self.streets + self.towns < self.districts:
            raise ValueError("streets + towns must be at least districts (each district needs one)")
        if self.streets == 0 and self.communities > 0:
            raise ValueError("communities need at least one street")
        if self.towns == 0 and self.villages > 0:
            raise ValueError("villages need at least one town")
        if self.communities < self.streets or self.villages < self.towns:
            raise ValueError("each street needs a community and each town a village")
        return self


def _need(casework: float, group: float, support: float, share: float, src: str,
          drift: float = 0.0) -> Any:
    return Field(default_factory=lambda: GroupNeed(share=share, casework=casework, group=group,
                                                   support=support, share_drift=drift),
                 description="need of this resident group", json_schema_extra={"source": src})


class GroupNeed(Section):
    share: float = param(..., "share", 0.0, 1.0, "share of the population in this group",
                         "assumption: public statistics, not in the seeds")
    casework: float = param(..., "hours/1000 people/month", 0.0, 10_000.0,
                            "casework need (certified worker only)", "assumption")
    group: float = param(..., "hours/1000 people/month", 0.0, 10_000.0,
                         "group and community-work need (any worker)", "assumption")
    support: float = param(..., "hours/1000 people/month", 0.0, 10_000.0,
                           "simple support need (workers or coordinated volunteers)", "assumption")
    share_drift: float = param(..., "share/year", -0.05, 0.05,
                               "yearly change of the group's population share (points of the "
                               "whole; 'others' take up the difference)",
                               "assumption: no drift unless stated (plausible -0.005 to 0.005)")
    need_growth: float = param(0.0, "1/year", -0.5, 1.0,
                               "yearly growth of the group's need rates (all service types)",
                               "assumption: no trend (plausible -0.05 to 0.10)")


class NeedEvent(Section):
    """An event that multiplies need of some groups and service types for some months."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60, description="short name")
    start: YearMonth = Field(description="first month of the event, YYYY-MM")
    months: int = Field(ge=1, le=1200, description="how many months it lasts")
    multiplier: float = Field(ge=0.0, le=1000.0, description="need of the listed groups and "
                              "types is multiplied by this while it lasts")
    groups: list[Literal[GROUPS]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(GROUPS), description="resident groups affected (all)")
    types: list[Literal[SERVICE_TYPES]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(SERVICE_TYPES), description="service types affected (all)")
    source: str = Field(min_length=1, description="seed document or stated assumption")


class Residents(Section):
    assistance: GroupNeed = _need(40.0, 40.0, 100.0, 0.015, "assumption: dibao/tekun recipients")
    elderly: GroupNeed = _need(5.0, 16.0, 50.0, 0.22,
                               "assumption: people aged 60+; share_drift 0.004/yr: Tianjin's 60+ "
                               "share rose ~0.4 points a year 2010-2020 (census, not in the "
                               "seeds; plausible 0.002-0.008)", drift=0.004)
    disabled: GroupNeed = _need(14.0, 20.0, 65.0, 0.04, "assumption")
    children: GroupNeed = _need(3.0, 12.0, 10.0, 0.15, "assumption: under 15")
    others: GroupNeed = _need(0.6, 3.0, 6.0, 0.575, "assumption: everyone else")
    events: list[NeedEvent] = Field(
        default_factory=list, max_length=100,
        description="events that multiply need for a while (an epidemic, a disaster); none by "
        "default; a file that writes events replaces its parent's whole list",
        json_schema_extra={"unit": "", "source": "each event states its source"})

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Residents:
        total = sum(getattr(self, g).share for g in GROUPS)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"group shares must sum to 1 (they sum to {total:.6g})")
        if self.others.share_drift != 0.0:
            raise ValueError("others.share_drift must be 0: 'others' take up the other groups' "
                             "drift")
        return self


#: most registrations a year (``registrations_base``, each ``registrations_series`` year):
#: ten times the largest provincial record in the seeds (Guangxi > 54,000 in 2025, seed 004)
MAX_REGISTRATIONS = 10_000_000


class Exam(Section):
    month: int = param(6, "month of year", 1, 12, "month the national exam is held",
                       "assumption: the national exam is held mid-year")
    certificate_delay_months: int = param(3, "months", 0, 11,
                                          "months from exam to certificates taking effect",
                                          "assumption")
    registration_mode: Literal[REGISTRATION_MODES] = Field(  # type: ignore[valid-type]
        "decision", description="how the year's registrations arise: 'decision' (each eligible "
        "person decides from what passing is worth to them, their preparation, failures and "
        "age) or 'growth' (registrations_base x (1 + registration_growth)^years, split into "
        "pools by from_community_workers / from_workforce); registrations_series overrides "
        "either for the years it lists",
        json_schema_extra={"unit": "choice", "source": "issue 14: registrations are decided "
                           "by people (seed 000 lists who sits the exam)"})
    registrations_base: int = param(10_000, "people/year", 0, MAX_REGISTRATIONS,
                                    "exam registrations in the first simulated year (growth "
                                    "rule; the decision is calibrated to reproduce it)",
                                    "assumption: ~0.07% of the population; Hefei "
                                    "registered 13,853 in 2025 (seed 004)", when=GROWTH_RULE,
                                    kept="the count the decision's propensities are calibrated "
                                    "to (benchmarks/calibrate_exam.py); swsim new scales it")
    registration_growth: float = param(0.10, "1/year", -0.5, 2.0,
                                       "yearly growth of registrations (growth rule)",
                                       "assumption; seed 004 reports +66% year on year in 2025 "
                                       "in Guangxi, once: no seed reports a sustained rate",
                                       when=GROWTH_RULE)
    max_registrations_share: float = param(
        0.0015, "share of population/year", 0.0, 0.1,
        "ceiling on yearly registrations under the growth rule (growth saturates there)",
        "seed 004's 2025 records over public population figures (not in the seeds): Guangxi "
        "> 54,000 / 50.1 M = 0.11%, Yunnan 51,000 / 46.7 M = 0.11%, Gansu 37,483 / 24.6 M = "
        "0.15%, Hefei 13,853 / 9.85 M = 0.14%; single cities reach more (Zhoushan 5,363 / "
        "1.17 M = 0.46%), so plausible 0.001-0.005", when=GROWTH_RULE)
    incentive_multiplier: float = param(1.0, "factor", 1.0, 20.0,
                                        "growth rule only: registrations x this factor in "
                                        "incentive_year alone (a one-off jump; the decision "
                                        "takes incentives from workforce.incentives)",
                                        "seed 002: Guang'an 84 -> 629 (x7.5) in one year; "
                                        "seed 004: Guangxi +66% in 2025",
                                        when={**GROWTH_RULE,
                                              "workforce.exam.incentive_year": {"not": [None]}})
    incentive_year: int | None = param(None, "year", 1990, 2200,
                                       "the one year the multiplier applies (none: no jump)",
                                       "assumption", when=GROWTH_RULE)
    registrations_series: dict[int, Annotated[int, Field(ge=0, le=MAX_REGISTRATIONS)]] | None = \
        Field(None, description="explicit registrations by year (0 to "
              f"{MAX_REGISTRATIONS:,} each); overrides the growth rule or the decision for the "
              "years it lists (who registers still follows each person's propensity), as far "
              "as the people who may sit the exam supply them (eligible community workers, "
              "grid workers under the decision, the workforce, and outside_pool): beyond them "
              "every one of them registers (swsim validate warns)",
              json_schema_extra={"unit": "people/year", "source": "scenario data"})
    from_community_workers: float = param(0.35, "share", 0.0, 1.0,
                                          "growth rule: share of registrants who are community "
                                          "workers", "assumption; seed 000 lists who sits the exams",
                                          when=GROWTH_RULE)
    from_workforce: float = param(0.35, "share", 0.0, 1.0,
                                  "growth rule: share of registrants already in the social-work "
                                  "workforce", "assumption", when=GROWTH_RULE)
    propensity_community_workers: float = param(
        0.00178, "probability/year", 0.0, 1.0,
        "decision: yearly chance an eligible community worker registers when passing is worth "
        "nothing to them, unprepared, never failed, aged 35 or less",
        "calibrated: the Tianjin baseline's 2022 registrations (registrations_base, split 35% "
        "community workers) by benchmarks/calibrate_exam.py; with Tianjin's pay step the chance is "
        "~0.25 (plausible 0.0005-0.01 at zero worth)", when=DECISION)
    propensity_grid_workers: float = param(
        0.000198, "probability/year", 0.0, 1.0,
        "decision: the same for an eligible grid worker",
        "calibrated: 10% of the baseline's 2022 registrations from 48,000 grid workers "
        "(assumption for the split; plausible 0.00005-0.001)", when=DECISION)
    propensity_workforce: float = param(
        0.00259, "probability/year", 0.0, 1.0,
        "decision: the same for an eligible member of the social-work workforce",
        "calibrated: 35% of the baseline's 2022 registrations (plausible 0.0005-0.01)", when=DECISION)
    propensity_outside: float = param(
        0.000587, "probability/year", 0.0, 1.0,
        "decision: the same for a person outside the table (students, civil-affairs staff)",
        "calibrated: 20% of the baseline's 2022 registrations from outside_pool "
        "(plausible 0.0001-0.003)", when=DECISION)
    outside_pool: int = param(30_000, "people", 0, 100_000_000,
                              "people outside the workforce who could sit the exam (students, "
                              "civil-affairs institution staff, seed 000): the decision's "
                              "outside registrants are drawn from them, and under either rule "
                              "(or a registrations_series) at most this many outsiders "
                              "register in a year",
                              "assumption: about 4 cohorts of social-work and related students "
                              "plus institution staff (plausible 10,000-100,000)")
    worth_effect: float = param(
        5.2, "1/(month of reference wage)", 0.0, 50.0,
        "decision: rise in the log-odds of registering per month of reference wage that "
        "passing is expected to be worth (pass chance x (bonus + horizon x pay step))",
        "calibrated: reproduces Guang'an's 84 -> 629 in one year (seed 002) with the "
        "guangan_incentive scenario's stated bonus and pay step (plausible 2-8)", when=DECISION)
    value_horizon_months: float = param(24.0, "months", 0.0, 240.0,
                                        "decision: months of a pay step a person weighs",
                                        "assumption (plausible 12-60)", when=DECISION)
    prep_effect: float = param(1.0, "log-odds", 0.0, 5.0,
                               "decision: rise in the log-odds of registering after exam "
                               "preparation (training within its effect period)",
                               "assumption (plausible 0.5-2): preparation courses recruit "
                               "registrants", when=DECISION)
    failure_effect: float = param(0.5, "log-odds/failure", 0.0, 5.0,
                                  "decision: fall in the log-odds per past failure",
                                  "assumption (plausible 0.2-1)", when=DECISION)
    age_effect: float = param(0.3, "log-odds/10 years", 0.0, 5.0,
                              "decision: fall in the log-odds per 10 years of age above 35",
                              "assumption (plausible 0.1-0.6)", when=DECISION)
    requirement_effect: float = param(2.0, "log-odds", 0.0, 10.0,
                                      "decision: rise in the log-odds when an incentive policy "
                                      "makes a certificate a requirement of the person's post",
                                      "assumption (plausible 1-3)", when=DECISION)
    pass_rate_assistant: float = param(0.25, "probability", 0.0, 1.0,
                                       "pass probability, assistant level", "assumption (0.15-0.40)")
    pass_rate_intermediate: float = param(0.15, "probability", 0.0, 1.0,
                                          "pass probability, intermediate level",
                                          "assumption (0.10-0.30)")
    min_years_to_intermediate: float = param(3.0, "years", 0.0, 20.0,
                                             "years at assistant level before sitting intermediate",
                                             "assumption")
    senior_quota: int = param(20, "people/year", 0, 100_000,
                              "senior titles granted by review each year",
                              "assumption; seed 000: Tianjin's first senior review March 2021")
    min_years_to_senior: float = param(5.0, "years", 0.0, 30.0,
                                       "years at intermediate level before senior review",
                                       "assumption")

    @model_validator(mode="after")
    def _shares(self) -> Exam:
        if self.from_community_workers + self.from_workforce > 1.0 + 1e-9:
            raise ValueError("from_community_workers + from_workforce must not exceed 1 "
                             "(the rest come from outside)")
        for year, count in (self.registrations_series or {}).items():
            if not 1990 <= year <= 2200 or count < 0:
                raise ValueError(f"registrations_series: year {year} must be 1990-2200 "
                                 "and count >= 0")
        if self.registration_mode == "decision" and (
                self.incentive_multiplier != 1.0 or self.incentive_year is not None):
            raise ValueError("incentive_multiplier/incentive_year apply to the growth rule; "
                             "with registration_mode: decision write an incentive policy "
                             "under workforce.incentives (or set registration_mode: growth)")
        return self


#: groups an incentive policy can target (``all``: every registrant group)
INCENTIVE_GROUPS = (*REGISTRANT_GROUPS, "all")


# The policy kinds (simulation/policies/) declare their parameters with the helpers above;
# imported here, after those helpers and before the sections that hold them.
from ..policies.exam_incentive import ExamIncentive  # noqa: E402
from ..policies.kinds import COST_ITEMS as _POLICY_COST_ITEMS  # noqa: E402
from ..policies.kinds import KINDS as _POLICY_KINDS  # noqa: E402
from ..policies.kinds import Policy  # noqa: E402
from ..policies.qualified_recruitment import QualifiedRecruitment, RecruitmentTerms  # noqa: E402

#: the model's own cost items (allocated first, as before policies had items of their own)
MODEL_COST_ITEMS = tuple(EARMARKS)
EARMARKS.update(_POLICY_COST_ITEMS)
#: cost items (``spend_by_item.<item>``), in shortfall order: the model's, then the policy
#: kinds'
COST_ITEMS = tuple(EARMARKS)

#: one incentive policy for sitting the exam (``workforce.incentives``, the old form of a
#: ``kind: exam_incentive`` policy; simulation/policies/exam_incentive.py)
Incentive = ExamIncentive


class Training(Section):
    capacity: int = param(5_000, "person-trainings/year", 0, 10_000_000,
                          "training places per year (pre-job, supervision, continuing education)",
                          "assumption scaled by population from Chongqing's ~12,000/yr (seed 003)")
    cost_per_trainee: float = param(1_500.0, "yuan", 0.0, 1e6, "cost of one person-training",
                                    "assumption")
    hours_per_training: float = param(24.0, "hours", 0.0, 500.0,
                                      "continuing-education hours one training gives", "assumption")
    ce_hours_other: float = param(24.0, "hours/year", 0.0, 500.0,
                                  "continuing-education hours workers arrange themselves "
                                  "(online courses, agency sessions)",
                                  "assumption: most of the 30-hour duty (seed 001)")
    exam_prep_share: float = param(0.4, "share", 0.0, 1.0,
                                   "share of places given as exam preparation to people who "
                                   "could sit the next exam (community workers first)",
                                   "assumption")
    staff_certificate_rate: float = param(
        0.3, "share", 0.0, 1.0,
        "share of trained uncertified people who earn Tianjin's staff certificate (社会工作员)",
        "assumption; the local certificate is on the ladder (seed 000)")
    pass_rate_boost: float = param(0.15, "probability", 0.0, 1.0,
                                   "added to a trained registrant's pass probability",
                                   "assumption (0-0.2): exam-preparation courses")
    productivity_boost: float = param(0.10, "share", 0.0, 2.0,
                                      "extra service hours of a trained worker", "assumption")
    retention_effect: float = param(0.25, "share", 0.0, 1.0,
                                    "cut in a trained worker's attrition hazard", "assumption")
    effect_months: int = param(24, "months", 1, 240, "how long a training's effects last",
                               "assumption")
    staff_evaluation_intake: int = param(
        1_500, "people/year", 0, 10_000_000,
        "people evaluated each year for Tianjin's staff certificate (社会工作员), besides training",
        "assumption: seed 000 describes an ongoing 社会工作员评定 for social-organisation staff and "
        "community workers; the yearly number is not given (plausible 500-5,000)")
    staff_evaluation_pass_rate: float = param(0.6, "probability", 0.0, 1.0,
                                              "share of evaluated people who earn the staff "
                                              "certificate", "assumption (plausible 0.4-0.8)")
    staff_evaluation_month: int = param(11, "month of year", 1, 12,
                                        "month the staff-certificate evaluation is held",
                                        "assumption")
    ce_priority_hours: float = param(
        1e9, "hours", 0.0, 1e9,
        "continuing-education places go to unit staff, then community workers, then others; "
        "a group is passed over only when its CE hours exceed the next group's by more than "
        "this (1e9: strict order; 0: fewest CE hours first, whoever it is)",
        "assumption: posts carry the CE duty (seed 001), so staff come first "
        "(plausible 0-1e9; 12-48 hours blends the order with hours)")


class Recruitment(RecruitmentTerms):
    """``workforce.recruitment``: the old form of a ``kind: qualified_recruitment`` policy
    running from the scenario's start (simulation/policies/qualified_recruitment.py)."""


class Workforce(Section):
    talent_total: int = param(36_800, "people", 0, 50_000_000,
                              "social-work professionals (talent) at start", "seed 002")
    national_certified: int = param(10_800, "people", 0, 50_000_000,
                                    "of whom hold the national certificate", "seed 002")
    community_workers: int = param(20_700, "people", 0, 50_000_000,
                                   "community workers (a pool that sits exams)", "seed 002")
    community_worker_certified_share: float = param(
        0.30, "share", 0.0, 1.0, "community workers holding the national certificate at start",
        "assumption derived from seed 003's share of professionals in grassroots "
        "self-governing organisations (37,000 / 63,000 = 59%) applied to seed 002's 10,800 "
        "certificates: 6,350 / 20,700 = 0.31 (plausible 0.2-0.4)")
    grid_workers: int = param(48_000, "people", 0, 50_000_000,
                              "full- and part-time grid workers (a pool that sits the exam and "
                              "feeds community-worker posts)", "seed 002")
    grid_worker_certified_share: float = param(
        0.03, "share", 0.0, 1.0, "grid workers holding the national certificate at start",
        "assumption (plausible 0-0.1): grid work asks no certificate")
    grid_worker_turnover: float = param(0.10, "1/year", 0.0, 0.9,
                                        "yearly turnover of grid workers (posts refilled "
                                        "uncertified)", "assumption (plausible 0.05-0.2)")
    degree_share_community_workers: float = param(
        0.08, "share", 0.0, 1.0, "community workers holding a social-work degree at start",
        "assumption (plausible 0.03-0.15); the seed-002 target counts degrees")
    degree_share_grid_workers: float = param(0.03, "share", 0.0, 1.0,
                                             "grid workers holding a social-work degree at start",
                                             "assumption (plausible 0-0.08)")
    degree_share_workforce: float = param(
        0.25, "share", 0.0, 1.0, "other social-work professionals holding a social-work degree "
        "at start", "assumption (plausible 0.15-0.4)")
    share_assistant: float = param(0.72, "share", 0.0, 1.0,
                                   "share of national certificates at assistant level",
                                   "assumption")
    share_senior: float = param(0.005, "share", 0.0, 1.0,
                                "share of national certificates at senior level",
                                "assumption; seniors are new in Tianjin (seed 000)")
    staff_certificate_share: float = param(
        0.5, "share", 0.0, 1.0,
        "share of talent without a national certificate holding Tianjin's staff certificate",
        "assumption")
    share_social_org: float = param(0.40, "share", 0.0, 1.0,
                                    "non-community-worker talent in social-work service "
                                    "organisations (the pool stations are staffed from by "
                                    "purchase of services)",
                                    "assumption; seed 002: 6,915 social organisations")
    mean_age: float = param(38.0, "years", 18.0, 65.0, "mean age of workers at start", "assumption")
    age_sd: float = param(9.0, "years", 0.0, 30.0, "spread of workers' ages at start (half of "
                          "it for entrants; random draws only: deterministic runs take the mean)",
                          "assumption", when=DRAWN)
    entrant_age: float = param(28.0, "years", 16.0, 65.0,
                               "mean age of outside exam passers and recruits", "assumption")
    graduate_age: float = param(23.0, "years", 16.0, 40.0, "age of graduates entering",
                                "assumption")
    retirement_age: float = param(60.0, "years", 45.0, 75.0, "age at which workers retire",
                                  "assumption: statutory retirement age")
    attrition_rate: float = param(0.12, "1/year", 0.0, 0.9,
                                  "yearly probability a worker leaves for other reasons",
                                  "assumption (range 0.10-0.25)")
    reference_wage: float = param(6_500.0, "yuan/month", 1.0, 1e6,
                                  "pay of comparable jobs in the first year; attrition is at its "
                                  "base rate when a worker's salary equals it", "assumption")
    reference_wage_growth: float = param(0.05, "1/year", -0.2, 0.5,
                                         "yearly growth of the pay of comparable jobs",
                                         "assumption: urban wage growth, public statistics not "
                                         "in the seeds (plausible 0.03-0.08)")
    pay_elasticity: float = param(1.0, "1", 0.0, 5.0,
                                  "attrition hazard x (reference_wage / salary)^elasticity",
                                  "assumption")
    workload_elasticity: float = param(0.5, "1", 0.0, 5.0,
                                       "attrition hazard x (1 + elasticity x excess workload), "
                                       "workload = waiting need / capacity at the worker's unit",
                                       "assumption")
    workload_cap: float = param(3.0, "1", 1.0, 20.0,
                                "highest workload that raises the attrition hazard (new need "
                                "per hour of the unit's capacity; 1 = standard load)",
                                "assumption: beyond ~3x standard load, more need no longer "
                                "adds to a worker's strain (plausible 2-5)")
    max_years_at_level_start: float = param(
        10.0, "years", 0.0, 40.0,
        "time at current level at start is uniform over 0 to this many years",
        "assumption: the ladder's levels date from the 2008 national exam (plausible 5-15)")
    community_worker_turnover: float = param(0.08, "1/year", 0.0, 0.9,
                                             "yearly turnover of uncertified community workers "
                                             "(posts refilled uncertified)", "assumption")
    post_refill_share: float = param(0.8, "share", 0.0, 1.0,
                                     "share of posts left in social organisations and other "
                                     "employers that are refilled by a new, uncertified hire",
                                     "assumption")
    graduates: int = param(800, "people/year", 0, 5_000_000,
                           "social-work graduates per year in the region",
                           "assumption; Chongqing has 1,000+/yr from 10 universities (seed 003)")
    graduate_entry_share: float = param(0.5, "share", 0.0, 1.0,
                                        "share of graduates entering social work", "assumption")
    graduate_month: int = param(7, "month of year", 1, 12, "month graduates enter", "assumption")
    recruitment: Recruitment = Field(default_factory=lambda: Recruitment(),
                                     description="whom vacant community-worker posts and new "
                                     "hires are filled with")
    incentives: list[Incentive] = Field(
        default_factory=list, max_length=50,
        description="incentive policies for sitting the exam (a file that writes incentives "
        "replaces its parent's whole list)",
        json_schema_extra={"unit": "", "source": "each policy states its source"})
    exam: Exam = Field(default_factory=Exam, description="the national exam and senior review")
    training: Training = Field(default_factory=Training, description="training programmes")

    @model_validator(mode="after")
    def _consistent_stocks(self) -> Workforce:
        if self.national_certified > self.talent_total:
            raise ValueError("national_certified must not exceed talent_total")
        if self.share_assistant + self.share_senior > 1.0 + 1e-9:
            raise ValueError("share_assistant + share_senior must not exceed 1")
        cw_cert = round(self.community_workers * self.community_worker_certified_share)
        grid_cert = round(self.grid_workers * self.grid_worker_certified_share)
        if cw_cert + grid_cert > self.national_certified:
            raise ValueError("certified community workers and grid workers exceed "
                             "national_certified")
        return self


class Milestone(Section):
    """Calendar of one tier's roll-out (seed 001): every unit to be set up is planned by
    ``plan``, has premises and hardware by ``hardware`` and an operator and staff by
    ``staff`` (each month inclusive, ``YYYY-MM``)."""

    plan: YearMonth = Field(description="month by which every unit is planned",
                            json_schema_extra={"unit": "YYYY-MM", "source": "scenario data"})
    hardware: YearMonth = Field(description="month by which premises and hardware are done",
                                json_schema_extra={"unit": "YYYY-MM", "source": "scenario data"})
    staff: YearMonth = Field(description="month by which the operator is contracted and staff "
                             "moved in", json_schema_extra={"unit": "YYYY-MM",
                                                            "source": "scenario data"})

    @model_validator(mode="after")
    def _in_order(self) -> Milestone:
        if not self.plan <= self.hardware <= self.staff:
            raise ValueError("milestones must be in order: plan <= hardware <= staff")
        return self


def _milestone(desc: str) -> Any:
    return Field(None, description=desc,
                 json_schema_extra={"unit": "plan/hardware/staff months",
                                    "source": "scenario data; seed 001 gives Binhai's"})


class Milestones(Section):
    """Roll-out calendars by tier; a tier without one follows money and staff."""

    stations: Milestone | None = _milestone("calendar of the street/town stations' roll-out")
    rooms: Milestone | None = _milestone("calendar of the community/village rooms' roll-out")


class Network(Section):
    centres_initial_share: float = param(1.0, "share", 0.0, 1.0,
                                         "districts with an operating guidance centre at start",
                                         "assumption; Chongqing had centres in 12 districts "
                                         "(seed 003)")
    stations_initial_share: float = param(0.30, "share", 0.0, 1.0,
                                          "share of streets/towns with an operating station "
                                          "at start", "assumption")
    station_target_share: float = param(1.0, "share", 0.0, 1.0, "station coverage target",
                                        "seed 002: full coverage of streets/towns")
    station_deadline: YearMonth = param("2025-12", "YYYY-MM", None, None,
                                        "month by which the station target is met",
                                        "assumption: end of the 14th five-year plan (seed 002)")
    rooms_initial_share_urban: float = param(0.20, "share", 0.0, 1.0,
                                             "urban communities with an operating room at start",
                                             "assumption")
    rooms_initial_share_rural: float = param(0.05, "share", 0.0, 1.0,
                                             "villages with an operating room at start",
                                             "assumption")
    room_target_share_urban: float = param(0.60, "share", 0.0, 1.0,
                                           "urban room coverage target",
                                           "assumption; seed 002: rooms 'where conditions allow'")
    room_target_share_rural: float = param(0.20, "share", 0.0, 1.0,
                                           "village room coverage target", "assumption")
    room_deadline: YearMonth = param("2025-12", "YYYY-MM", None, None,
                                     "month by which the room targets are met", "assumption")
    build_months: int = param(1, "months", 0, 24, "planned -> built (premises, hardware)",
                              "seed 001: plan end-April, hardware end-May")
    contract_months: int = param(2, "months", 0, 24, "built -> contracted and staffed",
                                 "seed 001: operator and staff in by end-July")
    min_staff_centre: int = param(2, "workers", 0, 50, "minimum staff, district centre", "seed 003")
    min_staff_street: int = param(2, "workers", 0, 50, "minimum staff, street station",
                                  "seed 003; seed 001")
    min_staff_town: int = param(1, "workers", 0, 50, "minimum staff, town station",
                                "seed 003 (Binhai: 2, seed 001)")
    min_staff_urban_room: int = param(2, "workers", 0, 50, "minimum staff, urban room", "seed 003")
    min_staff_rural_room: int = param(1, "workers", 0, 50, "minimum staff, village room",
                                      "seed 003")
    station_posts: int = param(3, "workers", 0, 100, "funded posts per station (at least minimum) "
                               "under staffing.posts_rule: fixed", "assumption", when=FIXED_POSTS)
    centre_posts: int = param(3, "workers", 0, 100, "funded posts per district centre under "
                              "staffing.posts_rule: fixed", "assumption", when=FIXED_POSTS)
    reassigned_time_share: float = param(0.5, "share", 0.05, 1.0,
                                         "share of a reassigned community worker's time given to "
                                         "the room", "assumption")
    milestones: Milestones = Field(
        default_factory=Milestones, description="roll-out calendars by tier (none: the "
        "roll-out follows money and staff up to the targets)")


class Staffing(Section):
    """Workload-based staffing (WHO's WISN method) and local labour markets."""

    posts_rule: Literal[POSTS_RULES] = Field(  # type: ignore[valid-type]
        "workload", description="funded posts of centres and stations: 'fixed' "
        "(network.station_posts / centre_posts each) or 'workload' (the unit's WISN required "
        "staff, at least its minimum, within the money available)",
        json_schema_extra={"unit": "choice", "source": "assumption: the seeds give minima "
                           "(seed 003) but no post count; workload is how planners size posts"})
    support_worker_share: float = param(
        0.5, "share", 0.0, 1.0,
        "share of simple-support need planned for workers (the rest for volunteers)",
        "assumption: 'social worker + volunteer' model (seed 003) (plausible 0.3-0.8)")
    centre_fte_per_station: float = param(
        0.1, "FTE/station", 0.0, 2.0,
        "guidance-centre staff needed per station of its district (supervision, training)",
        "assumption: one centre worker guides ~10 stations (plausible 0.05-0.2)")
    max_posts: int = param(20, "workers", 1, 500,
                           "most funded posts of one centre or station under the workload rule",
                           "assumption (plausible 10-30)", when=WORKLOAD_POSTS)
    borrow_premium: float = param(
        0.2, "share of salary", 0.0, 2.0,
        "pay premium of a worker hired from a neighbouring district (travel, relocation)",
        "assumption (plausible 0.1-0.3)")
    rural_acceptance: float = param(
        0.5, "probability", 0.0, 1.0,
        "chance a worker living in an urban area accepts a post in a town station this month",
        "assumption (plausible 0.3-0.8)")
    rooms_per_station_worker: float = param(
        4.0, "rooms/FTE", 0.0, 50.0,
        "village rooms one town-station worker beyond the station's minimum can staff by visits",
        "assumption: a weekly visit to each (plausible 2-6); seed 003's rural minimum of 1 "
        "allows a shared worker")
    max_unstaffed_months: int = param(
        3, "months", 0, 60,
        "a contracted room with no worker for longer is released (contract and running "
        "costs end) until it can be staffed", "assumption (plausible 1-12)")


class Duties(Section):
    casework_cases: float = param(2.0, "cases/station/year", 0.0, 1_000.0,
                                  "professional casework cases a station must complete",
                                  "seed 001")
    supervision_hours: float = param(30.0, "hours/station/year", 0.0, 10_000.0,
                                     "supervision a station must give the projects in its area",
                                     "seed 001")
    ce_hours: float = param(30.0, "hours/worker/year", 0.0, 1_000.0,
                            "continuing education each social worker must complete", "seed 001")
    supervision_per_supervisor: float = param(
        3.0, "hours/month", 0.0, 200.0,
        "supervision one intermediate or senior station worker gives a month",
        "assumption: supervision needs an intermediate or senior worker")


class Projects(Section):
    per_year: int = param(120, "projects/year", 0, 1_000_000,
                          "social-organisation service projects funded per year (venture "
                          "philanthropy)", "assumption; Jinnan funded 66 in two rounds (seed 004)")
    cost_per_project: float = param(27_000.0, "yuan", 0.0, 1e9, "cost of one project",
                                    "seed 004: 1.78 M yuan / 66 projects")
    beneficiaries_per_project: float = param(317.0, "people", 0.0, 1e6,
                                             "direct beneficiaries of one project",
                                             "seed 004: 20,938 / 66 projects")
    duration_months: int = param(12, "months", 1, 120, "how long a project runs", "assumption")
    hours_per_month: float = param(40.0, "hours/month", 0.0, 10_000.0,
                                   "group and support hours a project gives its community",
                                   "assumption")


class Volunteers(Section):
    registered_share: float = param(0.1926, "share", 0.0, 1.0,
                                    "registered volunteers as share of population", "seed 002")
    active_share: float = param(0.20, "share", 0.0, 1.0,
                                "share of registered volunteers active in a month",
                                "assumption: registered != active (seed 000, 003)")
    hours_per_active: float = param(4.0, "hours/month", 0.0, 200.0,
                                    "hours given by an active volunteer per month", "assumption")
    lapse_rate: float = param(0.05, "1/year", 0.0, 1.0, "registered volunteers who lapse per year",
                              "assumption")
    recruitment_rate: float = param(0.012, "share of population/year", 0.0, 0.5,
                                    "new registrations per year", "assumption")
    coordination_ratio: float = param(30.0, "volunteers/worker", 0.0, 10_000.0,
                                      "active volunteers one social worker can coordinate",
                                      "assumption; 'social worker + volunteer' model (seed 003)")


class Service(Section):
    priority_groups: list[Literal[GROUPS]] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=5,
        description="resident groups served first, in this order, within each service "
        "type (empty: first come, first served; e.g. [assistance, disabled])",
        json_schema_extra={"unit": "groups", "source": "policy lever (issue 15)"})
    worker_hours: float = param(100.0, "hours/month", 1.0, 300.0,
                                "direct service hours of a full-time worker",
                                "assumption: ~174 working hours, ~60% direct service")
    max_wait_months: int = param(6, "months", 0, 60,
                                 "need waiting longer than this is abandoned", "assumption")
    casework_hours_per_case: float = param(10.0, "hours", 0.1, 1_000.0,
                                           "hours of one casework request", "assumption")
    group_hours_per_request: float = param(3.0, "hours", 0.1, 1_000.0,
                                           "hours of one group-work request", "assumption")
    support_hours_per_request: float = param(2.0, "hours", 0.1, 1_000.0,
                                             "hours of one simple-support request", "assumption")


class FundingSource(Section):
    amount: float = param(..., "yuan/year", 0.0, 1e13, "yearly amount in the first year",
                          "assumption")
    growth: float = param(..., "1/year", -0.9, 2.0, "yearly growth of the amount", "assumption")
    volatility: float = param(..., "1", 0.0, 2.0,
                              "year-to-year spread of the amount: each year it is multiplied "
                              "by a lognormal factor of mean 1 and this standard deviation",
                              "assumption: budgets are steadier than charity and lottery money")
    social_work_share: float = param(..., "share", 0.0, 1.0,
                                     "share of the amount that social work may draw on (the rest "
                                     "serves other purposes of the fund)",
                                     "assumption: all of it, unless the source says otherwise")


def _source(amount: float, growth: float, src: str, volatility: float = 0.0,
            social_work_share: float = 1.0) -> Any:
    return Field(default_factory=lambda: FundingSource(amount=amount, growth=growth,
                                                       volatility=volatility,
                                                       social_work_share=social_work_share),
                 description="funding source", json_schema_extra={"source": src})


class Sources(Section):
    purchase: FundingSource = _source(
        100e6, 0.03, "assumption for Tianjin, sized so that the network at its targets is "
        "affordable by 2025 with social insurance and indexed salaries (swsim validate checks; "
        "80 M before issue 14); Chongqing's municipal purchase 32.5 M yuan/yr, seed 003")
    reward_subsidy: FundingSource = _source(
        40e6, 0.0, "assumption; Chongqing 70 M yuan/yr, seed 003, for grassroots civil-affairs "
        "capacity in general: social_work_share 0.5 is an assumption (plausible 0.2-0.8)",
        social_work_share=0.5)
    assistance_share: FundingSource = _source(
        20e6, 0.02, "assumption; 1% of social-assistance funds in Chongqing, seed 003, for "
        "assistance-handling capacity in general: social_work_share 0.5 is an assumption "
        "(plausible 0.2-0.8)", social_work_share=0.5)
    lottery: FundingSource = _source(15e6, 0.0, "assumption; lottery funds named in seed 001",
                                     volatility=0.15)
    charity: FundingSource = _source(
        10e6, 0.05, "assumption; Chongqing > 100 M yuan in 2019, seed 003", volatility=0.3)
    market_fees: FundingSource = _source(5e6, 0.05, "assumption; Chongqing ~25 M yuan 2019, seed 003",
                                         volatility=0.2)
    district: FundingSource = _source(
        10e6, 0.03, "seed 003: districts add their own money (co-funding); the amount is an "
        "assumption (plausible 0-40 M yuan/yr for Tianjin)")


class Funding(Section):
    sources: Sources = Field(default_factory=Sources, description="yearly amounts by source")
    earmarks: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in EARMARKS.items()},
        description="cost item -> the funding sources (budget lines) that may pay it; an item "
        "not written keeps its default lines; money goes to items in the order "
        + ", ".join(EARMARKS) + " when it is short",
        json_schema_extra={"unit": "sources", "source": "assumption: seed 001 names the lines, "
                           "not what each pays (simulation/params/schema.py, EARMARKS)"})

    @field_validator("earmarks", mode="before")
    @classmethod
    def _earmarks_known(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        for item, lines in value.items():
            if item not in EARMARKS:
                raise ValueError(f"unknown cost item {item!r} (one of {', '.join(EARMARKS)})")
            if not isinstance(lines, list) or any(x not in SOURCES for x in lines):
                raise ValueError(f"{item}: a list of sources ({', '.join(SOURCES)})")
        return {**{k: list(v) for k, v in EARMARKS.items()}, **value}
    salary_none: float = param(5_000.0, "yuan/month", 0.0, 1e6, "salary, uncertified worker",
                               "assumption")
    salary_staff: float = param(5_500.0, "yuan/month", 0.0, 1e6, "salary, staff certificate",
                                "assumption")
    salary_assistant: float = param(6_000.0, "yuan/month", 0.0, 1e6, "salary, assistant",
                                    "assumption")
    salary_intermediate: float = param(7_000.0, "yuan/month", 0.0, 1e6, "salary, intermediate",
                                       "assumption")
    salary_senior: float = param(9_000.0, "yuan/month", 0.0, 1e6, "salary, senior", "assumption")
    wage_growth: float = param(0.05, "1/year", -0.2, 0.5,
                               "yearly indexation of the salaries by level",
                               "assumption: urban wage growth, public statistics not in the "
                               "seeds (plausible 0.03-0.08)")
    social_insurance_share: float = param(
        0.30, "share of salary", 0.0, 1.0,
        "employer social-insurance contributions on salaried posts",
        "seed 001 requires social insurance for station staff; the rate is an assumption "
        "(plausible 0.25-0.40 of salary in Chinese cities)")
    operating_centre: float = param(200_000.0, "yuan/year", 0.0, 1e9,
                                    "operating cost of a district centre", "assumption")
    operating_station: float = param(120_000.0, "yuan/year", 0.0, 1e9,
                                     "operating cost of a station", "assumption")
    operating_room: float = param(20_000.0, "yuan/year", 0.0, 1e9,
                                  "operating cost of a room", "assumption")
    payment_per_service_hour: float = param(
        5.0, "yuan/hour", 0.0, 10_000.0,
        "special funds paid to units by service volume (hours served by their workers)",
        "assumption; seed 001 names special funds by service volume")


#: comparisons a policy target may make (the same as ``swsim discover --target``)
TARGET_OPERATORS = (">=", ">", "<=", "<")
#: a value this close to a target's threshold meets ``>=`` and ``<=`` (floating-point noise:
#: a share summed from parts can land 1e-16 below an exact 0.5); ``>`` and ``<`` are strict
TARGET_TOLERANCE = 1e-9


def target_met(values: Any, operator: str, threshold: float) -> Any:
    """Where ``values`` meet ``operator threshold``: the one judgement of a target, read by the
    report's indicator table (and so the web page's) and ``swsim discover``.

    ``>=`` and ``<=`` hold within :data:`TARGET_TOLERANCE`, ``>`` and ``<`` strictly; a value
    that is not a finite number (NaN: no data) never does. ``values``: a number or
    array-like; returns a boolean numpy array of the same shape."""
    v = np.asarray(values, dtype=float)
    compare = {">=": lambda: v >= threshold - TARGET_TOLERANCE, ">": lambda: v > threshold,
               "<=": lambda: v <= threshold + TARGET_TOLERANCE, "<": lambda: v < threshold}
    if operator not in compare:
        raise ValueError(f"unknown target operator {operator!r} (one of "
                         f"{', '.join(TARGET_OPERATORS)})")
    with np.errstate(invalid="ignore"):
        met: Any = compare[operator]() & np.isfinite(v)
    return met


class PolicyTarget(Section):
    """One policy target: a metric compared with a threshold by a month (or at the end).

    The report's indicator table, ``swsim discover`` and calibration read a scenario's
    targets; nothing in the model does (the roll-out plan is ``network``'s parameters).
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60,
                      description="short name (lower case, digits, '_'), e.g. for "
                      "`swsim discover --target NAME`")
    metric: str = Field(min_length=1, description="metric name (simulation/outcomes.py)")
    date: YearMonth | None = Field(description="YYYY-MM by which it must hold, or null: every "
                                   "month, judged at the run's last month")
    operator: Literal[TARGET_OPERATORS] = Field(  # type: ignore[valid-type]
        ">=", description="comparison with threshold")
    threshold: float = Field(description="value in the metric's unit (a share is 0-1)")
    label: str = Field("", max_length=200, description="what the report calls it (English; "
                       "default: the metric's label)")
    label_zh: str = Field("", max_length=200, description="the same in Chinese (default: the "
                          "metric's Chinese label)")
    source: str = Field(min_length=1, description="seed document or stated assumption")

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, metric: str) -> str:
        from ..outcomes import metric_names  # the registry, imported only for a scenario with targets

        if metric not in metric_names():
            raise ValueError(f"unknown metric {metric!r} (the README lists them; "
                             "simulation/outcomes.py declares them)")
        return metric

    def __str__(self) -> str:
        when = f"@{self.date}" if self.date else ""
        return f"{self.metric}{when} {self.operator} {self.threshold:g}"

    def met(self, values: Any) -> Any:
        """Where ``values`` of the metric meet this target (:func:`target_met`)."""
        return target_met(values, self.operator, self.threshold)


#: the largest share of residents the workforce may be: the people the model makes (one agent
#: each) are the social-work professionals plus the community and grid workers who are not
#: among them. Tianjin's are 97,850 of 13.9 M residents, 0.70% (seed 002: 36,800
#: professionals, 20,700 community and 48,000 grid workers); Chongqing's 0.62%. Seven times
#: that, one resident in twenty (children and the elderly included), is refused as a figure
#: given in the wrong unit or for another area (assumption)
MAX_WORKFORCE_SHARE = 0.05


class Scenario(Section):
    name: str = Field("tianjin_baseline", min_length=1, max_length=100,
                      description="scenario name (folder-safe: letters, digits, '_', '.', '-', "
                      "not starting with '.')")
    description: str = Field("", description="what this scenario is about")
    region: str = Field("Tianjin", description="region the figures describe")
    start: YearMonth = param("2022-01", "YYYY-MM", None, None, "first simulated month",
                             "seed 002 (Tianjin figures published 2022)")
    months: int = param(120, "months", 1, 1200, "months simulated", "assumption: 10 years")
    deterministic: bool = Field(False, description="expected values instead of random draws "
                                "(for docking tests and smooth comparisons)",
                                json_schema_extra={"unit": "flag", "source": "run option"})
    territory: Territory = Field(default_factory=Territory, description="places and people")
    residents: Residents = Field(default_factory=Residents, description="need by resident group")
    workforce: Workforce = Field(default_factory=Workforce, description="social workers")
    network: Network = Field(default_factory=Network, description="centres, stations, rooms")
    volunteers: Volunteers = Field(default_factory=Volunteers, description="volunteers")
    funding: Funding = Field(default_factory=Funding, description="money by source and costs")
    service: Service = Field(default_factory=Service, description="service delivery")
    staffing: Staffing = Field(default_factory=Staffing,
                               description="workload-based staffing and labour markets")
    duties: Duties = Field(default_factory=Duties, description="station duties (seed 001)")
    projects: Projects = Field(default_factory=Projects,
                               description="social-organisation projects")
    policies: list[Policy] = Field(
        default_factory=list, max_length=50,
        description="policies as plug-ins, each a kind with its own parameters, start and end: "
        + ", ".join(_POLICY_KINDS) + " (simulation/policies/; the old keys "
        "workforce.incentives and workforce.recruitment act as policies listed before these; a "
        "file that writes policies replaces its parent's whole list)",
        json_schema_extra={"unit": "", "source": "each policy states its source"})
    targets: list[PolicyTarget] = Field(
        default_factory=list, max_length=100,
        description="policy targets the report judges, discovery and calibration read (none by "
        "default; a file that writes targets replaces its parent's whole list)",
        json_schema_extra={"unit": "", "source": "each target states its source"})

    @field_validator("name")
    @classmethod
    def _folder_safe(cls, name: str) -> str:
        return check_name(name, "scenario name")  # it names the results folder

    @model_validator(mode="after")
    def _target_names_are_unique(self) -> Scenario:
        names = [t.name for t in self.targets]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ValueError(f"targets.{i}.name: {name!r} names two targets")
        return self

    @model_validator(mode="after")
    def _workforce_fits_population(self) -> Scenario:
        wf, population = self.workforce, self.territory.population
        cw = wf.community_workers - round(wf.community_workers * wf.community_worker_certified_share)
        grid = wf.grid_workers - round(wf.grid_workers * wf.grid_worker_certified_share)
        people = wf.talent_total + cw + grid
        if people > MAX_WORKFORCE_SHARE * population:
            raise ValueError(
                f"territory.population: {population:,} residents cannot hold a workforce of "
                f"{people:,} ({100 * people / population:.3g}% of them: {wf.talent_total:,} "
                f"professionals (workforce.talent_total) + {cw:,} uncertified community workers "
                f"+ {grid:,} uncertified grid workers); at most {MAX_WORKFORCE_SHARE:.0%} is "
                "plausible (Tianjin: 0.70%, seed 002): check the population and "
                "workforce.talent_total, community_workers, grid_workers")
        return self

    @model_validator(mode="after")
    def _community_workers_fit_talent(self) -> Scenario:
        if self.workforce.community_workers > 0 and (
                self.territory.communities + self.territory.villages) == 0:
            raise ValueError("community workers need communities or villages")
        return self

    @model_validator(mode="after")
    def _fits_in_memory(self) -> Scenario:
        people = people_bound(self)
        if sum(people.values()) > MAX_PEOPLE:
            parts = ", ".join(f"{k} {v:,}" for k, v in people.items() if v)
            raise ValueError(f"workforce: the run could hold {sum(people.values()):,} people "
                             f"({parts}); the model holds at most {MAX_PEOPLE:,} (about 200 "
                             "bytes each in memory): lower the largest of them")
        t, wait = self.territory, self.service.max_wait_months
        cells = (t.communities + t.villages) * (wait + 1)
        if cells > MAX_WAITING_CELLS:
            raise ValueError(f"territory: communities + villages ({t.communities + t.villages:,}) "
                             f"x (service.max_wait_months + 1) = {cells:,} community-months of "
                             f"waiting need; the model holds at most {MAX_WAITING_CELLS:,} (about "
                             "1.2 GB a copy): fewer places or a shorter service.max_wait_months")
        return self

    @model_validator(mode="after")
    def _need_stays_drawable(self) -> Scenario:
        factor, where = need_multiplier(self)
        if factor > MAX_NEED_FACTOR:
            raise ValueError(f"{where}: need would grow {factor:.3g}-fold during the run; "
                             f"need is drawn as counts of requests up to {MAX_NEED_FACTOR:,.0f} "
                             "times its starting rate")
        return self


#: most people the worker table may hold over a run (:func:`people_bound`): about 200 bytes
#: each with the month's working arrays, measured (20 million: about 4 GB)
MAX_PEOPLE = 20_000_000
#: most (communities + villages) x (service.max_wait_months + 1): the waiting-need table
#: has 15 numbers (3 service types x 5 groups) per cell, 8 bytes each
MAX_WAITING_CELLS = 10_000_000
#: most a need rate may be multiplied during a run (need_growth compounded, overlapping
#: events multiplied): need is a Poisson count of requests, which numpy draws only below
#: ~9e18; the largest in-bounds starting rate is ~2e11 requests a month
MAX_NEED_FACTOR = 1e6


def _months_of_year(sc: Scenario, month: int) -> int:
    """How many of the run's months fall in calendar month ``month`` (1-12)."""
    first = (month - int(sc.start[5:7])) % 12
    return 0 if first > sc.months - 1 else (sc.months - 1 - first) // 12 + 1


def people_bound(sc: Scenario) -> dict[str, int]:
    """An upper bound on the people the worker table holds during a run, by where they
    come from: the starting stocks (professionals and uncertified community and grid
    workers), outside exam passers (at most ``outside_pool`` register a year) and
    graduates entering, over a career at most, and a new hire for every post of every
    centre and station (exits are replaced, not added)."""
    wf, nw, st, t = sc.workforce, sc.network, sc.staffing, sc.territory
    cw_cert = round(wf.community_workers * wf.community_worker_certified_share)
    grid_cert = round(wf.grid_workers * wf.grid_worker_certified_share)
    career = math.ceil(max(wf.retirement_age - min(wf.entrant_age, wf.graduate_age), 1.0))
    exams = min(_months_of_year(sc, wf.exam.month), career)
    cohorts = min(_months_of_year(sc, wf.graduate_month), career)
    if st.posts_rule == "workload":
        centre, station = (max(st.max_posts, nw.min_staff_centre),
                           max(st.max_posts, nw.min_staff_street, nw.min_staff_town))
    else:
        centre, station = (max(nw.centre_posts, nw.min_staff_centre),
                           max(nw.station_posts, nw.min_staff_street, nw.min_staff_town))
    return {
        "talent_total": wf.talent_total,
        "uncertified community workers": wf.community_workers - cw_cert,
        "uncertified grid workers": wf.grid_workers - grid_cert,
        "outside passers": math.ceil(exams * wf.exam.outside_pool * wf.exam.pass_rate_assistant),
        "graduates": math.ceil(cohorts * wf.graduates * wf.graduate_entry_share),
        "posts": t.districts * centre + (t.streets + t.towns) * station,
    }


def need_multiplier(sc: Scenario) -> tuple[float, str]:
    """The most any group's need rate of any service type is multiplied during the run
    (an upper bound: its need_growth compounded to the last month times the most its
    overlapping events multiply together) and the key that drives it."""
    from ..state import months_between

    r, last = sc.residents, sc.months - 1
    spans = [(months_between(sc.start, ev.start), ev) for ev in r.events]
    moments = {0} | {k for k, _ in spans if 0 <= k <= last}  # products change at a start
    worst, where = 1.0, "residents"
    for g in GROUPS:
        growth = getattr(r, g).need_growth
        trend = (1.0 + growth) ** (last / 12.0) if growth > 0 else 1.0
        for t in SERVICE_TYPES:
            events = max((math.prod(ev.multiplier for k0, ev in spans if k0 <= k < k0 + ev.months
                                    and g in ev.groups and t in ev.types) for k in moments),
                         default=1.0)
            if trend * events > worst:
                worst = trend * events
                where = "residents.events" if events > trend else f"residents.{g}.need_growth"
    return worst, where


def scenario_policies(sc: Scenario) -> list[Any]:
    """The scenario's policies, in the order they act: the old keys translated, then
    ``policies:``. The one place the old keys become policies: ``workforce.recruitment`` is a
    ``qualified_recruitment`` policy running from the scenario's start (a later-listed
    running one replaces it), each of ``workforce.incentives`` an ``exam_incentive``."""
    wf = sc.workforce
    standing = QualifiedRecruitment(
        kind="qualified_recruitment", name="recruitment", start=sc.start,
        source="workforce.recruitment (the scenario's standing recruitment rule)",
        **wf.recruitment.model_dump())
    return [standing, *wf.incentives, *sc.policies]


def _event_text(event: NeedEvent) -> str:
    groups = "all groups" if set(event.groups) == set(GROUPS) else ", ".join(event.groups)
    types = "all types" if set(event.types) == set(SERVICE_TYPES) else ", ".join(event.types)
    return (f"{event.name}: {event.start} for {event.months} months, need x{event.multiplier:g} "
            f"({types}; {groups})")


def summarize_items(items: list[Any]) -> str:
    """A list parameter (policy targets, policies, need events, priority groups)
    as one line: each item's compact form, '; '-separated ('none' for an empty list).

    Items are plain data (as :func:`describe_parameters` gives them) or models; a mapping is
    read as whichever list item of the schema it is (their keys are disjoint: unknown keys
    are refused), a plain value (a group name) is shown as it is."""
    def one(item: Any) -> str:
        if isinstance(item, dict):
            item = _list_items().validate_python(item)
        return _event_text(item) if isinstance(item, NeedEvent) else str(item)
    return "; ".join(one(item) for item in items) or "none"


@cache
def _list_items() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(PolicyTarget | Incentive | NeedEvent | Policy)


def _bounds(info: Any) -> tuple[float | None, float | None]:
    lo = hi = None
    for meta in info.metadata:
        lo = getattr(meta, "ge", lo)
        hi = getattr(meta, "le", hi)
    return lo, hi


def describe_parameters(model: type[BaseModel] = Scenario, value: BaseModel | None = None,
                        prefix: str = "", inherited: str = "") -> list[dict[str, Any]]:
    """Every leaf parameter: dotted path, value, unit, bounds, description and source.

    Read by ``swsim validate --explain``, sweeps (bounds) and the report's appendix.
    """
    if value is None:
        value = model()  # the declared defaults (sections' leaves have none of their own)
    rows: list[dict[str, Any]] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        current = getattr(value, name)
        ann = info.annotation
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            rows.extend(describe_parameters(ann, current, path + ".",
                                            str(extra.get("source", inherited))))
            continue
        if isinstance(current, BaseModel):  # an optional sub-section given (a calendar)
            current = current.model_dump()
        if isinstance(current, list):  # a list of sections (targets): plain data, one value
            current = [v.model_dump() if isinstance(v, BaseModel) else v for v in current]
        lo, hi = _bounds(info)
        source = str(extra.get("source", ""))
        if inherited and source == "assumption":  # a section's default carries its own source
            source = inherited
        rows.append({"path": path, "value": current, "unit": extra.get("unit", ""),
                     "low": lo, "high": hi, "description": info.description or "",
                     "source": source})
    return rows
