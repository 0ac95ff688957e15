"""Policy targets are declared once, in the scenario (issue 13, part 5).

A scenario's ``targets:`` list is what the report judges, discovery can name and calibration
keeps with the base scenario; the schema declares none, and a child file that writes
``targets:`` replaces its parent's whole list.
"""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from simulation.params import ScenarioError, load_scenario, shipped_scenarios
from simulation.params.schema import Scenario
from simulation.report import prep

TARGET = {"name": "t", "metric": "station_coverage", "date": "2023-06", "threshold": 1.0,
          "source": "test"}


def _child(tmp_path, body: dict, parent: str = "small_city"):
    path = tmp_path / "child.yaml"
    path.write_text(yaml.safe_dump({"extends": str(shipped_scenarios()[parent]), **body}),
                    encoding="utf-8")
    return path


def test_schema_declares_no_targets_and_the_baseline_declares_tianjins():
    assert Scenario().targets == []
    base = load_scenario("tianjin_baseline")
    by_name = {t.name: t for t in base.targets}
    cw = by_name["community_workers_certified"]
    assert (cw.metric, cw.date, cw.operator, cw.threshold) == (
        "community_worker_certified_share", "2025-12", ">=", 0.5)
    assert "seed 002" in cw.source
    assert by_name["stations"].date == base.network.station_deadline
    assert all(t.source for t in base.targets)


def test_shipped_scenarios_inherit_or_adjust_where_their_seeds_say():
    base = load_scenario("tianjin_baseline").targets
    assert load_scenario("registration_surge_2025").targets == base  # inherited whole
    binhai = {t.name: t for t in load_scenario("binhai_2022").targets}
    assert binhai["stations"].date == "2022-12" and "seed 001" in binhai["stations"].source
    chongqing = {t.name for t in load_scenario("chongqing_three_tier").targets}
    assert chongqing == {"stations", "staffing"}  # Tianjin's 50% target is not Chongqing's


def test_baseline_repeats_no_schema_default():
    """The schema's defaults are Tianjin's: the baseline file states none of them again."""
    text = (shipped_scenarios()["tianjin_baseline"]).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert set(data) <= {"name", "description", "targets"}
    assert load_scenario("tianjin_baseline").model_dump(exclude={"targets", "description"}) == \
        Scenario().model_dump(exclude={"targets", "description"})


def test_child_that_writes_targets_replaces_the_list(tmp_path):
    sc = load_scenario(_child(tmp_path, {"targets": [TARGET]}))
    assert [t.name for t in sc.targets] == ["t"]
    none = load_scenario(_child(tmp_path, {"targets": []}))
    assert none.targets == []
    by_set = load_scenario("small_city", ["targets=[]"])
    assert by_set.targets == []


@pytest.mark.parametrize("bad, where, words", [
    ({**TARGET, "metric": "station_coverag"}, "targets.0.metric", "unknown metric"),
    ({**TARGET, "date": "2023-13"}, "targets.0.date", "use YYYY-MM"),
    ({**TARGET, "operator": "=="}, "targets.0.operator", ">="),
    ({**TARGET, "threshold": True}, "targets.0.threshold", "boolean"),
    ({**TARGET, "colour": "red"}, "targets.0.colour", "unknown key"),
    ({k: v for k, v in TARGET.items() if k != "source"}, "targets.0.source", "required"),
])
def test_bad_targets_are_refused_with_their_line(tmp_path, bad, where, words):
    path = _child(tmp_path, {"targets": [bad]})
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert err.value.path == where and words in err.value.message
    if words != "required":  # a missing key has no line of its own
        assert err.value.line is not None and err.value.file == str(path)


def test_target_names_are_unique(tmp_path):
    with pytest.raises(ScenarioError, match="names two targets"):
        load_scenario(_child(tmp_path, {"targets": [TARGET, {**TARGET, "metric": "room_coverage"}]}))


