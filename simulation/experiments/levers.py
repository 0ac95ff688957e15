"""Sweepable parameters (levers): checking an experiment's ranges and points.

A lever is any numeric scenario parameter, named by the same dotted key path
as ``swsim run --set``. The levers themselves, applying values and the one-line schema
error live in :mod:`simulation.params.levers` (the executors use them too) and are
re-exported here. Light to import: no model code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ..params import Scenario
from ..params.levers import Lever, apply_params, levers, schema_error
from ..params.loader import FileCheck

__all__ = ["CORNERS", "Lever", "apply_params", "check_points", "check_ranges", "levers",
           "schema_error"]

#: combinations of range ends checked by :func:`check_ranges` (every one up to 2^8 levers'
#: worth; beyond, this many drawn with a fixed seed)
CORNERS = 256


def check_ranges(ranges: Mapping[str, tuple[float, float] | list[float]], base: Scenario,
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


def _corners(ranges: Mapping[str, tuple[float, float] | list[float]]) -> list[list[float]]:
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
