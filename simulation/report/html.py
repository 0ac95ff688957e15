"""HTML building blocks for the report: one self-contained page, no scripts, no network.

Images are embedded as base64 data URIs (the page opens offline and survives being
mailed on its own); each also links to its full-size copy in ``plots/`` next to the page.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable, Sequence

from ..results import GENERATOR
from .fonts import EMBEDDED_FAMILY, font_face

__all__ = ["document", "esc", "figure", "header", "paragraph", "section", "table"]

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


def esc(value: object) -> str:
    """HTML-escaped text."""
    return html.escape(str(value), quote=True)


def paragraph(text: str, css: str = "note") -> str:
    return f'<p class="{css}">{esc(text)}</p>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = (),
          row_classes: Sequence[str] | None = None, cell_classes: dict[int, str] | None = None,
          widths: Sequence[int] | None = None) -> str:
    """A table of plain-text cells; columns in ``numeric`` are right-aligned. ``widths``
    (percent per column) fix the layout: long cells (parameter paths, sources) wrap
    instead of widening the table beyond the page."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for r, row in enumerate(rows):
        cells = []
        for c, cell in enumerate(row):
            css = " ".join(filter(None, ["num" if c in numeric else "", (cell_classes or {}).get(c, "")]))
            cells.append(f'<td class="{css}">{esc(cell)}</td>' if css else f"<td>{esc(cell)}</td>")
        cls = f' class="{row_classes[r]}"' if row_classes and row_classes[r] else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    if widths is None:
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    cols = "".join(f'<col style="width: {w}%">' for w in widths)
    return (f'<table class="fixed"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def figure(png: bytes, href: str, caption: str, alt: str) -> str:
    """An embedded PNG linking to its file, with a caption."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><a href="{esc(href)}"><img src="data:image/png;base64,{data}" alt="{esc(alt)}">'
            f"</a><figcaption>{esc(caption)}</figcaption></figure>")


def section(anchor: str, title: str, *parts: str) -> str:
    return f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{"".join(parts)}</section>'


def header(title: str, fields: Sequence[tuple[str, str]], links: Sequence[tuple[str, str]],
           links_label: str) -> str:
    """Title, a definition list of run facts, and links to the data files."""
    meta = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in fields)
    files = " · ".join(f'<a href="{esc(href)}">{esc(text)}</a>' for text, href in links)
    return (f"<header><h1>{esc(title)}</h1><dl class=\"meta\">{meta}"
            f"<dt>{esc(links_label)}</dt><dd>{files}</dd></dl></header>")


def document(lang: str, title: str, head: str, toc_label: str, sections: Sequence[tuple[str, str, str]],
             footer: str) -> str:
    """The whole page; ``sections`` are (anchor, title, html) in order."""
    toc = "".join(f'<li><a href="#{esc(a)}">{esc(t)}</a></li>' for a, t, _ in sections)
    body = "".join(part for _, _, part in sections)
    html_lang = "zh-CN" if lang == "zh" else "en"
    main = (f"<main>{head}<nav><strong>{esc(toc_label)}</strong><ol>{toc}</ol></nav>{body}"
            f"<footer>{esc(footer)}</footer></main>")
    return (f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
            f'<meta name="generator" content="{GENERATOR}">'  # how a re-report knows its page
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{_css(title + main)}</style></head>"
            f"<body>{main}</body></html>\n")


def _css(text: str) -> str:
    """The style sheet; a page with CJK characters carries its own font (a subset of the
    bundled Noto Sans CJK SC), so it shows no empty boxes where no CJK font is installed."""
    visible = _TAGS.sub(" ", html.unescape(text))
    face = font_face(visible) if any(ord(ch) > 0x2E7F for ch in visible) else None
    if face is None:
        return CSS.replace("FAMILY ", "")
    return face + "\n" + CSS.replace("FAMILY ", f'"{EMBEDDED_FAMILY}", ')
