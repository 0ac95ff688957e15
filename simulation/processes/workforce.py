"""Workforce: initial stocks, pay, ageing, exits and recruitment, training, the staff
evaluation, the yearly exam, graduates.

Stocks and flows (seed 002 stocks; ladder of seed 000):
- ``talent`` people make up ``social_workers_total``; a person joins it by
  passing an exam, earning the staff certificate, graduating into social work or
  being hired into a post, and leaves it by attrition or retirement, so that
  ``total(t) - total(t-1) = entries - exits`` holds every month. Community and grid
  workers count in it once they hold a certificate.
- Community workers (20,700) and grid workers (48,000, seed 002) are fixed pools of
  posts. A vacant community-worker post is filled by the running recruitment policy
  (``workforce.recruitment`` or a ``qualified_recruitment`` policy: qualified
  graduates, certified workers of other employers or qualified grid workers for a share,
  the rest grid workers or uncertified newcomers); a vacant grid post by an uncertified newcomer.
- Pay: salaries by level and the reference wage are indexed each January; the
  running policies (simulation/policies/: ``workforce.incentives`` and ``policies:``)
  set what exam registrants are offered (bonuses and allowances, paid as the
  ``incentives`` spending item) and cost their items each month (a housing subsidy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .. import policies
from ..agents import workers as worker_agents
from ..params.schema import REGISTRANT_GROUPS
from ..policies import Offer
from ..state import Employer, FloatArray, IntArray, Level, salary_by_level
from . import recruitment
from .recruitment import ages

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["Offer", "Pending", "WorkforceState", "active_incentives", "compact", "init",
           "registrations_in", "step"]


@dataclass
class Pending:
    """Exam results waiting to take effect."""

    effective_step: int
    rows: IntArray         # existing people who passed
    levels: IntArray       # level each passed
    outsiders: int         # outside registrants who passed (assistant level)
    bonus: float = 0.0     # incentive bonuses due when these certificates take effect, yuan


@dataclass
class WorkforceState:
    """What the workforce process keeps between months: exam results not yet in effect,
    this month's incentive offer, the reference wage (indexed yearly) and the graduates
    still looking for a post."""

    reference_wage: float
    pending: list[Pending] = field(default_factory=list)
    offer: Offer = field(default_factory=Offer.none)
    graduates_seeking: float = 0.0


def init(model: SocialWorkModel) -> WorkforceState:
    """Create the starting workforce from the scenario's stocks."""
    wf, rng = model.params.workforce, model.draws["workforce"].rng
    n_cw, n_grid = wf.community_workers, wf.grid_workers
    cw_cert = int(round(n_cw * wf.community_worker_certified_share))
    grid_cert = int(round(n_grid * wf.grid_worker_certified_share))
    n_nat, non_nat = wf.national_certified, wf.talent_total - wf.national_certified
    n_sen, n_ast = int(round(n_nat * wf.share_senior)), int(round(n_nat * wf.share_assistant))
    nat_levels = rng.permutation(np.r_[np.full(n_ast, Level.ASSISTANT), np.full(n_sen, Level.SENIOR),
                                       np.full(n_nat - n_ast - n_sen, Level.INTERMEDIATE)])
    n_staff = int(round(non_nat * wf.staff_certificate_share))
    other_levels = rng.permutation(np.r_[np.full(n_staff, Level.STAFF),
                                         np.full(non_nat - n_staff, Level.NONE)])
    # community workers, then grid workers: each pool's certified share are national
    # holders (counted in talent); the rest uncertified, not talent; then the other talent
    g_end = cw_cert + grid_cert
    levels = np.r_[nat_levels[:cw_cert], np.zeros(n_cw - cw_cert, np.int8),
                   nat_levels[cw_cert:g_end], np.zeros(n_grid - grid_cert, np.int8),
                   nat_levels[g_end:], other_levels].astype(np.int8)
    n, n_rest = len(levels), len(levels) - n_cw - n_grid
    is_cw = np.r_[np.ones(n_cw, bool), np.zeros(n_grid + n_rest, bool)]
    is_grid = np.r_[np.zeros(n_cw, bool), np.ones(n_grid, bool), np.zeros(n_rest, bool)]
    talent = np.r_[np.ones(cw_cert, bool), np.zeros(n_cw - cw_cert, bool),
                   np.ones(grid_cert, bool), np.zeros(n_grid - grid_cert, bool),
                   np.ones(n_rest, bool)]
    employer = np.r_[np.full(n_cw, Employer.COMMUNITY), np.full(n_grid, Employer.OTHER),
                     np.where(rng.random(n_rest) < wf.share_social_org, Employer.SOCIAL_ORG,
                              Employer.OTHER)].astype(np.int8)
    degree_share = np.r_[np.full(n_cw, wf.degree_share_community_workers),
                         np.full(n_grid, wf.degree_share_grid_workers),
                         np.full(n_rest, wf.degree_share_workforce)]
    community = np.full(n, -1, np.int32)
    community[:n_cw] = rng.permutation(_share_out(n_cw, model.places.population.sum(axis=1), rng))
    rows = model.add_workers(n, level=levels, community_worker=is_cw, grid_worker=is_grid,
                             talent=talent, employer=employer, community=community,
                             degree=rng.random(n) < degree_share,
                             age=ages(model, n, wf.mean_age, wf.age_sd))
    # CE hours in the year before the start: registered professionals are taken to have met
    # the duty (assumption; registration requires CE, seed 001)
    duty, start_month = model.params.duties.ce_hours, int(model.params.start[5:])
    model.workers.ce_last_year[rows] = duty
    # hours so far in the start year (for a January start: the whole previous year, which
    # the first January rolls over into ce_last_year)
    model.workers.ce_hours[rows] = duty * ((start_month - 1) or 12) / 12
    # time at current level: uniform over the previous 0-max_years_at_level_start years
    months_at_level = wf.max_years_at_level_start * 12
    model.workers.level_since[rows] = -np.floor(rng.random(n) * months_at_level).astype(np.int32)
    # last year's graduates who did not enter social work are still looking (assumption)
    return WorkforceState(reference_wage=wf.reference_wage,
                          graduates_seeking=wf.graduates * (1.0 - wf.graduate_entry_share))


