"""Workforce: initial stocks, ageing, exits, the yearly exam, certificates, graduates.

Stocks and flows (seed 002 stocks; ladder of seed 000):
- ``talent`` people make up ``social_workers_total``; a person joins it by
  passing an exam, graduating into social work or being recruited into a post,
  and leaves it by attrition or retirement: the identity
  ``total(t) - total(t-1) = entries - exits`` holds each month.
- Community workers are a fixed pool of posts: one who leaves is replaced by an
  uncertified newcomer in the same community (assumption).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..agents import SocialWorker
from ..state import E

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["Pending", "init", "registrations_in", "step"]

NONE, STAFF, ASSISTANT, INTERMEDIATE, SENIOR = range(5)


@dataclass
class Pending:
    """Exam results waiting to take effect."""

    effective_step: int
    rows: np.ndarray       # existing people who passed
    levels: np.ndarray     # level each passed
    outsiders: int         # outside registrants who passed (assistant level)


def _ages(model: SocialWorkModel, n: int, mean: float, sd: float) -> np.ndarray:
    wf = model.params.workforce
    return np.clip(model.rngs["workforce"].normal(mean, sd, n), 18.0, wf.retirement_age - 0.5)


def add_people(model: SocialWorkModel, n: int, **columns) -> np.ndarray:
    """New rows in the worker table, each with its SocialWorker agent."""
    rows = model.workers.add(n, rank_key=model.rngs["workforce"].random(n),
                             level_since=model.steps, **columns)
    model.worker_agents.extend(SocialWorker(model, int(r)) for r in rows)
    return rows


def init(model: SocialWorkModel) -> None:
    """Create the starting workforce from the scenario's stocks."""
    wf, rng = model.params.workforce, model.rngs["workforce"]
    n_cw = wf.community_workers
    cw_cert = int(round(n_cw * wf.community_worker_certified_share))
    n_nat = wf.national_certified
    non_nat = wf.talent_total - n_nat
    # national certificates: assistant / intermediate / senior in fixed proportions
    n_sen = int(round(n_nat * wf.share_senior))
    n_ast = int(round(n_nat * wf.share_assistant))
    nat_levels = rng.permutation(np.r_[np.full(n_ast, ASSISTANT), np.full(n_sen, SENIOR),
                                       np.full(n_nat - n_ast - n_sen, INTERMEDIATE)])
    n_staff = int(round(non_nat * wf.staff_certificate_share))
    other_levels = rng.permutation(np.r_[np.full(n_staff, STAFF),
                                         np.full(non_nat - n_staff, NONE)])
    # community workers: the first cw_cert national holders; the rest uncertified, not talent
    levels = np.r_[nat_levels[:cw_cert], np.zeros(n_cw - cw_cert, np.int8),
                   nat_levels[cw_cert:], other_levels].astype(np.int8)
    is_cw = np.r_[np.ones(n_cw, bool), np.zeros(len(levels) - n_cw, bool)]
    talent = np.r_[np.ones(cw_cert, bool), np.zeros(n_cw - cw_cert, bool),
                   np.ones(len(levels) - n_cw, bool)]
    n_rest = len(levels) - n_cw
    employer = np.r_[np.full(n_cw, E["community"]),
                     np.where(rng.random(n_rest) < wf.share_social_org, E["social_org"],
                              E["other"])].astype(np.int8)
    pop = model.places.population.sum(axis=1)
    community = np.full(len(levels), -1, np.int32)
    if n_cw:
        community[:n_cw] = rng.choice(len(pop), size=n_cw, p=pop / pop.sum())
    n = len(levels)
    rows = add_people(model, n, level=levels, community_worker=is_cw, talent=talent,
                      employer=employer, community=community,
                      age=_ages(model, n, wf.mean_age, wf.age_sd))
    # time at current level: uniform over the previous 0-10 years (assumption)
    model.workers.level_since[rows] = -np.floor(rng.random(n) * 120).astype(np.int32)
    model.pending_certificates = []


def _exits(model: SocialWorkModel) -> None:
    wf, w, rng = model.params.workforce, model.workers, model.rngs["workforce"]
    alive = w.view("alive")
    talent = w.view("talent")
    annual = np.where(talent, wf.attrition_rate, wf.community_worker_turnover)
    p_month = 1.0 - (1.0 - annual) ** (1.0 / 12.0)
    leaving = alive & ((w.view("age") >= wf.retirement_age) | (rng.random(w.n) < p_month))
    rows = np.flatnonzero(leaving)
    model.flows.exits += int(talent[rows].sum())
    cw_rows = rows[w.community_worker[rows]]
    replace_communities = w.community[cw_rows].copy()
    employer = w.employer[rows]
    refill = {e: int(rng.binomial(int((employer == E[e]).sum()), wf.post_refill_share))
              for e in ("social_org", "other")}
    for r in rows:
        model.worker_agents[r].leave()
    if len(cw_rows):
        # community-worker posts are refilled by uncertified newcomers (assumption)
        add_people(model, len(cw_rows), community_worker=True, employer=E["community"],
                   community=replace_communities,
                   age=_ages(model, len(cw_rows), wf.entrant_age, wf.age_sd / 2))
    for name, n in refill.items():
        if n:  # organisations refill most posts with uncertified new hires (assumption)
            add_people(model, n, talent=True, employer=E[name],
                       age=_ages(model, n, wf.entrant_age, wf.age_sd / 2))
            model.flows.entries += n


