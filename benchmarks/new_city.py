"""docs/new_city.md's figures: its scaling rules from the Tianjin baseline, and its worked
example run as written (swsim new, validate, run, report), for the page and
tests/test_new_city.py.

Run:  python benchmarks/new_city.py [--out docs/new_city.md]   (~15 s)

Each generated part of the page lies between ``<!-- new_city_NAME:start -->`` and
``<!-- new_city_NAME:end -->`` markers (:data:`BLOCKS`); the prose around them is
hand-written. The commands run in a fresh folder, in this process, with the run's default
seed, so the figures are the model's and the same on every run of the same code; the test
runs the page's own ``$ swsim`` lines and compares every block with what they print now.
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulation.feasibility import check, network_cost, yearly_budget
from simulation.newcity import HEADROOM, _held
from simulation.params import SOURCES, Scenario, load_scenario
from simulation.params.docs import write_block
from simulation.state import months_between

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "new_city.md"
#: the worked example's city (illustrative: invented figures)
CITY = ["demo_city", "--population", "560000", "--streets", "6", "--towns", "4",
        "--communities", "80", "--villages", "140", "--workers", "1500", "--certified", "430",
        "--start", "2024-01", "--months", "24", "--deadline", "2025-12"]
#: the worked example's commands, in the order the page gives them
COMMANDS = [["new", *CITY], ["validate", "demo_city.yaml"],
            ["run", "demo_city.yaml", "--replicates", "3"],
            ["report", "results/demo_city", "--lang", "zh"]]
#: a city of the example's size with many small towns, for the money rule (illustrative)
TOWNS_CITY = ["towns_city", "--population", "560000", "--streets", "4", "--towns", "30",
              "--communities", "60", "--villages", "400", "--workers", "1500",
              "--certified", "430", "--start", "2024-01", "--months", "24",
              "--deadline", "2025-12"]
#: the abridged file: these key paths of the example's file, with their sections
ABRIDGED = ("extends", "name", "territory.population", "territory.districts",
            "territory.urban_share", "workforce.community_workers",
            "workforce.community_worker_certified_share", "workforce.grid_worker_certified_share",
            "workforce.exam.registrations_base", "funding.sources.purchase.amount")
BLOCKS = ("rules", "example", "validate", "money", "run")


def markers(name: str) -> tuple[str, str]:
    """The start and end markers of block ``name``."""
    return f"<!-- new_city_{name}:start -->", f"<!-- new_city_{name}:end -->"


def swsim(*args: str) -> tuple[int, str, str]:
    """``swsim ARGS`` in this process: (exit status, stdout, stderr)."""
    from simulation.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


@dataclass
class Example:
    """What the example's commands printed, in the folder they ran in."""

    folder: Path
    printed: dict[str, str]  # command -> stdout + stderr, as a console shows them

    def medians(self) -> pd.DataFrame:
        ts = pd.read_csv(self.folder / "results" / "demo_city" / "timeseries.csv")
        return ts.groupby("date").median(numeric_only=True)


def run_example(folder: Path, commands: list[list[str]] = COMMANDS) -> Example:
    """Run ``commands`` in ``folder``; a RuntimeError names the first that fails."""
    printed: dict[str, str] = {}
    before = Path.cwd()
    os.chdir(folder)
    try:
        for args in commands:
            status, out, err = swsim(*args)
            if status != 0:
                raise RuntimeError(f"swsim {' '.join(args)}: exit {status}: {err.strip()}")
            printed[args[0]] = out + err
    finally:
        os.chdir(before)
    return Example(folder, printed)


def _prose(text: str) -> str:
    """A paragraph wrapped as the page's hand-written ones are."""
    return textwrap.fill(text, 95, break_long_words=False, break_on_hyphens=False)


def _console(args: list[str], printed: str) -> list[str]:
    return ["```console", "$ swsim " + " ".join(args), *printed.rstrip("\n").splitlines(), "```"]


