"""Sweepable parameters (levers): the scenario schema's numeric leaves, and applying values.

A lever is any numeric scenario parameter, named by the same dotted key path
as ``swsim run --set``. Its type (whole number or not) and bounds come from
the one schema declaration (:mod:`simulation.params.schema`); nothing is
declared twice. Light to import: no model code.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from ..params import Scenario
from ..params.loader import FileCheck, set_value
from ..params.schema import describe_parameters

__all__ = ["CORNERS", "Lever", "apply_params", "check_points", "check_ranges", "levers",
           "schema_error"]

#: combinations of range ends checked by :func:`check_ranges` (every one up to 2^8 levers'
#: worth; beyond, this many drawn with a fixed seed)
CORNERS = 256


@dataclass(frozen=True)
class Lever:
    """One numeric scenario parameter: dotted path, whole-number flag and schema bounds."""

    path: str
    integer: bool
    low: float | None
    high: float | None
    unit: str


def _numeric_kind(annotation: Any) -> str | None:
    """'int', 'float' or None for an annotation such as ``int | None``."""
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) or \
        typing.get_origin(annotation) is typing.Union else (annotation,)
    kinds = {a for a in args if a is not type(None)}
    if kinds == {int}:
        return "int"
    if kinds <= {int, float} and kinds:
        return "float"
    return None


def _annotation(path: str) -> Any:
    model: type[BaseModel] = Scenario
    parts = path.split(".")
    for part in parts[:-1]:
        model = model.model_fields[part].annotation  # type: ignore[assignment]
    return model.model_fields[parts[-1]].annotation


@cache
def levers() -> dict[str, Lever]:
    """Every numeric leaf of the scenario schema, by dotted path (booleans excluded)."""
    out: dict[str, Lever] = {}
    for row in describe_parameters():
        kind = _numeric_kind(_annotation(row["path"]))
        if kind is not None:
            out[row["path"]] = Lever(row["path"], kind == "int", row["low"], row["high"],
                                     str(row["unit"]))
    return out


def apply_params(base: Scenario, params: dict[str, float]) -> Scenario:
    """A copy of ``base`` with each lever set (whole-number levers rounded half to even).

    Raises ``KeyError`` for a path that is not a lever and pydantic's
    ``ValidationError`` when the result breaks the schema.
    """
    table = levers()
    data = base.model_dump()
    for path, value in params.items():
        lever = table[path]
        data = set_value(data, path, int(round(float(value))) if lever.integer else float(value))
    return Scenario.model_validate(data)


def check_ranges(ranges: dict[str, tuple[float, float] | list[float]], base: Scenario,
                 check: FileCheck, section: str = "parameters") -> None:
    """Each ``path: [low, high]`` must name a lever, have low < high, lie within the schema's
    bounds and give a valid scenario at both ends; else ``check.fail`` at ``section.path``."""
    import difflib

    table = levers()
    for path, (low, high) in ranges.items():
        key = f"{section}.{path}"
        lever = table.get(path)
        if lever is None:
            close = difflib.get_close_matches(path, list(table), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else " (see swsim explain)"
            check.fail(key, f"not a numeric scenario parameter{hint}")
        if not low < high:
            check.fail(key, f"low must be below high, got [{low:g}, {high:g}]")
        lo, hi = lever.low, lever.high
        if lo is not None and low < lo or hi is not None and high > hi:
            bounds = f"[{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}]"
            check.fail(key, f"[{low:g}, {high:g}] goes outside the parameter's bounds {bounds} "
                       f"{lever.unit}".rstrip())
        for value in (low, high):
            try:
                apply_params(base, {path: value})
            except ValidationError as exc:
                check.fail(key, f"the scenario is invalid at {value:g}: {schema_error(exc)}")
    if len(ranges) > 1:
        check_points(base, list(ranges), _corners(ranges), check, section,
                     what="a combination of the ranges' ends")


def schema_error(exc: ValidationError) -> str:
    """A schema error in swsim's one-line form, ``key.path: what is wrong`` (the first error;
    no pydantic URL, input dump or line breaks)."""
    errors = exc.errors(include_url=False)
    if not errors:
        return " ".join(str(exc).split())
    err = errors[0]
    where = ".".join(str(p) for p in err["loc"])
    msg = " ".join(str(err["msg"]).removeprefix("Value error, ").split())
    more = f" (and {len(errors) - 1} more error(s))" if len(errors) > 1 else ""
    return f"{where + ': ' if where else ''}{msg}{more}"


def _corners(ranges: dict[str, tuple[float, float] | list[float]]) -> list[list[float]]:
    """Every combination of the ranges' ends (at most :data:`CORNERS`, drawn with a fixed seed
    beyond that): a linear constraint such as a sum of shares holds over the whole box when
    it holds at every corner."""
    import itertools

    import numpy as np

    ends = [(float(low), float(high)) for low, high in ranges.values()]
    if 2 ** len(ends) <= CORNERS:
        return [list(c) for c in itertools.product(*ends)]
    pick = np.random.default_rng(0).integers(0, 2, size=(CORNERS, len(ends)))
    return [[ends[j][int(b)] for j, b in enumerate(row)] for row in pick]


def _culprits(base: Scenario, point: dict[str, float]) -> dict[str, float]:
    """The fewest levers of an invalid ``point`` that still break the schema together (each
    lever left at the base scenario's value when the rest stay invalid without it)."""
    keep = dict(point)
    for path in list(point):
        trial = {k: v for k, v in keep.items() if k != path}
        if not trial:
            break
        try:
            apply_params(base, trial)
        except ValidationError:
            keep = trial
    return keep


def check_points(base: Scenario, names: list[str], points: Any, check: FileCheck,
                 section: str = "parameters", what: str = "sample point {i}") -> None:
    """Every point (a row of values of the levers ``names``) gives a valid scenario, applied
    exactly as a run applies it (:func:`apply_params`; no model is built); else
    ``check.fail`` naming the point's levers that break the schema together.

    ``what`` names a point in the message (``{i}`` is its row number).
    """
    table = levers()
    seen: set[tuple[float, ...]] = set()
    for i, row in enumerate(points):
        values = tuple(float(round(float(v))) if table[n].integer else float(v)
                       for n, v in zip(names, row, strict=True))
        if values in seen:
            continue
        seen.add(values)
        point = dict(zip(names, values, strict=True))
        try:
            apply_params(base, point)
        except ValidationError:
            bad = _culprits(base, point)
            try:
                apply_params(base, bad)
            except ValidationError as exc:
                why = schema_error(exc)
            listed = ", ".join(f"{k}={v:g}" for k, v in bad.items())
            check.fail(f"{section}.{next(iter(bad))}",
                       f"{what.format(i=i)} ({listed}) gives an invalid scenario: {why}; "
                       "every combination of the ranges must be valid")
