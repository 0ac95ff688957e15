"""swsim app: the planners' page.

Without a browser: the levers are the schema's, an edit is checked by the loader, the
downloadable scenario holds only the edits and loads to what the page runs, the worker
process gives ``swsim run``'s bytes and can be cancelled, and the district shares add up
to the city's. In a real browser (headless Chromium driven by Playwright, skipped with
the reason where none is installed): open the page, change a lever, run the small city,
see the charts, switch to Chinese, download the scenario, and reproduce the run with
``swsim run`` to the byte.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import refused

from simulation.app.levers import GROUPS, Parent, levers, load_text, parse_edit, scenario_text
from simulation.params import ScenarioError, load_scenario
from simulation.params.schema import describe_parameters

EDIT = ("workforce.exam.registration_growth", "0.3")  # seed 004 speaks of +66%; any value in bounds


def test_levers_are_the_schema_grouped_as_the_issue_asks(small):
    groups = levers(small)
    for key in ("workforce", "exam", "training", "network", "funding", "volunteers", "service",
                "need"):
        assert groups[key], key
    rows = {r["path"]: r for r in describe_parameters(type(small), small)}
    every = [lv for group in groups.values() for lv in group]
    assert len({lv.path for lv in every}) == len(every)  # each parameter once
    for lever in every:  # value, unit, bounds, source: the schema's, not a copy
        row = rows[lever.path]
        assert (lever.value, lever.unit, lever.low, lever.high, lever.source) == (
            row["value"], row["unit"], row["low"], row["high"], row["source"])
    assert {lv.path for lv in groups["exam"]} == {p for p in rows if p.startswith(
        "workforce.exam.") and p != "workforce.exam.registrations_series"}
    assert next(lv for lv in groups["volunteers"] if lv.path.endswith("active_share")).kind == \
        "slider"
    assert [key for key, *_ in GROUPS][:8] == ["workforce", "exam", "training", "network",
                                               "funding", "volunteers", "service", "need"]


def test_the_download_holds_only_the_edits_and_loads_to_the_run():
    parent = Parent("small_city")
    edits = {EDIT[0]: parse_edit(*EDIT), "volunteers.active_share": 0.25}
    text = scenario_text(parent, edits)
    import yaml

    data = yaml.safe_load(text)
    assert data == {"extends": "small_city", "name": data["name"],
                    "workforce": {"exam": {"registration_growth": 0.3}},
                    "volunteers": {"active_share": 0.25}}
    sc = load_text(text, "edited.yaml")
    base = load_scenario("small_city")
    assert sc.workforce.exam.registration_growth == 0.3 and sc.volunteers.active_share == 0.25
    same = sc.model_dump() | {"name": base.name}
    same["workforce"]["exam"]["registration_growth"] = base.workforce.exam.registration_growth
    same["volunteers"]["active_share"] = base.volunteers.active_share
    assert same == base.model_dump()  # nothing else moved
    assert scenario_text(parent, {}).endswith("extends: small_city\n")
    assert load_text(scenario_text(parent, {}), "x.yaml") == base


def test_bad_edits_are_refused_with_the_schema_message():
    parent = Parent("small_city")
    with pytest.raises(ScenarioError, match=r"volunteers.active_share: Input should be less than or "
                       r"equal to 1 \(got 1.5\)"):
        load_text(scenario_text(parent, {"volunteers.active_share": 1.5}), "edited.yaml")
    with pytest.raises(ScenarioError, match="cannot parse value"):
        parse_edit("workforce.attrition_rate", "[0.1,")
    uploaded = Parent("mine", "extends: small_city\nworkforce: {attrition: 0.2}\n", "mine.yaml")
    with pytest.raises(ScenarioError, match=r"^mine.yaml:2: workforce.attrition: unknown key"):
        load_text(scenario_text(uploaded, {}), "mine.yaml")


def test_district_shares_add_up_to_the_city():
    from simulation.model import SocialWorkModel

    sc = load_scenario("small_city").model_copy(update={"months": 30})
    model = SocialWorkModel(sc, seed=2)
    model.run()
    units = model.units
    stations = np.isin(units.tier, [1, 2])
    per_district = np.bincount(units.district[stations], minlength=sc.territory.districts)
    for record, shares in zip(model.records, model.district_records, strict=True):
        city = np.dot(shares["station_coverage"], per_district) / per_district.sum()
        assert city == pytest.approx(record["station_coverage"], abs=1e-12)
    assert len(model.district_records) == sc.months + 1
    assert len(model.district_records[-1]["staffing_compliance"]) == sc.territory.districts


@pytest.mark.e2e
def test_the_worker_gives_swsim_run_bytes_and_cancels(small, tmp_path):
    import multiprocessing as mp

    from simulation import run
    from simulation.app.jobs import Cancelled, Worker

    before = {p.pid for p in mp.active_children()}
    worker = Worker()
    try:
        seen: list[int] = []
        outcome = worker.run(small, 5, 2, seen.append, lambda: False)
        assert seen == [1, 2]  # progress per replicate
        ref = run(small, seed=5, replicates=2)
        assert outcome.result.timeseries.to_csv(index=False) == ref.timeseries.to_csv(index=False)
        for name in ("timeseries.csv", "summary.csv"):  # the folders swsim run and the page write
            assert (outcome.result.write(tmp_path / "page") / name).read_bytes() == (
                ref.write(tmp_path / "run") / name).read_bytes()
        assert outcome.result.executor == {"kind": "processes", "workers": 1}
        assert set(outcome.districts["replicate"]) == {0, 1}
        running = [p for p in mp.active_children() if p.pid not in before]
        t0 = time.monotonic()
        with pytest.raises(Cancelled):
            worker.run(small, 5, 50, seen.append, lambda: time.monotonic() - t0 > 0.3)
        assert time.monotonic() - t0 < 2.0
        assert running and not any(p.is_alive() for p in running)  # that process ended
        assert worker.run(small, 5, 1, lambda k: None, lambda: False).result.replicates == 1
    finally:
        worker.close()
    assert {p.pid for p in mp.active_children()} <= before


_EXIT_MID_RUN = """\
import atexit, threading, time
from simulation.app.jobs import Cancelled, Worker
from simulation.params import load_scenario

