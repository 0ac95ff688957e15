"""Nothing lost, nothing misleading (issue 21): a re-run never deletes what it did not write,
a report goes only where it may, and bad folders, files, environment and pipes end in one
line (simulation/results.py's module doc is the rule)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import refused, snapshot

import simulation.cli as cli_module
from simulation.results import (
    GENERATOR,
    ResultsError,
    check_destination,
    check_report_destination,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    """A finished run of a short small_city (3 months)."""
    from simulation import run

    return run("small_city", seed=3, sets=["months=3", "name=tiny"]).write(
        tmp_path_factory.mktemp("run") / "tiny")


@pytest.fixture(scope="module")
def reported(run_folder, tmp_path_factory) -> Path:
    """``run_folder`` with the report swsim report built in it."""
    from simulation.report import build_report

    folder = tmp_path_factory.mktemp("reported") / "tiny"
    shutil.copytree(run_folder, folder)
    build_report(folder)
    return folder


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tiny.yaml").write_text("extends: small_city\nname: tiny\nmonths: 3\n")
    return tmp_path


def _copy(folder: Path, to: Path) -> Path:
    shutil.copytree(folder, to)
    return to


# ---- a re-run deletes nothing it did not write ----------------------------------------------------

def test_rerun_refuses_a_folder_with_the_users_files_and_a_report(project, reported, cli):
    """The issue's case: run, report, a note of one's own, run again: refused, nothing lost."""
    folder = _copy(reported, project / "results" / "tiny")
    (folder / "notes.txt").write_text("x")
    before = snapshot(folder)
    refused(cli("run", "tiny.yaml"), "notes.txt")
    assert snapshot(folder) == before
    assert cli("run", "tiny.yaml", "--overwrite", "--quiet")[0] == 0  # asked for: replaced whole
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "scenario.yaml",
                                                        "summary.csv", "timeseries.csv"]


def test_rerun_refuses_a_folder_holding_a_report_of_the_run(project, reported, cli):
    """A report of the earlier run is neither deleted nor left describing the new one."""
    folder = _copy(reported, project / "results" / "tiny")
    before = snapshot(folder)
    status, out, err = cli("run", "tiny.yaml")
    refused((status, out, err), "holds a report of the run there (report.html, plots/)")
    assert "--overwrite" in err and out == "" and snapshot(folder) == before


def test_a_report_of_an_earlier_swsim_is_known_by_its_footer(project, reported, cli):
    """Pages written before the generator mark are still swsim's (by their footer)."""
    folder = _copy(reported, project / "results" / "tiny")
    page = folder / "report.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(f'<meta name="generator" content="{GENERATOR}">', ""),
                    encoding="utf-8")
    assert 'name="generator"' not in page.read_text(encoding="utf-8")
    refused(cli("run", "tiny.yaml"), "holds a report of the run there")
    check_report_destination(folder, folder)  # and may be replaced by a new report


def test_rerun_refuses_a_foreign_file_in_plots(project, reported, cli):
    folder = _copy(reported, project / "results" / "tiny")
    (folder / "plots" / "mine.png").write_bytes(b"x")
    refused(cli("run", "tiny.yaml"), "plots/mine.png")


def test_rerun_refuses_a_report_html_of_the_users(project, run_folder, cli):
    folder = _copy(run_folder, project / "results" / "tiny")
    (folder / "report.html").write_text("<html>my own notes</html>")
    refused(cli("run", "tiny.yaml"), "not part of the run there (report.html)")


def test_a_manifest_cannot_adopt_the_users_files(project, run_folder, cli):
    """Own files are the manifest's ``files`` that are files of a run, not whatever it lists."""
    folder = _copy(run_folder, project / "results" / "tiny")
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "files": [
        *manifest["files"], "notes.txt"]}))
    (folder / "notes.txt").write_text("x")
    refused(cli("run", "tiny.yaml"), "notes.txt")


def test_rerun_over_only_its_own_files_replaces_them(project, run_folder, cli):
    _copy(run_folder, project / "results" / "tiny")
    status, out, err = cli("run", "tiny.yaml", "--seed", "9")
    assert status == 0, err
    assert "replaced the earlier result there" in out


def test_the_web_page_drops_its_own_report_with_its_run(reported, tmp_path):
    """results/app/ folders are the page's: its report goes with the run it described."""
    folder = _copy(reported, tmp_path / "app" / "tiny")
    with pytest.raises(ResultsError, match="holds a report"):
        check_destination(folder, "run")
    check_destination(folder, "run", drop_report=True)
    (folder / "notes.txt").write_text("x")
    with pytest.raises(ResultsError, match="notes.txt"):
        check_destination(folder, "run", drop_report=True)