def registrations_in(model: SocialWorkModel, year: int) -> int:
    """Exam registrations in ``year``: the explicit series if it lists the year, else the rule."""
    ex = model.params.workforce.exam
    if ex.registrations_series and year in ex.registrations_series:
        return int(ex.registrations_series[year])
    start_year = int(model.params.start[:4])
    r = ex.registrations_base * (1.0 + ex.registration_growth) ** (year - start_year)
    if ex.incentive_year is not None and year >= ex.incentive_year:
        r *= ex.incentive_multiplier
    return int(round(r))


def _sit_exam(model: SocialWorkModel, year: int) -> None:
    ex, w, rng = model.params.workforce.exam, model.workers, model.rngs["workforce"]
    total = registrations_in(model, year)
    years_at = (model.steps - w.view("level_since")) / 12.0
    level = w.view("level")
    alive = w.view("alive")
    to_assistant = alive & (level <= STAFF)
    to_intermediate = alive & (level == ASSISTANT) & (years_at >= ex.min_years_to_intermediate)
    eligible = to_assistant | to_intermediate
    cw = w.view("community_worker")
    pools = [np.flatnonzero(eligible & cw), np.flatnonzero(eligible & ~cw & w.view("talent"))]
    wanted = [int(round(total * ex.from_community_workers)),
              int(round(total * ex.from_workforce))]
    sitting = [rng.choice(pool, size=min(k, len(pool)), replace=False)
               for pool, k in zip(pools, wanted, strict=True)]
    rows = np.sort(np.concatenate(sitting)).astype(np.int64)
    # a pool too small to supply its share leaves the rest to outside registrants
    outsiders = total - len(rows)
    target = np.where(level[rows] == ASSISTANT, INTERMEDIATE, ASSISTANT)
    p = np.where(target == ASSISTANT, ex.pass_rate_assistant, ex.pass_rate_intermediate)
    passed = rng.random(len(rows)) < p
    outsider_passes = int(rng.binomial(outsiders, ex.pass_rate_assistant))
    model.pending_certificates.append(Pending(
        effective_step=model.steps + ex.certificate_delay_months,
        rows=rows[passed], levels=target[passed], outsiders=outsider_passes))
    model.flows.registrations += total


def _take_effect(model: SocialWorkModel) -> None:
    wf = model.params.workforce
    due = [p for p in model.pending_certificates if p.effective_step <= model.steps]
    model.pending_certificates = [p for p in model.pending_certificates
                                  if p.effective_step > model.steps]
    for p in due:
        still_here = model.workers.alive[p.rows]
        for r, lv in zip(p.rows[still_here], p.levels[still_here], strict=True):
            model.flows.entries += model.worker_agents[r].certify(int(lv))
        model.flows.passes += int(still_here.sum()) + p.outsiders
        if p.outsiders:
            add_people(model, p.outsiders, level=ASSISTANT, talent=True, employer=E["other"],
                       age=_ages(model, p.outsiders, wf.entrant_age, wf.age_sd / 2))
            model.flows.entries += p.outsiders
        _senior_review(model)


def _senior_review(model: SocialWorkModel) -> None:
    ex, w = model.params.workforce.exam, model.workers
    years_at = (model.steps - w.view("level_since")) / 12.0
    eligible = np.flatnonzero(w.view("alive") & (w.view("level") == INTERMEDIATE)
                              & (years_at >= ex.min_years_to_senior))
    chosen = model.rngs["workforce"].choice(eligible, size=min(ex.senior_quota, len(eligible)),
                                            replace=False)
    for r in np.sort(chosen):
        model.worker_agents[r].certify(SENIOR)
    model.flows.passes += len(chosen)


def _graduates(model: SocialWorkModel) -> None:
    wf = model.params.workforce
    n = int(model.rngs["workforce"].binomial(wf.graduates, wf.graduate_entry_share))
    if n:
        add_people(model, n, talent=True, employer=E["social_org"],
                   age=_ages(model, n, wf.graduate_age, 1.0))
        model.flows.entries += n


def step(model: SocialWorkModel) -> None:
    """One month of workforce change."""
    wf = model.params.workforce
    year, month = model.year_month
    model.workers.view("age")[:] += 1.0 / 12.0
    _exits(model)
    if month == wf.exam.month:
        _sit_exam(model, year)
    _take_effect(model)
    if month == wf.graduate_month:
        _graduates(model)
