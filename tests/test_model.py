"""The model: seed figures at step 0, accounting identities, reproducibility."""

from __future__ import annotations

import identities
import numpy as np
import pytest
from conftest import SMALL

from simulation import run
from simulation.outcomes import METRICS, metric_names
from simulation.params import GROUPS, SOURCES, load_scenario
from simulation.processes.workforce import registrations_in

CONTRACT = [
    "station_coverage", "room_coverage", "staffing_compliance", "social_workers_total",
    "certified_total", *[f"certified_by_level.{lv}" for lv in
                         ("staff", "assistant", "intermediate", "senior")],
    "community_worker_certified_share", "exam_registrations", "exam_passes", "workforce_entries",
    "workforce_exits", "volunteers_registered", "volunteers_active", "volunteer_hours",
    "need_hours", "served_hours", "abandoned_hours", "need_met_share", "backlog_hours",
    "mean_wait_months", "spend_total", *[f"spend_by_source.{s}" for s in SOURCES],
    "cost_per_service_hour",
]


@pytest.fixture(scope="module")
def baseline_start():
    """The full Tianjin baseline's first month."""
    return run(load_scenario(None, ["months=1"]), seed=3).timeseries


def test_contract_columns_in_order(small_run):
    cols = list(small_run.timeseries.columns)
    assert cols[:4] == ["scenario", "replicate", "step", "date"]
    assert [c for c in cols if c in CONTRACT] == CONTRACT
    assert set(CONTRACT) <= set(metric_names())


def test_key_metrics_are_flagged_in_the_registry(small_run):
    """The key metrics (swsim run, report, benchmarks) are the registry's key=True ones."""
    from simulation.cli import KEY_METRICS
    from simulation.outcomes import key_metrics

    keys = key_metrics()
    assert keys and tuple(keys) == KEY_METRICS
    assert set(keys) <= set(small_run.timeseries.columns)
    assert {"station_coverage", "community_worker_certified_share", "spend_total"} <= set(keys)
    # the headline reads the honest need metric (issue 15, item 7)
    assert "need_served_share" in keys and "need_met_share" not in keys


def test_seed_figures_at_step_zero(baseline_start):
    s0 = baseline_start.iloc[0]
    assert s0["date"] == "2021-12"
    assert s0["social_workers_total"] == 36_800          # seed 002
    assert s0["certified_total"] == 10_800               # seed 002
    assert s0["community_workers"] == 20_700             # seed 002
    # seed 002: 2.67 million registered volunteers = 19.26% of the population
    assert s0["volunteers_registered"] == pytest.approx(2.67e6, rel=0.005)
    levels = sum(s0[f"certified_by_level.{lv}"] for lv in ("assistant", "intermediate", "senior"))
    assert levels == 10_800
    assert s0["community_worker_certified_share"] == pytest.approx(0.30, abs=1e-4)


def test_units_start_at_their_initial_shares(baseline_start):
    s0 = baseline_start.iloc[0]
    # each tier rounds its own share: 39 of 130 streets, 38 of 125 towns
    assert s0["station_coverage"] == pytest.approx((39 + 38) / 255)
    assert s0["centre_coverage"] == 1.0


def test_backlog_identity_every_month(small_run):
    identities.backlog(small_run.timeseries)
    for _, rep in small_run.timeseries.groupby("replicate"):
        for g in GROUPS:
            assert np.all(rep[f"need_hours.{g}"].iloc[1:] >= 0)
            assert np.all(np.isfinite(rep[f"backlog_hours.{g}"].diff().iloc[1:]))


def test_workforce_stock_flow_identity(small_run):
    ts = small_run.timeseries
    identities.workforce_stock_flow(ts)
    assert ts["workforce_entries"].sum() > 0 and ts["workforce_exits"].sum() > 0


def test_money_identity(small_run):
    ts = small_run.timeseries
    identities.money(ts)
    served = ts["served_hours"] > 0
    cost = ts["spend_total"] + ts["funding_gap"]   # the whole cost, funded or not
    np.testing.assert_allclose(ts.loc[served, "cost_per_service_hour"],
                               cost[served] / ts.loc[served, "served_hours"])


def test_volunteer_hours_are_volunteer_service(small_run):
    ts = small_run.timeseries
    assert (ts["volunteer_hours"] == ts["served_by_provider.volunteer"]).all()
    assert ts["volunteer_hours"].sum() > 0


def test_shares_in_unit_interval(small_run):
    assert sum(m.unit == "share" for m in METRICS) >= 10
    identities.shares(small_run.timeseries)


def test_certified_total_is_sum_of_national_levels(small_run):
    ts = small_run.timeseries
    national = sum(ts[f"certified_by_level.{lv}"] for lv in ("assistant", "intermediate", "senior"))
    assert (ts["certified_total"] == national).all()


def test_exams_happen_in_exam_month_only(small_run, small):
    ts = small_run.timeseries
    months = ts["date"].str[5:].astype(int)
    assert (ts.loc[months != small.workforce.exam.month, "exam_registrations"] == 0).all()
    june = ts[months == small.workforce.exam.month]
    groups = [c for c in ts.columns if c.startswith("exam_registrations.")]
    assert len(groups) == 4 and (june[groups].sum(axis=1) == june["exam_registrations"]).all()
    assert (june["exam_registrations"] > 0).all()


def test_registration_series_overrides_rule(small):
    from simulation.model import SocialWorkModel

    sc = load_scenario(SMALL,
                       ["workforce.exam.registrations_series={2023: 999}"])
    model = SocialWorkModel(sc, seed=1)
    assert registrations_in(model, 2023) == 999
    assert registrations_in(model, 2024) == round(400 * 1.1 ** 2)


def test_same_seed_same_numbers_different_seed_differs(small):
    a = run(small, seed=11).timeseries
    b = run(small, seed=11).timeseries
    c = run(small, seed=12).timeseries
    assert a.to_csv(index=False) == b.to_csv(index=False)
    assert a.to_csv(index=False) != c.to_csv(index=False)


def test_replicates_differ_but_start_alike(small_run):
    ts = small_run.timeseries
    r0, r1 = (ts[ts.replicate == r].reset_index(drop=True) for r in (0, 1))
    assert r0.loc[0, "social_workers_total"] == r1.loc[0, "social_workers_total"]
    assert not r0["need_hours"].equals(r1["need_hours"])


def test_stations_follow_money_not_a_line():
    """Without a calendar the roll-out goes as fast as money allows (issue 15): with a
    generous budget every station is open after the pipeline's lead time, long before the
    deadline; a tight budget opens them later."""
    rich = load_scenario(SMALL, ["funding.sources.purchase.amount=2e7"])
    ts = run(rich, seed=2).timeseries
    lead = rich.network.build_months + rich.network.contract_months
    assert ts.loc[ts.step == lead + 1, "station_coverage"].item() == 1.0
    assert ts.loc[ts.step == lead, "station_coverage"].item() < 1.0
    tight = run(load_scenario(SMALL, ["funding.sources.purchase.amount=1e6"]), seed=2).timeseries
    assert tight.loc[tight.step == lead + 1, "station_coverage"].item() < 1.0


def test_no_money_no_new_stations():
    sets = [f"funding.sources.{s}.amount=0" for s in SOURCES]
    ts = run(load_scenario(SMALL, sets), seed=2).timeseries
    assert ts["station_coverage"].iloc[-1] == ts["station_coverage"].iloc[0]
