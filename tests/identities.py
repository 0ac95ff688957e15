"""Identities every run must satisfy (stock and flow, money, shares), as functions of a
run's timeseries, so the quick suite checks them on the small city and the long suite
(``pytest -m slow``) on every shipped scenario at full length."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.outcomes import METRICS
from simulation.params.schema import SOURCES


def backlog(ts: pd.DataFrame) -> None:
    """Backlog changes by need - served - abandoned, every month."""
    for _, rep in ts.groupby("replicate"):
        d_backlog = rep["backlog_hours"].diff().iloc[1:]
        flow = (rep["need_hours"] - rep["served_hours"] - rep["abandoned_hours"]).iloc[1:]
        np.testing.assert_allclose(d_backlog, flow, rtol=1e-9, atol=1e-6)


def workforce_stock_flow(ts: pd.DataFrame) -> None:
    """The workforce changes by entries - exits, exactly."""
    for _, rep in ts.groupby("replicate"):
        change = rep["social_workers_total"].diff().iloc[1:].to_numpy()
        flows = (rep["workforce_entries"] - rep["workforce_exits"]).iloc[1:].to_numpy()
        assert np.array_equal(change, flows)


def money(ts: pd.DataFrame) -> None:
    """Spend is the sum over sources, never above the budget; cost = spend + gap."""
    by_source = ts[[f"spend_by_source.{s}" for s in SOURCES]].sum(axis=1)
    np.testing.assert_allclose(ts["spend_total"], by_source, rtol=1e-12)
    assert (ts["spend_total"] <= ts["budget_total"] * (1 + 1e-12) + 1e-6).all()
    items = ts[[c for c in ts.columns if c.startswith("spend_by_item.")]].sum(axis=1)
    np.testing.assert_allclose(items, ts["spend_total"] + ts["funding_gap"], rtol=1e-9, atol=1e-6)


def shares(ts: pd.DataFrame) -> None:
    """Every share metric lies in [0, 1]."""
    for col in (m.name for m in METRICS if m.unit == "share"):
        values = ts[col].dropna()
        assert ((values >= 0) & (values <= 1)).all(), col


def staffing(ts: pd.DataFrame) -> None:
    """WISN figures: tiers add up to the total, the gap lies between required - staff and
    required, and the ratio is staff / required."""
    tiers = ("centre", "street_station", "town_station", "urban_room", "rural_room")
    for name in ("required_staff", "staff_fte", "staffing_gap_fte"):
        parts = ts[[f"{name}.{t}" for t in tiers]].sum(axis=1)
        np.testing.assert_allclose(parts, ts[name], rtol=1e-9, atol=1e-9)
    gap, req, staff = ts["staffing_gap_fte"], ts["required_staff"], ts["staff_fte"]
    assert (gap >= req - staff - 1e-9).all() and (gap <= req + 1e-9).all()
    np.testing.assert_allclose(ts["wisn_ratio"], staff / req, rtol=1e-12)


ALL = (backlog, workforce_stock_flow, money, shares, staffing)
