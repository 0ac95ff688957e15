"""Levers: the scenario schema's numeric leaves, and applying values to a scenario.

A lever is any numeric scenario parameter, named by the same dotted key path
as ``swsim run --set``. Its type (whole number or not) and bounds come from
the one schema declaration (:mod:`simulation.params.schema`); nothing is
declared twice. Here, with the parameters, so that the executors (which apply a run's
values and record its schema error) need nothing from the experiments above them;
:mod:`simulation.experiments.levers` re-exports all of it.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from .loader import set_value
from .schema import Scenario, describe_parameters

__all__ = ["Lever", "apply_params", "levers", "schema_error"]


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
