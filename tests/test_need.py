"""Changing need (issue 15, item 6) and honest need metrics (item 7).

Deterministic small-city runs (expected values), so each comparison is exact: ageing
raises elderly need by the drift of its share; an event multiplies the need it names
for its months only; serving a group first raises the share of its need served.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SMALL, refused

from simulation import run
from simulation.agents.residents import group_shares, need_factor
from simulation.params import GROUPS, load_scenario

DET = ["deterministic=true", "months=24"]
NO_DRIFT = [f"residents.{g}.share_drift=0" for g in GROUPS[:-1]]


def _ts(*sets: str) -> pd.DataFrame:
    return run(load_scenario(SMALL, [*DET, *sets]), seed=1).timeseries.set_index("step")


@pytest.fixture(scope="module")
def still():
    """Small city with no drift or trend: need is the same every month."""
    return _ts(*NO_DRIFT)


def test_ageing_raises_elderly_need(still):
    aged = _ts(*NO_DRIFT, "residents.elderly.share_drift=0.01")
    months = np.arange(1, 25)
    expected = (0.22 + 0.01 * (months - 1) / 12) / 0.22           # share now / share at start
    np.testing.assert_allclose(aged.loc[months, "need_hours.elderly"]
                               / still.loc[months, "need_hours.elderly"], expected, rtol=1e-9)
    others = aged.loc[24, "need_hours.others"] / still.loc[24, "need_hours.others"]
    assert others == pytest.approx((0.575 - 0.01 * 23 / 12) / 0.575)  # 'others' take up the drift
    assert aged.loc[24, "need_hours.children"] == pytest.approx(still.loc[24, "need_hours.children"])
    # the baseline ages (0.4 points a year, stated assumption): its elderly need grows
    base = _ts()
    assert base.loc[24, "need_hours.elderly"] / base.loc[1, "need_hours.elderly"] == \
        pytest.approx((0.22 + 0.004 * 23 / 12) / 0.22)


def test_group_shares_sum_to_one_and_rates_trend():
    sc = load_scenario(SMALL, ["residents.disabled.share_drift=-0.01",
                               "residents.children.need_growth=0.1"])
    for months in (0, 60, 600):
        assert group_shares(sc, months).sum() == pytest.approx(1.0)
    assert group_shares(sc, 600)[GROUPS.index("disabled")] == 0.0    # never below zero
    f = need_factor(sc, 25)                                           # two years on
    assert f[:, GROUPS.index("children")] == pytest.approx(np.full(3, 1.1 ** 2))


EPIDEMIC = ("residents.events=[{name: epidemic, start: 2022-04, months: 3, multiplier: 2.5, "
            "types: [casework], source: test}]")


def test_epidemic_raises_counselling_need_for_its_duration_only(still):
    epi = _ts(*NO_DRIFT, EPIDEMIC)
    ratio = epi["need_by_type.casework"] / still["need_by_type.casework"]
    dates = epi["date"].astype(str).str[:7]
    during = dates.isin(["2022-04", "2022-05", "2022-06"])
    np.testing.assert_allclose(ratio[during], 2.5, rtol=1e-12)
    np.testing.assert_allclose(ratio[~during & (epi.index > 0)], 1.0, rtol=1e-12)
    for t in ("group", "support"):                                    # other types untouched
        np.testing.assert_allclose(epi[f"need_by_type.{t}"], still[f"need_by_type.{t}"])
    # more casework is served during and after the surge, out of the same capacity
    assert epi.loc[4:9, "served_by_type.casework"].sum() > still.loc[4:9, "served_by_type.casework"].sum()


def test_shipped_epidemic_scale_of_seed_003():
    """epidemic_2022 adds ~126,000 counselling hours: seed 003's 290,000 sessions x
    Tianjin's 13.9 M / Chongqing's 32 M people, at 1 hour a session (assumptions)."""
    from simulation.params import shipped_scenarios

    epi = load_scenario(shipped_scenarios()["epidemic_2022"], ["months=4", "deterministic=true"])
    calm = load_scenario(shipped_scenarios()["epidemic_2022"], ["residents.events=[]"])
    factor = need_factor(epi, 2) / need_factor(calm, 2)               # 2022-02: under way
    assert factor[0] == pytest.approx(np.full(5, 2.0)) and factor[1:] == pytest.approx(1.0)
    assert need_factor(epi, 4) == pytest.approx(need_factor(calm, 4))  # 2022-04: over
    casework = load_scenario(shipped_scenarios()["epidemic_2022"]).residents
    per_1000 = sum(getattr(casework, g).casework * getattr(casework, g).share for g in GROUPS)
    extra = per_1000 * epi.territory.population / 1000 * (2.0 - 1.0) * 3   # hours, 3 months
    assert extra == pytest.approx(290_000 * 13.9 / 32, rel=0.05)


def test_priority_raises_the_served_share_of_the_prioritised_group(still):
    first = _ts(*NO_DRIFT, "service.priority_groups=[disabled]")
    later = first.index > 0
    assert (first.loc[later, "need_served_share.disabled"]
            > still.loc[later, "need_served_share.disabled"] + 0.05).all()
    assert (first.loc[later, "need_served_share.others"]
            <= still.loc[later, "need_served_share.others"] + 1e-12).all()
    # about the same hours are served in all: priority moves service between groups (the
    # totals part only through what is abandoned when, which feeds back on workload)
    np.testing.assert_allclose(first.loc[1:12, "served_hours"], still.loc[1:12, "served_hours"],
                               rtol=1e-9)
    np.testing.assert_allclose(first.loc[later, "served_hours"], still.loc[later, "served_hours"],
                               rtol=0.005)


def test_need_served_share_reads_honestly(still):
    """need_met_share reads 1 before any need is abandoned; need_served_share is served /
    (backlog at the month's start + new need), which the time series proves."""
    ts = still
    early = ts.loc[1:6]
    assert (early["need_met_share"] == 1.0).all() and (early["abandoned_hours"] == 0).all()
    assert (early["need_served_share"] < 0.9).all()
    due = ts["backlog_hours"].shift(1) + ts["need_hours"]
    np.testing.assert_allclose(ts.loc[1:, "need_served_share"], (ts["served_hours"] / due).loc[1:],
                               rtol=1e-9)
    for g in GROUPS:                                 # by group, the same definition
        served, need = ts[f"served_hours.{g}"], ts[f"need_hours.{g}"]
        start = ts[f"backlog_hours.{g}"].shift(1)
        np.testing.assert_allclose(ts.loc[1:, f"need_served_share.{g}"],
                                   (served / (start + need)).loc[1:], rtol=1e-9)


@pytest.mark.parametrize("item, message", [
    ("residents.others.share_drift=0.01", "others.share_drift"),
    ("residents.events=[{name: x, start: 2022-01, months: 1, multiplier: 2, groups: [cats], "
     "source: s}]", "residents.events"),
    ("service.priority_groups=[everyone]", "service.priority_groups"),
    ("funding.earmarks.salaries=[bank]", "funding.earmarks"),
])
def test_bad_need_and_money_settings_are_refused(cli, item, message):
    refused(cli("validate", SMALL, "--set", item), message)
