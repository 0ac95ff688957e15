"""The page's levers and edited scenarios: read from the schema, checked by the loader.

Nothing here declares a parameter: every lever is a row of
:func:`simulation.params.schema.describe_parameters` (path, value, unit, bounds,
description, source). An edit is what ``swsim run --set PATH=TEXT`` would apply (the
text is parsed as the same YAML scalar), and the edited scenario is the YAML file the
page offers for download (``extends:`` its parent plus the edits only), loaded by
:func:`simulation.params.load_scenario` like any file: what the page runs is what
``swsim run`` runs from that file.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from ..i18n import TEXT
from ..params import Scenario, ScenarioError, load_scenario, shipped_scenarios
from ..params.loader import apply_sets, parse_yaml_text, set_value
from ..params.schema import describe_parameters

__all__ = ["EXCLUDED", "GROUPS", "TITLES", "Lever", "Parent", "edited_name", "group_of",
           "levers", "load_text", "parse_edit", "scenario_text", "shipped_names"]

#: Titles of the lever groups (English, Chinese), in page order: the one table of them. The
#: groups themselves come from the schema (:func:`_groups`): one per top-level section of the
#: Scenario, keyed by the section's name, plus :data:`_SUBGROUPS` and "run" (the top-level
#: parameters that are no section). A section with no title here is still a group (titled by
#: its name, last): no parameter leaves the page by being forgotten here.
#: groups whose title the catalogue already holds under another key
SAID_ELSEWHERE = {"run": "period", "volunteers": "volunteers"}
TITLES: dict[str, tuple[str, str]] = {  # (en, zh) from the one catalogue, in page order
    key: TEXT[SAID_ELSEWHERE.get(key, f"lever_group_{key}")] for key in
    ("workforce", "exam", "training", "network", "funding", "volunteers", "service", "need",
     "staffing", "duties", "projects", "territory", "run")
}
#: group keys that are not their section's name
_KEYS = {"residents": "need"}
#: sub-sections shown as groups of their own (their parent's group would be too long)
_SUBGROUPS = {"exam": "workforce.exam.", "training": "workforce.training."}

#: Parameters that are not levers, each with the reason: the one place a parameter is left
#: off the page (tests/test_drifts.py checks that every other parameter is a lever).
EXCLUDED: dict[str, str] = {
    "name": "the edited scenario is named from its parent and a digest of the edits",
    "description": "text about the scenario, not a figure of the model",
    "region": "text about the scenario, not a figure of the model",
    "targets": "a list of policy targets: edited in the downloaded YAML file",
    "residents.events": "a list of need events: edited in the downloaded YAML file",
    "workforce.incentives": "a list of incentive policies: edited in the downloaded YAML file",
    "policies": "a list of policies (kinds with their own terms): edited in the YAML file",
    "workforce.exam.registrations_series": "a series by year: edited in the downloaded YAML file",
    "network.milestones.stations": "a roll-out calendar (a mapping): edited in the YAML file",
    "network.milestones.rooms": "a roll-out calendar (a mapping): edited in the YAML file",
    "funding.earmarks": "a mapping of cost items to funding lines: edited in the YAML file",
    "service.priority_groups": "an ordered list of resident groups: edited in the YAML file",
}


def _groups() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """The lever groups from the schema's top-level sections, in :data:`TITLES` order."""
    prefixes: dict[str, tuple[str, ...]] = {}
    for name, info in Scenario.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            prefixes[_KEYS.get(name, name)] = (f"{name}.",)
        else:  # a top-level parameter (start, months, ...): the run's own
            prefixes["run"] = (*prefixes.get("run", ()), name)
    for key, prefix in _SUBGROUPS.items():
        prefixes[key] = (prefix,)
    order = list(TITLES)
    keys = sorted(prefixes, key=lambda k: (order.index(k) if k in order else len(order), k))
    return tuple((k, *TITLES.get(k, (k, k)), prefixes[k]) for k in keys)


#: lever groups in page order: key, English and Chinese title, path prefixes (the most
#: specific match wins; a prefix without a final dot is a whole path)
GROUPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = _groups()

#: units shown as a slider (bounded shares); every other number is a text field
_SLIDER_UNITS = ("share", "probability")


@dataclass(frozen=True)
class Lever:
    """One editable parameter as the schema declares it."""

    path: str
    value: Any
    unit: str
    low: float | None
    high: float | None
    description: str
    source: str
    kind: str  # "slider", "number", "flag" or "text"


