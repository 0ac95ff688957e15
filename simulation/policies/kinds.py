"""The policy kinds, assembled: the one list a new kind joins (its module, one line)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Discriminator, Tag

from .base import PolicyBase
from .exam_incentive import ExamIncentive
from .housing_subsidy import HousingSubsidy
from .qualified_recruitment import QualifiedRecruitment

__all__ = ["COST_ITEMS", "ITEM_LABELS", "KINDS", "Policy"]

#: the policy kinds, by their ``kind`` name: one module each
KINDS: dict[str, type[PolicyBase]] = {
    "exam_incentive": ExamIncentive,
    "qualified_recruitment": QualifiedRecruitment,
    "housing_subsidy": HousingSubsidy,
}



def _kind(value: Any) -> Any:
    return value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)


#: one entry of a scenario's ``policies:`` list: the kinds, told apart by ``kind`` (a
#: callable discriminator: the sections' before-validators forbid a plain one)
Policy = Annotated[
    Annotated[ExamIncentive, Tag("exam_incentive")]
    | Annotated[QualifiedRecruitment, Tag("qualified_recruitment")]
    | Annotated[HousingSubsidy, Tag("housing_subsidy")],
    Discriminator(_kind, custom_error_type="policy_kind",
                  custom_error_message="kind must be one of: " + ", ".join(KINDS))]

#: the cost items the kinds buy, beyond the model's own: item -> default funding lines
COST_ITEMS: dict[str, tuple[str, ...]] = {
    item: lines for cls in KINDS.values() for item, lines in cls.COST_ITEMS.items()}
#: their metrics' labels: item -> (English, Chinese)
ITEM_LABELS: dict[str, tuple[str, str]] = {
    item: label for cls in KINDS.values() for item, label in cls.ITEM_LABELS.items()}
