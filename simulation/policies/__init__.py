"""Policies as plug-ins (issue 22, part 2; as Starsim's interventions).

A scenario's ``policies:`` list holds policies, each a ``kind`` with its own typed
parameters, a ``start`` and ``end`` month, the group it targets and its source. Each kind
is one module of this package (:data:`KINDS`); this registry assembles the union the
schema reads (:data:`Policy`) and is the one way the model's processes reach the policies,
through hooks called on the policies running this month:

- :func:`exam_offer`: what they offer exam registrants (bonus per pass, monthly
  allowance, a certificate required), read by the exam decision and its payments;
- :func:`exit_hazard_factor`: a multiplier of each worker's exit hazard;
- :func:`hiring_preference`: whom vacant community-worker posts and new hires go to;
- :func:`costs`: what they cost this month, by cost item (each kind declares its items
  and their default funding lines, assembled into ``EARMARKS``).

A new kind is one module (a :class:`~simulation.policies.base.PolicyBase` subclass that
overrides the hooks it uses) plus its line in :data:`KINDS`. The old keys
``workforce.incentives`` and ``workforce.recruitment`` are translated into policies in one
place, :func:`simulation.params.schema.scenario_policies`.
"""

from __future__ import annotations

from typing import Any

from ..params import schema as _schema  # noqa: F401  (first: the schema imports the kinds)
from ..state import FloatArray
from .base import Offer, PolicyBase
from .kinds import COST_ITEMS, ITEM_LABELS, KINDS, Policy
from .qualified_recruitment import RecruitmentTerms

__all__ = ["COST_ITEMS", "ITEM_LABELS", "KINDS", "Offer", "Policy", "PolicyBase", "costs",
           "exam_offer", "exit_hazard_factor", "hiring_preference", "running"]


def running(model: Any) -> list[PolicyBase]:
    """The model's policies (``model.policies``: old keys translated, then ``policies:``)
    running this month."""
    date = model.date
    return [p for p in model.policies if p.runs_in(date)]


def exam_offer(model: Any) -> Offer:
    """What the running policies offer each registrant group this month (summed)."""
    offer = Offer.none()
    for policy in running(model):
        policy.add_offer(offer)
    return offer


def exit_hazard_factor(model: Any, salary: FloatArray) -> FloatArray | None:
    """Each worker's exit hazard multiplier from the running policies (their product);
    None when no policy changes it. ``salary``: each worker's monthly pay, yuan."""
    factor = None
    for policy in running(model):
        mine = policy.exit_factor(model, salary)
        if mine is not None:
            factor = mine if factor is None else factor * mine
    return factor


def hiring_preference(model: Any) -> RecruitmentTerms:
    """Whom vacant community-worker posts and new hires go to: the terms of the last-listed
    running policy that has a say (the old section ``workforce.recruitment`` runs from the
    scenario's start, so there is always one)."""
    terms = model.params.workforce.recruitment
    for policy in running(model):
        mine = policy.hiring_terms()
        if mine is not None:
            terms = mine
    return terms  # type: ignore[no-any-return]


def costs(model: Any) -> dict[str, float]:
    """This month's cost of the running policies by cost item, yuan (each kind costs its
    running policies together, kinds in :data:`KINDS` order)."""
    now = running(model)
    out: dict[str, float] = {}
    for cls in KINDS.values():
        mine = [p for p in now if type(p) is cls]
        if not mine:
            continue
        for item, amount in cls.monthly_costs(model, mine).items():
            out[item] = out.get(item, 0.0) + amount
    return out
