"""Social workers and community workers (rows of :class:`~simulation.state.WorkerTable`):
whether to leave, whose claim to a training place comes first, whether to register
for the exam and how likely they pass."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import policies
from ..params.schema import REGISTRANT_GROUPS, Exam
from ..state import BoolArray, FloatArray, IntArray, Level

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["decide_to_register", "decision_chance", "eligible_for_exam", "exam_targets",
           "exit_hazard", "expected_worth", "leave", "outside_probability", "pass_probability",
           "recently_trained", "register_by_shares", "register_probability",
           "registrant_group", "training_priority", "worth_in_wages"]


def recently_trained(model: SocialWorkModel) -> BoolArray:
    """Which workers are within a training's effect period."""
    months = model.params.workforce.training.effect_months
    trained: BoolArray = (model.steps - model.workers.view("trained_at")) <= months
    return trained


def exit_hazard(model: SocialWorkModel) -> FloatArray:
    """Yearly exit hazard of every worker from their own pay, their unit's workload and
    their training: base rate x pay x workload x training (social workers), x what the
    running policies change (the exit-hazard hook, :func:`simulation.policies.exit_hazard_factor`),
    at most 1."""
    wf, w = model.params.workforce, model.workers
    talent, grid = w.view("talent"), w.view("grid_worker")
    base = np.where(talent, wf.attrition_rate,
                    np.where(grid, wf.grid_worker_turnover, wf.community_worker_turnover))
    level = w.view("level")
    allowance = np.where(level >= Level.ASSISTANT,
                         model.workforce.offer.salary_step[np.maximum(registrant_group(model), 0)],
                         0.0)
    salary = np.maximum(model.salary[level] + allowance, 1.0)  # unpaid: treat as 1 yuan/month
    pay = (model.workforce.reference_wage / salary) ** wf.pay_elasticity
    unit = w.view("unit")
    workload_now = np.minimum(model.service.unit_workload, wf.workload_cap)
    load = np.where(unit >= 0, workload_now[np.maximum(unit, 0)], 1.0)
    workload = 1.0 + wf.workload_elasticity * np.maximum(load - 1.0, 0.0)
    trained = np.where(recently_trained(model), 1.0 - wf.training.retention_effect, 1.0)
    hazard: FloatArray = base * np.where(talent, pay * workload * trained, 1.0)
    factor = policies.exit_hazard_factor(model, salary)
    if factor is not None:
        hazard = hazard * factor
    hazard = np.minimum(hazard, 1.0)
    return hazard


def leave(model: SocialWorkModel) -> BoolArray:
    """Who leaves this month: everyone at retirement age, the others with the monthly
    probability of their hazard (drawn within each level)."""
    wf, w, draws = model.params.workforce, model.workers, model.draws["workforce"]
    alive = w.view("alive")
    p_month = np.where(alive, 1.0 - (1.0 - exit_hazard(model)) ** (1.0 / 12.0), 0.0)
    retiring = alive & (w.view("age") >= wf.retirement_age)
    leaving: BoolArray = retiring | (~retiring & draws.select(
        np.where(retiring, 0.0, p_month), w.view("rank_key"), strata=w.view("level")))
    return leaving


def training_priority(model: SocialWorkModel, candidates: IntArray
                      ) -> tuple[BoolArray, FloatArray, FloatArray]:
    """Claims of ``candidates`` to training places: who wants exam preparation (below
    intermediate, not trained within the effect period), its score (community workers
    first) and the continuing-education score (unit staff, then community workers,
    then others, each fewest CE hours first). Lower scores come first."""
    tr, w = model.params.workforce.training, model.workers
    key = w.rank_key[candidates]  # in [0, 1): breaks ties, never reorders the priorities
    fresh = (model.steps - w.trained_at[candidates]) > tr.effect_months
    prep: BoolArray = fresh & (w.level[candidates] <= Level.ASSISTANT)
    prep_score: FloatArray = np.where(prep, np.where(w.community_worker[candidates], 0.0, 1.0),
                                      2.0) + key
    # grid workers carry no CE duty: they come last for CE places (exam preparation only)
    group = np.where(w.unit[candidates] >= 0, 0, np.where(
        w.community_worker[candidates], 1, np.where(w.grid_worker[candidates], 3, 2)))
    # CE hours move in steps of at least ce_hours_other/12; the key only splits exact ties
    ce_score: FloatArray = group * tr.ce_priority_hours + w.ce_hours[candidates] + key * 1e-3
    return prep, prep_score, ce_score


