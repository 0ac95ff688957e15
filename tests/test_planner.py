"""A planner's first hour (issue 16): swsim new, feasibility warnings, progress, the console
summary, targets met from the month they stay met, the report's own font and sources."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import refused

from simulation.feasibility import check, network_cost, yearly_budget
from simulation.params import load_scenario
from simulation.progress import ConsoleProgress, eta_seconds
from simulation.report.prep import met_since, parameter_rows
from simulation.summary import meaningful

CITY = ("--population", "560000", "--streets", "6", "--towns", "4", "--communities", "80",
        "--villages", "140", "--workers", "1500", "--certified", "430")


# ---- swsim new ------------------------------------------------------------------------------

def test_new_city_file_keeps_given_figures_and_states_every_rule(cli, tmp_path):
    out = tmp_path / "demo.yaml"
    status, stdout, _ = cli("new", "demo", *CITY, "--out", out)
    assert status == 0 and f"wrote {out}" in stdout
    sc = load_scenario(out)  # it validates
    t, wf = sc.territory, sc.workforce
    assert (t.population, t.streets, t.towns, t.communities, t.villages) == (560_000, 6, 4, 80, 140)
    assert (wf.talent_total, wf.national_certified) == (1500, 430)
    # community workers: Tianjin's 20,700 (seed 002) x (80 + 140) / (1,900 + 3,500)
    assert wf.community_workers == round(20_700 * 220 / 5_400)
    # people-following counts: Tianjin's x population ratio
    assert wf.graduates == round(800 * 560_000 / 13_900_000)
    # every line that sets a value says where it comes from
    body = [ln for ln in out.read_text().splitlines() if ":" in ln and not ln.lstrip().startswith(("#", "-"))
            and not ln.rstrip().endswith(":") and not ln.startswith(("extends", "name", "region",
                                                                     "description", "targets"))]
    assert body and all("# given" in ln or "# scaled" in ln or "# Tianjin's" in ln for ln in body), body


def test_new_city_money_follows_the_network_not_the_population(cli, tmp_path):
    """Money scaled by population left stations unbuilt; here the sources keep Tianjin's
    proportions and add up in the deadline's year to 1.15 x the network's counted cost."""
    from simulation.newcity import HEADROOM

    out = tmp_path / "demo.yaml"
    assert cli("new", "demo", *CITY, "--out", out)[0] == 0
    sc = load_scenario(out)
    cost = sum(network_cost(sc, 3).values())  # in 2025, salaries indexed three years
    assert yearly_budget(sc, 3) == pytest.approx(HEADROOM * cost, rel=2e-3)  # 2025 of 2022-25
    src, tianjin = sc.funding.sources, load_scenario("tianjin_baseline").funding.sources
    assert src.reward_subsidy.amount / src.purchase.amount == pytest.approx(
        tianjin.reward_subsidy.amount / tianjin.purchase.amount, rel=2e-3)
    # not population scaling: the network's cost sets the amount
    assert src.purchase.amount != pytest.approx(tianjin.purchase.amount * 560_000 / 13_900_000,
                                                rel=0.02)
    assert not [w for w in check(sc) if w.key.startswith("funding")]


def test_new_city_moves_deadlines_with_the_start(cli, tmp_path):
    out = tmp_path / "late.yaml"
    assert cli("new", "late", *CITY, "--start", "2026-01", "--months", "24", "--out", out)[0] == 0
    sc = load_scenario(out)
    assert sc.network.station_deadline == "2029-12"  # Tianjin's 47-month runway kept
    assert {t.date for t in sc.targets if t.date} == {"2029-12"}
    assert not [w for w in check(sc) if "before the start" in w.message]


def test_new_refuses_an_existing_file_and_bad_figures(cli, tmp_path):
    out = tmp_path / "demo.yaml"
    out.write_text("keep me")
    refused(cli("new", "demo", *CITY, "--out", out), str(out))
    assert out.read_text() == "keep me"
    bad = [*CITY[:-2], "--certified", "2000"]  # more certified than professionals
    refused(cli("new", "demo", *bad, "--out", tmp_path / "b.yaml"), "national_certified")
    assert not (tmp_path / "b.yaml").exists()


def _figures(**given: int) -> list[str]:
    """CITY with some figures replaced: ``_figures(certified=250)``."""
    args = list(CITY)
    for option, value in given.items():
        args[args.index(f"--{option}") + 1] = str(value)
    return args


def test_new_checks_the_name_before_writing_anything(cli, tmp_path, monkeypatch):
    """Issue 21: the file was first written to TMP/NAME.yaml for validation, so NAME
    '../../victim' overwrote victim.yaml two folders above it, and 'a/b' was a traceback."""
    import tempfile

    trial = tmp_path / "tmp"
    trial.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(trial))  # where the old trial copy went
    victim = tmp_path / "victim.yaml"
    victim.write_text("keep me")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for name, why in (("../../victim", "'/' is not allowed"), ("a/b", "'/' is not allowed"),
                      ("..", "starts with '.'"), (".hidden", "starts with '.'"),
                      ("bad\x01", "U+0001"), ("x" * 101, "longer than 100")):
        result = cli("new", name, *CITY, "--out", "x.yaml")
        assert victim.read_text() == "keep me"
        refused(result, why)
        refused(cli("new", name, *CITY), "NAME")
    assert not list(work.iterdir()) and not list(trial.iterdir())


def test_new_checks_out_and_writes_all_or_nothing(cli, tmp_path):
    """--out into a place that cannot take the file: one line, exit 2, nothing left there."""
    (tmp_path / "file.txt").write_text("a file")
    for out, why in ((tmp_path, "is a folder"),
                     (tmp_path / "file.txt" / "x.yaml", "is not a folder"),
                     (Path("/proc/x.yaml"), "cannot write it"),  # the kernel refuses, even root
                     (Path("/proc/self/none/x.yaml"), "/proc/self")):
        refused(cli("new", "demo", *CITY, "--out", out), why)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


@pytest.mark.e2e
def test_new_under_a_file_size_limit_leaves_nothing(tmp_path):
    """ulimit -f 1 (EFBIG; Python ignores SIGXFSZ): was a traceback from the trial copy."""
    import os
    import resource
    import subprocess
    import sys

    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))  # noqa: E731
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
           "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-m", "simulation.cli", "new", "demo", *CITY,
                           "--out", "sub/dir/demo.yaml"], cwd=tmp_path, env=env,
                          preexec_fn=limit, capture_output=True, text=True, timeout=120)
    refused((done.returncode, done.stdout, done.stderr), "File too large")
    assert not list(tmp_path.iterdir())  # no file, no temporary file, no folder made for it


def test_new_and_run_a_city_with_a_chinese_name(cli, tmp_path, monkeypatch):
    """Issue 21: 南湖市 was refused ("use letters, digits...") though 南 is a letter."""
    from simulation.newcity import read_back

    monkeypatch.chdir(tmp_path)
    status, out, _ = cli("new", "南湖市", *CITY)
    assert status == 0 and "wrote 南湖市.yaml" in out
    text = (tmp_path / "南湖市.yaml").read_text(encoding="utf-8")
    assert "\nname: 南湖市\n" in text and "\nregion: 南湖市\n" in text
    sc = load_scenario(tmp_path / "南湖市.yaml")
    assert sc.name == "南湖市" and read_back(text) == sc  # swsim new read it as validate does
    assert cli("run", "南湖市.yaml", "--set", "months=2")[0] == 0
    assert len(list((tmp_path / "results").glob("南湖市.set-*/manifest.json"))) == 1
    # names YAML would read as another type are quoted
    assert cli("new", "2024", *CITY)[0] == 0 and load_scenario(tmp_path / "2024.yaml").name == "2024"


@pytest.mark.parametrize("name", ["南湖市", "Nanhu-2.0", "_x", "東京", "서울", "x" * 100, "南" * 66])
def test_folder_names_take_letters_of_any_script(name):
    from simulation.results import check_name

    assert check_name(name) == name


@pytest.mark.parametrize("name", ["", ".", "..", ".x", "-x", "a/b", "a\\b", "a b", "a\nb", "a\x00b",
                                  "a\u200bb", "\ud800", "x" * 101, "南" * 67, "a:b"])
def test_folder_names_refuse_paths_controls_and_long_names(name):
    from simulation.results import ResultsError, check_name

    with pytest.raises(ResultsError, match="cannot be a folder name"):
        check_name(name)


def test_a_workforce_larger_than_the_population_can_hold_is_refused(cli, tmp_path):
    """Issue 21: population 1,000 with small_city's 4,220 workers ran without a word, and
    swsim new --population 1000 --workers 9000 wrote its file."""
    from simulation.params.schema import MAX_WORKFORCE_SHARE

    refused(cli("validate", "small_city", "--set", "territory.population=1000"),
            "territory.population: 1,000 residents cannot hold a workforce of 3,914")
    # at the threshold: small_city's 3,914 people in a population of 78,280 pass
    assert cli("validate", "small_city", "--set",
               f"territory.population={math.ceil(3914 / MAX_WORKFORCE_SHARE)}")[0] == 0
    out = tmp_path / "tiny.yaml"
    refused(cli("new", "tiny", *_figures(population=1000, workers=9000), "--out", out),
            "territory.population (--population): 1,000 residents")
    assert not out.exists()


def test_new_leaves_certified_workers_for_the_stations(cli, tmp_path):
    """Issue 21: community workers took Tianjin's 30% of themselves first, leaving the
    organisations that staff the stations no certified worker (a 3.2 M city: 96% of stations
    started without one). Now community and grid workers hold at most Tianjin's shares of
    the certificates (57.5%, 13.3%)."""
    from simulation.model import SocialWorkModel

    out = tmp_path / "demo.yaml"
    status, _, err = cli("new", "demo", *_figures(certified=250), "--out", out)
    assert status == 0 and "national_certified" not in err
    sc = load_scenario(out)
    wf = sc.workforce
    held = round(wf.community_workers * wf.community_worker_certified_share) + \
        round(wf.grid_workers * wf.grid_worker_certified_share)
    assert wf.national_certified - held >= 0.29 * 250  # Tianjin keeps 29% outside both pools
    model = SocialWorkModel(load_scenario(out, ["deterministic=true", "months=4"]), seed=0)
    model.run()
    rows = pd.DataFrame(model.records)
    operating = rows[rows["station_coverage"] == 1.0]
    assert len(operating) and (operating["stations_no_certified_share"] < 0.5).all()


def test_new_warns_when_stations_would_start_without_certified_workers(cli, tmp_path):
    out = tmp_path / "thin.yaml"
    status, _, err = cli("new", "thin", *_figures(streets=20, towns=20, certified=60),
                         "--out", out)
    assert status == 0
    line = [ln for ln in err.splitlines() if "national_certified" in ln]
    assert len(line) == 1 and line[0].startswith(
        f"warning: {out}: workforce.national_certified: about 7 of the 60 certified")
    assert "of the 43 stations and centres, at least 83% will start with no certified" in line[0]


def test_new_refuses_a_malformed_month(cli, tmp_path):
    refused(cli("new", "demo", *CITY, "--start", "2024-1", "--out", tmp_path / "x.yaml"),
            "--start: expected a month YYYY-MM")
    assert not list(tmp_path.iterdir())


# ---- warnings -------------------------------------------------------------------------------

def test_validate_warns_on_money_that_cannot_build_the_network(cli):
    status, out, err = cli("validate", "funding_cut")
    assert status == 0 and out.startswith("ok: funding_cut")
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "warning: funding_cut: funding.sources.purchase.amount: ")
    assert "Raise funding.sources.purchase.amount to at least" in lines[0]
    assert cli("validate", "tianjin_baseline")[2] == ""  # Tianjin's money pays for its network


def test_validate_warns_on_a_start_after_the_deadline(cli, tmp_path):
    f = tmp_path / "late.yaml"
    f.write_text("extends: tianjin_baseline\nname: late\nstart: 2026-03\n")
    status, _, err = cli("validate", f)
    assert status == 0
    keys = [line.split(": ")[2] for line in err.splitlines()]
    assert "network.station_deadline" in keys and "network.room_deadline" in keys
    assert "targets.0.date" in keys and "targets.2.date" in keys  # stations, certified share


def test_validate_warns_when_no_community_worker_sits_the_exam(cli, tmp_path):
    f = tmp_path / "noexam.yaml"
    f.write_text("extends: tianjin_baseline\nname: noexam\n"
                 "workforce: {exam: {registration_mode: growth, from_community_workers: 0.0}}\n")
    status, _, err = cli("validate", f)
    assert status == 0 and f"warning: {f}: workforce.exam.registrations_base: " in err
    assert "target 'community_workers_certified' needs about 4,140 more" in err  # 20% of 20,700


def test_validate_warns_when_a_certificate_is_worth_nothing(cli, tmp_path):
    """The exam decision (issue 14): with no pay step and no response to worth, community
    workers barely register, and the certified-share target cannot be met."""
    f = tmp_path / "noworth.yaml"
    f.write_text("extends: tianjin_baseline\nname: noworth\n"
                 "workforce: {exam: {worth_effect: 0, prep_effect: 0}}\n")
    status, _, err = cli("validate", f)
    assert status == 0 and f"warning: {f}: workforce.incentives: " in err
    assert "target 'community_workers_certified' needs about 4,140 more" in err


# ---- progress and the console summary -------------------------------------------------------

def test_plain_progress_lines_are_periodic_with_time_left():
    now = [0.0]
    stream = io.StringIO()
    show = ConsoleProgress("demo", stream=stream, every=10.0, tty=False, clock=lambda: now[0])
    show(0, 4)  # nothing to tell yet
    for done, t in ((1, 5.0), (2, 9.0), (3, 16.0), (4, 20.0)):
        now[0] = t
        show(done, 4)
    lines = stream.getvalue().splitlines()
    # the pace is timed from the first finished run on (issue 21): 2 runs in 11 s
    assert lines == ["progress: demo: 1/4 runs (25%), 5 s elapsed, estimating time left",
                     "progress: demo: 3/4 runs (75%), 16 s elapsed, about 6 s left",
                     "progress: demo: 4/4 runs (100%), 20 s elapsed, done"]
    assert eta_seconds(5, 10, 10.0, base=3) == pytest.approx(25.0)  # resumed: pace of 2 runs


def test_progress_stays_quiet_for_quick_commands():
    now, stream = [0.0], io.StringIO()
    show = ConsoleProgress("report", unit="plots", stream=stream, tty=False, after=3.0,
                           clock=lambda: now[0])
    for done, t in ((0, 0.5), (1, 1.0), (2, 2.0)):
        now[0] = t
        show(done, 2)
    assert stream.getvalue() == ""  # done within 3 s: nothing shown
    now[0] = 0.0
    slow = ConsoleProgress("report", unit="plots", stream=stream, tty=False, after=3.0,
                           clock=lambda: now[0])
    for done, t in ((0, 2.5), (1, 3.5), (2, 4.0)):
        now[0] = t
        slow(done, 2)
    assert stream.getvalue().splitlines() == [
        "progress: report: 1/2 plots (50%), 4 s elapsed, estimating time left",
        "progress: report: 2/2 plots (100%), 4 s elapsed, done"]


def test_run_shows_progress_and_a_labelled_summary(cli, tmp_path):
    status, out, err = cli("run", "small_city", "--set", "months=3", "--replicates", "2",
                           "--out", tmp_path / "r")
    assert status == 0
    assert "progress: small_city replicates: 2/2 runs (100%)" in err
    assert "median of 2 replicates" in out and "5th-95th percentile" in out
    assert "1,562.000" not in out and ".500  people" not in out


@pytest.mark.parametrize(("value", "unit", "text"), [
    (45_586.5, "people", "45,586"), (0.33333, "share", "0.333"),
    (494_437.21, "yuan/month", "494,400"), (3.14159, "months", "3.142"), (float("nan"), "share", "n/a")])
def test_meaningful_digits(value, unit, text):
    assert meaningful(value, unit) == text


# ---- targets that read right ----------------------------------------------------------------

def test_met_since_is_the_month_after_which_the_target_stays_met():
    months = pd.period_range("2030-01", periods=36, freq="M").to_timestamp()
    share = pd.Series(0.40 + 0.005 * (np.arange(36) % 12), index=months)  # a sawtooth below 0.5
    share.iloc[[8, 20]] = 0.51  # reached in 2030-09 and 2031-09, lost after each
    share.iloc[32:] = 0.52  # kept from 2032-09
    ok = share >= 0.5
    assert f"{ok.index[ok.to_numpy()][0]:%Y-%m}" == "2030-09"
    assert met_since(ok) == "2032-09"
    assert met_since(share >= 0.6) is None


def test_appendix_sources_follow_the_scenario_that_set_the_value():
    rows = parameter_rows(load_scenario("funding_cut")).set_index("path")
    assert rows.loc["funding.sources.purchase.amount", "source"] == \
        "scenario funding_cut (Tianjin: 100,000,000)"
    assert rows.loc["funding.sources.lottery.amount", "source"].startswith("assumption")


def test_font_subset_holds_the_page_characters_only():
    from fontTools.ttLib import TTFont

    from simulation.report.fonts import font_face

    css = font_face("社工站覆盖率 abc")
    if css is None:
        pytest.skip("the mplfonts font file is not installed")
    import base64

    data = base64.b64decode(css.split("base64,")[1].split(")")[0])
    font = TTFont(io.BytesIO(data))
    cmap = font.getBestCmap()
    assert {ord(c) for c in "社工站覆盖率abc"} <= set(cmap) and ord("津") not in cmap
    assert len(data) < 50_000  # a subset, not the 16 MB font


def test_generated_scenario_yaml_is_plain_yaml(cli, tmp_path):
    out = tmp_path / "demo.yaml"
    assert cli("new", "demo", *CITY, "--out", out)[0] == 0
    data = yaml.safe_load(out.read_text())
    assert isinstance(data["funding"]["sources"]["purchase"]["amount"], float)
    assert data["extends"] == "tianjin_baseline" and len(data["targets"]) == 8


# ---- discovery reports only restrictions that matter ----------------------------------------

def test_prim_box_drops_restrictions_that_do_not_matter():
    """Only lever a decides y; PRIM also trims c a little (to 0.949 of 0-1): that limit is
    not significant and trims < 10% of the range, so it is released; a stays, significant."""
    from simulation.discovery.prim_box import SIGNIFICANCE, _quasi_p, run_prim

    rng = np.random.default_rng(2)
    x = pd.DataFrame({"a": rng.random(300), "b": rng.random(300), "c": rng.random(300)})
    y = ((x["a"] > 0.6) & (rng.random(300) < 0.9)).to_numpy()
    disc = run_prim(x, y, min_density=0.9)
    limits = disc.limits()
    assert limits["a"]["restricted"] and 0.55 < limits["a"]["low"] < 0.65
    assert not limits["b"]["restricted"] and not limits["c"]["restricted"]
    assert disc.peeled is not None  # PRIM's own box restricted c too
    chosen, peeled = disc.trajectory.iloc[disc.chosen], disc.trajectory.iloc[disc.peeled]
    assert (chosen["res_dim"], peeled["res_dim"]) == (1, 2)
    assert chosen["coverage"] >= peeled["coverage"]
    box = {k: (v["low"], v["high"]) for k, v in limits.items()}
    assert _quasi_p(x, y, box, "a", disc.ranges) < SIGNIFICANCE


def test_workforce_stack_includes_the_uncertified(small_run):
    """The stack adds up to the whole workforce: certificate levels plus the uncertified."""
    import matplotlib

    matplotlib.use("Agg")
    from simulation.report.figures import _workforce

    fig = _workforce(small_run.timeseries, small_run.scenario, "en")
    ax = fig.axes[0]
    assert "Uncertified" in ax.get_legend_handles_labels()[1]
    top = ax.collections[-1].get_paths()[0].vertices[:, 1].max()  # the stack's highest point
    medians = small_run.timeseries.groupby("date")["social_workers_total"].median()
    assert abs(top - medians.max()) <= 0.01 * medians.max()


@pytest.mark.parametrize(("name", "warned"), [
    # station_coverage@2025-12 (docs/new_city.md): 0.45, 0.82, 0.90 and funding_mix_charity's
    # 0.97 -> cannot pay; training_boost 0.96 -> tight (< 5% over the counted cost); 1.00 ->
    # no warning. Money for social work: each source's social_work_share (issue 22, part 5)
    ("chongqing_three_tier", "cannot pay"), ("funding_cut", "cannot pay"),
    ("small_city", "cannot pay"), ("funding_mix_charity", "cannot pay"),
    ("training_boost", "by less than 5%"),
    ("tianjin_baseline", None), ("attrition_high", None), ("registration_surge_2025", None),
    ("volunteer_push", None)])
def test_money_warnings_match_the_shipped_scenarios_coverage(name, warned):
    money = [w.message for w in check(load_scenario(name)) if w.key.startswith("funding")]
    assert (money == []) if warned is None else (len(money) == 1 and warned in money[0]), money