def rules() -> str:
    """Section 2: the scaling rules with Tianjin's figures, and the money paragraph."""
    base = load_scenario("tianjin_baseline")
    t, wf = base.territory, base.workforce
    held = _held(base)
    areas, units = t.streets + t.towns, t.communities + t.villages
    per_comm = t.population * t.urban_share / t.communities
    per_village = t.population * (1 - t.urban_share) / t.villages
    pop = f"{t.population / 1e6:.3g} M"
    deadline = min(base.network.station_deadline, base.network.room_deadline)
    years = months_between(base.start, deadline) // 12
    own = yearly_budget(base, years) / sum(network_cost(base, years).values())
    rows = [
        ("districts", f"streets + towns ÷ {areas / t.districts:.1f} (Tianjin's {areas} / "
         f"{t.districts})", "one guidance centre per district"),
        ("`territory.urban_share`", f"Tianjin's residents per community ({per_comm:,.0f}) and "
         f"per village ({per_village:,.0f})", "how many people live in urban communities"),
        ("community workers", f"Tianjin's {wf.community_workers:,} × (communities + villages) "
         f"÷ {units:,}", "community workers sit in communities and villages"),
        ("starting certified share of community workers",
         f"Tianjin's {wf.community_worker_certified_share:g}, at most {held['community']:.1%} of "
         "`--certified` ÷ community workers", f"community workers hold {held['community']:.1%} "
         f"of Tianjin's {wf.national_certified:,} certificates; the rest stay with the "
         "organisations stations are staffed from"),
        ("grid workers", f"Tianjin's {wf.grid_workers:,} × population ÷ {pop}",
         "grid work follows the population"),
        ("starting certified share of grid workers",
         f"Tianjin's {wf.grid_worker_certified_share:g}, at most {held['grid']:.1%} of "
         "`--certified` ÷ grid workers", f"grid workers hold {held['grid']:.1%} of Tianjin's "
         "certificates"),
        ("graduates, exam registrations and outside pool, projects a year",
         f"Tianjin's × population ÷ {pop}", "they follow the population"),
        ("training places, staff evaluations, senior titles a year",
         f"Tianjin's × professionals ÷ {wf.talent_total:,}", "they follow the workforce"),
        ("money (the six sources)", f"Tianjin's proportions; together, in the deadline's year, "
         f"{HEADROOM:g} × the yearly cost of your network at its targets", "see below"),
        ("start, months", f"Tianjin's {base.start}, {base.months}", "or `--start`, `--months`"),
        ("deadlines and targets", f"Tianjin's ({deadline}; stations everywhere, ≥ 50% of "
         "community workers certified, seed 002), moved by as many months as the start is "
         "moved", "or `--deadline`"),
    ]
    lines = ["| figure | rule | why |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines += ["", _prose(f"**Money follows the network, not the population.** Stations are built only "
              "when the month's money covers their operating cost and posts (docs/ODD.md, 7.7). "
              "Money scaled by population leaves a city with many small towns short (below). "
              "`swsim new` therefore counts the yearly cost of "
              "your network at its targets — centres, stations (operating cost and funded posts "
              "at the assistant's salary), rooms, training and projects "
              "(`simulation/feasibility.py: network_cost`) — and sets the money to "
              f"{HEADROOM:g} × that cost in the deadline's year (assumption: the "
              f"{HEADROOM - 1:.0%} pays for service by volume and salaries above the "
              "assistant's, which the count leaves out; Tianjin's own money in "
              f"{deadline[:4]} is {own:.2f} × its count). If you know your city's budgets, "
              "write them in instead.")]
    return "\n".join(lines) + "\n"


def _abridged(text: str) -> list[str]:
    """The lines of the generated file that set :data:`ABRIDGED`, under their sections."""
    out: list[str] = []
    path: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith(("#", "-")):
            continue
        depth = (len(line) - len(line.lstrip())) // 2
        key = line.strip().split(":", 1)[0]
        path = [*path[:depth], key]
        dotted = ".".join(path)
        if any(p == dotted or p.startswith(dotted + ".") for p in ABRIDGED):
            out.append(line)
    return out


def example(ex: Example) -> str:
    """Section 3: the example's ``swsim new`` and the file it writes, abridged."""
    text = (ex.folder / "demo_city.yaml").read_text(encoding="utf-8")
    lines = _console(COMMANDS[0], ex.printed["new"])
    lines += ["", "The file (abridged):", "", "```yaml", *_abridged(text), "```"]
    return "\n".join(lines) + "\n"


def validate(ex: Example) -> str:
    """Section 4: what ``swsim validate`` says of the example, and what the run shows."""
    lines = _console(COMMANDS[1], ex.printed["validate"])
    sc = load_scenario(ex.folder / "demo_city.yaml")
    target = next(t for t in sc.targets if t.metric == "community_worker_certified_share")
    med = ex.medians()
    first, end = med["community_worker_certified_share"].iloc[0], \
        med.loc[target.date, "community_worker_certified_share"]
    reached = end >= target.threshold
    if [w for w in check(sc) if w.key == "workforce.incentives"]:
        said = ("The exams cannot certify enough community workers by the target's date: "
                "raise what a certificate is worth (an incentive) or move the date.")
    else:
        said = ("No warning on the certified share: the check counts generously (every "
                "uncertified community worker decides each year, none leaves), so its silence "
                "is not a promise.")
    lines += ["", _prose(f"{said} In the run (section 5) the certified share of community workers "
              f"goes from {first:.3f} to {end:.3f} by {target.date}: the {target.threshold:.0%} "
              f"target is {'met' if reached else 'not met'} at this city's exam numbers"
              + ("." if reached else " (either its exam figures are higher: write them in; or "
                 "the target date is not realistic)."))]
    return "\n".join(lines) + "\n"