def registrant_group(model: SocialWorkModel) -> IntArray:
    """Each worker's registrant group (index into ``REGISTRANT_GROUPS``): community
    workers, grid workers, the rest of the workforce; -1 for anyone in none of them."""
    return model.workers.registrant_group()


def eligible_for_exam(model: SocialWorkModel) -> BoolArray:
    """Who may sit this year's exam: anyone below assistant level, and assistants with
    ``min_years_to_intermediate`` at that level."""
    ex, w = model.params.workforce.exam, model.workers
    years_at = (model.steps - w.view("level_since")) / 12.0
    level = w.view("level")
    eligible: BoolArray = w.view("alive") & (registrant_group(model) >= 0) & (
        (level <= Level.STAFF) | ((level == Level.ASSISTANT)
                                  & (years_at >= ex.min_years_to_intermediate)))
    return eligible


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1.0 - 1e-9)
    return float(np.log(p / (1.0 - p)))


def decision_chance(ex: Exam, propensity: float | FloatArray, worth: Any, prepared: Any = 0.0,
                    failures: Any = 0, age: Any = 35.0, required: Any = False) -> FloatArray:
    """The exam decision, the one formula (also used by ``swsim validate``'s bound): the
    chance to register is logistic(logit(propensity) + ``worth_effect`` x worth +
    ``prep_effect`` x prepared - ``failure_effect`` x failures - ``age_effect`` x years
    above 35 / 10 + ``requirement_effect`` x required); arguments broadcast together."""
    base = (np.vectorize(_logit)(propensity) if np.ndim(propensity) else _logit(float(propensity)))
    z = (base + ex.worth_effect * np.asarray(worth)
         + ex.prep_effect * np.asarray(prepared)
         - ex.failure_effect * np.asarray(failures)
         - ex.age_effect * np.maximum(np.asarray(age) - 35.0, 0.0) / 10.0
         + ex.requirement_effect * np.asarray(required))
    # z below -700 would overflow exp (a chance of 0 either way): the floor keeps it finite
    chance: FloatArray = 1.0 / (1.0 + np.exp(-np.maximum(z, -700.0)))
    return chance


def expected_worth(model: SocialWorkModel, level: IntArray, group: IntArray,
                   p_pass: FloatArray) -> FloatArray:
    """What passing is expected to be worth, in months of the reference wage: pass chance
    x (incentive bonus + ``value_horizon_months`` x the monthly pay step it brings:
    the salary of the next level, plus any incentive allowance a first certificate earns)."""
    ex = model.params.workforce.exam
    offer = model.workforce.offer
    target = np.where(level == Level.ASSISTANT, Level.INTERMEDIATE, Level.ASSISTANT)
    step = model.salary[target] - model.salary[level]
    step = step + np.where(level < Level.ASSISTANT, offer.salary_step[group], 0.0)
    return worth_in_wages(ex, p_pass, offer.bonus[group], step, model.workforce.reference_wage)


def worth_in_wages(ex: Exam, p_pass: Any, bonus: Any, step: Any, reference_wage: float
                   ) -> FloatArray:
    """Pass chance x (bonus + ``value_horizon_months`` x monthly pay step) / reference wage:
    what passing is expected to be worth, in months of the reference wage."""
    worth: FloatArray = np.asarray(p_pass * (bonus + ex.value_horizon_months * step)
                                   / reference_wage)
    return worth


def register_probability(model: SocialWorkModel, rows: IntArray) -> FloatArray:
    """Each eligible person's chance to register this year (a logistic decision): the
    group's propensity, raised by what passing is worth, recent exam preparation and a
    requirement of the post, lowered by past failures and age above 35."""
    ex, w = model.params.workforce.exam, model.workers
    group = registrant_group(model)[rows]
    propensity = np.array([getattr(ex, f"propensity_{g}") for g in REGISTRANT_GROUPS])
    level = w.level[rows]
    target = np.where(level == Level.ASSISTANT, Level.INTERMEDIATE, Level.ASSISTANT)
    worth = expected_worth(model, level, group, pass_probability(model, rows, target))
    return decision_chance(ex, propensity[group], worth, recently_trained(model)[rows],
                           w.failures[rows], w.age[rows], model.workforce.offer.required[group])


def outside_probability(model: SocialWorkModel) -> float:
    """The chance one person of ``exam.outside_pool`` registers (no preparation, no failures
    on record, taken as 35 or younger)."""
    ex = model.params.workforce.exam
    i = REGISTRANT_GROUPS.index("outside")
    level = np.array([Level.NONE])
    worth = expected_worth(model, level, np.array([i]), np.array([ex.pass_rate_assistant]))
    return float(decision_chance(ex, ex.propensity_outside, float(worth[0]),
                                 required=model.workforce.offer.required[i]))