def group_of(path: str) -> str | None:
    """The lever group of a dotted path (the most specific prefix), or None (not a lever)."""
    best: tuple[int, str] | None = None
    for key, _, _, prefixes in GROUPS:
        for prefix in prefixes:
            hit = path.startswith(prefix) if prefix.endswith(".") else path == prefix
            if hit and (best is None or len(prefix) > best[0]):
                best = (len(prefix), key)
    return best[1] if best else None


def _kind(row: dict[str, Any]) -> str | None:
    value = row["value"]
    if isinstance(value, bool):
        return "flag"
    if isinstance(value, (int, float)) or (value is None and row["unit"] == "year"):
        bounded = row["low"] is not None and row["high"] is not None
        return "slider" if bounded and row["unit"] in _SLIDER_UNITS else "number"
    if isinstance(value, str):
        return "text"
    return None  # series and lists (registrations_series, targets) are edited in YAML


def levers(scenario: Scenario) -> dict[str, list[Lever]]:
    """The scenario's levers by group key, in schema order."""
    out: dict[str, list[Lever]] = {key: [] for key, *_ in GROUPS}
    for row in describe_parameters(Scenario, scenario):
        if row["path"] in EXCLUDED:
            continue
        group, kind = group_of(row["path"]), _kind(row)
        if group is None or kind is None:
            continue
        out[group].append(Lever(row["path"], row["value"], row["unit"], row["low"], row["high"],
                                row["description"], row["source"], kind))
    return out


@dataclass(frozen=True)
class Parent:
    """The scenario the page edits: a shipped one (by name) or an uploaded file's text."""

    name: str
    text: str | None = None  # an uploaded file's YAML text; None for a shipped scenario
    file: str = ""  # an uploaded file's name (errors name it)

    @property
    def shipped(self) -> bool:
        return self.text is None


def parse_edit(path: str, text: str) -> Any:
    """The value ``swsim run --set PATH=TEXT`` would set (a YAML scalar); ScenarioError if the
    text is not one."""
    data: Any = apply_sets({}, [f"{path}={text}"])
    for part in path.split("."):
        data = data[part]
    return data


def edited_name(parent: Parent, edits: dict[str, Any]) -> str:
    """The edited scenario's name: the parent's, plus a digest of the edits (none: unchanged)."""
    if not edits:
        return parent.name
    blob = yaml.safe_dump(sorted(edits.items()), allow_unicode=True)
    return f"{parent.name}-{hashlib.sha256(blob.encode('utf-8')).hexdigest()[:8]}"


def scenario_text(parent: Parent, edits: dict[str, Any]) -> str:
    """The edited scenario as YAML: ``extends`` the shipped parent and writes only the edits;
    an uploaded parent's own mapping (its ``extends`` kept) with the edits merged in (its
    comments are not kept; unedited, the uploaded text itself)."""
    if parent.shipped:
        data: dict[str, Any] = {"extends": parent.name}
    elif not edits:  # the uploaded file as it was (its comments, and its lines for errors)
        return parent.text or ""
    else:
        data, _ = parse_yaml_text(parent.text or "", parent.name)
        data = dict(data) if isinstance(data, dict) else {}
    if edits:
        data["name"] = edited_name(parent, edits)
    for path, value in edits.items():
        data = set_value(data, path, value, label="page")
    header = (f"# {len(edits)} change(s) to {parent.name}, written by swsim app; "
              f"run it with: swsim run FILE\n")
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def load_text(text: str, label: str) -> Scenario:
    """Validate YAML ``text`` exactly as ``swsim run`` reads a file; errors name ``label``.

    The text is written to a private temporary file so that ``extends: NAME`` finds the
    shipped scenarios the same way; nothing in it is executed (the loader's safe YAML). It may
    extend a shipped scenario only: an uploaded file must not read other files on the server
    (nor learn from an error whether they exist or what they hold).
    """
    name = Path(label).name or "scenario.yaml"
    with tempfile.TemporaryDirectory(prefix="swsim-app-") as tmp:
        path = Path(tmp) / (name if name.endswith((".yaml", ".yml")) else name + ".yaml")
        path.write_text(text, encoding="utf-8")
        try:
            return load_scenario(path, shipped_parent=True)
        except ScenarioError as exc:
            raise ScenarioError(exc.file.replace(str(path), label), exc.message, exc.path,
                                exc.line) from None


def shipped_names() -> list[str]:
    """Shipped scenario names, the Tianjin baseline first."""
    names = list(shipped_scenarios())
    return sorted(names, key=lambda n: (n != "tianjin_baseline", n))
