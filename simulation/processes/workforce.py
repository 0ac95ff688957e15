"""Workforce: initial stocks, ageing, exits, training, the yearly exam, graduates.

Stocks and flows (seed 002 stocks; ladder of seed 000):
- ``talent`` people make up ``social_workers_total``; a person joins it by
  passing an exam, graduating into social work or being hired into a post,
  and leaves it by attrition or retirement, so that
  ``total(t) - total(t-1) = entries - exits`` holds every month.
- Community workers are a fixed pool of posts: one who leaves is replaced by an
  uncertified newcomer in the same community (assumption).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..state import E

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["NONE", "SENIOR", "Pending", "init", "recently_trained", "registrations_in",
           "salary_by_level", "step"]

NONE, STAFF, ASSISTANT, INTERMEDIATE, SENIOR = range(5)


@dataclass
class Pending:
    """Exam results waiting to take effect."""

    effective_step: int
    rows: np.ndarray       # existing people who passed
    levels: np.ndarray     # level each passed
    outsiders: int         # outside registrants who passed (assistant level)


def salary_by_level(model: SocialWorkModel) -> np.ndarray:
    """Monthly salary (yuan) by level: none, staff, assistant, intermediate, senior."""
    f = model.params.funding
    return np.array([f.salary_none, f.salary_staff, f.salary_assistant, f.salary_intermediate,
                     f.salary_senior])


def recently_trained(model: SocialWorkModel) -> np.ndarray:
    """Which rows are within a training's effect period."""
    months = model.params.workforce.training.effect_months
    return (model.steps - model.workers.view("trained_at")) <= months


def _ages(model: SocialWorkModel, n: int, mean: float, sd: float) -> np.ndarray:
    wf = model.params.workforce
    return np.clip(model.draws["workforce"].normal(mean, sd, n), 18.0, wf.retirement_age - 0.5)


def init(model: SocialWorkModel) -> None:
    """Create the starting workforce from the scenario's stocks."""
    wf, rng = model.params.workforce, model.draws["workforce"].rng
    n_cw = wf.community_workers
    cw_cert = int(round(n_cw * wf.community_worker_certified_share))
    n_nat, non_nat = wf.national_certified, wf.talent_total - wf.national_certified
    n_sen, n_ast = int(round(n_nat * wf.share_senior)), int(round(n_nat * wf.share_assistant))
    nat_levels = rng.permutation(np.r_[np.full(n_ast, ASSISTANT), np.full(n_sen, SENIOR),
                                       np.full(n_nat - n_ast - n_sen, INTERMEDIATE)])
    n_staff = int(round(non_nat * wf.staff_certificate_share))
    other_levels = rng.permutation(np.r_[np.full(n_staff, STAFF), np.full(non_nat - n_staff, NONE)])
    # community workers: the first cw_cert national holders; the rest uncertified, not talent
    levels = np.r_[nat_levels[:cw_cert], np.zeros(n_cw - cw_cert, np.int8),
                   nat_levels[cw_cert:], other_levels].astype(np.int8)
    n, n_rest = len(levels), len(levels) - n_cw
    is_cw = np.r_[np.ones(n_cw, bool), np.zeros(n_rest, bool)]
    talent = np.r_[np.ones(cw_cert, bool), np.zeros(n_cw - cw_cert, bool), np.ones(n_rest, bool)]
    employer = np.r_[np.full(n_cw, E["community"]),
                     np.where(rng.random(n_rest) < wf.share_social_org, E["social_org"],
                              E["other"])].astype(np.int8)
    community = np.full(n, -1, np.int32)
    community[:n_cw] = rng.permutation(_share_out(n_cw, model.places.population.sum(axis=1), rng))
    rows = model.add_workers(n, level=levels, community_worker=is_cw, talent=talent,
                             employer=employer, community=community,
                             age=_ages(model, n, wf.mean_age, wf.age_sd))
    # CE hours in the year before the start: registered professionals are taken to have met
    # the duty (assumption; registration requires CE, seed 001)
    duty, start_month = model.params.duties.ce_hours, int(model.params.start[5:])
    model.workers.ce_last_year[rows] = duty
    # hours so far in the start year (for a January start: the whole previous year, which
    # the first January rolls over into ce_last_year)
    model.workers.ce_hours[rows] = duty * ((start_month - 1) or 12) / 12
    # time at current level: uniform over the previous 0-10 years (assumption)
    model.workers.level_since[rows] = -np.floor(rng.random(n) * 120).astype(np.int32)
    model.pending_certificates = []