def compact(model: SocialWorkModel) -> None:
    """Reclaim the rows of people who have left, once they are a quarter of the table,
    so monthly array work scales with the living workforce; pending exam results follow
    their people to the new rows."""
    w = model.workers
    if (w.n - int(w.view("alive").sum())) * 4 < w.n:
        return
    remap = w.compact()
    for pending in model.workforce.pending:
        moved = remap[pending.rows]
        pending.rows, pending.levels = moved[moved >= 0], pending.levels[moved >= 0]


def _share_out(n: int, weights: FloatArray, rng: np.random.Generator) -> IntArray:
    """``n`` community indices in proportion to ``weights``: each community gets the whole
    part of its share, the remainder goes by weighted draws (so every community of at least
    average size has a community worker)."""
    share = n * weights / weights.sum()
    whole = np.floor(share).astype(np.int64)
    rest = n - int(whole.sum())
    extra = rng.choice(len(weights), size=rest, replace=False,
                       p=(share - whole) / (share - whole).sum()) if rest else np.zeros(0, int)
    shared: IntArray = np.r_[np.repeat(np.arange(len(weights)), whole), extra].astype(np.int32)
    return shared


def _exits(model: SocialWorkModel) -> None:
    wf, w, draws = model.params.workforce, model.workers, model.draws["workforce"]
    talent = w.view("talent")
    rows = np.flatnonzero(worker_agents.leave(model))
    model.flows.exits += int(talent[rows].sum())
    cw_rows = rows[w.community_worker[rows]]
    vacant_communities = w.community[cw_rows].copy()
    n_grid = int(w.grid_worker[rows].sum())
    employer = np.where(w.community_worker[rows] | w.grid_worker[rows], -1, w.employer[rows])
    refill = {e: int(draws.binomial(int((employer == e).sum()), wf.post_refill_share))
              for e in (Employer.SOCIAL_ORG, Employer.OTHER)}
    w.leave(rows)
    recruitment.fill_community_posts(model, vacant_communities)
    recruitment.new_grid_workers(model, n_grid)
    for employer_kind, n in refill.items():
        if n:  # organisations refill most posts with new hires, qualified as the policy says
            model.flows.entries += recruitment.hire_newcomers(model, n, talent=True, employer=employer_kind)


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
    candidates = np.flatnonzero(w.view("alive") & (w.view("talent") | w.view("community_worker")
                                                   | w.view("grid_worker")))
    if places <= 0 or not len(candidates):
        return
    prep, prep_score, ce_score = worker_agents.training_priority(model, candidates)
    n_prep = min(int(round(places * tr.exam_prep_share)), int(prep.sum()))
    taken = _smallest(prep_score, n_prep)
    ce_score[taken] = np.inf
    chosen = candidates[np.r_[taken, _smallest(ce_score, min(places - n_prep,
                                                             len(candidates) - n_prep))]]
    w.trained_at[chosen] = model.steps
    w.ce_hours[chosen] += tr.hours_per_training
    model.flows.trainings += len(chosen)
    uncertified = chosen[w.level[chosen] == Level.NONE]
    earn = model.draws["workforce"].select(np.full(len(uncertified), tr.staff_certificate_rate),
                                           w.rank_key[uncertified])
    model.flows.entries += w.certify(uncertified[earn], Level.STAFF, model.steps)


