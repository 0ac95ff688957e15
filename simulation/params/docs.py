"""The parameter table (value, unit, bounds, source) as Markdown, from the schema.

``python -m simulation.params.docs docs/calibration.md`` rewrites the table
between the ``<!-- parameters:start -->`` and ``<!-- parameters:end -->`` markers,
so the documented assumptions are always the declared ones.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..files import write_atomic
from .schema import Scenario, describe_parameters, summarize_items

__all__ = ["markdown_table", "update_file", "write_block"]

START, END = "<!-- parameters:start -->", "<!-- parameters:end -->"


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):  # targets or incentive policies: one compact item each
        return summarize_items(value)
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:.4g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def markdown_table(scenario: Scenario | None = None) -> str:
    """One row per parameter: path, value, unit, bounds, description, source."""
    rows = describe_parameters(Scenario, scenario or Scenario())
    lines = ["| parameter | value | unit | bounds | description | source |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        bounds = ("" if r["low"] is None and r["high"] is None
                  else f"{_fmt(r['low'])} – {_fmt(r['high'])}")
        lines.append(f"| `{r['path']}` | {_fmt(r['value'])} | {r['unit']} | {bounds} | "
                     f"{r['description']} | {r['source']} |")
    return "\n".join(lines) + "\n"


def write_block(path: Path, start: str, end: str, block: str) -> bool:
    """Replace what lies between the markers ``start`` and ``end`` in ``path`` by ``block``
    (atomically); True if the file changed. Generated tables in docs/ and the README are
    written this way, so the prose around them stays hand-written."""
    text = path.read_text(encoding="utf-8")
    head, found, rest = text.partition(start)
    if not found or end not in rest:
        raise ValueError(f"{path}: no {start} ... {end} block")
    _, _, tail = rest.partition(end)
    new = f"{head}{start}\n{block}{end}{tail}"
    if new != text:
        write_atomic(path, new)
    return new != text


def update_file(path: Path) -> bool:
    """Rewrite the marked parameter table in ``path``; True if it changed."""
    return write_block(path, START, END, markdown_table())


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(f"{arg}: {'updated' if update_file(Path(arg)) else 'up to date'}")
