"""``kind: qualified_recruitment``: whom vacant community-worker posts and organisations' new
hires go to (seed 002 asks that qualified people be recruited into community-worker posts).

Hook: a hiring preference (:meth:`QualifiedRecruitment.hiring_terms`): the share of vacant
posts and new hires filled by qualified people (national certificate or social-work degree)
and the pools they come from. The old section ``workforce.recruitment`` is a policy of this
kind running from the scenario's start; a later-listed one that is running replaces it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..params.schema import Section, param
from .base import PolicyBase

__all__ = ["QualifiedRecruitment", "RecruitmentTerms"]


class RecruitmentTerms(Section):
    """Whom vacant community-worker posts and new hires are filled with."""

    qualified_share: float = param(
        0.15, "share", 0.0, 1.0,
        "share of vacant community-worker posts and of new hires filled by qualified people "
        "(national certificate or social-work degree), as far as the pools below supply them",
        "assumption for the baseline (plausible 0-0.3); seed 002 asks that qualified people "
        "be recruited into community-worker posts (scenario qualified_recruitment)")
    from_graduates: float = param(1.0, "weight", 0.0, 100.0,
                                  "weight of the year's social-work graduates (degree) among "
                                  "qualified recruits", "assumption")
    from_certified: float = param(1.0, "weight", 0.0, 100.0,
                                  "weight of certified workers of other employers among "
                                  "qualified recruits", "assumption")
    from_grid_workers: float = param(1.0, "weight", 0.0, 100.0,
                                     "weight of qualified grid workers among qualified recruits",
                                     "assumption")
    grid_share_of_others: float = param(
        0.3, "share", 0.0, 1.0,
        "share of the other (unqualified) community-worker recruits who are grid workers",
        "assumption: grid work is a common way into community-worker posts (plausible 0-0.6)")


class QualifiedRecruitment(RecruitmentTerms, PolicyBase):
    """A recruitment policy: its terms, while it runs."""

    kind: Literal["qualified_recruitment"] = Field(description="policy kind")
    group: Literal["recruits"] = Field("recruits", description="whom it targets: people "
                                       "recruited into vacant community-worker posts and "
                                       "organisations' new hires")

    def __str__(self) -> str:
        return (f"{self.name or self.kind}: {self.start}..{self.end or 'open'}: qualified share "
                f"{self.qualified_share:g}")

    def hiring_terms(self) -> RecruitmentTerms:
        return self