def test_discover_again_refuses_the_users_files(tmp_path):
    """The same rule for every kind: a finished discovery folder with a file of the user's."""
    folder = tmp_path / "discovery"
    folder.mkdir()
    (folder / "boxes.csv").write_text("box\n")
    (folder / "discovery.json").write_text(json.dumps({"target": "x>1", "files": [
        "boxes.csv", "discovery.json"]}))
    check_destination(folder, "discovery")  # its own files only: replaced
    (folder / "notes.txt").write_text("x")
    with pytest.raises(ResultsError, match=r"not part of the discovery there \(notes.txt\)"):
        check_destination(folder, "discovery")
    check_destination(folder, "discovery", overwrite=True)


# ---- swsim report --out ----------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["/", "home"])
def test_report_never_writes_into_the_root_or_home(where, run_folder, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: home))
    out = Path("/") if where == "/" else home
    for overwrite in (False, True):
        with pytest.raises(ResultsError, match="refusing to write a report"):
            check_report_destination(out, run_folder, overwrite)


@pytest.mark.parametrize("out", [".", ".."])
def test_report_out_of_the_working_folder_or_its_parent_is_refused(out, project, run_folder, cli):
    work = project / "work"
    work.mkdir()
    os.chdir(work)
    before = snapshot(project)
    refused(cli("report", run_folder, "--out", out, "--overwrite"), "refusing to write a report")
    assert snapshot(project) == before


def test_report_of_the_working_folder_itself_is_allowed(reported, tmp_path, monkeypatch):
    """``cd results/x && swsim report .``: the folder reported is the report's home."""
    folder = _copy(reported, tmp_path / "tiny")
    monkeypatch.chdir(folder)
    check_report_destination(Path("."), Path("."))


def test_report_refuses_the_users_report_html(cli, run_folder, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "report.html").write_text("<html>my own report</html>")
    refused(cli("report", run_folder, "--out", mine), "did not write (report.html)")
    assert (mine / "report.html").read_text() == "<html>my own report</html>"


def test_report_refuses_other_files_and_another_result(cli, run_folder, reported, tmp_path):
    mine = tmp_path / "mine"
    (mine / "plots").mkdir(parents=True)
    (mine / "plots" / "chart.png").write_bytes(b"mine")
    refused(cli("report", run_folder, "--out", mine), "plots/chart.png")
    (mine / "plots" / "chart.png").unlink()
    (mine / "data.csv").write_text("a\n1\n")
    refused(cli("report", run_folder, "--out", mine), "did not write (data.csv)")
    other = _copy(reported, tmp_path / "other")
    before = snapshot(other)
    refused(cli("report", run_folder, "--out", other), "holds a run result of its own")
    assert snapshot(other) == before


@pytest.mark.e2e
def test_report_overwrite_replaces_page_and_plots_and_keeps_the_rest(cli, reported, tmp_path):
    folder = _copy(reported, tmp_path / "tiny")
    (folder / "plots" / "old.png").write_bytes(b"an earlier plot")
    (folder / "notes.txt").write_text("keep me")
    refused(cli("report", folder), "plots/old.png")
    status, _, err = cli("report", folder, "--overwrite")
    assert status == 0, err
    assert not (folder / "plots" / "old.png").exists()  # plots/ was swapped in whole
    assert (folder / "notes.txt").read_text() == "keep me"
    assert sorted(p.name for p in (folder / "plots").iterdir()) == \
        sorted(p.name for p in (reported / "plots").iterdir())
    assert f'<meta name="generator" content="{GENERATOR}">' in (folder / "report.html").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["tiny"]  # nothing left beside it


@pytest.mark.e2e
def test_report_again_into_its_own_report_is_allowed(cli, reported, tmp_path):
    folder = _copy(reported, tmp_path / "tiny")
    (folder / "plots" / ".coverage.png.x1y2.tmp").write_bytes(b"")  # a killed write's leftover
    status, _, err = cli("report", folder, "--out", folder)
    assert status == 0, err
    assert not (folder / "plots" / ".coverage.png.x1y2.tmp").exists()
    assert check_report_destination(tmp_path / "new" / "place", folder) is None


# ---- crashes that are now one line, exit 2 ---------------------------------------------------------