def _coverage(sc: Scenario) -> tuple[float, float, float, int]:
    """Station coverage in the last month (median, lowest, highest of 3 replicates, seed 1
    as ``swsim run``) and the months in which any replicate's money fell short."""
    from simulation import run

    ts = run(sc, seed=1, replicates=3).timeseries
    end = ts[ts["date"] == ts["date"].max()]["station_coverage"]
    short = int((ts.groupby("date")["funding_gap"].max() > 0).sum())
    return float(end.median()), float(end.min()), float(end.max()), short


def money(folder: Path) -> str:
    """Section 2: a city with many small towns, with money scaled by population and with
    the money ``swsim new`` writes."""
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / f"{TOWNS_CITY[0]}.yaml"
    status, _, err = swsim("new", *TOWNS_CITY, "--out", str(file), "--overwrite")
    if status != 0:
        raise RuntimeError(err)
    written = load_scenario(file)
    base = load_scenario("tianjin_baseline")
    ratio = written.territory.population / base.territory.population
    sets = [f"funding.sources.{name}.amount={getattr(base.funding.sources, name).amount * ratio}"
            for name in SOURCES]
    scaled = load_scenario(file, sets)
    warned = [w for w in check(scaled) if w.key.startswith("funding")]
    kind = "no" if not warned else "the \"tight\"" if "less than" in warned[0].message \
        else "the \"cannot pay\""
    end = scaled.network.station_deadline

    def outcome(sc: Scenario) -> str:
        median, low, high, short = _coverage(sc)
        spread = "" if low == high else f" (replicates {low:.2f}-{high:.2f})"
        gap = "" if not short else \
            f", with `funding_gap` above 0 in {short} month{'s' if short > 1 else ''}"
        return f"`station_coverage` {median:.2f} in {end}{spread}{gap}"

    t = written.territory
    text = (f"An illustrative city of the example's {t.population:,} people with many small "
            f"towns ({t.streets} streets, {t.towns} towns, {t.communities} communities, "
            f"{t.villages} villages; `swsim new {' '.join(TOWNS_CITY)}`): money scaled by "
            f"population ({scaled.funding.sources.purchase.amount / 1e6:.2f} M purchase) "
            f"gets {kind} money warning and reaches {outcome(scaled)}; the money "
            f"`swsim new` writes ({written.funding.sources.purchase.amount / 1e6:.2f} M "
            f"purchase) reaches {outcome(written)} (medians of 3 replicates, seed 1).")
    return _prose(text) + "\n"


def run_block(ex: Example) -> str:
    """Section 5: the run and report commands and what the run shows."""
    med = ex.medians()
    cov = med["station_coverage"]
    full = cov[cov >= 1.0 - 1e-9]
    sc = load_scenario(ex.folder / "demo_city.yaml")
    reach = f"reach full coverage in {full.index[0]}" if len(full) else \
        f"reach {cov.iloc[-1]:.3f} coverage"
    gap = med["funding_gap"].max()
    none = med["stations_no_certified_share"].iloc[-1]
    without = "every operating station has a certified worker" if none == 0 else \
        f"{none:.0%} of operating stations have no certified worker"
    lines = ["```console", "$ swsim " + " ".join(COMMANDS[2]), "$ swsim " + " ".join(COMMANDS[3]),
             "```", "",
             _prose(f"In the example the stations {reach} (`station_coverage` {cov.iloc[-1]:.3f} and "
             f"`funding_gap` {'0 in every month' if gap == 0 else f'up to {gap:,.0f} yuan'}, "
             f"medians of the 3 replicates), {without} at the end, and the certified "
             f"share of community workers is {med['community_worker_certified_share'].iloc[-1]:.3f} "
             f"in {sc.network.station_deadline}: the report's target table shows each.")]
    return "\n".join(lines) + "\n"


def blocks(ex: Example, money_folder: Path) -> dict[str, str]:
    """Every generated block of docs/new_city.md, by name."""
    return {"rules": rules(), "example": example(ex), "validate": validate(ex),
            "money": money(money_folder), "run": run_block(ex)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, help="write the blocks into this file "
                    "(docs/new_city.md)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        made = blocks(run_example(Path(tmp)), Path(tmp) / "towns")
    for name in BLOCKS:
        print(f"--- {name}\n{made[name]}")
        if args.out:
            write_block(args.out, *markers(name), made[name])


if __name__ == "__main__":
    main()
