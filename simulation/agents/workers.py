"""Social workers and community workers (rows of :class:`~simulation.state.WorkerTable`):
whether to leave, whose claim to a training place comes first, whether to register
for the exam and how likely they pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..state import BoolArray, FloatArray, IntArray, Level

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["exam_targets", "exit_hazard", "leave", "pass_probability", "recently_trained",
           "register_for_exam", "training_priority"]


def recently_trained(model: SocialWorkModel) -> BoolArray:
    """Which workers are within a training's effect period."""
    months = model.params.workforce.training.effect_months
    trained: BoolArray = (model.steps - model.workers.view("trained_at")) <= months
    return trained


def exit_hazard(model: SocialWorkModel) -> FloatArray:
    """Yearly exit hazard of every worker from their own pay, their unit's workload and
    their training: base rate x pay x workload x training."""
    wf, w = model.params.workforce, model.workers
    talent = w.view("talent")
    base = np.where(talent, wf.attrition_rate, wf.community_worker_turnover)
    salary = np.maximum(model.salary, 1.0)  # unpaid posts: treat as 1 yuan/month
    pay = (wf.reference_wage / salary[w.view("level")]) ** wf.pay_elasticity
    unit = w.view("unit")
    workload_now = np.minimum(model.service.unit_workload, wf.workload_cap)
    load = np.where(unit >= 0, workload_now[np.maximum(unit, 0)], 1.0)
    workload = 1.0 + wf.workload_elasticity * np.maximum(load - 1.0, 0.0)
    trained = np.where(recently_trained(model), 1.0 - wf.training.retention_effect, 1.0)
    hazard: FloatArray = np.minimum(base * np.where(talent, pay * workload * trained, 1.0), 1.0)
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
    group = np.where(w.unit[candidates] >= 0, 0, np.where(w.community_worker[candidates], 1, 2))
    # CE hours move in steps of at least ce_hours_other/12; the key only splits exact ties
    ce_score: FloatArray = group * tr.ce_priority_hours + w.ce_hours[candidates] + key * 1e-3
    return prep, prep_score, ce_score


def register_for_exam(model: SocialWorkModel, total: int) -> IntArray:
    """Who registers among this year's ``total`` registrations: eligible community workers
    and workforce members (below assistant level, or assistants with
    ``min_years_to_intermediate``), each pool its share, recently trained people first."""
    ex, w, draws = model.params.workforce.exam, model.workers, model.draws["workforce"]
    years_at = (model.steps - w.view("level_since")) / 12.0
    level, alive, cw = w.view("level"), w.view("alive"), w.view("community_worker")
    eligible = alive & ((level <= Level.STAFF) | ((level == Level.ASSISTANT)
                                                  & (years_at >= ex.min_years_to_intermediate)))
    pools = [np.flatnonzero(eligible & cw), np.flatnonzero(eligible & ~cw & w.view("talent"))]
    wanted = [int(round(total * ex.from_community_workers)), int(round(total * ex.from_workforce))]
    key = w.view("rank_key")
    # exam preparation goes to people who then register (assumption): trained people first
    trained = recently_trained(model)
    rows: IntArray = np.concatenate([draws.choose(pool, k, key, prefer=trained)
                                     for pool, k in zip(pools, wanted, strict=True)]
                                    ).astype(np.int64)
    return rows


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