def _smallest(score: FloatArray, k: int) -> IntArray:
    """Indices of the ``k`` smallest scores, in increasing order (O(n), not a full sort)."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < len(score):
        part = np.argpartition(score, k - 1)[:k]
    else:
        part = np.arange(len(score))
    return part[np.argsort(score[part], kind="stable")]


def registrations_in(model: SocialWorkModel, year: int) -> int:
    """Growth rule: exam registrations in ``year``: the explicit series if it lists the
    year, else base x growth^years (x the one-off multiplier in its one year), at most
    the ceiling."""
    ex = model.params.workforce.exam
    if ex.registrations_series and year in ex.registrations_series:
        return int(ex.registrations_series[year])
    start_year = int(model.params.start[:4])
    r = ex.registrations_base * (1.0 + ex.registration_growth) ** (year - start_year)
    if ex.incentive_year is not None and year == ex.incentive_year:
        r *= ex.incentive_multiplier
    return int(round(min(r, ex.max_registrations_share * model.params.territory.population)))


def _sit_exam(model: SocialWorkModel, year: int) -> None:
    ex, w, draws = model.params.workforce.exam, model.workers, model.draws["workforce"]
    series = ex.registrations_series or {}
    if ex.registration_mode == "decision":
        rows, outsiders = worker_agents.decide_to_register(model, series.get(year))
    else:
        rows, outsiders = worker_agents.register_by_shares(model, registrations_in(model, year))
    target = worker_agents.exam_targets(model, rows)
    passed = draws.select(worker_agents.pass_probability(model, rows, target), w.rank_key[rows])
    w.failures[rows[~passed]] += 1
    group = worker_agents.registrant_group(model)[rows]
    out_passed = draws.binomial(outsiders, ex.pass_rate_assistant)
    offer = model.workforce.offer
    bonus = float(offer.bonus[group[passed]].sum()
                  + out_passed * offer.bonus[REGISTRANT_GROUPS.index("outside")])
    model.workforce.pending.append(Pending(
        effective_step=model.steps + ex.certificate_delay_months, rows=rows[passed],
        levels=target[passed], outsiders=out_passed, bonus=bonus))
    model.flows.registrations += len(rows) + outsiders
    by_group = np.bincount(group, minlength=len(REGISTRANT_GROUPS)).astype(np.int64)
    by_group[REGISTRANT_GROUPS.index("outside")] += outsiders
    model.flows.registrations_by_group = by_group


def _take_effect(model: SocialWorkModel) -> None:
    wf = model.params.workforce
    state = model.workforce
    due = [p for p in state.pending if p.effective_step <= model.steps]
    if not due:
        return
    state.pending = [p for p in state.pending if p.effective_step > model.steps]
    for p in due:
        still_here = model.workers.alive[p.rows]
        model.flows.entries += model.workers.certify(p.rows[still_here], p.levels[still_here],
                                                     model.steps)
        model.flows.passes += int(still_here.sum()) + p.outsiders
        if p.bonus:  # the bonus was earned at the exam
            costs = model.flows.policy_costs
            costs["incentives"] = costs.get("incentives", 0.0) + p.bonus
        if p.outsiders:
            model.add_workers(p.outsiders, level=Level.ASSISTANT, talent=True,
                              employer=Employer.OTHER,
                              age=ages(model, p.outsiders, wf.entrant_age, wf.age_sd / 2))
            model.flows.entries += p.outsiders
    _senior_review(model)


def _staff_evaluation(model: SocialWorkModel) -> None:
    """Tianjin's yearly staff-certificate evaluation (社会工作员评定, seed 000): uncertified
    social-organisation staff, other workforce members and community workers are evaluated,
    recently trained people first; a share earn the staff certificate."""
    tr, w, draws = model.params.workforce.training, model.workers, model.draws["workforce"]
    candidates = np.flatnonzero(w.view("alive") & (w.view("level") == Level.NONE)
                                & (w.view("talent") | w.view("community_worker")))
    chosen = draws.choose(candidates, tr.staff_evaluation_intake, w.view("rank_key"),
                          prefer=worker_agents.recently_trained(model))
    earn = chosen[draws.select(np.full(len(chosen), tr.staff_evaluation_pass_rate),
                               w.rank_key[chosen])]
    model.flows.entries += w.certify(earn, Level.STAFF, model.steps)


def active_incentives(model: SocialWorkModel) -> Offer:
    """What the policies running this month offer each registrant group (the exam-offer
    hook, :func:`simulation.policies.exam_offer`)."""
    return policies.exam_offer(model)


def _pay(model: SocialWorkModel) -> None:
    """Each January salaries and the reference wage are indexed; every month the running
    policies set the exam offer and their costs are counted (the allowances to certified
    members, housing subsidies: :func:`simulation.policies.costs`)."""
    wf = model.params.workforce
    year, month = model.year_month
    if month == 1:
        years = year - int(model.params.start[:4])
        model.salary[:] = salary_by_level(model.params, years)
        model.workforce.reference_wage = wf.reference_wage * (1.0 + wf.reference_wage_growth) ** years
    model.workforce.offer = active_incentives(model)
    model.flows.policy_costs.update(policies.costs(model))


def _senior_review(model: SocialWorkModel) -> None:
    ex, w = model.params.workforce.exam, model.workers
    years_at = (model.steps - w.view("level_since")) / 12.0
    eligible = np.flatnonzero(w.view("alive") & (w.view("level") == Level.INTERMEDIATE)
                              & (years_at >= ex.min_years_to_senior))
    chosen = model.draws["workforce"].choose(eligible, ex.senior_quota, w.view("rank_key"))
    w.certify(chosen, Level.SENIOR, model.steps)
    model.flows.passes += min(ex.senior_quota, len(eligible))


def _graduates(model: SocialWorkModel) -> None:
    wf = model.params.workforce
    n = model.draws["workforce"].binomial(wf.graduates, wf.graduate_entry_share)
    if n:
        model.add_workers(n, talent=True, employer=Employer.SOCIAL_ORG, degree=True,
                          age=ages(model, n, wf.graduate_age, 1.0))
        model.flows.entries += n
    # the rest look for other posts (community workers, new hires) until next year's cohort
    model.workforce.graduates_seeking = wf.graduates * (1.0 - wf.graduate_entry_share)


def step(model: SocialWorkModel) -> None:
    """One month of workforce change."""
    wf = model.params.workforce
    year, month = model.year_month
    _pay(model)
    model.workers.view("age")[:] += 1.0 / 12.0
    _exits(model)
    _train(model)
    if month == wf.training.staff_evaluation_month:
        _staff_evaluation(model)
    if month == wf.exam.month:
        _sit_exam(model, year)
    _take_effect(model)
    if month == wf.graduate_month:
        _graduates(model)
