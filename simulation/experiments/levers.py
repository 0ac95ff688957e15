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

__all__ = ["Lever", "apply_params", "check_ranges", "levers"]


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
                err = exc.errors(include_url=False)[0]
                where = ".".join(str(p) for p in err["loc"])
                check.fail(key, f"the scenario is invalid at {value:g}: "
                           f"{where + ': ' if where else ''}{err['msg']}")
