"""Load scenarios from YAML: duplicate-key refusal, ``extends``, ``--set``, clear errors.

Every failure becomes a :class:`ScenarioError` carrying the file, the line
where the offending key was written (when known), the dotted key path and a
message saying what is allowed. The CLI prints it as one line and exits 2.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
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
    "excerpt",
    "merge",
    "format_validation_error",
    "load_scenario",
    "parse_yaml_text",
    "read_yaml",
    "scenario_dir",
    "set_value",
    "shipped_scenarios",
    "validate_mapping",
]


class ScenarioError(Exception):
    """Bad input: printed as ``error: FILE[:LINE]: key.path: message``."""

    def __init__(self, file: str, message: str, path: str = "", line: int | None = None):
        self.file, self.message, self.path, self.line = file, message, path, line
        where = file + (f":{line}" if line else "")
        super().__init__(f"{where}: {path + ': ' if path else ''}{message}")


def _key_text(key: Any) -> str:
    """A key as the schema reads it: ``2022`` and ``'2022'`` are one key (a series'
    years are whole numbers either way), so are ``1`` and ``1.0``."""
    if isinstance(key, bool):
        return str(key).lower()
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader that refuses duplicate keys (PyYAML keeps the last silently), also
    keys written differently that the schema reads as one (``2022`` and ``'2022'``)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, tuple[Any, int]] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "keys must be plain names, not mappings or lists",
                    key_node.start_mark)
            key = self.construct_object(key_node, deep=True)
            text = _key_text(key)
            if text in seen:
                first, line = seen[text]
                same = "" if first == key and type(first) is type(key) else \
                    f", written {first!r}; the two are one key"
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first at line {line}{same})",
                    key_node.start_mark)
            seen[text] = (key, key_node.start_mark.line + 1)
        return super().construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:map", _UniqueKeyLoader.construct_mapping)


#: limits on what a configuration file may ask of the reader (a few-hundred-byte YAML
#: file can otherwise expand to gigabytes through aliases or nest past the stack)
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 40          # nesting of mappings and sequences, aliases expanded
MAX_NODES = 200_000     # values in the document, aliases expanded
MAX_EXTENDS = 20        # files in one extends chain
EXCERPT = 60            # characters of a value quoted in an error

#: characters YAML does not allow in a file (PyYAML's reader refuses the same set)
_CONTROL = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: half of a UTF-16 pair: not text on its own (an escape "\ud800" in YAML makes one, and
#: no file, manifest or terminal can hold it)
_SURROGATE = re.compile("[\ud800-\udfff]")
#: YAML 1.1 integers that do not mean what they look like: 012 is octal (10), 1:30 is
#: base 60 (90); PyYAML reads both, YAML 1.2 and people do not
_OCTAL = re.compile(r"^[-+]?0[0-7_]+$")
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """``repr(value)`` cut to ``limit`` characters: errors never print whole values."""
    if isinstance(value, (dict, list)) and len(value) > 20:
        return f"<{type(value).__name__} of {len(value)} items>"
    if isinstance(value, datetime.date):  # YAML read it as a date: show it as written
        return value.isoformat()
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_depth(text: str, label: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, from the token stream (before any recursion)."""
    depth = 0
    opens = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
             yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
    closes = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, opens):
            depth += 1
            if depth > MAX_DEPTH:
                raise ScenarioError(label, f"nesting deeper than {MAX_DEPTH} levels",
                                    line=token.start_mark.line + 1)
        elif isinstance(token, closes):
            depth -= 1