def _ts(values: list[float], metric: str = "room_coverage") -> pd.DataFrame:
    dates = pd.date_range("2021-12", periods=len(values), freq="MS")
    return pd.DataFrame({"scenario": "t", "replicate": 0, "step": range(len(values)),
                         "date": dates, metric: values})


def test_report_judges_each_operator(tmp_path):
    targets = [{**TARGET, "name": "at_most", "metric": "room_coverage", "operator": "<=",
                "threshold": 0.2, "date": "2022-03"},
               {**TARGET, "name": "above", "metric": "room_coverage", "operator": ">",
                "threshold": 0.25, "date": None},
               {**TARGET, "name": "missing", "metric": "funding_gap", "date": None}]
    sc = load_scenario(_child(tmp_path, {"targets": targets}))
    inds = {i.name: i for i in prep.indicators(_ts([0.1, 0.2, 0.3, 0.2, 0.3]), sc)}
    assert (inds["at_most"].status, inds["at_most"].at_deadline) == ("met", 0.2)
    assert (inds["at_most"].first_met, inds["at_most"].kept) == ("2021-12", False)
    assert (inds["above"].status, inds["above"].first_met) == ("met", "2022-02")
    assert inds["missing"].status == "no_data"


def test_report_of_a_city_without_targets_says_so(tmp_path, cli):
    sc_file = _child(tmp_path, {"targets": [], "months": 3, "name": "no_targets"})
    out = tmp_path / "run"
    assert cli("run", sc_file, "--out", out, "--quiet")[0] == 0
    assert "targets: []" in (out / "scenario.yaml").read_text(encoding="utf-8")
    assert cli("report", out)[0] == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    section = page[page.index('id="indicators"'):page.index('id="final"')]
    assert "declares no policy targets" in section and "<table" not in section


def test_report_reads_the_targets_saved_in_the_run_folder(tmp_path, cli):
    out = tmp_path / "run"
    assert cli("run", "small_city", "--set", "months=3", "--out", out, "--quiet")[0] == 0
    saved = yaml.safe_load((out / "scenario.yaml").read_text(encoding="utf-8"))
    saved["targets"] = [{**TARGET, "name": "only_rooms", "metric": "room_coverage",
                         "threshold": 0.05, "label": "Rooms somewhere", "date": None}]
    (out / "scenario.yaml").write_text(yaml.safe_dump(saved), encoding="utf-8")
    assert cli("report", out)[0] == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    section = page[page.index('id="indicators"'):page.index('id="final"')]
    assert "Rooms somewhere" in section and "Station coverage" not in section


@pytest.mark.e2e
def test_discover_takes_a_target_by_name_or_the_one_that_fits(tmp_path, cli):
    (tmp_path / "city.yaml").write_text("extends: small_city\nname: city\n", encoding="utf-8")
    exp = {"name": "names", "scenario": "city.yaml", "method": "lhs", "samples": 12,
           "replicates": 1, "seed": 5,
           "parameters": {"workforce.exam.registration_growth": [0.0, 1.5]},
           "outputs": ["community_worker_certified_share@2025-12", "certified_total"]}
    (tmp_path / "exp.yaml").write_text(yaml.safe_dump(exp), encoding="utf-8")
    sweep = tmp_path / "sweep"
    assert cli("sweep", tmp_path / "exp.yaml", "--out", sweep, "--workers", "1")[0] == 0
    expected = "community_worker_certified_share@2025-12 >= 0.5"
    for args in (["--target", "community_workers_certified"], []):
        status, out, err = cli("discover", sweep, *args, "--overwrite")
        assert status == 0, err
        assert expected in out
    status, _, err = cli("discover", sweep, "--target", "stations", "--overwrite")
    assert status == 2 and "not an output of this sweep" in err
    status, _, err = cli("discover", sweep, "--target", "no_such_target", "--overwrite")
    assert status == 2 and "community_workers_certified" in err  # lists the scenario's targets
