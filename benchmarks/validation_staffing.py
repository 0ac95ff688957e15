"""Validation rows and planner patterns for the service network: roll-out, staffing, stocks.

Read by ``benchmarks/validation.py``. Seed figures: Binhai's 2022 calendar and staffing
rule (seed 001), Chongqing's reported three-tier state (seed 003), Tianjin's stocks
(seed 002), Jinnan's project yield (seed 004). Patterns: the WISN ratio of Tianjin's
stations and units by tier, and coverage by district, at the end of 2025 (seed 002's
target year). Every run is deterministic (expected values), seed 1.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulation.model import SocialWorkModel  # noqa: E402
from simulation.outcomes import STAFF_GROUP_EN, STAFF_GROUPS  # noqa: E402
from simulation.params import load_scenario  # noqa: E402
from simulation.processes import staffing  # noqa: E402
from simulation.state import Status, Tier  # noqa: E402

__all__ = ["coverage_by_district", "rows", "patterns", "plot_coverage", "plot_wisn",
           "run_model", "station_ratios", "wisn_by_tier"]


@cache
def run_model(name: str, months: int) -> SocialWorkModel:
    """A shipped scenario run deterministically for ``months`` (0: the starting state)."""
    sc = load_scenario(ROOT / "scenarios" / f"{name}.yaml",
                       ["deterministic=true", f"months={max(months, 1)}"])
    model = SocialWorkModel(sc, seed=1)
    for _ in range(months):
        model.step()
    return model


def _at(model: SocialWorkModel, metric: str, date: str | None = None) -> float:
    rec = model.records[0] if date is None else next(r for r in model.records
                                                       if r["date"] == date)
    return float(rec[metric])


def _row(seed: str, figure: str, seed_value: float, model_value: float, note: str
         ) -> dict[str, Any]:
    err = model_value - seed_value if seed_value == 0 else model_value / seed_value - 1.0
    return {"seed": seed, "figure": figure, "seed_value": float(seed_value),
            "model_value": float(model_value), "error": float(err), "note": note}


def _binhai() -> list[dict[str, Any]]:
    m = run_model("binhai_2022", 12)
    cal = "calendar `network.milestones.stations` (scenario data from seed 001)"
    return [
        _row("seed 001", "Binhai: stations planned by end-April 2022", 1.0,
             _at(m, "stations_planned_share", "2022-04"), f"share of streets/towns; {cal}"),
        _row("seed 001", "Binhai: hardware done by end-May 2022", 1.0,
             _at(m, "stations_built_share", "2022-05"), "share of streets/towns built or further"),
        _row("seed 001", "Binhai: operator and staff in by end-July 2022", 1.0,
             _at(m, "station_coverage", "2022-07"), "station coverage (contracted and staffed)"),
        _row("seed 001", "Binhai: a station in every street/town by end-2022", 1.0,
             _at(m, "station_coverage", "2022-12"), "station coverage"),
        _row("seed 001", "Binhai: stations with >= 2 professionals, end-2022", 1.0,
             _at(m, "staffing_compliance", "2022-12"), "staffing compliance of operating units"),
    ]


def _chongqing() -> list[dict[str, Any]]:
    m = run_model("chongqing_three_tier", 0)
    districts = m.params.territory.districts
    return [
        _row("seed 003", "Chongqing: rooms = 39% of communities", 0.39,
             _at(m, "room_coverage"), "starting state; the share is scenario input, the "
             "rooms open only if staffed"),
        _row("seed 003", "Chongqing: centres in 12 districts", 12,
             _at(m, "centre_coverage") * districts, "starting state (of 38 assumed districts)"),
        _row("seed 003", "Chongqing: 63,000 social-work professionals", 63_000,
             _at(m, "social_workers_total"), "starting state"),
        _row("seed 003", "Chongqing: operating units meeting the minimum staff", 1.0,
             _at(m, "staffing_compliance"), "seed 003's minima are a standard, not a reported "
             "state: the gap is the shortfall the model finds at the start"),
    ]


def _tianjin() -> list[dict[str, Any]]:
    m0, m = run_model("tianjin_baseline", 0), run_model("tianjin_baseline", 12)
    per_year = m.params.projects.per_year
    return [
        _row("seed 002", "Tianjin: social-work professionals", 36_800,
             _at(m0, "social_workers_total"), "starting state"),
        _row("seed 002", "Tianjin: national certificate holders", 10_800,
             _at(m0, "certified_total"), "starting state"),
        _row("seed 002", "Tianjin: community workers", 20_700, _at(m0, "community_workers"),
             "starting state"),
        _row("seed 002", "Tianjin: registered volunteers, share of population", 0.1926,
             _at(m0, "volunteers_registered") / m0.params.territory.population, "starting state"),
        _row("seed 004", "Jinnan: direct beneficiaries per project (20,938 / 66)", 20_938 / 66,
             _at(m, "project_beneficiaries", "2022-12") / per_year,
             "Tianjin 2022, projects that started (an input rate; fewer start if money is short)"),
    ]


def rows() -> list[dict[str, Any]]:
    """Every seed figure this module checks, with the model's value."""
    return _binhai() + _chongqing() + _tianjin()


# --- patterns a planner checks -------------------------------------------------------