def _scaled(p: FloatArray, total: float) -> FloatArray:
    """``p`` scaled by one factor (each capped at 1) so that it sums to ``total``."""
    if total <= 0 or not len(p):
        return np.zeros_like(p)
    if total >= len(p):
        return np.ones_like(p)
    lo, hi = 0.0, 1.0 / max(float(p[p > 0].min(initial=1.0)), 1e-12)
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if np.minimum(p * mid, 1.0).sum() < total else (lo, mid)
    scaled: FloatArray = np.minimum(p * hi, 1.0)
    return scaled


def decide_to_register(model: SocialWorkModel, total: int | None = None) -> tuple[IntArray, int]:
    """Who registers this year among the eligible, and how many outsiders: each decides
    with :func:`register_probability`. With an observed ``total`` (a registrations series)
    the count is the data's, exactly, as far as the eligible and ``outside_pool`` supply it
    (beyond, every one of them registers), and who registers still follows the
    probabilities."""
    ex, w, draws = model.params.workforce.exam, model.workers, model.draws["workforce"]
    rows = np.flatnonzero(eligible_for_exam(model))
    p = register_probability(model, rows)
    p_out = outside_probability(model)
    if total is not None:
        total = min(total, len(rows) + ex.outside_pool)
        expected = p.sum() + ex.outside_pool * p_out
        share_out = ex.outside_pool * p_out / expected if expected > 0 else 0.0
        # outsiders in proportion to their expected share, within the pool, and the
        # eligible workers the rest
        outsiders = min(max(int(round(total * share_out)), total - len(rows)), ex.outside_pool)
        picked = draws.select_exactly(_scaled(p, total - outsiders), total - outsiders,
                                      w.rank_key[rows])
        chosen: IntArray = rows[picked]
        return chosen, int(outsiders)
    outsiders = draws.binomial(ex.outside_pool, p_out)
    # drawn within each group, so one group's policy never moves another's count
    chosen = rows[draws.select(p, w.rank_key[rows], strata=registrant_group(model)[rows])]
    return chosen, int(outsiders)


def register_by_shares(model: SocialWorkModel, total: int) -> tuple[IntArray, int]:
    """Growth rule: who registers among this year's ``total`` registrations, and how many
    outsiders: eligible community workers and workforce members, each pool its share,
    recently trained people first; the rest outsiders, as many as ``outside_pool`` holds
    (a pool too small for its share leaves the rest to outsiders, and outsiders beyond
    the pool leave theirs to the eligible left); beyond them all, every one registers."""
    ex, w, draws = model.params.workforce.exam, model.workers, model.draws["workforce"]
    eligible, group = eligible_for_exam(model), registrant_group(model)
    pools = [np.flatnonzero(eligible & (group == 0)), np.flatnonzero(eligible & (group == 2))]
    wanted = [int(round(total * ex.from_community_workers)), int(round(total * ex.from_workforce))]
    key = w.view("rank_key")
    # exam preparation goes to people who then register (assumption): trained people first
    trained = recently_trained(model)
    rows: IntArray = np.concatenate([draws.choose(pool, k, key, prefer=trained)
                                     for pool, k in zip(pools, wanted, strict=True)]
                                    ).astype(np.int64)
    outsiders = min(max(total - len(rows), 0), ex.outside_pool)  # shares may round up past total
    short = total - len(rows) - outsiders
    if short > 0:
        rest = np.setdiff1d(np.concatenate(pools), rows)
        rows = np.sort(np.r_[rows, draws.choose(rest, short, key, prefer=trained)]).astype(np.int64)
    return rows, outsiders


def exam_targets(model: SocialWorkModel, rows: IntArray) -> IntArray:
    """The level each registrant sits: intermediate for assistants, else assistant."""
    target: IntArray = np.where(model.workers.level[rows] == Level.ASSISTANT,
                                Level.INTERMEDIATE, Level.ASSISTANT)
    return target


def pass_probability(model: SocialWorkModel, rows: IntArray, target: IntArray) -> FloatArray:
    """Each registrant's chance to pass: the level's pass rate, plus the training boost."""
    ex, tr = model.params.workforce.exam, model.params.workforce.training
    boost = np.where(recently_trained(model)[rows], tr.pass_rate_boost, 0)
    p: FloatArray = np.minimum(np.where(target == Level.ASSISTANT, ex.pass_rate_assistant,
                                        ex.pass_rate_intermediate) + boost, 1.0)
    return p