def _check_node_graph(root: yaml.Node, label: str) -> None:
    """Refuse documents whose aliases expand past MAX_NODES values or MAX_DEPTH levels,
    aliases inside their own anchor (a structure that contains itself, endless once
    expanded), and keys that are not plain scalars; computed on the shared node graph,
    never expanded, each node visited once."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    entered: set[int] = set()  # nodes whose children are being measured
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in size:
            continue
        if not done:
            if id(node) in entered:  # reached again from inside itself
                raise ScenarioError(label, "an alias refers to its own anchor from inside it "
                                    "(a value that contains itself)",
                                    line=node.start_mark.line + 1)
            entered.add(id(node))
        children: list[yaml.Node] = []
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise ScenarioError(label, "keys must be plain names, not mappings or lists",
                                        line=key_node.start_mark.line + 1)
                children.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in size)
            continue
        size[id(node)] = 1 + sum(size[id(c)] for c in children)
        depth[id(node)] = 1 + max((depth[id(c)] for c in children), default=0)
        if size[id(node)] > MAX_NODES:
            raise ScenarioError(label, f"the document expands to more than {MAX_NODES:,} values "
                                "(aliases repeat their anchor's content)",
                                line=node.start_mark.line + 1)
        if depth[id(node)] > MAX_DEPTH:
            raise ScenarioError(label, f"nesting deeper than {MAX_DEPTH} levels once aliases "
                                "are expanded", line=node.start_mark.line + 1)


_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"


def _scalar_problem(node: yaml.ScalarNode) -> str | None:
    """What is wrong with one scalar as written, or None."""
    bad = _SURROGATE.search(node.value)
    if bad:
        return (f"{excerpt(node.value)} is not valid Unicode text (U+{ord(bad.group()):04X} is "
                "half of a UTF-16 pair)")
    text = node.value.replace("_", "")
    if node.tag == _INT and _OCTAL.match(node.value):
        return (f"{node.value} is read by YAML as the octal number {int(text, 8)}; write "
                f"{int(text, 10)} without the leading zero (or quote it for text)")
    if node.tag in (_INT, _FLOAT) and _SEXAGESIMAL.match(node.value):
        return (f"{node.value} is read by YAML as a base-60 number; write the number itself "
                "(or quote it for text)")
    return None


def _check_scalars(root: yaml.Node, label: str) -> None:
    """Refuse scalars that are not what they look like (see :func:`_scalar_problem`), keys
    and values, each node once (the graph is acyclic and bounded by now)."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            problem = _scalar_problem(node)
            if problem:
                raise ScenarioError(label, problem, path, node.start_mark.line + 1)
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = f"{path}.{key_node.value}" if path else str(key_node.value)
                stack.append((value_node, child))
                stack.append((key_node, child))  # checked first: a key's problem is the key's
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, f"{path}.{i}" if path else str(i))
                         for i, item in enumerate(node.value))


