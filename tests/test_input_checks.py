"""Bad input found by issue 21 in the loading path: each is refused with one line and exit 2,
says what to write instead, and blames the place it was written."""

from __future__ import annotations

import typing

import pytest
from conftest import SMALL, refused
from pydantic import BaseModel

from simulation.calibration.spec import Calibration, Observation
from simulation.experiments.spec import Experiment
from simulation.params import ScenarioError, load_scenario
from simulation.params.schema import FileModel, Scenario, YearMonth, YearOrMonth

CALIBRATION = SMALL.parent.parent / "calibration" / "tianjin.yaml"
EXPERIMENT = SMALL.parent.parent / "experiments" / "smoke.yaml"


def _scenario(tmp_path, body: str):
    path = tmp_path / "s.yaml"
    path.write_text("extends: small_city\nname: s\n" + body, encoding="utf-8")
    return path


def _edited(tmp_path, source, old: str, new: str):
    """A copy of a shipped experiment or calibration file with one line changed."""
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# ---- booleans and YAML 1.1 oddities are not numbers -------------------------------------

@pytest.mark.parametrize("body, words", [
    ("workforce:\n  exam:\n    registrations_series: {2022: true}\n",
     "workforce.exam.registrations_series: expected a whole number, got the boolean true "
     "(at 2022)"),
    ("workforce:\n  exam:\n    registrations_series: {2022: 1, '2022': 2}\n",
     "duplicate key '2022' (first at line 5, written 2022; the two are one key)"),
    ("months: 012\n", "months: 012 is read by YAML as the octal number 10; write 12"),
    ("workforce:\n  exam:\n    registrations_series: {2022: 0100}\n", "octal number 64"),
    ("months: 1:30\n", "months: 1:30 is read by YAML as a base-60 number"),
])
def test_booleans_and_yaml_oddities_are_refused(cli, tmp_path, body, words):
    refused(cli("validate", _scenario(tmp_path, body)), words)


@pytest.mark.parametrize("item, words", [
    ("workforce.exam.registrations_series={2022: true}", "got the boolean true (at 2022)"),
    ("workforce.exam.registrations_series.2022=true", "got the boolean true (at 2022)"),
    ("months=012", "octal number 10"),
    ("workforce.exam.registrations_series={2022: 1, '2022': 2}", "duplicate key '2022'"),
])
def test_set_values_are_checked_alike(cli, item, words):
    refused(cli("validate", "small_city", "--set", item), "error: --set: ")
    refused(cli("validate", "small_city", "--set", item), words)


@pytest.mark.parametrize("old, new, words", [
    ("samples: 16", "samples: true", "samples: expected a whole number, got the boolean true"),
    ("samples: 16", "samples: 016", "samples: 016 is read by YAML as the octal number 14"),
    ("worth_effect: [2.0, 8.0]", "worth_effect: [true, 8.0]", "got the boolean true (at "),
    ("samples: 16", "sampels: 16", "unknown key; did you mean 'samples'?"),
])
def test_experiment_files_are_checked_alike(cli, tmp_path, old, new, words):
    refused(cli("sweep", _edited(tmp_path, EXPERIMENT, old, new), "--check"), words)


@pytest.mark.parametrize("old, new, words", [
    ("trials: 40", "trials: true", "trials: expected a whole number, got the boolean true"),
    ("seed: 2022", "seed: 02022", "octal number"),
    ("value: 10000, note", "value: true, note", "targets.4.value: expected a number, got the "
     "boolean true"),
    ("holdout_from: 2025-01", "holdout_from: 9999-12", "holdout_from: use YYYY-MM, a month "
     "from 1900-01 to 2199-12 (got '9999-12')"),
    ("holdout_from: 2025-01", "holdout_from: 2025-01-01", "holdout_from: use YYYY-MM"),
    ("date: 2022, value", "date: 9999, value", "targets.4.date: use YYYY-MM (a month) or YYYY "
     "(a year), from 1900-01 to 2199-12"),
])
def test_calibration_files_are_checked_alike(cli, tmp_path, old, new, words):
    refused(cli("calibrate", _edited(tmp_path, CALIBRATION, old, new), "--check"), words)


