"""The report page's building blocks, rendered by the Jinja2 templates in ``templates/``
(autoescaped: every text is escaped once, by the template): one self-contained page,
no scripts, no network.

Sections are built of blocks (paragraph, table, figure, notes: the dataclasses below);
:func:`document` renders ``main.html.j2`` (header, contents, sections, footer), then
``page.html.j2`` around it with the style sheet. Images are embedded as base64 data URIs
(the page opens offline and survives being mailed on its own); each also links to its
full-size copy in ``plots/`` next to the page.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from ..results import GENERATOR
from .fonts import EMBEDDED_FAMILY, font_face

__all__ = ["Block", "Figure", "Header", "Notes", "Paragraph", "Section", "Table", "document", "esc", "figure",
           "header", "notes", "paragraph", "section", "table"]

CSS = """
body { font-family: FAMILY system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC",
       "PingFang SC", "Microsoft YaHei", sans-serif; color: #1a1a1a; margin: 0; line-height: 1.45; }
main { max-width: 1080px; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h1 { font-size: 1.7rem; margin: 0 0 .6rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .7rem; padding-bottom: .25rem; border-bottom: 2px solid #0072B2; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 .8rem; }
dl.meta dt { font-weight: 600; color: #444; } dl.meta dd { margin: 0; }
nav ol { columns: 2; margin: .3rem 0 0; } nav { font-size: .95rem; }
a { color: #0072B2; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f2f5f8; position: sticky; top: 0; }
tbody tr:nth-child(even) { background: #fafafa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap, td.status { white-space: nowrap; }
table.fixed { table-layout: fixed; } table.fixed td { overflow-wrap: anywhere; }
tr.met td.status { color: #006d4f; font-weight: 600; }
tr.not_met td.status { color: #b34700; font-weight: 600; }
tr.after_run td.status { color: #555; font-weight: 600; }
tr.assumption td.source { font-style: italic; color: #8a4b00; }
code { font-size: .85rem; }
figure { margin: 1.2rem 0 1.8rem; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .88rem; color: #444; margin-top: .3rem; }
p.note { font-size: .9rem; color: #444; }
footer { margin-top: 3rem; font-size: .85rem; color: #666; }
"""


_TAGS = re.compile(r"<[^>]*>|data:[^\"')]+")  # tags and embedded images carry no glyphs


@cache
def _env() -> Environment:
    """The templates (package data), autoescaped; a missing field is an error, not ""."""
    return Environment(loader=PackageLoader("simulation.report", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def esc(value: object) -> str:
    """HTML-escaped text (as the templates escape it)."""
    return str(escape(str(value)))


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str
    css: str = "note"


@dataclass(frozen=True)
class Notes:
    """A labelled list of notes ("Notes from the analysis: ...")."""

    kind: ClassVar[str] = "notes"
    label: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    css: str
    cells: tuple[tuple[str, str], ...]  # (text, class)


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    widths: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Figure:
    kind: ClassVar[str] = "figure"
    data: str  # base64 PNG
    href: str
    caption: str
    alt: str


Block = Paragraph | Notes | Table | Figure


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Header:
    title: str
    fields: tuple[tuple[str, str], ...]
    links: tuple[tuple[str, str], ...]  # (text, href)
    links_label: str


def paragraph(text: str, css: str = "note") -> Paragraph:
    return Paragraph(text, css)


def notes(label: str, items: Iterable[object]) -> Notes:
    return Notes(label, tuple(str(i) for i in items))


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: Sequence[int] = (),
          row_classes: Sequence[str] | None = None, cell_classes: dict[int, str] | None = None,
          widths: Sequence[int] | None = None) -> Table:
    """A table of cells as plain text (``str`` of each); columns in ``numeric`` are right-aligned. ``widths``
    (percent per column) fix the layout: long cells (parameter paths, sources) wrap
    instead of widening the table beyond the page."""
    body = []
    for r, row in enumerate(rows):
        cells = tuple((str(cell), " ".join(filter(None, ["num" if c in numeric else "",
                                                         (cell_classes or {}).get(c, "")])))
                      for c, cell in enumerate(row))
        body.append(Row(row_classes[r] if row_classes else "", cells))
    return Table(tuple(str(h) for h in headers), tuple(body), None if widths is None else tuple(widths))


def figure(png: bytes, href: str, caption: str, alt: str) -> Figure:
    """An embedded PNG linking to its file, with a caption."""
    return Figure(base64.b64encode(png).decode("ascii"), href, caption, alt)


def section(anchor: str, title: str, *parts: Block | Sequence[Block]) -> Section:
    """A section of ``parts`` (blocks, or lists of blocks such as a run of figures)."""
    blocks: list[Block] = []
    for part in parts:
        blocks.extend([part] if isinstance(part, Block) else part)
    return Section(anchor, title, tuple(blocks))


def header(title: str, fields: Sequence[tuple[str, str]], links: Sequence[tuple[str, str]],
           links_label: str) -> Header:
    """Title, a definition list of run facts, and links to the data files (``links``:
    (text, href))."""
    return Header(title, tuple(fields), tuple(links), links_label)


def document(lang: str, title: str, head: Header, toc_label: str,
             sections: Sequence[tuple[str, str, Section]], footer: str) -> str:
    """The whole page; ``sections`` are (anchor, title, section) in order."""
    main = _env().get_template("main.html.j2").render(head=head, toc_label=toc_label,
                                                        sections=sections, footer=footer)
    return _env().get_template("page.html.j2").render(
        html_lang="zh-CN" if lang == "zh" else "en", generator=GENERATOR, title=title,
        css=Markup(_css(title + main)), main=Markup(main))  # rendered and escaped above


def _css(text: str) -> str:
    """The style sheet; a page with CJK characters carries its own font (a subset of the
    bundled Noto Sans CJK SC), so it shows no empty boxes where no CJK font is installed."""
    visible = _TAGS.sub(" ", html.unescape(text))
    face = font_face(visible) if any(ord(ch) > 0x2E7F for ch in visible) else None
    if face is None:
        return CSS.replace("FAMILY ", "")
    return face + "\n" + CSS.replace("FAMILY ", f'"{EMBEDDED_FAMILY}", ')
