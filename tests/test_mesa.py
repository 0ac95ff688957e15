"""Mesa's own interfaces (issue 22, part 3): keyword construction with ``rng`` and dotted
overrides, the metrics in a ``mesa.DataCollector``, ``running`` and ``mesa.batch_run``."""

from __future__ import annotations

import math
import multiprocessing
from pathlib import Path

import mesa
import pandas as pd
import pytest

from simulation.model import SocialWorkModel
from simulation.outcomes import metric_names
from simulation.params import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parent.parent
WORTH = "workforce.exam.worth_effect"


def _table(model: SocialWorkModel) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe()


def _cli_timeseries(cli, out: Path, *sets: str) -> pd.DataFrame:
    args = [a for s in ("months=12", *sets) for a in ("--set", s)]
    status, _, err = cli("run", "small_city", "--seed", "1", *args, "--out", out, "--quiet")
    assert status == 0, err
    return pd.read_csv(out / "timeseries.csv")


def test_keyword_construction_equals_the_positional_one(small):
    """scenario by name, path or Scenario, rng for the seed, dotted keys as --set: the same
    model as the positional form on the loaded scenario (every metric, every month)."""
    sets = [f"{WORTH}=3.0", "months=6"]
    positional = SocialWorkModel(load_scenario("small_city", sets), 1)
    positional.run()
    expected = pd.DataFrame(positional.records)
    for scenario in ("small_city", ROOT / "scenarios" / "small_city.yaml", small):
        model = SocialWorkModel(scenario=scenario, rng=1, months=6, **{WORTH: 3.0})
        assert model.params == positional.params
        model.run()
        pd.testing.assert_frame_equal(_table(model), expected, check_exact=True)
    # the default lever value gives another run, and the seed default stays 0
    other = SocialWorkModel(scenario="small_city", rng=1, months=6)
    other.run()
    assert not _table(other).equals(expected)
    assert SocialWorkModel(small, rng=0).params is small
    pd.testing.assert_frame_equal(_table(SocialWorkModel(small)), _table(SocialWorkModel(small, 0)))


def test_datacollector_table_is_the_runs_timeseries(cli, tmp_path):
    """model.datacollector's monthly table is replicate 0 of swsim run --seed 1, to the byte
    as timeseries.csv writes it; its reporters are the metric registry's columns."""
    status, _, err = cli("run", "small_city", "--seed", "1", "--set", "months=12",
                         "--out", tmp_path / "run", "--quiet")
    assert status == 0, err
    model = SocialWorkModel(scenario="small_city", rng=1, months=12)
    model.run()
    assert list(model.datacollector.model_reporters) == ["step", "date", *metric_names()]
    table = _table(model)
    assert len(table) == 13 and table["step"].tolist() == list(range(13))
    table.insert(0, "replicate", 0)
    table.insert(0, "scenario", model.params.name)
    assert table.to_csv(index=False).encode() == (tmp_path / "run" / "timeseries.csv").read_bytes()


def test_batch_run_equals_swsim_run_at_step_12(cli, tmp_path):
    """The README's batch_run call: at step 12 each worth_effect gives swsim run's numbers
    with --set months=12 and that value; the two values give different runs."""
    method = multiprocessing.get_start_method(allow_none=True)
    try:
        results = mesa.batch_run(SocialWorkModel,
                                 parameters={"scenario": "small_city", WORTH: [2.0, 8.0]},
                                 max_steps=12, number_processes=1, rng=[1],
                                 display_progress=False)
    finally:  # batch_run forces "spawn" for the whole process
        multiprocessing.set_start_method(method, force=True)
    assert [(r[WORTH], r["Step"]) for r in results] == [(2.0, 12), (8.0, 12)]
    for row in results:
        final = _cli_timeseries(cli, tmp_path / str(row[WORTH]), f"{WORTH}={row[WORTH]}").iloc[-1]
        assert row["date"] == final["date"] == "2022-12"
        for name in metric_names():
            want, got = float(final[name]), float(row[name])
            assert got == want or (math.isnan(got) and math.isnan(want)), name
    low, high = results
    assert low["certified_total"] < high["certified_total"]  # the lever does something


def test_running_stops_after_the_last_month():
    model = SocialWorkModel(scenario="small_city", rng=1, months=3)
    steps = 0
    while model.running:
        model.step()
        steps += 1
    assert steps == 3 == model.steps and len(_table(model)) == 4


@pytest.mark.parametrize("overrides, cli_sets", [
    ({"workforce.exam.worth_efect": 3.0}, ["workforce.exam.worth_efect=3.0"]),
    ({WORTH: -2.0}, [f"{WORTH}=-2.0"]),
    ({WORTH: float("nan")}, [f"{WORTH}=.nan"]),
    ({"months": "twelve"}, ["months=twelve"]),
])
def test_a_bad_override_is_the_loaders_set_error(small, overrides, cli_sets):
    """A bad keyword override raises ScenarioError with the message --set gives."""
    with pytest.raises(ScenarioError) as cli_error:
        load_scenario("small_city", cli_sets)
    for scenario in ("small_city", small):
        with pytest.raises(ScenarioError) as got:
            SocialWorkModel(scenario=scenario, rng=1, **overrides)
        assert str(got.value) == str(cli_error.value)
        assert str(got.value).startswith("--set: ")


def test_seed_and_rng_are_one_argument():
    with pytest.raises(ValueError, match="seed or rng, not both"):
        SocialWorkModel(scenario="small_city", seed=1, rng=1)
    with pytest.raises(TypeError, match="whole number"):
        SocialWorkModel(scenario="small_city", rng=1.5)


@pytest.mark.parametrize("overrides, cli_sets", [
    ({WORTH: 1e-05}, [f"{WORTH}=1.0e-05"]),  # the float, though YAML 1.1 reads "1e-05" as text
    ({"funding.earmarks.salaries": ["lottery"]}, ["funding.earmarks.salaries=[lottery]"]),
    ({"funding.earmarks.salaries": "[lottery]"}, ["funding.earmarks.salaries=[lottery]"]),
    ({"workforce.exam.registrations_base": 1200, "deterministic": True},
     ["workforce.exam.registrations_base=1200", "deterministic=true"]),
])
def test_override_values_are_the_set_values(small, overrides, cli_sets):
    """A Python value is the value it is; text is read as --set reads its text."""
    want = load_scenario("small_city", cli_sets)
    for scenario in ("small_city", small):
        assert SocialWorkModel(scenario=scenario, **overrides).params == want
