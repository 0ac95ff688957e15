"""The report's languages: metric labels and units as the report shows them.

Every word comes from the catalogue :mod:`simulation.i18n` (``tr``, the unit tables,
re-exported here); metric labels and units from the registry
(:data:`simulation.outcomes.METRICS`). This module says how they are put together: a
sweep output's month, money scaled per language, a difference between shares.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from ..i18n import LANGS, PARAM_UNITS_ZH, TEXT, UNIT_LABELS, tr

__all__ = ["LANGS", "PARAM_UNITS_ZH", "TEXT", "UNIT_SCALE", "effect_unit", "fmt", "metric_label",
           "metric_unit", "money_scale", "param_unit", "points", "short_label", "tr", "unit_label"]

#: money is plotted in millions of yuan (en) or 万元 (zh): the divisor per language
UNIT_SCALE = {"en": 1e6, "zh": 1e4}


def points(lang: str) -> str:
    """The short unit of a difference between shares ("pp")."""
    return tr("points_short", lang)


@cache
def _registry() -> dict[str, tuple[str, str, str]]:
    from ..outcomes import METRICS

    return {m.name: (m.label_en, m.label_zh, m.unit) for m in METRICS}


def metric_label(name: str, lang: str) -> str:
    """A metric's label from the registry; sweep outputs ``metric@YYYY-MM`` get the month
    appended; unknown names are returned as they are."""
    base, _, month = name.partition("@")
    entry = _registry().get(base)
    if entry is None:
        return name
    label = entry[LANGS.index(lang)]
    return f"{label} ({month})" if month and lang == "en" else f"{label}({month})" if month else label


def short_label(name: str, lang: str) -> str:
    """The part of a metric's label after "Kind: " (e.g. "Mean wait: elderly" -> "Elderly")."""
    label = metric_label(name, lang)
    for sep in (": ", ":", ":"):
        if sep in label:
            tail = label.split(sep, 1)[1].strip().replace("_", " ")
            return tail[:1].upper() + tail[1:]
    return label


def metric_unit(name: str) -> str:
    """A metric's registry unit ("" for unknown outputs)."""
    entry = _registry().get(name.partition("@")[0])
    return "" if entry is None else entry[2]


def unit_label(unit: str, lang: str) -> str:
    """How a registry unit is written on an axis (money is scaled, see :data:`UNIT_SCALE`)."""
    pair = UNIT_LABELS.get(unit)
    return unit if pair is None else pair[LANGS.index(lang)]


def param_unit(unit: str, lang: str) -> str:
    """A scenario parameter's unit (the schema's, unscaled) in ``lang``."""
    return PARAM_UNITS_ZH.get(unit, unit) if lang == "zh" else unit


def money_scale(unit: str, lang: str) -> float:
    """What values in ``unit`` are divided by for display: money flows in millions / 万元."""
    return UNIT_SCALE[lang] if unit == "yuan/month" else 1.0


def fmt(value: Any, unit: str, lang: str) -> str:
    """A metric value for a table cell, the one formatter of the report and the web page:
    shares as percent, money scaled like the plots (:func:`money_scale`, the unit as
    :func:`unit_label` writes it), counts whole, the rest to two decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    v = float(value)
    if unit == "share":
        return f"{v:.1%}"
    if money_scale(unit, lang) != 1.0:
        return f"{v / money_scale(unit, lang):,.2f}"
    if unit.startswith("people") or unit == "projects" or abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:,.2f}"


def effect_unit(unit: str, lang: str) -> tuple[float, str]:
    """Divisor and axis unit for a change in a metric (sensitivity effects): shares in
    percentage points, money scaled as on the time-series plots."""
    if unit == "share":
        return 0.01, tr("points", lang)
    return money_scale(unit, lang), unit_label(unit, lang)
