"""``swsim new``: a commented scenario file for another city from the figures a bureau has.

The planner gives the figures a civil-affairs bureau has at hand (population, streets,
towns, urban communities, villages, social-work professionals, of whom nationally
certified); every other figure comes from the Tianjin baseline by a stated rule,
written as a comment beside it in the generated file:

- counts of people that follow the population (graduates, exam registrations, projects)
  are Tianjin's x (population / Tianjin's population);
- counts that follow the workforce (training places, senior titles) are Tianjin's x
  (professionals / Tianjin's professionals);
- community workers follow the number of communities and villages;
- money follows the network it must pay for: the six sources keep Tianjin's proportions
  and add up, in the deadline's year, to :data:`HEADROOM` x the yearly cost of this
  city's network at its targets, counted as in :func:`simulation.feasibility.network_cost`
  (scaling money by population left two thirds of a city's stations unbuilt);
- deadlines and targets are Tianjin's (2025-12, >= 50% of community workers certified,
  seed 002), moved by as many months as the start is moved from Tianjin's 2022-01, or
  set with ``--deadline``.

The file extends ``tianjin_baseline`` (every figure it does not write is Tianjin's) and
is validated before it is written.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cliutil import UsageError, positive_int
from .params import Scenario, ScenarioError, load_scenario
from .params.schema import SOURCES
from .state import month_label, months_between

__all__ = ["City", "add_parser", "main", "scenario_text"]

#: given figures: option, key path, what it is
GIVEN = (("population", "territory.population", "resident population"),
         ("streets", "territory.streets", "urban streets (one station each)"),
         ("towns", "territory.towns", "rural towns (one station each)"),
         ("communities", "territory.communities", "urban communities (one room each)"),
         ("villages", "territory.villages", "villages (one room each)"),
         ("workers", "workforce.talent_total", "social-work professionals"),
         ("certified", "workforce.national_certified", "of whom hold the national certificate"))


@dataclass(frozen=True)
class City:
    """The figures ``swsim new`` is given (None: scaled from Tianjin)."""

    name: str
    population: int
    streets: int
    towns: int
    communities: int
    villages: int
    workers: int
    certified: int
    community_workers: int | None = None
    districts: int | None = None
    start: str | None = None
    months: int | None = None
    deadline: str | None = None


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[leaf] = value


class _Figures:
    """Key path -> (value, comment), in the order they are decided."""

    def __init__(self) -> None:
        self.items: dict[str, tuple[Any, str]] = {}

    def put(self, path: str, value: Any, why: str) -> None:
        self.items[path] = (value, why)

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for path, (value, _) in self.items.items():
            _set(out, path, value)
        return out


def _territory(city: City, base: Scenario, fig: _Figures) -> None:
    t = base.territory
    for option, path, what in GIVEN[:5]:
        fig.put(path, getattr(city, option), f"given (--{option}): {what}")
    areas = city.streets + city.towns
    per = (t.streets + t.towns) / t.districts
    districts = city.districts or max(1, min(areas, round(areas / per)))
    fig.put("territory.districts", districts, "given (--districts)" if city.districts else
            f"scaled: one district per {per:.1f} streets/towns, as in Tianjin (assumption)")
    urban_t = t.population * t.urban_share / t.communities  # residents per community
    rural_t = t.population * (1 - t.urban_share) / t.villages
    urban = urban_t * city.communities
    share = urban / (urban + rural_t * city.villages) if city.communities + city.villages else 0
    fig.put("territory.urban_share", round(share, 3),
            f"scaled: Tianjin's residents per community ({urban_t:,.0f}) and per village "
            f"({rural_t:,.0f}) (assumption)")


def _workforce(city: City, base: Scenario, fig: _Figures) -> None:
    wf, t = base.workforce, base.territory
    for option, path, what in GIVEN[5:]:
        fig.put(path, getattr(city, option), f"given (--{option}): {what}")
    units = city.communities + city.villages
    ratio = units / (t.communities + t.villages)
    cw = city.community_workers if city.community_workers is not None else \
        round(wf.community_workers * ratio)
    fig.put("workforce.community_workers", cw, "given (--community-workers)"
            if city.community_workers is not None else
            f"scaled by communities + villages: Tianjin's {wf.community_workers:,} x {ratio:.4g}")
    share = wf.community_worker_certified_share
    if cw and round(cw * share) > city.certified:  # they must come from the certified
        share = math.floor(city.certified / cw * 1000) / 1000
    fig.put("workforce.community_worker_certified_share", share,
            f"Tianjin's {wf.community_worker_certified_share:g} (assumption), at most "
            "--certified / community workers: certified community workers are among the certified")
    pop = city.population / t.population
    people = city.workers / wf.talent_total
    grid = round(wf.grid_workers * pop)
    fig.put("workforce.grid_workers", grid,
            f"scaled by population: Tianjin's {wf.grid_workers:,} (seed 002) x {pop:.4g}")
    grid_share = wf.grid_worker_certified_share
    room = city.certified - round(cw * share)  # certified grid workers are among the certified
    if grid and round(grid * grid_share) > room:
        grid_share = math.floor(max(room, 0) / grid * 1000) / 1000
    fig.put("workforce.grid_worker_certified_share", grid_share,
            f"Tianjin's {wf.grid_worker_certified_share:g} (assumption), at most what "
            "--certified leaves after the community workers")
    fig.put("workforce.exam.outside_pool", round(wf.exam.outside_pool * pop),
            f"scaled by population: Tianjin's {wf.exam.outside_pool:,} x {pop:.4g}")
    fig.put("workforce.training.staff_evaluation_intake",
            round(wf.training.staff_evaluation_intake * people),
            f"scaled by professionals: Tianjin's {wf.training.staff_evaluation_intake:,} x "
            f"{people:.4g} (Tianjin's own staff certificate, seed 000: set 0 elsewhere)")
    fig.put("workforce.graduates", round(wf.graduates * pop),
            f"scaled by population: Tianjin's {wf.graduates:,} x {pop:.4g}")
    exam, training = wf.exam, wf.training
    fig.put("workforce.exam.registrations_base", round(exam.registrations_base * pop),
            f"scaled by population: Tianjin's {exam.registrations_base:,} x {pop:.4g}")
    fig.put("workforce.exam.senior_quota", round(exam.senior_quota * people),
            f"scaled by professionals: Tianjin's {exam.senior_quota} x {people:.4g}")
    fig.put("workforce.training.capacity", round(training.capacity * people),
            f"scaled by professionals: Tianjin's {training.capacity:,} x {people:.4g}")
    fig.put("projects.per_year", round(base.projects.per_year * pop),
            f"scaled by population: Tianjin's {base.projects.per_year} x {pop:.4g}")


def _timing(city: City, base: Scenario, fig: _Figures) -> int:
    """Start, months and deadlines; returns the months deadlines moved."""
    start = city.start or base.start
    fig.put("start", start, "given (--start)" if city.start else "Tianjin's start (seed 002)")
    fig.put("months", city.months or base.months,
            "given (--months)" if city.months else "Tianjin's horizon (assumption)")
    moved = 0 if city.deadline else months_between(base.start, start)
    for key in ("station_deadline", "room_deadline"):
        old = getattr(base.network, key)
        new = city.deadline or month_label(old, moved)
        fig.put(f"network.{key}", new, "given (--deadline)" if city.deadline else
                f"Tianjin's {old} (seed 002: end of the 14th five-year plan)" +
                (f", moved {moved} months with the start" if moved else ""))
    return moved


#: money over the network's counted yearly cost (assumption: payment by service volume and
#: salaries above the assistant's are not counted; Tianjin's own money is 1.075x its count)
HEADROOM = 1.15


def _money(base: Scenario, fig: _Figures) -> None:
    from .feasibility import network_cost, yearly_budget

    city = Scenario.model_validate(_merged(base, fig.data()))
    deadline = min(city.network.station_deadline, city.network.room_deadline)
    years = max(0, months_between(city.start, deadline) // 12)
    cost = sum(network_cost(city, years).values())
    scale = HEADROOM * cost / yearly_budget(base, years)  # Tianjin's sources, in proportion
    for name in SOURCES:
        amount = getattr(base.funding.sources, name).amount
        fig.put(f"funding.sources.{name}.amount", float(f"{amount * scale:.4g}"),
                f"Tianjin's {amount / 1e6:g} M x {scale:.4g}: all sources in Tianjin's "
                f"proportions add up in {deadline[:4]} to {HEADROOM:g} x the network's yearly "
                f"cost at its targets ({cost / 1e6:,.2f} M; assumption)")


def _merged(base: Scenario, data: dict[str, Any]) -> dict[str, Any]:
    out = base.model_dump(mode="json")

    def merge(into: dict[str, Any], new: dict[str, Any]) -> None:
        for key, value in new.items():
            if isinstance(value, dict):
                merge(into.setdefault(key, {}), value)
            else:
                into[key] = value

    merge(out, data)
    return out


def _targets(base: Scenario, moved: int, deadline: str | None) -> list[str]:
    lines = ["# Tianjin's policy targets (each states its source). They are Tianjin's: replace",
             "# them with your city's own; dates follow the deadline rule above."]
    lines.append("targets:")
    for target in base.targets:
        item = target.model_dump(mode="json")
        if item["date"] is not None:
            item["date"] = deadline or month_label(item["date"], moved)
        fields = ", ".join(f"{k}: {json.dumps(v, ensure_ascii=False)}"
                           for k, v in item.items() if v not in ("", None) or k == "date")
        lines.append(f"  - {{{fields}}}")
    return lines


def _yaml(value: Any) -> str:
    if isinstance(value, str):
        return value if value[:1].isdigit() else json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return f"{value:_.1f}"  # 80_000_000.0: YAML reads it as a float, people read it
    return str(value)


def scenario_text(city: City) -> str:
    """The commented scenario file for ``city`` (not yet validated)."""
    base = load_scenario("tianjin_baseline")
    fig = _Figures()
    _territory(city, base, fig)
    _workforce(city, base, fig)
    moved = _timing(city, base, fig)
    _money(base, fig)
    lines = [f"# {city.name}: made by `swsim new` from the figures given below; every other",
             "# figure is scaled from the Tianjin baseline by the rule in its comment, and every",
             "# figure not written here is Tianjin's (extends: tianjin_baseline; `swsim explain",
             f"# {city.name}.yaml` lists them with their sources). Replace any scaled figure with",
             "# your city's own when you have it. See docs/new_city.md.",
             "extends: tianjin_baseline", f"name: {city.name}", f"region: {city.name}",
             f"description: {_yaml(city.name + ', scaled from the Tianjin baseline by swsim new')}"]
    lines += _sections(fig)
    lines += _targets(base, moved, city.deadline)
    return "\n".join(lines) + "\n"


def _sections(fig: _Figures) -> list[str]:
    """Key paths as nested YAML, each value with its rule as a comment."""
    lines: list[str] = []
    open_path: list[str] = []
    width = 44
    # keep each section together (YAML refuses a key twice), sections in order of first use
    first: dict[tuple[str, ...], int] = {}
    for path in fig.items:
        parts = tuple(path.split("."))
        for depth in range(1, len(parts)):
            first.setdefault(parts[:depth], len(first))
    order = sorted(fig.items, key=lambda p: [first[tuple(p.split("."))[:d]]
                                             for d in range(1, p.count(".") + 1)])
    for path in order:
        value, why = fig.items[path]
        *parents, leaf = path.split(".")
        common = 0
        while common < min(len(parents), len(open_path)) and parents[common] == open_path[common]:
            common += 1
        for depth in range(common, len(parents)):
            lines.append("  " * depth + f"{parents[depth]}:")
        open_path = parents
        text = "  " * len(parents) + f"{leaf}: {_yaml(value)}"
        lines.append(f"{text:{width}s} # {why}")
    return lines


def add_parser(subparsers: Any) -> None:
    """Register ``swsim new``."""
    p = subparsers.add_parser("new", help="write a commented scenario file for another city "
                              "from the figures a civil-affairs bureau has")
    p.add_argument("name", metavar="NAME", help="scenario name (also the region and the file)")
    for option, _, what in GIVEN:
        p.add_argument(f"--{option}", type=positive_int, required=True, help=what)
    p.add_argument("--community-workers", type=positive_int,
                   help="community workers (default: scaled by communities + villages)")
    p.add_argument("--districts", type=positive_int, help="districts/counties (default: "
                   "scaled by streets + towns)")
    p.add_argument("--start", help="first month YYYY-MM (default 2022-01, Tianjin's)")
    p.add_argument("--months", type=positive_int, help="months simulated (default 120)")
    p.add_argument("--deadline", help="YYYY-MM for the station and room roll-out and the "
                   "targets (default: Tianjin's 2025-12, moved with --start)")
    p.add_argument("--out", type=Path, help="file to write (default: NAME.yaml)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing file")


def main(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from .feasibility import check
    from .results import write_atomic

    out: Path = args.out or Path(f"{args.name}.yaml")
    if out.exists() and not args.overwrite:
        raise UsageError(f"{out}: exists; pass --overwrite to replace it, or --out another file")
    city = City(args.name, args.population, args.streets, args.towns, args.communities,
                args.villages, args.workers, args.certified, args.community_workers,
                args.districts, args.start, args.months, args.deadline)
    try:
        text = scenario_text(city)
    except ValidationError as exc:  # figures the schema refuses (e.g. more certified than all)
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "figures"
        raise UsageError(f"swsim new: {where}: {first['msg'].removeprefix('Value error, ')}"
                         ) from exc
    except ValueError as exc:  # e.g. a malformed --start
        raise UsageError(f"swsim new: {str(exc).splitlines()[0]}") from exc
    with tempfile.TemporaryDirectory() as tmp:  # validate before writing anything
        trial = Path(tmp) / f"{args.name}.yaml"
        trial.write_text(text, encoding="utf-8")
        try:
            scenario = load_scenario(trial)
        except ScenarioError as exc:
            raise UsageError(f"swsim new: {exc.path or 'figures'}: {exc.message}") from exc
    write_atomic(out, text)
    print(f"wrote {out} ({scenario.name}: {scenario.months} months from {scenario.start}); "
          f"next: swsim validate {out}")
    for warning in check(scenario):
        print(warning.line(str(out)), file=sys.stderr)
    return 0
