"""Fonts for Chinese plot labels.

Order of preference: the Noto Sans CJK SC file shipped by the ``mplfonts`` package
(a declared dependency), then a CJK family already known to matplotlib (system fonts).
When neither exists the report draws English labels rather than boxes.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

__all__ = ["CJK_FAMILIES", "EMBEDDED_FAMILY", "cjk_font", "font_face", "mplfonts_file", "plot_rc"]

#: system families that render simplified Chinese, in order of preference
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "SimHei", "Heiti SC",
                "Droid Sans Fallback", "AR PL UMing CN")

_MPLFONTS_FILE = Path("fonts") / "NotoSansCJKsc-Regular.otf"

#: the CSS family name of the font the HTML report carries (a subset of Noto Sans CJK SC)
EMBEDDED_FAMILY = "swsim Noto Sans CJK SC"


def mplfonts_file() -> Path | None:
    """The Noto Sans CJK SC file the ``mplfonts`` package ships, or None (the report's plots and
    the web page use it)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / _MPLFONTS_FILE
    return path if path.is_file() else None


def cjk_font() -> str | None:
    """The family name of a font that renders simplified Chinese, or None if there is none."""
    from matplotlib import font_manager

    path = mplfonts_file()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
        return font_manager.FontProperties(fname=str(path)).get_name()
    known = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in known), None)


def _has_bold(family: str) -> bool:
    from matplotlib import font_manager

    return any(f.name == family and f.weight in (600, 700, 800, 900, "semibold", "bold", "heavy")
               for f in font_manager.fontManager.ttflist)


def plot_rc(family: str | None) -> dict[RcKeyType, Any]:
    """rcParams for the report's plots: ``family`` first (if any), DejaVu Sans for the rest.

    Titles are bold unless ``family`` has no bold face (mplfonts ships only the regular one).
    """
    fonts = [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
    weight = "bold" if family is None or _has_bold(family) else "normal"
    return {"font.family": fonts, "font.size": 10, "axes.titlesize": 12, "axes.titleweight": weight,
            "figure.titlesize": 13, "figure.titleweight": weight,
            "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
            "grid.alpha": 0.3, "legend.frameon": False, "savefig.dpi": 110}


def font_face(text: str) -> str | None:
    """A CSS ``@font-face`` rule carrying the bundled CJK font, subset to the characters
    of ``text`` (WOFF, base64 data URI), or None without the mplfonts file.

    The page then renders its Chinese the same on any machine, offline, with or without
    a CJK system font (Noto Sans CJK is under the SIL Open Font License, which allows
    embedding). The subset of a whole Chinese report is ~0.2 MB and takes ~1.5 s.
    """
    path = mplfonts_file()
    if path is None:
        return None
    return _font_face(path, "".join(sorted(set(text) - set("\n\r\t") | _ASCII)))


#: printable ASCII, always in the subset: pages that differ only in which letters and digits
#: they use share one subset (subsetting takes ~1 s; reports of several runs in one language,
#: the page's downloads, the test suite)
_ASCII = frozenset(map(chr, range(0x20, 0x7F)))


@lru_cache(maxsize=8)
def _font_face(path: Path, chars: str) -> str:
    """The rule for the characters ``chars``."""
    import base64
    import io

    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"  # zlib-compressed; woff2 would need brotli
    options.layout_features = ["*"]
    options.notdef_outline = True
    buffer = io.BytesIO()
    with subset.load_font(str(path), options) as font:  # closes the file it reads lazily
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        subset.save_font(font, buffer, options)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return (f'@font-face {{ font-family: "{EMBEDDED_FAMILY}"; font-style: normal; '
            f'font-weight: 400 700; src: url(data:font/woff;base64,{data}) format("woff"); }}')