def test_booleans_stay_booleans_where_the_schema_says_so(tmp_path):
    assert load_scenario(_scenario(tmp_path, "deterministic: true\n")).deterministic is True


# ---- dates ------------------------------------------------------------------------------

@pytest.mark.parametrize("value, got", [("2022-1", "'2022-1'"), ("2022-01-01", "2022-01-01"),
                                         ("0000-01", "'0000-01'"), ("2200-01", "'2200-01'")])
def test_dates_say_use_yyyy_mm(cli, tmp_path, value, got):
    status, _, err = cli("validate", _scenario(tmp_path, f"start: {value}\n"))
    refused((status, "", err), "start: use YYYY-MM, a month from 1900-01 to 2199-12")
    assert f"(got {got})" in err and "datetime" not in err and "^" not in err, err


def _date_fields(model: type[BaseModel], seen: set) -> list[tuple[str, list]]:
    """(model.field, the field's metadata and its union members' metadata) of every field
    whose description or unit says YYYY-MM, through nested models."""
    out = []
    for name, info in model.model_fields.items():
        text = f"{info.description} {(info.json_schema_extra or {}).get('unit', '')}"
        if "YYYY-MM" in text:
            meta = list(info.metadata) + [m for a in typing.get_args(info.annotation)
                                          for m in getattr(a, "__metadata__", ())]
            out.append((f"{model.__name__}.{name}", meta))
        for arg in (info.annotation, *typing.get_args(info.annotation)):
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg not in seen:
                seen.add(arg)
                out += _date_fields(arg, seen)
    return out


def test_every_date_field_uses_the_one_month_type():
    """Scenarios, experiments and calibrations: every field whose description or unit says
    YYYY-MM is the schema's YearMonth (or YearOrMonth), so one range and one message."""
    fields = [f for model in (Scenario, Experiment, Calibration, Observation)
              for f in _date_fields(model, set())]
    assert len(fields) >= 10
    checks = {typing.get_args(t)[-1] for t in (YearMonth, YearOrMonth)}  # their validators
    for where, meta in fields:
        if where == "Experiment.outputs":  # metric@YYYY-MM: checked against the run's months
            continue
        assert checks & set(meta), where
    for model in (Scenario, Experiment, Calibration, Observation):
        assert issubclass(model, FileModel)


# ---- messages -----------------------------------------------------------------------------

def test_set_mapping_errors_name_set(cli):
    """Issue 21: a --set mapping's error was blamed on small_city.yaml:8."""
    status, _, err = cli("validate", "small_city", "--set", "territory={population: 5}")
    refused((status, "", err), "error: --set: territory.population: Input should be greater")
    assert "small_city" not in err


def test_shares_are_fractions(cli, tmp_path):
    refused(cli("validate", _scenario(tmp_path, "volunteers:\n  active_share: 50\n")),
            "volunteers.active_share: Input should be less than or equal to 1 (got 50); "
            "shares are fractions: 50% is 0.5")
    refused(cli("validate", "small_city", "--set", "workforce.attrition_rate=-1"),
            "greater than or equal to 0")


def test_unknown_keys_suggest_the_nearest(cli, tmp_path):
    refused(cli("validate", _scenario(tmp_path, "territory:\n  urban_shar: 0.5\n")),
            "territory.urban_shar: unknown key; did you mean 'urban_share'? (allowed keys here: "
            "population, urban_share,")
    status, _, err = cli("validate", _scenario(tmp_path, "territory:\n  zzz: 1\n"))
    assert status == 2 and "unknown key (allowed keys here:" in err and "did you" not in err


# ---- text that is not Unicode -------------------------------------------------------------

