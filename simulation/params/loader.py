"""Load scenarios from YAML: duplicate-key refusal, ``extends``, ``--set``, clear errors.

Every failure becomes a :class:`ScenarioError` carrying the file, the line
where the offending key was written (when known), the dotted key path and a
message saying what is allowed. The CLI prints it as one line and exits 2.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml
from pydantic import BaseModel, ValidationError

from .schema import Scenario

__all__ = [
    "FileCheck",
    "ScenarioError",
    "SourceMap",
    "apply_sets",
    "deep_merge",
    "format_validation_error",
    "load_scenario",
    "read_yaml",
    "scenario_dir",
    "shipped_scenarios",
    "validate_mapping",
]


class ScenarioError(Exception):
    """Bad input: printed as ``error: FILE[:LINE]: key.path: message``."""

    def __init__(self, file: str, message: str, path: str = "", line: int | None = None):
        self.file, self.message, self.path, self.line = file, message, path, line
        where = file + (f":{line}" if line else "")
        super().__init__(f"{where}: {path + ': ' if path else ''}{message}")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that refuses duplicate keys (PyYAML keeps the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first at line {seen[key]})",
                    key_node.start_mark)
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:map", _UniqueKeyLoader.construct_mapping)


def _line_map(node: yaml.Node, prefix: str, out: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            out[path] = key_node.start_mark.line + 1
            _line_map(value_node, path, out)


def read_yaml(path: Path) -> tuple[dict, dict[str, int]]:
    """Read one YAML mapping; return it with a map of key path -> line number."""
    label = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(label, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(label, f"cannot read file ({exc.__class__.__name__})") from None
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ScenarioError(label, f"invalid YAML: {exc.problem or exc.context}",
                            line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(label, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    if data is None:
        raise ScenarioError(label, "file is empty; expected a mapping of scenario keys")
    if not isinstance(data, dict):
        raise ScenarioError(label, f"expected a mapping of keys, found {type(data).__name__}",
                            line=1)
    lines: dict[str, int] = {}
    _line_map(node, "", lines)
    return data, lines


def scenario_dir() -> Path:
    """Folder of the shipped scenarios: the repo's ``scenarios/`` or the installed copy."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "scenarios", here / "_scenarios"):
        if candidate.is_dir():
            return candidate
    return here.parent / "scenarios"


def shipped_scenarios() -> dict[str, Path]:
    """Shipped scenario names mapped to their files."""
    folder = scenario_dir()
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def _resolve(ref: str, relative_to: Path | None) -> Path:
    """A scenario reference: a path (relative to the including file) or a shipped name."""
    candidates = []
    if relative_to is not None:
        candidates.append(relative_to / ref)
    candidates.append(Path(ref))
    for c in candidates:
        if c.is_file():
            return c
    name = Path(ref).stem if ref.endswith((".yaml", ".yml")) else ref
    shipped = shipped_scenarios()
    if name in shipped and "/" not in ref:
        return shipped[name]
    return candidates[0]


