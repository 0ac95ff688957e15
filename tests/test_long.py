"""The long suite (``pytest -m slow``, ~1 minute): every shipped scenario at its full
length, two replicates, satisfies every identity of tests/identities.py."""

from __future__ import annotations

import identities
import pytest

from simulation import run
from simulation.params import shipped_scenarios


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(shipped_scenarios()))
def test_shipped_scenario_full_length_identities(name):
    ts = run(name, seed=3, replicates=2).timeseries
    for check in identities.ALL:
        check(ts)
