"""One translation catalogue (issue 22, part 5): every en/zh text of the report, the calibration
page, the web page and the command line is a key of simulation.i18n, said once."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from simulation.i18n import EN_BLANK, LANGS, PARAM_UNITS_ZH, TEXT, UNIT_LABELS, tr

PACKAGE = Path(__file__).resolve().parent.parent / "simulation"
CJK = re.compile(r"[\u4e00-\u9fff]+")

#: modules that may hold Chinese text besides the catalogue, and why; a set names the only
#: Chinese words the module may hold (None: the module holds Chinese by design)
ALLOWED: dict[str, frozenset[str] | None] = {
    "i18n.py": None,  # the catalogue
    "outcomes.py": None,  # the metric registry's Chinese labels and the names it builds them from
    # a policy kind declares its cost item's en/zh label in its own module, as the registry
    # does for metrics: a new kind is one module (issue 22, part 2)
    "policies/*.py": None,
    # recognises report pages of older swsim versions by their Chinese footer (a fixed mark)
    # and names a Chinese folder name as an example of what is allowed
    "results.py": frozenset({"由"}),
    "params/names.py": frozenset({"南湖市"}),
    "newcity.py": frozenset({"南湖市"}),  # an example city name in a message
    # Tianjin's staff certificate quoted by its Chinese name in English descriptions
    "params/schema.py": frozenset({"社会工作员", "社会工作员评定"}),
}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_key_has_english_and_chinese():
    assert LANGS == ("en", "zh")
    for key, pair in TEXT.items():
        assert isinstance(pair, tuple) and len(pair) == 2, key
        en, zh = pair
        assert zh.strip(), f"{key}: no Chinese"
        assert en.strip() or key in EN_BLANK, f"{key}: no English"
        assert CJK.search(en) is None or key == "language", f"{key}: Chinese in the English text"
    for unit, (en, zh) in UNIT_LABELS.items():
        assert en and zh, unit
    assert all(isinstance(v, str) for v in PARAM_UNITS_ZH.values())


#: keys whose languages take different fields by design (the caller passes both)
SPLIT_FIELDS = {"month_of_year": ({"name"}, {"n"})}  # English names the month, Chinese numbers it


def test_both_languages_take_the_same_fields():
    """A caption filled with {month} in English and {month_zh} in Chinese: both languages
    of a key name the same fields, so one call fills either."""
    differ = {key: (_fields(en), _fields(zh)) for key, (en, zh) in TEXT.items()
              if _fields(en) != _fields(zh) and key not in EN_BLANK}
    assert differ == SPLIT_FIELDS


def test_no_text_is_said_twice():
    """The same pair of words under two keys is a copy that can drift (the calibration page
    repeated eight of the report's)."""
    seen: dict[tuple[str, str], str] = {}
    twice = []
    for key, pair in TEXT.items():
        if pair in seen:
            twice.append((seen[pair], key))
        seen[pair] = key
    assert twice == []


def test_tr_fills_fields_in_either_language():
    assert tr("months_n", "en", n=48) == "48 months"
    assert tr("months_n", "zh", n=48) == "48 个月"
    assert tr("month_of_year", "en", name="March", n=3) == "March"
    assert tr("month_of_year", "zh", name="March", n=3) == "3月"
    with pytest.raises(KeyError):
        tr("no such key", "en")


def _strings(tree: ast.AST) -> list[str]:
    """The module's string constants that are not docstrings (comments are not in the tree)."""
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


def test_no_module_outside_the_catalogue_holds_chinese_text():
    """Translations lived in five modules (report/i18n.py, app/text.py, calibration_page.py,
    sections.py, ...): now only the catalogue and the metric registry hold Chinese words."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        words = {w for s in _strings(ast.parse(path.read_text(encoding="utf-8"))) for w in CJK.findall(s)}
        allowed = ALLOWED.get(rel, ALLOWED.get(f"{path.parent.relative_to(PACKAGE).as_posix()}/*.py",
                                               frozenset()))
        if words and allowed is not None and not words <= allowed:
            found[rel] = words - allowed
    assert found == {}


def test_report_page_and_app_read_the_one_catalogue():
    from simulation.app import text
    from simulation.report import calibration_page, i18n

    assert i18n.tr is tr and text.t is tr and calibration_page.tr is tr
    assert i18n.TEXT is TEXT and i18n.PARAM_UNITS_ZH is PARAM_UNITS_ZH
    assert not hasattr(calibration_page, "TEXT") or calibration_page.TEXT is TEXT
