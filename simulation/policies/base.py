"""What every policy kind shares: its running months, its source, and the hooks the
model's processes may call (through the registry, :mod:`simulation.policies`).

A kind is a :class:`PolicyBase` subclass with a ``kind`` literal and its own typed
parameters; it overrides only the hooks it uses. Kinds import nothing of the model's
processes: a hook gets the model and reads its tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from pydantic import Field, model_validator

from ..params.schema import REGISTRANT_GROUPS, Section, YearMonth
from ..state import BoolArray, FloatArray

__all__ = ["Offer", "PolicyBase"]


@dataclass
class Offer:
    """What the policies running this month offer each registrant group (indexed like
    ``REGISTRANT_GROUPS``)."""

    bonus: FloatArray       # yuan per pass
    salary_step: FloatArray  # yuan/month to each certified member
    required: BoolArray     # a certificate is required for the group's posts

    @classmethod
    def none(cls) -> Offer:
        n = len(REGISTRANT_GROUPS)
        return cls(np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool))


class PolicyBase(Section):
    """One policy: when it runs, whom it targets (each kind's ``group``), its source, and
    the hooks it uses. Hooks not overridden do nothing."""

    #: cost items the kind buys: item -> its default funding lines (assembled into
    #: :data:`simulation.params.schema.EARMARKS`, after the model's own items)
    COST_ITEMS: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: item -> (English, Chinese) label of its ``spend_by_item``/``cuts_by_item`` metrics
    ITEM_LABELS: ClassVar[dict[str, tuple[str, str]]] = {}

    name: str = Field("", pattern=r"^([a-z][a-z0-9_]*)?$", max_length=60,
                      description="short name (optional except for exam incentives)")
    start: YearMonth = Field(description="first month it applies (YYYY-MM)",
                             json_schema_extra={"unit": "YYYY-MM", "source": "scenario data"})
    end: YearMonth | None = Field(None, description="last month it applies (YYYY-MM; null: no "
                                  "end)", json_schema_extra={"unit": "YYYY-MM",
                                                             "source": "scenario data"})
    source: str = Field(min_length=1, description="seed document or stated assumption")

    @model_validator(mode="after")
    def _ends_after_start(self) -> PolicyBase:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self

    def runs_in(self, date: str) -> bool:
        """Whether the policy applies in month ``date`` (YYYY-MM): start <= date <= end."""
        return self.start <= date and (self.end is None or date <= self.end)

    # --- hooks (the registry calls them on the policies running this month) ---------
    def add_offer(self, offer: Offer) -> None:
        """Add what the policy offers exam registrants to this month's ``offer``."""

    def exit_factor(self, model: Any, salary: FloatArray) -> FloatArray | None:
        """Each worker's exit hazard multiplier (None: no change); ``salary`` is each
        worker's monthly pay, yuan."""
        return None

    def hiring_terms(self) -> Any:
        """Whom vacant community-worker posts and new hires go to (None: no say)."""
        return None

    @classmethod
    def monthly_costs(cls, model: Any, running: list[Any]) -> dict[str, float]:
        """This month's cost of the kind's ``running`` policies by cost item, yuan, paid
        at the month's start (before exits)."""
        return {}
