"""Recruitment: who fills a vacant community-worker or grid post, and who the new hires
of organisations are, as the running recruitment policy says (the hiring-preference hook,
:func:`simulation.policies.hiring_preference`: ``workforce.recruitment`` or a
``qualified_recruitment`` policy; seed 002 asks that qualified people be recruited into
community-worker posts). Called by the workforce process."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import policies
from ..state import Employer, FloatArray, IntArray, Level

if TYPE_CHECKING:
    from ..model import SocialWorkModel

__all__ = ["ages", "fill_community_posts", "hire_newcomers", "new_grid_workers"]


def ages(model: SocialWorkModel, n: int, mean: float, sd: float) -> FloatArray:
    """``n`` ages, normal(mean, sd) within 18 and just below retirement (expected: the mean)."""
    wf = model.params.workforce
    ages: FloatArray = np.clip(model.draws["workforce"].normal(mean, sd, n), 18.0,
                               wf.retirement_age - 0.5)
    return ages


def new_grid_workers(model: SocialWorkModel, n: int) -> None:
    """Vacant grid posts are filled by uncertified newcomers (the pool stays its size)."""
    wf = model.params.workforce
    if n:
        model.add_workers(n, grid_worker=True, employer=Employer.OTHER,
                          degree=model.draws["workforce"].uniform(n) < wf.degree_share_grid_workers,
                          age=ages(model, n, wf.entrant_age, wf.age_sd / 2))


def hire_newcomers(model: SocialWorkModel, n: int, **columns: object) -> int:
    """Add ``n`` new hires from outside: the policy's qualified share are graduates (a
    degree, while the year's graduates last); the rest uncertified. Returns ``n``."""
    wf, state = model.params.workforce, model.workforce
    share = policies.hiring_preference(model).qualified_share
    qualified = min(model.draws["workforce"].binomial(n, share),
                    int(state.graduates_seeking))
    state.graduates_seeking -= qualified
    age = np.r_[np.full(qualified, wf.graduate_age), ages(model, n - qualified, wf.entrant_age,
                                                          wf.age_sd / 2)]
    model.add_workers(n, degree=np.arange(n) < qualified, age=age, **columns)  # type: ignore[arg-type]
    return n


def fill_community_posts(model: SocialWorkModel, communities: IntArray) -> None:
    """Fill vacant community-worker posts: the running recruitment policy's
    ``qualified_share`` of them with
    qualified people from the pools by their weights (as far as each supplies them),
    the rest with grid workers (``grid_share_of_others``) or uncertified newcomers."""
    n = len(communities)
    if not n:
        return
    rc, w, draws = policies.hiring_preference(model), model.workers, model.draws["workforce"]
    n_qual = draws.binomial(n, rc.qualified_share)
    weights = np.array([rc.from_graduates, rc.from_certified, rc.from_grid_workers])
    wanted = (np.floor(n_qual * weights / weights.sum()) if weights.sum() > 0
              else np.zeros(3)).astype(int)
    wanted[int(np.argmax(weights))] += n_qual - int(wanted.sum())
    alive, grid, key = w.view("alive"), w.view("grid_worker"), w.view("rank_key")
    qualified = (w.view("level") >= Level.ASSISTANT) | w.view("degree")
    n_grad = min(int(wanted[0]), int(model.workforce.graduates_seeking))
    model.workforce.graduates_seeking -= n_grad
    outsiders = alive & w.view("talent") & ~w.view("community_worker") & ~grid & (
        w.view("level") >= Level.ASSISTANT) & (w.view("employer") == Employer.OTHER) & (
        w.view("unit") < 0)
    movers_cert = draws.choose(np.flatnonzero(outsiders), int(wanted[1]), key)
    movers_grid = draws.choose(np.flatnonzero(alive & grid & qualified), int(wanted[2]), key)
    n_other = n - n_grad - len(movers_cert) - len(movers_grid)
    taken = np.zeros(w.n, dtype=bool)
    taken[movers_grid] = True
    plain_grid = draws.choose(np.flatnonzero(alive & grid & ~taken),
                              draws.binomial(n_other, rc.grid_share_of_others), key)
    movers = np.r_[movers_cert, movers_grid, plain_grid].astype(np.int64)
    places = communities[n_grad:]
    w.community_worker[movers], w.grid_worker[movers] = True, False
    w.employer[movers], w.community[movers] = Employer.COMMUNITY, places[:len(movers)]
    new_grid_workers(model, len(movers_grid) + len(plain_grid))
    wf = model.params.workforce
    if n_grad:
        model.add_workers(n_grad, community_worker=True, employer=Employer.COMMUNITY, degree=True,
                          community=communities[:n_grad], age=wf.graduate_age)
    n_new = len(places) - len(movers)
    if n_new:
        model.add_workers(n_new, community_worker=True, employer=Employer.COMMUNITY,
                          community=places[len(movers):],
                          age=ages(model, n_new, wf.entrant_age, wf.age_sd / 2))