def _share_out(n: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``n`` community indices in proportion to ``weights``: each community gets the whole
    part of its share, the remainder goes by weighted draws (so every community of at least
    average size has a community worker)."""
    share = n * weights / weights.sum()
    whole = np.floor(share).astype(np.int64)
    rest = n - int(whole.sum())
    extra = rng.choice(len(weights), size=rest, replace=False,
                       p=(share - whole) / (share - whole).sum()) if rest else np.zeros(0, int)
    return np.r_[np.repeat(np.arange(len(weights)), whole), extra].astype(np.int32)


def _hazard(model: SocialWorkModel) -> np.ndarray:
    """Yearly exit hazard of every row: base rate x pay x workload x training."""
    wf, w = model.params.workforce, model.workers
    talent = w.view("talent")
    base = np.where(talent, wf.attrition_rate, wf.community_worker_turnover)
    salary = np.maximum(salary_by_level(model), 1.0)  # unpaid posts: treat as 1 yuan/month
    pay = (wf.reference_wage / salary[w.view("level")]) ** wf.pay_elasticity
    unit = w.view("unit")
    load = np.where(unit >= 0, model.unit_workload[np.maximum(unit, 0)], 1.0)
    workload = 1.0 + wf.workload_elasticity * np.maximum(load - 1.0, 0.0)
    trained = np.where(recently_trained(model), 1.0 - wf.training.retention_effect, 1.0)
    return np.minimum(base * np.where(talent, pay * workload * trained, 1.0), 1.0)


def _exits(model: SocialWorkModel) -> None:
    wf, w, draws = model.params.workforce, model.workers, model.draws["workforce"]
    alive, talent = w.view("alive"), w.view("talent")
    p_month = np.where(alive, 1.0 - (1.0 - _hazard(model)) ** (1.0 / 12.0), 0.0)
    retiring = alive & (w.view("age") >= wf.retirement_age)
    leaving = retiring | (~retiring & draws.select(np.where(retiring, 0.0, p_month),
                                                   w.view("rank_key"), strata=w.view("level")))
    rows = np.flatnonzero(leaving)
    model.flows.exits += int(talent[rows].sum())
    cw_rows = rows[w.community_worker[rows]]
    replace_communities = w.community[cw_rows].copy()
    employer = w.employer[rows]
    refill = {e: draws.binomial(int((employer == E[e]).sum()), wf.post_refill_share)
              for e in ("social_org", "other")}
    model.workers_at(rows).do("leave")
    if len(cw_rows):
        # community-worker posts are refilled by uncertified newcomers (assumption)
        model.add_workers(len(cw_rows), community_worker=True, employer=E["community"],
                          community=replace_communities,
                          age=_ages(model, len(cw_rows), wf.entrant_age, wf.age_sd / 2))
    for name, n in refill.items():
        if n:  # organisations refill most posts with uncertified new hires (assumption)
            model.add_workers(n, talent=True, employer=E[name],
                              age=_ages(model, n, wf.entrant_age, wf.age_sd / 2))
            model.flows.entries += n


def _train(model: SocialWorkModel) -> None:
    """This month's share of the yearly training places: ``exam_prep_share`` as exam
    preparation for people below intermediate level (community workers first), the rest
    as continuing education to those with fewest CE hours (unit staff first)."""
    tr, w = model.params.workforce.training, model.workers
    _, month = model.year_month
    places = tr.capacity * month // 12 - tr.capacity * (month - 1) // 12
    if month == 1:  # CE hours count per calendar year (seed 001: 30 h/yr)
        w.view("ce_last_year")[:] = w.view("ce_hours")
        w.view("ce_hours")[:] = 0.0
    w.view("ce_hours")[:] += tr.ce_hours_other / 12.0
    candidates = np.flatnonzero(w.view("alive") & (w.view("talent") | w.view("community_worker")))
    if places <= 0 or not len(candidates):
        return
    key = w.rank_key[candidates]  # in [0, 1): breaks ties, never reorders the priorities
    fresh = (model.steps - w.trained_at[candidates]) > tr.effect_months
    prep = fresh & (w.level[candidates] <= ASSISTANT)
    n_prep = min(int(round(places * tr.exam_prep_share)), int(prep.sum()))
    prep_score = np.where(prep, np.where(w.community_worker[candidates], 0.0, 1.0), 2.0) + key
    taken = _smallest(prep_score, n_prep)
    tier = np.where(w.unit[candidates] >= 0, 0, np.where(w.community_worker[candidates], 1, 2))
    # CE hours move in steps of at least ce_hours_other/12; the key only splits exact ties
    ce_score = tier * 1e9 + w.ce_hours[candidates] + key * 1e-3
    ce_score[taken] = np.inf
    chosen = candidates[np.r_[taken, _smallest(ce_score, min(places - n_prep,
                                                             len(candidates) - n_prep))]]
    w.trained_at[chosen] = model.steps
    w.ce_hours[chosen] += tr.hours_per_training
    model.flows.trainings += len(chosen)
    uncertified = chosen[w.level[chosen] == NONE]
    earn = model.draws["workforce"].select(np.full(len(uncertified), tr.staff_certificate_rate),
                                           w.rank_key[uncertified])
    model.flows.entries += sum(model.workers_at(uncertified[earn]).map("certify", STAFF))


def _smallest(score: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` smallest scores, in increasing order (O(n), not a full sort)."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < len(score):
        part = np.argpartition(score, k - 1)[:k]
    else:
        part = np.arange(len(score))
    return part[np.argsort(score[part], kind="stable")]


def registrations_in(model: SocialWorkModel, year: int) -> int:
    """Exam registrations in ``year``: the explicit series if it lists the year, else the rule."""
    ex = model.params.workforce.exam
    if ex.registrations_series and year in ex.registrations_series:
        return int(ex.registrations_series[year])
    start_year = int(model.params.start[:4])
    r = ex.registrations_base * (1.0 + ex.registration_growth) ** (year - start_year)
    if ex.incentive_year is not None and year >= ex.incentive_year:
        r *= ex.incentive_multiplier
    return int(round(min(r, ex.max_registrations_share * model.params.territory.population)))


def _sit_exam(model: SocialWorkModel, year: int) -> None:
    ex, w, draws = model.params.workforce.exam, model.workers, model.draws["workforce"]
    total = registrations_in(model, year)
    years_at = (model.steps - w.view("level_since")) / 12.0
    level, alive, cw = w.view("level"), w.view("alive"), w.view("community_worker")
    eligible = alive & ((level <= STAFF) | ((level == ASSISTANT)
                                            & (years_at >= ex.min_years_to_intermediate)))
    pools = [np.flatnonzero(eligible & cw), np.flatnonzero(eligible & ~cw & w.view("talent"))]
    wanted = [int(round(total * ex.from_community_workers)), int(round(total * ex.from_workforce))]
    key = w.view("rank_key")
    # exam preparation goes to people who then register (assumption): trained people first
    trained = recently_trained(model)
    rows = np.concatenate([draws.choose(pool, k, key, prefer=trained)
                           for pool, k in zip(pools, wanted, strict=True)]).astype(np.int64)
    # a pool too small to supply its share leaves the rest to outside registrants
    outsiders = total - len(rows)
    target = np.where(level[rows] == ASSISTANT, INTERMEDIATE, ASSISTANT)
    boost = np.where(recently_trained(model)[rows], model.params.workforce.training.pass_rate_boost, 0)
    p = np.minimum(np.where(target == ASSISTANT, ex.pass_rate_assistant, ex.pass_rate_intermediate)
                   + boost, 1.0)
    passed = draws.select(p, key[rows])
    model.pending_certificates.append(Pending(
        effective_step=model.steps + ex.certificate_delay_months, rows=rows[passed],
        levels=target[passed], outsiders=draws.binomial(outsiders, ex.pass_rate_assistant)))
    model.flows.registrations += total


def _take_effect(model: SocialWorkModel) -> None:
    wf = model.params.workforce
    due = [p for p in model.pending_certificates if p.effective_step <= model.steps]
    if not due:
        return
    model.pending_certificates = [p for p in model.pending_certificates
                                  if p.effective_step > model.steps]
    for p in due:
        still_here = model.workers.alive[p.rows]
        for r, lv in zip(p.rows[still_here], p.levels[still_here], strict=True):
            model.flows.entries += model.worker_agents[r].certify(int(lv))
        model.flows.passes += int(still_here.sum()) + p.outsiders
        if p.outsiders:
            model.add_workers(p.outsiders, level=ASSISTANT, talent=True, employer=E["other"],
                              age=_ages(model, p.outsiders, wf.entrant_age, wf.age_sd / 2))
            model.flows.entries += p.outsiders
    _senior_review(model)


def _senior_review(model: SocialWorkModel) -> None:
    ex, w = model.params.workforce.exam, model.workers
    years_at = (model.steps - w.view("level_since")) / 12.0
    eligible = np.flatnonzero(w.view("alive") & (w.view("level") == INTERMEDIATE)
                              & (years_at >= ex.min_years_to_senior))
    chosen = model.draws["workforce"].choose(eligible, ex.senior_quota, w.view("rank_key"))
    model.workers_at(chosen).do("certify", SENIOR)
    model.flows.passes += min(ex.senior_quota, len(eligible))


def _graduates(model: SocialWorkModel) -> None:
    wf = model.params.workforce
    n = model.draws["workforce"].binomial(wf.graduates, wf.graduate_entry_share)
    if n:
        model.add_workers(n, talent=True, employer=E["social_org"],
                          age=_ages(model, n, wf.graduate_age, 1.0))
        model.flows.entries += n


def step(model: SocialWorkModel) -> None:
    """One month of workforce change."""
    wf = model.params.workforce
    year, month = model.year_month
    model.workers.view("age")[:] += 1.0 / 12.0
    _exits(model)
    _train(model)
    if month == wf.exam.month:
        _sit_exam(model, year)
    _take_effect(model)
    if month == wf.graduate_month:
        _graduates(model)