def test_lone_surrogates_are_refused(cli, tmp_path):
    """Issue 21: region "\\ud800" passed validate, then the run failed writing its manifest."""
    path = _scenario(tmp_path, 'region: "\\ud800"\n')
    refused(cli("validate", path), "region: '\\ud800' is not valid Unicode text")
    refused(cli("run", path, "--out", tmp_path / "out"), "not valid Unicode text")
    assert not (tmp_path / "out").exists()
    refused(cli("validate", "small_city", "--set", 'region="\\udfff"'), "not valid Unicode text")
    refused(cli("validate", "small_city", "--set", "region=a\udcff"),  # argv's undecodable bytes
            "lone surrogate, not Unicode text U+DCFF")
    with pytest.raises(ScenarioError, match="not valid Unicode"):
        load_scenario(_scenario(tmp_path, 'workforce:\n  exam:\n    registrations_series: '
                                '{"\\ud800": 1}\n'))


# ---- the web page -------------------------------------------------------------------------

def test_uploads_may_extend_shipped_scenarios_only(tmp_path):
    """Issue 21: an upload could extend any file on the server, and the error told whether
    it existed and its keys. Only a shipped name is taken; anything else gets one message
    that depends on nothing but the reference itself."""
    from simulation.app import session

    secret = tmp_path / "secret.yaml"
    secret.write_text("name: s\napi_password: hunter2\n", encoding="utf-8")
    messages = set()
    had = session.state.parent.value
    for ref in (secret, tmp_path / "missing.yaml", "../" * 12 + str(secret).lstrip("/"),
                "secret.yaml", "scenarios/small_city.yaml"):
        session.upload("up.yaml", f"extends: {ref}\nname: up\n".encode())
        error = session.state.upload_error.value
        assert error.startswith("error: up.yaml:1: extends: an uploaded file may extend a "
                                "shipped scenario only (by name: "), error
        assert "api_password" not in error and "hunter2" not in error and str(ref) not in error
        messages.add(error)
    assert len(messages) == 1  # an existing file and a missing one read alike
    assert session.state.parent.value == had  # refused: the page keeps what it had
    for ref in ("small_city", "small_city.yaml"):
        session.upload("up.yaml", f"extends: {ref}\nname: up\n".encode())
        assert session.state.upload_error.value == ""
    session.upload("bomb.yaml", b"name: &a [*a]\n")
    assert session.state.upload_error.value == ("error: bomb.yaml:1: an alias refers to its own "
                                                "anchor from inside it (a value that contains "
                                                "itself)")


@pytest.mark.parametrize("host, warns", [
    ("127.0.0.1", False), ("127.0.1.1", False), ("::1", False), ("localhost", False),
    ("0.0.0.0", True), ("::", True), ("192.168.1.20", True), ("planner.example.org", True),
])
def test_app_warns_when_other_machines_may_open_the_page(host, warns):
    from simulation.app.cli import exposure_warning

    text = exposure_warning(host, 8765)
    assert (text is not None) == warns
    if warns:
        assert text.startswith(f"warning: swsim app: --host {host} ") and "no login" in text
        assert "\n" not in text


def test_app_prints_the_warning_before_serving(capsys, tmp_path, monkeypatch):
    from simulation.app import cli as app_cli
    from simulation.cli import main

    def instead_of_serving(*args):
        raise SystemExit(0)

    monkeypatch.setattr(app_cli.os, "execve", instead_of_serving)
    with pytest.raises(SystemExit):
        main(["app", "--host", "0.0.0.0", "--results", str(tmp_path)])
    out, err = capsys.readouterr()
    assert err.startswith("warning: swsim app: --host 0.0.0.0 lets other machines open the "
                          "page, which has no login") and err.count("\n") == 1, err
    assert "serving on http://0.0.0.0:8765/" in out
    with pytest.raises(SystemExit):
        main(["app", "--results", str(tmp_path)])
    out, err = capsys.readouterr()
    assert err == "" and "serving on http://127.0.0.1:8765/" in out