def _line_map(node: yaml.Node, prefix: str, out: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            out[path] = key_node.start_mark.line + 1
            _line_map(value_node, path, out)
    elif isinstance(node, yaml.SequenceNode) and prefix:  # list items: targets.0.metric
        for i, item in enumerate(node.value):
            out.setdefault(f"{prefix}.{i}", item.start_mark.line + 1)
            _line_map(item, f"{prefix}.{i}", out)


def parse_yaml_text(text: str, label: str) -> tuple[Any, yaml.Node | None]:
    """Parse YAML within the limits above; returns the data and its node graph."""
    bad = _CONTROL.search(text)
    if bad:
        line: int | None = text.count("\n", 0, bad.start()) + 1
        what = "a lone surrogate, not Unicode text" if _SURROGATE.match(bad.group()) else \
            "control character"
        raise ScenarioError(label, f"{what} U+{ord(bad.group()):04X} is not allowed in a YAML "
                            "file", line=line)
    loader = _UniqueKeyLoader(text)
    try:
        _check_depth(text, label)
        node = loader.get_single_node()
        if node is not None:
            _check_node_graph(node, label)
            _check_scalars(node, label)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ScenarioError(label, f"invalid YAML: {exc.problem or exc.context}",
                            line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(label, f"invalid YAML: {str(exc)[:200]}") from None
    except RecursionError:
        raise ScenarioError(label, f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    return data, node


def read_yaml(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Read one YAML mapping; return it with a map of key path -> line number."""
    label = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(label, "file not found") from None
    except OSError as exc:
        raise ScenarioError(label, f"cannot read file ({exc.__class__.__name__})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(label, f"file is larger than {MAX_FILE_BYTES // 1000:,} kB; "
                            "configuration files are small")
    data, lines = _parse_mapping(raw, label)
    return copy.deepcopy(data), dict(lines)


@lru_cache(maxsize=64)
def _parse_mapping(raw: bytes, label: str) -> tuple[dict[str, Any], dict[str, int]]:
    """A file's mapping and key lines, cached by content (parents are read again and
    again by extends chains, sweeps and tests); callers get copies."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(label, "cannot read file (not UTF-8 text)") from None
    data, node = parse_yaml_text(text, label)
    if data is None:
        raise ScenarioError(label, "file is empty; expected a mapping of scenario keys")
    if not isinstance(data, dict):
        raise ScenarioError(label, f"expected a mapping of keys, found {type(data).__name__}",
                            line=1)
    lines: dict[str, int] = {}
    assert node is not None  # a document's data came from its node
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


def _section(model: type[BaseModel] | None, key: Any) -> type[BaseModel] | None:
    """The schema section that ``model.key`` declares, or None for a value (or unknown key)."""
    info = model.model_fields.get(key) if model is not None and isinstance(key, str) else None
    ann = getattr(info, "annotation", None)
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None


def merge(base: dict[Any, Any], over: dict[Any, Any],
          model: type[BaseModel] | None = Scenario) -> dict[Any, Any]:
    """``over`` written on ``base``: where the schema declares a section, the two merge key
    by key (recursively), so a section written partly keeps every field it does not
    mention; any other value (a number, text, a series) replaces. The one rule for
    ``extends``, ``--set`` and sweeps."""
    out = dict(base)
    for key, value in over.items():
        sub = _section(model, key)
        if sub is not None and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value, sub)
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


def _shipped_parent(ref: str, path: Path, line: int | None) -> Path:
    """The shipped scenario ``ref`` names (``small_city`` or ``small_city.yaml``), decided
    from the name alone: a file from elsewhere (an upload) learns nothing of other files."""
    shipped = shipped_scenarios()
    name = Path(ref).stem if ref.endswith((".yaml", ".yml")) else ref
    if name not in shipped or Path(ref).name != ref:
        raise ScenarioError(str(path), "an uploaded file may extend a shipped scenario only "
                            f"(by name: {', '.join(shipped)})", "extends", line)
    return shipped[name]


def _load_chain(path: Path, stack: tuple[Path, ...], smap: SourceMap,
                shipped_parent: bool = False) -> dict[str, Any]:
    data, lines = read_yaml(path)
    smap.layers.append((str(path), lines))
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        return data
    if not isinstance(parent_ref, str) or not parent_ref:
        raise ScenarioError(str(path), "must be a scenario file path or shipped scenario name",
                            "extends", lines.get("extends"))
    parent = _shipped_parent(parent_ref, path, lines.get("extends")) if shipped_parent else \
        _resolve(parent_ref, path.parent)
    if not parent.is_file():
        raise ScenarioError(str(path), f"parent {parent_ref!r} not found (give a path relative to "
                            f"this file or one of: {', '.join(shipped_scenarios())})",
                            "extends", lines.get("extends"))
    if parent.resolve() in stack:
        chain = " -> ".join(p.name for p in (*stack, parent.resolve()))
        raise ScenarioError(str(path), f"extends cycle: {chain}", "extends", lines.get("extends"))
    if len(stack) >= MAX_EXTENDS:
        raise ScenarioError(str(path), f"extends chain longer than {MAX_EXTENDS} files",
                            "extends", lines.get("extends"))
    base = _load_chain(parent, (*stack, parent.resolve()), smap)
    return merge(base, data)


def _allowed_keys(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
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
    """The first pydantic error as a ScenarioError with file, line and path (a required key
    reported missing beside an unknown key spelled like it: the unknown key, its cause)."""
    errors = exc.errors(include_url=False)
    err = errors[0]
    if err["type"] == "missing":
        for other in errors:
            if other["type"] == "extra_forbidden" and other["loc"][:-1] == err["loc"][:-1] and \
                    difflib.get_close_matches(str(other["loc"][-1]), [str(err["loc"][-1])], n=1):
                err = other
                break
    loc = tuple(err["loc"])
    path = ".".join(str(p) for p in loc)
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        allowed = _allowed_keys(top, loc)
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        msg = ("unknown key" + (f"; did you mean {close[0]!r}?" if close else "")
               + f" (allowed keys here: {', '.join(allowed)})")
    elif "input" in err and err["type"] not in ("missing",) and not isinstance(
            err["input"], dict) and " got " not in msg:  # the message may say it already
        msg = f"{msg} (got {excerpt(err['input'])})"
    if err["type"] == "less_than_equal" and err.get("ctx", {}).get("le") == 1 and \
            isinstance(err.get("input"), (int, float)) and err["input"] > 1:
        msg += "; shares are fractions: 50% is 0.5"
    label, line = smap.locate(path)
    return ScenarioError(label, msg, path, line)


def _entry(mapping: dict[Any, Any], part: str) -> Any:
    """The key of ``mapping`` that a dotted-path ``part`` names: the one written so
    (``2025`` for ``.2025``), else a new key (a whole number if it is written as one,
    as YAML would read it)."""
    for key in mapping:
        if _key_text(key) == part:
            return key
    return int(part) if re.fullmatch(r"-?[0-9]+", part) else part


def set_value(data: dict[str, Any], dotted: str, value: Any, label: str = "--set") -> dict[str, Any]:
    """``data`` with the parameter at ``dotted`` set to ``value``; ``data`` itself is not
    changed. A mapping given for a section merges into it (see :func:`merge`); a path that
    goes on inside a mapping value (a series: ``workforce.exam.registrations_series.2026``)
    sets that one entry and keeps the others, as a section keeps its other fields."""
    parts = dotted.split(".")

    def put(node: dict[Any, Any], i: int, model: type[BaseModel] | None) -> dict[Any, Any]:
        part = parts[i]
        if i == len(parts) - 1:
            if model is not None:
                return merge(node, {part: value}, model)
            return {**node, _entry(node, part): copy.deepcopy(value)}
        key = part if model is not None else _entry(node, part)
        child = node.get(key)
        if child is None:
            child = {}
        elif not isinstance(child, dict):
            what = "a list" if isinstance(child, list) else "a value"
            raise ScenarioError(label, f"{part!r} is {what}, not a section", dotted)
        return {**node, key: put(child, i + 1, _section(model, part))}

    return put(data, 0, Scenario)


def _parse_set(item: str) -> tuple[str, Any]:
    """One ``key.path=value`` override: the path and the value, parsed as YAML."""
    key, sep, raw = item.partition("=")
    key = key.strip()
    if not sep or not key or any(not p for p in key.split(".")):
        raise ScenarioError("--set", f"expected key.path=value, got {excerpt(item)}")
    try:
        value = parse_yaml_text(raw, "--set")[0] if raw.strip() else None
    except ScenarioError as exc:
        raise ScenarioError("--set", f"cannot parse value {excerpt(raw)}: {exc.message}",
                            key) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError("--set", f"value must be a finite number, got {excerpt(raw)}", key)
    return key, value


def apply_sets(data: dict[str, Any], sets: list[str] | None) -> dict[str, Any]:
    """Apply ``key.path=value`` overrides; values are parsed as YAML scalars."""
    out = copy.deepcopy(data)
    for item in sets or []:
        out = set_value(out, *_parse_set(item))
    return out


def validate_mapping(data: dict[str, Any], smap: SourceMap, model: type[BaseModel] = Scenario
                     ) -> BaseModel:
    """Validate a merged mapping against a schema, raising ScenarioError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise format_validation_error(exc, smap, model) from None


def load_scenario(ref: str | Path | None = None, sets: list[str] | None = None, *,
                  shipped_parent: bool = False) -> Scenario:
    """Load and validate a scenario: a file path, a shipped name, or None for the default.

    ``shipped_parent``: the file may ``extends:`` a shipped scenario only (by name), never
    another file (the web page's uploads: they must not read, or tell of, the server's files).
    """
    smap = SourceMap()
    if ref is None:
        path = shipped_scenarios().get("tianjin_baseline")
        data = _load_chain(path, (path.resolve(),), smap) if path else {}
    else:
        path = _resolve(str(ref), None)
        if not path.is_file():
            raise ScenarioError(str(ref), "scenario file not found (shipped: "
                                f"{', '.join(shipped_scenarios()) or 'none'})")
        data = _load_chain(path, (path.resolve(),), smap, shipped_parent)
    if sets:
        data = apply_sets(data, sets)
        smap.layers.insert(0, ("--set", _set_prefixes(sets)))
    return validate_mapping(data, smap)  # type: ignore[return-value]


def _set_prefixes(sets: list[str]) -> dict[str, int]:
    """Every key path named by --set (its parents, and the keys inside a mapping given as
    its value), so errors there point at --set, not at the file the value replaced."""
    out: dict[str, int] = {}

    def inside(value: Any, path: str) -> None:
        items = value.items() if isinstance(value, dict) else \
            enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            out[f"{path}.{_key_text(key)}"] = 0
            inside(item, f"{path}.{_key_text(key)}")

    for item in sets:
        key, value = _parse_set(item)
        parts = key.split(".")
        for n in range(1, len(parts) + 1):
            out[".".join(parts[:n])] = 0
        inside(value, key)
    return out