def deep_merge(base: dict, over: dict) -> dict:
    """Mappings merge key by key, recursively; any other value replaces."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@dataclass
class SourceMap:
    """Where each key came from, child first: used to put a line number on an error."""

    layers: list[tuple[str, dict[str, int]]] = field(default_factory=list)

    def locate(self, path: str) -> tuple[str, int | None]:
        parts = path.split(".") if path else []
        for n in range(len(parts), 0, -1):
            key = ".".join(parts[:n])
            for label, lines in self.layers:
                if key in lines:
                    return label, lines[key]
        return (self.layers[0][0], None) if self.layers else ("<defaults>", None)


class FileCheck:
    """Raises ScenarioError at a key path of a YAML file, with the line it was written on
    (used by experiment and calibration files for checks beyond their schema)."""

    def __init__(self, file: Path | str, lines: dict[str, int]):
        self.file, self.lines = str(file), lines

    def fail(self, path: str, message: str, row: tuple[str, int] | None = None) -> NoReturn:
        """Fail at ``path`` in the YAML file, or at a CSV ``row`` (file, line) if given."""
        if row is not None:
            raise ScenarioError(row[0], message, path.rsplit(".", 1)[-1], row[1])
        parts = path.split(".") if path else []
        line = None
        for n in range(len(parts), 0, -1):
            line = self.lines.get(".".join(parts[:n]))
            if line:
                break
        raise ScenarioError(self.file, message, path, line)


def _load_chain(path: Path, stack: tuple[Path, ...], smap: SourceMap) -> dict:
    data, lines = read_yaml(path)
    smap.layers.append((str(path), lines))
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        return data
    if not isinstance(parent_ref, str) or not parent_ref:
        raise ScenarioError(str(path), "must be a scenario file path or shipped scenario name",
                            "extends", lines.get("extends"))
    parent = _resolve(parent_ref, path.parent)
    if not parent.is_file():
        raise ScenarioError(str(path), f"parent {parent_ref!r} not found (give a path relative to "
                            f"this file or one of: {', '.join(shipped_scenarios())})",
                            "extends", lines.get("extends"))
    if parent.resolve() in stack:
        chain = " -> ".join(p.name for p in (*stack, parent.resolve()))
        raise ScenarioError(str(path), f"extends cycle: {chain}", "extends", lines.get("extends"))
    base = _load_chain(parent, (*stack, parent.resolve()), smap)
    return deep_merge(base, data)


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    for part in loc[:-1]:
        if isinstance(part, int):
            return []
        info = model.model_fields.get(str(part))
        ann = getattr(info, "annotation", None)
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return []
        model = ann
    return list(model.model_fields)


def format_validation_error(exc: ValidationError, smap: SourceMap, top: type[BaseModel]
                            ) -> ScenarioError:
    """The first pydantic error as a ScenarioError with file, line and path."""
    err = exc.errors(include_url=False)[0]
    loc = tuple(err["loc"])
    path = ".".join(str(p) for p in loc)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = f"unknown key; allowed keys here: {', '.join(_allowed_keys(top, loc))}"
    elif "input" in err and err["type"] not in ("missing",) and not isinstance(
            err["input"], dict):
        msg = f"{msg} (got {err['input']!r})"
    label, line = smap.locate(path)
    return ScenarioError(label, msg, path, line)


def _set_path(data: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = data
    for part in parts[:-1]:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        if not isinstance(child, dict):
            raise ScenarioError("--set", f"{part!r} is a value, not a section", dotted)
        node = child
    node[parts[-1]] = value


def apply_sets(data: dict, sets: list[str] | None) -> dict:
    """Apply ``key.path=value`` overrides; values are parsed as YAML scalars."""
    out = copy.deepcopy(data)
    for item in sets or []:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key or any(not p for p in key.split(".")):
            raise ScenarioError("--set", f"expected key.path=value, got {item!r}")
        try:
            value = yaml.load(raw, Loader=_UniqueKeyLoader) if raw.strip() else None
        except yaml.YAMLError:
            raise ScenarioError("--set", f"cannot parse value {raw!r}", key) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise ScenarioError("--set", f"value must be a finite number, got {raw!r}", key)
        _set_path(out, key, value)
    return out


def validate_mapping(data: dict, smap: SourceMap, model: type[BaseModel] = Scenario
                     ) -> BaseModel:
    """Validate a merged mapping against a schema, raising ScenarioError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise format_validation_error(exc, smap, model) from None


def load_scenario(ref: str | Path | None = None, sets: list[str] | None = None) -> Scenario:
    """Load and validate a scenario: a file path, a shipped name, or None for the default."""
    smap = SourceMap()
    if ref is None:
        path = shipped_scenarios().get("tianjin_baseline")
        data = _load_chain(path, (path.resolve(),), smap) if path else {}
    else:
        path = _resolve(str(ref), None)
        if not path.is_file():
            raise ScenarioError(str(ref), "scenario file not found (shipped: "
                                f"{', '.join(shipped_scenarios()) or 'none'})")
        data = _load_chain(path, (path.resolve(),), smap)
    if sets:
        data = apply_sets(data, sets)
        smap.layers.insert(0, ("--set", _set_prefixes(sets)))
    return validate_mapping(data, smap)  # type: ignore[return-value]


def _set_prefixes(sets: list[str]) -> dict[str, int]:
    """Every key path (and its parents) named by --set, so errors point at --set."""
    out: dict[str, int] = {}
    for item in sets:
        parts = item.partition("=")[0].strip().split(".")
        for n in range(1, len(parts) + 1):
            out[".".join(parts[:n])] = 0
    return out
