"""Partial overrides never reset their siblings (issue 12, part 1).

A section written partly -- in a file that ``extends`` another, by ``--set``, in a
sweep or in calibration's best.yaml -- keeps every field it does not mention from
its parent scenario, else from the one declared default.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

from simulation.experiments.levers import apply_params
from simulation.params import ScenarioError, load_scenario, shipped_scenarios
from simulation.params.schema import Scenario, describe_parameters


def _yaml_value(value) -> str:
    text = yaml.safe_dump(value, default_flow_style=True, width=math.inf)
    return text.removesuffix("\n...\n").strip()


def _nested(path: str, value) -> dict:
    out = value
    for part in reversed(path.split(".")):
        out = {part: out}
    return out


# the small city in the default suite, every other shipped scenario end-to-end
@pytest.mark.parametrize("name", [pytest.param(n, marks=() if n == "small_city" else pytest.mark.e2e)
                                  for n in sorted(shipped_scenarios())])
def test_restating_any_leaf_changes_nothing(name, tmp_path):
    """For every leaf of every shipped scenario, setting it to the value it already has
    (in a file that extends it, and by --set) resolves to exactly the same scenario."""
    resolved = load_scenario(name)
    expected = resolved.model_dump()
    leaves = describe_parameters(Scenario, resolved)
    assert len(leaves) > 140
    child = tmp_path / "child.yaml"
    for row in leaves:
        path, value = row["path"], row["value"]
        doc = {"extends": str(shipped_scenarios()[name]), **_nested(path, value)}
        child.write_text(yaml.safe_dump(doc), encoding="utf-8")
        assert load_scenario(child).model_dump() == expected, f"extends: {path}"
        by_set = load_scenario(name, [f"{path}={_yaml_value(value)}"])
        assert by_set.model_dump() == expected, f"--set {path}"


def test_each_default_is_declared_once():
    """A section whose default is given per place (each funding source, each resident
    group) declares no field defaults of its own, so none can creep back in."""
    def walk(model: type[BaseModel]):
        for name, info in model.model_fields.items():
            ann = info.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                default = info.get_default(call_default_factory=True)
                for leaf, sub in ann.model_fields.items():
                    if not sub.is_required() and not isinstance(sub.annotation, type(BaseModel)):
                        assert sub.get_default(call_default_factory=True) == \
                            getattr(default, leaf), f"{model.__name__}.{name}.{leaf}"
                yield from walk(ann)
                yield name
    assert "purchase" in set(walk(Scenario)) and "elderly" in set(walk(Scenario))


def test_shipped_partial_sections_keep_the_parents_values():
    base = load_scenario("tianjin_baseline").funding.sources
    cut = load_scenario("funding_cut").funding.sources
    assert cut.purchase.amount == 56e6 and cut.purchase.growth == base.purchase.growth == 0.03
    mix = load_scenario("funding_mix_charity").funding.sources
    assert (mix.lottery.volatility, mix.charity.volatility) == (0.15, 0.3)
    small = load_scenario("small_city").funding.sources
    for source in ("purchase", "reward_subsidy", "assistance_share", "lottery", "charity",
                   "market_fees"):
        assert getattr(small, source).growth == getattr(base, source).growth
        assert getattr(small, source).volatility == getattr(base, source).volatility


def test_set_of_a_whole_section_merges():
    sc = load_scenario("small_city", ["funding.sources.purchase={growth: 0.1}"])
    assert (sc.funding.sources.purchase.amount, sc.funding.sources.purchase.growth) == (3.2e6, 0.1)
    sc = load_scenario("small_city", ["workforce={attrition_rate: 0.2}"])
    assert sc.workforce.talent_total == 1_472 and sc.workforce.attrition_rate == 0.2
    assert sc.workforce.exam.registrations_base == 400
    same = load_scenario("small_city", ["residents.elderly.share=0.22"])
    assert same == load_scenario("small_city")
    with pytest.raises(ScenarioError, match="is a value, not a section"):
        load_scenario("small_city", ["workforce.talent_total.x=1"])


def test_a_series_is_a_value_not_a_section(tmp_path):
    parent = tmp_path / "p.yaml"
    parent.write_text("name: p\nworkforce:\n  exam:\n    registrations_series: {2022: 5, 2023: 6}\n")
    child = tmp_path / "c.yaml"
    child.write_text("extends: p.yaml\nname: c\nworkforce:\n  exam:\n    registrations_series: "
                     "{2024: 7}\n")
    assert load_scenario(child).workforce.exam.registrations_series == {2024: 7}


def test_a_dotted_year_sets_one_entry_of_the_series():
    """Issue 21: ``--set workforce.exam.registrations_series.2026=100`` dropped the 2025
    surge (the whole series was replaced); a dotted key sets that one year, as a dotted
    key sets one field of a section. A mapping still replaces the series whole."""
    key = "workforce.exam.registrations_series"
    assert load_scenario("registration_surge_2025").workforce.exam.registrations_series == \
        {2025: 16_300}
    merged = load_scenario("registration_surge_2025", [f"{key}.2026=100"])
    assert merged.workforce.exam.registrations_series == {2025: 16_300, 2026: 100}
    again = load_scenario("registration_surge_2025", [f"{key}.2025=100"])
    assert again.workforce.exam.registrations_series == {2025: 100}  # that year, not a second
    fresh = load_scenario("small_city", [f"{key}.2026=100"])
    assert fresh.workforce.exam.registrations_series == {2026: 100}
    whole = load_scenario("registration_surge_2025", [f"{key}={{2026: 100}}"])
    assert whole.workforce.exam.registrations_series == {2026: 100}
    with pytest.raises(ScenarioError, match="'targets' is a list, not a section"):
        load_scenario("small_city", ["targets.0.threshold=0.5"])


@pytest.mark.parametrize("path,value", [
    ("funding.sources.purchase.growth", 0.1),
    ("funding.sources.lottery.amount", 1e6),
    ("residents.elderly.casework", 7.0),
    ("workforce.attrition_rate", 0.2),
    ("workforce.exam.registrations_base", 500),
])
def test_sweeps_and_set_resolve_alike(path, value):
    by_sweep = apply_params(load_scenario("small_city"), {path: value})
    by_set = load_scenario("small_city", [f"{path}={value}"])
    assert by_sweep == by_set


def test_best_yaml_style_partial_file_keeps_parent(tmp_path):
    """Calibration's best.yaml writes only the fitted leaves under extends."""
    best = tmp_path / "best.yaml"
    best.write_text(yaml.safe_dump({"extends": str(Path(shipped_scenarios()["small_city"])),
                                    "name": "fit", **_nested("funding.sources.charity.amount", 1e6)}))
    sc = load_scenario(best)
    assert sc.funding.sources.charity.model_dump() == {"amount": 1e6, "growth": 0.05,
                                                       "volatility": 0.3,
                                                       "social_work_share": 1.0}