def job(worker, scenario):
    try:
        worker.run(scenario, 1, 3, print, lambda: False)
    except Cancelled:
        pass

if __name__ == "__main__":
    worker = Worker()
    long = load_scenario("small_city", ["months=1200"])  # ~7 s a replicate
    threading.Thread(target=job, args=(worker, long), daemon=True).start()
    time.sleep(3)
    t0 = time.monotonic()
    atexit.register(lambda: print(f"exit {time.monotonic() - t0:.2f}", flush=True))
"""


@pytest.mark.e2e
def test_the_server_exits_at_once_mid_run(tmp_path):
    """The server stopping (its main thread returning) mid-run ends the sessions' workers:
    the process pool's own exit hook waited for the replicates in flight (17 s for a
    Tianjin run)."""
    script = tmp_path / "server.py"
    script.write_text(_EXIT_MID_RUN, encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-W", "error", str(script)], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("exit ") and float(done.stdout.split()[1]) < 2.0, done.stdout
    assert done.stderr == ""


def test_the_page_runs_on_the_shared_executors():
    """One run path (issue 22, part 4): the page's worker is a ProcessExecutor driven by the
    runner, not a queue protocol of its own."""
    import inspect

    from simulation.app import jobs
    from simulation.execution.executors import ProcessExecutor

    source = inspect.getsource(jobs)
    assert "replicate_tables(" in source
    assert "Queue" not in source and "mp.Process" not in source and ".put(" not in source
    worker = jobs.Worker()
    try:
        assert isinstance(worker.executor, ProcessExecutor) and worker.executor.slots == 1
    finally:
        worker.close()


@pytest.mark.e2e
def test_views_read_a_saved_run(small, tmp_path):
    from simulation.app.views import compare_rows, target_rows, territory_png
    from simulation.report.data import load_run
    from simulation.report.prep import indicators
    from simulation.runner import RunResult, replicate_tables

    tables = replicate_tables(small, 4, [0, 1])
    result = RunResult(small, 4, 2, pd.concat([t for t, _ in tables], ignore_index=True), "", 0.0)
    folder = load_run(result.write(tmp_path / "run"))
    rows = target_rows(folder.timeseries, folder.scenario, "en")
    judged = indicators(folder.timeseries, folder.scenario)
    assert len(rows) == len(small.targets) == len(judged) > 0
    for row, ind in zip(rows, judged, strict=True):  # "kept" only means something once reached
        assert row["Kept"] == ("—" if ind.first_met is None else "yes" if ind.kept else "no")
    assert "Reached" in rows[0] and "目标名称" in target_rows(folder.timeseries, folder.scenario,
                                                             "zh")[0]
    table = compare_rows([("a", folder.timeseries), ("b", folder.timeseries)], "en")
    assert {row["Metric"] for row in table} >= {"Station coverage", "Staffing compliance"}
    assert all(row["a"] == row["b"] for row in table)
    districts = pd.concat([d for _, d in tables], ignore_index=True)
    assert territory_png(districts, "staffing_compliance", 12, "zh").startswith(b"\x89PNG")
    from simulation.app.session import PageRun, report_html

    html = report_html(PageRun("a", folder, districts, ""), "zh").decode("utf-8")
    assert html == (folder.path / "report.html").read_text(encoding="utf-8")  # swsim report's
    assert "社工站覆盖率" in html


def test_uploads_go_through_the_loader():
    from simulation.app import session

    session.upload("bad.yaml", b"extends: small_city\nvolunteers:\n  active_share: 1.5\n")
    assert session.state.upload_error.value == ("error: bad.yaml:3: volunteers.active_share: Input "
                                                "should be less than or equal to 1 (got 1.5); "
                                                "shares are fractions: 50% is 0.5")
    assert session.state.parent.value.shipped  # refused: the page keeps what it had
    session.upload("code.yaml", b"!!python/object/apply:os.system ['echo hi']\n")
    assert session.state.upload_error.value.startswith("error: code.yaml:1: invalid YAML")
    session.upload("mine.yaml", b"extends: small_city\nname: mine\n")
    assert session.state.upload_error.value == ""
    assert session.state.parent.value == Parent("mine", "extends: small_city\nname: mine\n",
                                                "mine.yaml")
    assert session.base_scenario(session.state.parent.value).territory.districts == 2


def test_levers_speak_chinese_where_the_registry_does(small):
    """In Chinese the lever labels carry Chinese units, resident groups, service types and
    funding lines (they were all English); the rest of the key stays as files write it."""
    from simulation.app.text import lever_label, t
    from simulation.report.i18n import PARAM_UNITS_ZH

    assert lever_label("residents.elderly.casework", "hours/1000 people/month", "zh") == \
        "老年人 · 个案工作(小时/千人/月)"
    assert lever_label("funding.sources.purchase.amount", "yuan/year", "zh") == "政府购买服务 · amount(元/年)"
    assert lever_label(*EDIT[:1], "1/year", "en") == "registration growth (1/year)"  # as before
    for lever in (lv for group in levers(small).values() for lv in group):
        label = lever_label(lever.path, lever.unit, "zh")
        assert not lever.unit or label.endswith(f"({PARAM_UNITS_ZH[lever.unit]})"), label
    assert "英文" in t("levers_english", "zh") and t("levers_english", "en") == ""
    assert t("title", "zh") != t("title", "en")  # the browser tab's title, en/zh


def test_app_command_refuses_bad_options(cli, tmp_path):
    refused(cli("app", "--port", "99999"), "--port")
    (tmp_path / "f").write_text("x")
    refused(cli("app", "--results", tmp_path / "f"), "not a folder")


# ---- in a real browser ---------------------------------------------------------------------

def _chromium() -> str | None:
    return next((shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(b)), None)


def _browser() -> tuple[str | None, str | None]:
    """(the Chromium to drive: a system one, or None for Playwright's own; why none, if so)."""
    if importlib.util.find_spec("playwright") is None:
        return None, "needs Playwright (pip install -e '.[dev]')"
    system = _chromium()
    if system is not None:
        return system, None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        if Path(p.chromium.executable_path).exists():
            return None, None
    return None, ("needs Chromium: apt-get install chromium (Debian/Ubuntu), or "
                  "python -m playwright install chromium")


@pytest.fixture
def chromium() -> str | None:
    executable, why = _browser()
    if why:
        print(f"skipped: {why}")
        pytest.skip(why)
    return executable


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    results = tmp_path / "results"
    log = tmp_path / "server.log"  # what the user's terminal shows
    with log.open("w", encoding="utf-8") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "simulation.cli", "app", "--port", str(port),
                                 "--results", str(results)], stdout=sink, stderr=subprocess.STDOUT,
                                text=True, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, log.read_text(encoding="utf-8")
                time.sleep(0.1)
        yield url, results, log
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _edit_and_run(page) -> None:
    """Small city, one lever refused then changed, 2 replicates of seed 3, until the charts."""
    page.get_by_label("Shipped scenario").click(force=True)
    page.get_by_role("option", name="small_city", exact=True).click()
    page.get_by_label("Group").click(force=True)
    page.get_by_role("option", name="Exam", exact=True).click()
    bad = page.get_by_label("registration growth (1/year)")
    bad.fill("9")  # above the schema's bound: refused with its message
    bad.press("Enter")
    page.get_by_text("less than or equal to 2").first.wait_for()
    assert page.get_by_text("0 changed").count() == 1
    lever = page.get_by_label("registration growth (1/year)")
    lever.fill(EDIT[1])
    lever.press("Enter")
    page.get_by_text("1 changed").wait_for()
    for label, value in (("Replicates", "2"), ("Seed", "3")):
        field = page.get_by_label(label)
        field.fill(value)
        field.press("Enter")
    page.get_by_role("button", name="Run").click()
    page.locator(".swsim-finished").wait_for(timeout=120_000)
    page.locator(".swsim-charts img").first.wait_for()
    assert page.locator(".swsim-charts img").count() >= 6  # the key metrics