def test_compare_with_itself_is_refused(cli, run_folder, tmp_path):
    out = tmp_path / "out"
    refused(cli("report", run_folder, "--compare", run_folder, "--out", out),
            "the same folder as RESULTS_DIR")
    spelt = run_folder.parent / ".." / run_folder.parent.name / run_folder.name
    refused(cli("report", run_folder, "--compare", spelt, "--out", out),
            "the same folder as RESULTS_DIR")
    twice = _copy(run_folder, tmp_path / "twice")
    refused(cli("report", run_folder, "--compare", twice, str(twice) + "/", "--out", out),
            "the same folder as another --compare folder")
    assert not out.exists()


def test_deeply_nested_manifest_is_one_line(cli, run_folder, tmp_path):
    folder = _copy(run_folder, tmp_path / "deep")
    (folder / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    refused(cli("report", folder, "--out", tmp_path / "o"), "manifest.json: damaged, not readable "
            "JSON (nested too deeply)")
    # as a destination it is not a finished run: refused, not taken for one
    refused(cli("run", "small_city", "--set", "months=1", "--out", folder), "holds other files")
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("kind", ["sweep", "../../etc", 5, None])
def test_manifest_kind_must_match_the_folders_files(cli, run_folder, tmp_path, kind):
    folder = _copy(run_folder, tmp_path / "k")
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({**manifest, "kind": kind}))
    refused(cli("report", folder, "--out", tmp_path / "o"), "manifest.json: kind: ")
    assert not (tmp_path / "o").exists()


def test_a_bad_date_names_file_line_and_column(cli, run_folder, tmp_path):
    folder = _copy(run_folder, tmp_path / "d")
    lines = (folder / "timeseries.csv").read_text().splitlines(keepends=True)
    lines[3] = lines[3].replace(lines[3].split(",")[3], "2022-13", 1)
    (folder / "timeseries.csv").write_text("".join(lines))
    refused(cli("report", folder, "--out", tmp_path / "o"),
            f"{folder / 'timeseries.csv'}:4: date: '2022-13' is not a month (YYYY-MM)")


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "1e999x"])
def test_bad_progress_seconds_is_one_line_before_anything_runs(cli, value, tmp_path, monkeypatch):
    monkeypatch.setenv("SWSIM_PROGRESS_SECONDS", value)
    refused(cli("run", "small_city", "--set", "months=1", "--out", tmp_path / "o"),
            "SWSIM_PROGRESS_SECONDS: expected a number of seconds")
    assert not (tmp_path / "o").exists()


def test_good_progress_seconds_are_taken(monkeypatch):
    from simulation.progress import ConsoleProgress

    for value, every in [("0", 0.0), (" 2.5 ", 2.5), ("inf", float("inf")), ("", 10.0)]:
        monkeypatch.setenv("SWSIM_PROGRESS_SECONDS", value)
        assert ConsoleProgress("x").every == every


@pytest.mark.e2e
def test_a_reader_that_goes_away_ends_the_command_quietly():
    """``swsim list | head -0``: no BrokenPipeError traceback, status 141 as Unix tools."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen([sys.executable, "-m", "simulation.cli", "list"], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        proc.stdout.close()  # the reader is gone before swsim writes a line
        err = proc.stderr.read().decode()
        status = proc.wait(timeout=60)
    assert status == cli_module.BROKEN_PIPE and err == ""


def test_a_broken_pipe_of_anything_else_is_not_hidden(monkeypatch):
    def broken() -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli_module, "_cmd_list", broken)
    monkeypatch.setattr(cli_module, "_stdout_gone", lambda: True)
    assert cli_module.main(["list"]) == cli_module.BROKEN_PIPE
    monkeypatch.setattr(cli_module, "_stdout_gone", lambda: False)  # a worker's pipe, a socket
    with pytest.raises(BrokenPipeError):
        cli_module.main(["list"])


# ---- swsim run says where the results are and what to run next -------------------------------------

def test_run_ends_with_the_folder_and_the_next_command(project, cli):
    status, out, err = cli("run", "tiny.yaml")
    assert status == 0, err
    assert out.splitlines()[-1] == "results in results/tiny/; next: swsim report results/tiny"
    status, out, _ = cli("run", "tiny.yaml", "--quiet", "--out", "quiet")
    assert status == 0 and out == "quiet\n"


def test_several_runs_suggest_a_comparison(project, cli):
    (project / "tiny2.yaml").write_text("extends: small_city\nname: tiny2\nmonths: 3\n")
    status, out, err = cli("run", "tiny.yaml", "tiny2.yaml", "--out", "my runs")
    assert status == 0, err
    assert out.splitlines()[-1] == ("results in my runs/tiny/, my runs/tiny2/; next: swsim "
                                    "report 'my runs/tiny' --compare 'my runs/tiny2'")
