"""``swsim new``: a commented scenario file for another city from the figures a bureau has.

The planner gives the figures a civil-affairs bureau has at hand (population, streets,
towns, urban communities, villages, social-work professionals, of whom nationally
certified); every other figure comes from the Tianjin baseline by a stated rule,
written as a comment beside it in the generated file:

- counts of people that follow the population (graduates, exam registrations, projects)
  are Tianjin's x (population / Tianjin's population);
- counts that follow the workforce (training places, senior titles) are Tianjin's x
  (professionals / Tianjin's professionals);
- community workers follow the number of communities and villages; of the certified,
  community and grid workers hold at most the shares they hold in Tianjin (57.5% and
  13.3%; seed 002's stocks), so the rest stay with the workforce stations are staffed
  from (giving community workers Tianjin's 30% first left a 3.2 M city's stations with
  none: 96% of them started without a certified worker);
- money follows the network it must pay for: the six sources keep Tianjin's proportions
  and add up, in the deadline's year, to :data:`HEADROOM` x the yearly cost of this
  city's network at its targets, counted as in :func:`simulation.feasibility.network_cost`
  (scaling money by population left two thirds of a city's stations unbuilt);
- deadlines and targets are Tianjin's (2025-12, >= 50% of community workers certified,
  seed 002), moved by as many months as the start is moved from Tianjin's 2022-01, or
  set with ``--deadline``.

The file extends ``tianjin_baseline`` (every figure it does not write is Tianjin's).
Every argument is checked and the file is read back through the loader and the schema
before anything is written; it is then written atomically, so a refusal (one ``error:``
line, exit status 2) leaves nothing behind.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .arguments import UsageError, positive_int
from .params import Scenario, ScenarioError, load_scenario
from .params.loader import SourceMap, merge, parse_yaml_text, validate_mapping
from .params.schema import SOURCES, YearMonth
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
    held = _held(base)
    share = _capped(wf.community_worker_certified_share, held["community"], city.certified, cw)
    fig.put("workforce.community_worker_certified_share", share,
            f"Tianjin's {wf.community_worker_certified_share:g} (assumption), at most "
            f"{held['community']:.3f} x --certified / community workers: community workers "
            f"hold {held['community']:.1%} of Tianjin's certificates, the rest stay with the "
            "workforce stations are staffed from")
    pop = city.population / t.population
    people = city.workers / wf.talent_total
    grid = round(wf.grid_workers * pop)
    fig.put("workforce.grid_workers", grid,
            f"scaled by population: Tianjin's {wf.grid_workers:,} (seed 002) x {pop:.4g}")
    grid_share = _capped(wf.grid_worker_certified_share, held["grid"], city.certified, grid)
    fig.put("workforce.grid_worker_certified_share", grid_share,
            f"Tianjin's {wf.grid_worker_certified_share:g} (assumption), at most "
            f"{held['grid']:.3f} x --certified / grid workers: grid workers hold "
            f"{held['grid']:.1%} of Tianjin's certificates")
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


def _held(base: Scenario) -> dict[str, float]:
    """The shares of Tianjin's national certificates community and grid workers hold at
    the start (seed 002's 10,800 certified; 0.30 of 20,700 and 0.03 of 48,000)."""
    wf = base.workforce
    return {"community": round(wf.community_workers * wf.community_worker_certified_share)
            / wf.national_certified,
            "grid": round(wf.grid_workers * wf.grid_worker_certified_share) / wf.national_certified}


def _capped(tianjin: float, held: float, certified: int, pool: int) -> float:
    """A pool's starting certified share: Tianjin's, at most ``held`` of the certified
    (rounded down to 0.001, so the pool never holds more than that)."""
    if not pool:
        return tianjin
    return min(tianjin, math.floor(held * certified / pool * 1000) / 1000)


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
#: salaries above the assistant's are not counted; Tianjin's own money is more: docs/new_city.md
#: gives the figure, computed by benchmarks/new_city.py)
HEADROOM = 1.15


def _money(base: Scenario, fig: _Figures) -> None:
    from .feasibility import network_cost, yearly_budget

    city = _validate(_merged(base, fig.data()))
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
    """``data`` written on ``base`` as ``extends`` does it (the loader's :func:`merge`)."""
    return merge(base.model_dump(mode="python"), data)


def _validate(data: dict[str, Any]) -> Scenario:
    """``data`` through the schema, a refusal as the loader words it (ScenarioError)."""
    return validate_mapping(data, SourceMap([("swsim new", {})]))  # type: ignore[return-value]


def read_back(text: str) -> Scenario:
    """The generated file as ``swsim validate`` will read it (the loader's parser,
    ``extends`` and merge, then the schema), without writing it anywhere."""
    data, _ = parse_yaml_text(text, "swsim new")
    return _validate(_merged(load_scenario(data.pop("extends")), data))


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


def _text(value: str) -> str:
    """``value`` as a YAML string: bare when YAML reads it back as itself (demo_city,
    南湖市), quoted otherwise (``2024``, ``yes``, ``null``)."""
    return value if yaml.safe_load(value) == value else json.dumps(value, ensure_ascii=False)


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
             "extends: tianjin_baseline", f"name: {_text(city.name)}",
             f"region: {_text(city.name)}",
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


def _year_month(text: str) -> str:
    """A month YYYY-MM, as the schema reads one (years 1900-2199)."""
    from pydantic import TypeAdapter, ValidationError

    try:
        return TypeAdapter(YearMonth).validate_python(text)
    except ValidationError:
        raise argparse.ArgumentTypeError(f"expected a month YYYY-MM (e.g. 2024-01), got "
                                         f"{text!r}") from None


def add_parser(subparsers: Any) -> None:
    """Register ``swsim new``."""
    p = subparsers.add_parser("new", help="write a commented scenario file for another city "
                              "from the figures a civil-affairs bureau has")
    p.add_argument("name", metavar="NAME", help="scenario name (also the region and the file): "
                   "letters and digits of any script (e.g. 南湖市), '_', '.', '-'")
    for option, _, what in GIVEN:
        p.add_argument(f"--{option}", type=positive_int, required=True, help=what)
    p.add_argument("--community-workers", type=positive_int,
                   help="community workers (default: scaled by communities + villages)")
    p.add_argument("--districts", type=positive_int, help="districts/counties (default: "
                   "scaled by streets + towns)")
    p.add_argument("--start", type=_year_month,
                   help="first month YYYY-MM (default 2022-01, Tianjin's)")
    p.add_argument("--months", type=positive_int, help="months simulated (default 120)")
    p.add_argument("--deadline", type=_year_month, help="YYYY-MM for the station and room "
                   "roll-out and the targets (default: Tianjin's 2025-12, moved with --start)")
    p.add_argument("--out", type=Path, help="file to write (default: NAME.yaml)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing file")


def _check_out(out: Path, overwrite: bool) -> None:
    """Refuse a destination before anything is computed or written."""
    if out.is_dir():
        raise UsageError(f"swsim new: --out {out}: is a folder; give a file name")
    if (out.exists() or out.is_symlink()) and not overwrite:
        raise UsageError(f"swsim new: --out {out}: exists; pass --overwrite to replace it, or "
                         "--out another file")
    folder = out.absolute().parent
    while not folder.exists() and not folder.is_symlink():
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(f"swsim new: --out {out}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"swsim new: --out {out}: cannot write in {folder} (permission denied)")


def _write(out: Path, text: str) -> None:
    """Write ``text`` atomically; a failure (no space, file size limit, a folder the system
    refuses) leaves nothing: no file, no temporary file, no folder made for it."""
    from .results import write_atomic

    made = [folder for folder in out.absolute().parents if not folder.exists()]
    try:
        write_atomic(out, text)
    except OSError as exc:
        for folder in made:  # innermost first; stop at one that is not empty
            try:
                folder.rmdir()
            except OSError:
                break
        reason = exc.strerror or exc.__class__.__name__
        raise UsageError(f"swsim new: --out {out}: cannot write it ({reason}); nothing was "
                         "written") from None


def station_warnings(sc: Scenario) -> list[Any]:
    """A warning when too few of the certified are left to the social-work organisations
    stations are staffed from. Stations and centres fill their posts from that pool,
    certified first, every unit's first post before any unit's second
    (simulation/agents/labour.py), so at most that many of them can start with a certified
    worker; the local labour markets, rural posts and money leave more without."""
    from .feasibility import Warning_

    t, wf = sc.territory, sc.workforce
    held = round(wf.community_workers * wf.community_worker_certified_share) + \
        round(wf.grid_workers * wf.grid_worker_certified_share)
    pool = (wf.national_certified - held) * wf.share_social_org
    units = t.streets + t.towns + t.districts
    if pool >= units:
        return []
    return [Warning_("workforce.national_certified",
                     f"about {pool:,.0f} of the {wf.national_certified:,} certified work in "
                     "social-work organisations, the pool stations and centres are staffed from "
                     f"(workforce.share_social_org {wf.share_social_org:g} of those who are not "
                     f"community or grid workers): of the {units:,} stations and centres, at "
                     f"least {1 - pool / units:.0%} will start with no certified worker. If your "
                     "city has more certified professionals, raise workforce.national_certified "
                     "(--certified)")]


def main(args: argparse.Namespace) -> int:
    from .feasibility import check
    from .results import ResultsError, check_name

    try:  # the name becomes the file name and the results folder: check it first
        check_name(args.name, "NAME")
    except ResultsError as exc:
        raise UsageError(f"swsim new: {exc}") from None
    out: Path = args.out or Path(f"{args.name}.yaml")
    _check_out(out, args.overwrite)
    city = City(args.name, args.population, args.streets, args.towns, args.communities,
                args.villages, args.workers, args.certified, args.community_workers,
                args.districts, args.start, args.months, args.deadline)
    try:
        text = scenario_text(city)
        scenario = read_back(text)  # as swsim validate will read it, before writing anything
    except ScenarioError as exc:  # figures the schema refuses (e.g. more certified than all)
        path, message = exc.path, exc.message
        if not path and ": " in message:  # a check across sections names its key first
            path, message = message.split(": ", 1)
        where = {key: f"{key} (--{option})" for option, key, _ in GIVEN}.get(path, path)
        raise UsageError(f"swsim new: {where + ': ' if where else ''}{message}") from None
    _write(out, text)
    print(f"wrote {out} ({scenario.name}: {scenario.months} months from {scenario.start}); "
          f"next: swsim validate {out}")
    for warning in [*station_warnings(scenario), *check(scenario)]:
        print(warning.line(str(out)), file=sys.stderr)
    return 0