def wisn_by_tier(model: SocialWorkModel) -> pd.DataFrame:
    """Required staff, staff in post (FTE), WISN ratio and gap by tier and area."""
    rec = model.records[-1]
    out = [{"units": STAFF_GROUP_EN[g], "required (FTE)": rec[f"required_staff.{g}"],
            "in post (FTE)": rec[f"staff_fte.{g}"], "WISN ratio": rec[f"wisn_ratio.{g}"],
            "gap (FTE)": rec[f"staffing_gap_fte.{g}"]} for g in STAFF_GROUPS]
    out.append({"units": "all", "required (FTE)": rec["required_staff"],
                "in post (FTE)": rec["staff_fte"], "WISN ratio": rec["wisn_ratio"],
                "gap (FTE)": rec["staffing_gap_fte"]})
    return pd.DataFrame(out)


def station_ratios(model: SocialWorkModel) -> pd.DataFrame:
    """Each operating station's WISN ratio, tier and district."""
    u = model.units
    on = (u.status == Status.OPERATING) & staffing.stations_mask(model)
    ratio = staffing.actual_fte(model)[on] / model.staffing.required[on]
    tier = np.where(u.tier[on] == Tier.STREET_STATION, "street station", "town station")
    return pd.DataFrame({"tier": tier, "district": u.district[on], "wisn_ratio": ratio})


def coverage_by_district(model: SocialWorkModel) -> pd.DataFrame:
    """Station and room coverage (operating share) by district."""
    u = model.units
    op = u.status == Status.OPERATING
    out = {}
    for name, tiers in (("stations", (Tier.STREET_STATION, Tier.TOWN_STATION)),
                        ("rooms", (Tier.URBAN_ROOM, Tier.RURAL_ROOM))):
        members = np.isin(u.tier, tiers)
        n = np.bincount(u.district[members], minlength=model.params.territory.districts)
        k = np.bincount(u.district[members & op], minlength=len(n))
        out[name] = k / np.maximum(n, 1)
    return pd.DataFrame(out).rename_axis("district")


def plot_wisn(data: pd.DataFrame, ax: plt.Axes | None = None) -> Figure:
    """Histogram of stations' WISN ratios by tier (``data`` from :func:`station_ratios`)."""
    fig = ax.figure if ax is not None else plt.figure(figsize=(6, 3.5))
    ax = ax or fig.add_subplot()
    bins = np.linspace(0, max(1.5, float(data.wisn_ratio.max()) + 0.05), 31)
    for tier, part in data.groupby("tier"):
        ax.hist(part.wisn_ratio, bins=bins, alpha=0.6, label=str(tier))
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set(xlabel="staff in post / required (WISN ratio)", ylabel="stations")
    ax.legend()
    return fig


def plot_coverage(data: pd.DataFrame, ax: plt.Axes | None = None) -> Figure:
    """Station and room coverage by district (``data`` from :func:`coverage_by_district`)."""
    fig = ax.figure if ax is not None else plt.figure(figsize=(6, 3.5))
    ax = ax or fig.add_subplot()
    data.plot.bar(ax=ax, width=0.8)
    ax.set(xlabel="district", ylabel="operating share", ylim=(0, 1.05))
    return fig


def _md(df: pd.DataFrame, fmt: str = "{:.2f}") -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in df.astype(object).itertuples(index=False):
        lines.append("| " + " | ".join(
            v if isinstance(v, str) else f"{int(v):,}" if isinstance(v, int | np.integer)
            or float(v).is_integer() and abs(v) >= 10 else fmt.format(v) for v in r) + " |")
    return "\n".join(lines) + "\n"


def patterns(img_dir: Path, rel: str = "img") -> str:
    """Markdown: WISN by tier, stations' WISN ratio spread, coverage by district (Tianjin,
    2025-12), with plots written to ``img_dir``."""
    m = run_model("tianjin_baseline", 48)
    img_dir.mkdir(parents=True, exist_ok=True)
    ratios, cover = station_ratios(m), coverage_by_district(m)
    for fig, name in ((plot_wisn(ratios), "validation_wisn_ratio.png"),
                      (plot_coverage(cover), "validation_coverage_by_district.png")):
        fig.tight_layout()
        fig.savefig(img_dir / name, dpi=100)
        plt.close(fig)
    spread = ratios.groupby("tier").wisn_ratio.describe(percentiles=[0.1, 0.5, 0.9])
    spread = spread[["count", "10%", "50%", "90%"]].reset_index()
    rec = m.records[-1]
    return (
        "## Staffing by workload (WISN), Tianjin, 2025-12\n\n"
        "Required staff from the workload of the people each unit serves (docs/ODD.md, 7.2a); "
        "in post counts reassigned community workers by their time share.\n\n"
        + _md(wisn_by_tier(m), "{:,.2f}")
        + f"\nOperating stations with no nationally certified worker: "
          f"{rec['stations_no_certified_share']:.0%}; staff hired from a neighbouring "
          f"district: {rec['borrowed_workers']:.0f}; village rooms staffed by station visits: "
          f"{rec['rooms_hosted']:.0f}.\n\n"
        "### Spread of stations' WISN ratios\n\n" + _md(spread)
        + f"\n![WISN ratio of operating stations]({rel}/validation_wisn_ratio.png)\n\n"
        "## Coverage by district, Tianjin, 2025-12\n\n" + _md(cover.reset_index())
        + f"\n![Coverage by district]({rel}/validation_coverage_by_district.png)\n")
