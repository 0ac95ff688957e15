"""``kind: housing_subsidy``: a monthly housing subsidy to rural social workers, which lowers
their exit hazard (issue 22: the kind that shows a new lever is one module).

Who: social workers (the workforce, ``talent``) whose home is in a village (``rural``), while
they are in post. What it does: their yearly exit hazard is multiplied by
max(0, 1 - ``elasticity`` x subsidy / their salary), so the hazard stays >= 0. What it costs:
subsidy x those workers, every month it runs, bought as the ``housing_subsidy`` cost item
(``spend_by_item.housing_subsidy``), paid by the lines ``funding.earmarks.housing_subsidy``
names (by default as exam incentives: purchase, reward in lieu of subsidy, district money).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from pydantic import Field

from ..params.schema import param
from ..state import FloatArray
from .base import PolicyBase

__all__ = ["HousingSubsidy"]


class HousingSubsidy(PolicyBase):
    """A housing subsidy to rural social workers, while it runs."""

    COST_ITEMS = {"housing_subsidy": ("purchase", "reward_subsidy", "district")}
    ITEM_LABELS = {"housing_subsidy": ("housing subsidy (rural social workers)",
                                       "农村社工住房补贴")}

    kind: Literal["housing_subsidy"] = Field(description="policy kind")
    group: Literal["rural_social_workers"] = Field(
        "rural_social_workers", description="whom it targets: social workers living in villages")
    subsidy: float = param(..., "yuan/month per person", 0.0, 1e5,
                           "housing subsidy paid to each rural social worker in post",
                           "policy lever (each policy states its source)")
    elasticity: float = param(
        0.3, "1/(share of salary)", 0.0, 2.0,
        "cut in a rural social worker's exit hazard per unit of subsidy / salary: hazard x "
        "max(0, 1 - elasticity x subsidy / salary)",
        "assumption (plausible 0.1-0.5 per 100% of the wage): no seed measures it; 0.3 means "
        "a subsidy worth the whole salary cuts a rural social worker's exit hazard by 30%")

    def __str__(self) -> str:
        return (f"{self.name or self.kind}: rural social workers, {self.start}.."
                f"{self.end or 'open'}: {self.subsidy:,.0f} yuan/month, elasticity "
                f"{self.elasticity:g}")

    @staticmethod
    def _targets(model: Any) -> Any:
        w = model.workers
        return w.view("alive") & w.view("talent") & w.view("rural")

    def exit_factor(self, model: Any, salary: FloatArray) -> FloatArray | None:
        cut = np.maximum(1.0 - self.elasticity * self.subsidy / salary, 0.0)
        factor: FloatArray = np.where(self._targets(model), cut, 1.0)
        return factor

    @classmethod
    def monthly_costs(cls, model: Any, running: list[Any]) -> dict[str, float]:
        n = int(cls._targets(model).sum())
        return {"housing_subsidy": float(sum(p.subsidy for p in running) * n)}
