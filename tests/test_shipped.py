"""Every shipped scenario runs, explains and reports (shortened to three months, one
replicate), exit 0 and not a word on stderr: no warning, no traceback (issue 21). And a
parallel run stopped by ``kill`` (SIGTERM) says so in one line, no Python warning after it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from simulation.params import load_scenario, shipped_scenarios  # noqa: E402

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
NAMES = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def quiet(result: tuple[int, str, str]) -> str:
    """Exit 0 and nothing on stderr but progress lines (shown when a step takes seconds on a
    busy machine); returns stdout."""
    status, out, err = result
    assert status == 0 and all(line.startswith("progress: ") for line in err.splitlines()), err
    return out


def test_every_file_is_shipped():
    assert NAMES and NAMES == sorted(shipped_scenarios())


@pytest.mark.e2e
@pytest.mark.parametrize("name", NAMES)
def test_shipped_scenario_runs_explains_and_reports(name, cli, tmp_path):
    # three months from the start: the Tianjin-scale scenarios take about a second too
    quiet(cli("run", name, "--set", "months=3", "--out", tmp_path / name, "--quiet"))
    assert f"`name` | {name} |" in quiet(cli("explain", name))
    quiet(cli("report", tmp_path / name))
    page = (tmp_path / name / "report.html").read_text(encoding="utf-8")
    assert "Traceback" not in page and name in page
    # a target whose deadline lies after the run's last month is "after the run", never "met"
    end = max(pd.read_csv(tmp_path / name / "timeseries.csv")["date"])
    later = [t for t in load_scenario(name).targets if t.date and t.date > end]
    assert page.count('<tr class="after_run">') == len(later)
    if later:
        assert f"after the run (it ends {end})" in page


@pytest.mark.e2e
def test_lists_of_sections_are_summarized_in_explain_and_report(cli, tmp_path):
    """Need events and priority groups were summarized as if they were targets (a
    StopIteration: epidemic_2022 could be neither explained nor reported)."""
    sets = ["--set", "service.priority_groups=[assistance, disabled]"]
    out = quiet(cli("explain", "epidemic_2022", *sets))
    assert "| epidemic: 2022-01 for 3 months, need x2 (casework; all groups) |" in out
    assert "| assistance; disabled |" in out
    quiet(cli("run", "epidemic_2022", "--set", "months=2", *sets, "--out", tmp_path / "e", "--quiet"))
    quiet(cli("report", tmp_path / "e"))
    page = (tmp_path / "e" / "report.html").read_text(encoding="utf-8")
    assert "epidemic: 2022-01 for 3 months, need x2 (casework; all groups)" in page
    assert "assistance; disabled" in page


def _pool_workers(pid: int) -> int:
    """How many processes descend from ``pid`` through its forkserver (the pool's workers)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return sum(len(children.get(server, [])) for server in children.get(pid, []))


@pytest.mark.e2e
@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads processes from /proc")
def test_sigterm_shuts_the_workers_down(tmp_path):
    """SIGTERM killed swsim where it stood: its worker pool was never shut down and the
    resource tracker warned of 5 leaked semaphores. Now it stops as Ctrl-C does."""
    out = tmp_path / "run"
    proc = subprocess.Popen([sys.executable, "-m", "simulation.cli", "run", "small_city", "--set",
                             "months=120", "--replicates", "8", "--workers", "2", "--out", out,
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=os.environ.copy())
    try:
        deadline = time.monotonic() + 60
        while _pool_workers(proc.pid) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be stopped"
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)  # until the resource tracker, too, has closed stderr
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (proc.returncode, err) == (143, "error: terminated\n"), err
    assert not out.exists()
