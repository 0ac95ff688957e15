"""``kind: exam_incentive``: an incentive for sitting the national exam (issue 14; seed 002's
Guang'an incentive for community cadres): a bonus per pass, a monthly allowance to certified
members of the group, a certificate made a requirement of the group's posts.

Hooks: what it offers exam registrants (:meth:`ExamIncentive.add_offer`) and its cost, the
allowances paid each month (the bonuses are paid when certificates take effect), bought as
the ``incentives`` cost item (``spend_by_item.incentives``). The old key
``workforce.incentives`` lists policies of this kind without ``kind:``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..params.schema import DECISION, INCENTIVE_GROUPS, REGISTRANT_GROUPS, param
from ..state import Level
from .base import Offer, PolicyBase

__all__ = ["ExamIncentive"]


class ExamIncentive(PolicyBase):
    """One incentive policy for sitting the exam: whom it targets, what it offers, when."""

    kind: Literal["exam_incentive"] = Field("exam_incentive", description="policy kind")
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60, description="short name")
    group: Literal[INCENTIVE_GROUPS] = Field(  # type: ignore[valid-type]
        description="who it targets (e.g. community cadres: community_workers; all: every "
        "registrant group)")
    bonus_per_pass: float = param(0.0, "yuan", 0.0, 1e6, "one-off bonus paid when a member of "
                                  "the group passes", "policy lever (each policy states its "
                                  "source)")
    salary_step: float = param(0.0, "yuan/month per person", 0.0, 1e5, "monthly allowance paid "
                               "to each certified member of the group while the policy runs",
                               "policy lever (each policy states its source)")
    requirement: bool = Field(False, description="a certificate becomes a requirement of the "
                              "group's posts while the policy runs (the exam decision weighs it)",
                              json_schema_extra={"when": DECISION, "unit": "flag",
                                                 "source": "policy lever"})

    def __str__(self) -> str:
        offer = ", ".join(part for part in (
            f"bonus {self.bonus_per_pass:,.0f} yuan/pass" if self.bonus_per_pass else "",
            f"allowance {self.salary_step:,.0f} yuan/month" if self.salary_step else "",
            "certificate required" if self.requirement else "") if part) or "nothing"
        return f"{self.name}: {self.group}, {self.start}..{self.end or 'open'}: {offer}"

    def add_offer(self, offer: Offer) -> None:
        groups = (range(len(REGISTRANT_GROUPS)) if self.group == "all"
                  else [REGISTRANT_GROUPS.index(self.group)])
        for g in groups:
            offer.bonus[g] += self.bonus_per_pass
            offer.salary_step[g] += self.salary_step
            offer.required[g] |= self.requirement

    @classmethod
    def monthly_costs(cls, model: Any, running: list[Any]) -> dict[str, float]:
        """The allowances of this month's offer (all running incentives together) to every
        certified member of a registrant group."""
        offer, w = model.workforce.offer, model.workers
        if not offer.salary_step.any():
            return {}
        holders = w.view("alive") & (w.view("level") >= Level.ASSISTANT)
        group = w.registrant_group()[holders]
        return {"incentives": float(offer.salary_step[group[group >= 0]].sum())}
