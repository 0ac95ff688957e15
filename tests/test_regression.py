"""Model behaviour equals the stored baselines (see tests/regression.py for the update
command); a failure lists every metric and month that moved."""

from __future__ import annotations

import pytest
import regression


@pytest.mark.parametrize("case", regression.cases(), ids=lambda c: c.name)
def test_behaviour_matches_baseline(case):
    lines = regression.differences(case)
    shown = "\n".join(lines[:40]) + (f"\n... and {len(lines) - 40} more" if len(lines) > 40 else "")
    assert not lines, (f"{len(lines)} metric values moved from tests/baselines/{case.name}.csv; "
                       "if intended, run: python tests/regression.py --update\n" + shown)
