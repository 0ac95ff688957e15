"""The page's words: the catalogue's (:mod:`simulation.i18n`, one for the report, the
calibration page, this page and the command line) and lever labels built from the
registry's Chinese names (metric labels come from the registry)."""

from __future__ import annotations

from ..i18n import tr
from ..outcomes import GROUP_ZH, SOURCE_ZH, TYPE_ZH
from ..report.i18n import param_unit

__all__ = ["lever_label", "t"]

#: lever path segments the metric registry names in Chinese: resident groups, service types
#: (the need rates of each group), funding lines
_SEGMENTS_ZH = {**GROUP_ZH, **TYPE_ZH, **SOURCE_ZH}


def lever_label(path: str, unit: str, lang: str) -> str:
    """A lever's label: the last key of its path in words, and its unit ("registration
    growth (1/year)"). In Chinese the unit is Chinese, and so are the resident groups,
    service types and funding lines of the path the registry names ("老年人 · 个案工作");
    other keys stay as the scenario file writes them."""
    parts = path.split(".")
    if lang != "zh":
        leaf = parts[-1].replace("_", " ")
        return f"{leaf} ({unit})" if unit else leaf
    words = [_SEGMENTS_ZH[p] for p in parts[:-1] if p in _SEGMENTS_ZH]
    words.append(_SEGMENTS_ZH.get(parts[-1], parts[-1].replace("_", " ")))
    label = " · ".join(words)
    return f"{label}({param_unit(unit, lang)})" if unit else label


#: the page's text ``key`` in ``lang``: the catalogue's :func:`simulation.i18n.tr`
t = tr