def _download(page, text: str, to: Path) -> Path:
    # generous: on a loaded 2-core machine the page's worker and the tests share the cores
    with page.expect_download(timeout=120_000) as download:
        page.get_by_text(text).click()
    path = to / download.value.suggested_filename
    download.value.save_as(path)
    return path


@pytest.mark.e2e
def test_page_in_a_browser(chromium, server, tmp_path, cli):
    from playwright.sync_api import sync_playwright

    url, results, log = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            offline: list[str] = []
            page.on("request", lambda r: offline.append(r.url) if not r.url.startswith(
                url) and not r.url.startswith(("data:", "blob:")) else None)
            page.goto(url)
            page.get_by_text("1. Scenario").wait_for(timeout=30_000)
            assert page.title() == "swsim: social-work system projections"  # not "Solara ☀️"
            _edit_and_run(page)
            other = browser.new_page()  # another tab: its own session, no run, no edits
            other.goto(url)
            other.get_by_text("Run the scenario to see its projection.").wait_for(timeout=30_000)
            assert other.get_by_text("0 changed").count() == 1
            other.close()
            page.get_by_role("button", name="中文").click()
            page.get_by_text("4. 预测").wait_for()
            page.wait_for_function("document.title === 'swsim:社会工作服务体系预测'")
            page.get_by_label("registration growth(1/年)").wait_for()  # the unit in Chinese
            downloaded = _download(page, "修改后的情景", tmp_path)
            zipped = _download(page, "结果文件夹", tmp_path)
            assert offline == []  # everything came from the local server
        finally:
            browser.close()
    text = downloaded.read_text(encoding="utf-8")
    assert "extends: small_city" in text and "registration_growth: 0.3" in text
    assert cli("validate", downloaded)[0] == 0
    name = load_scenario(downloaded).name
    status, _, err = cli("run", downloaded, "--seed", "3", "--replicates", "2", "--out",
                         tmp_path / "cli")
    assert status == 0, err
    page_run = results / "app" / f"{name}.seed3.x2" / "timeseries.csv"
    assert (tmp_path / "cli" / "timeseries.csv").read_bytes() == page_run.read_bytes()
    with zipfile.ZipFile(zipped) as zf:  # the same folder, zipped
        assert zf.read(f"{name}.seed3.x2/timeseries.csv") == page_run.read_bytes()
        assert f"{name}.seed3.x2/manifest.json" in zf.namelist()
    # the terminal heard where the page is, and no Python warning (Solara's cookie warning was
    # ten lines on the first visit)
    lines = log.read_text(encoding="utf-8").splitlines()
    assert [ln for ln in lines if not ln.startswith(("swsim app: serving on", "Solara server is starting"))
            ] == [], lines
