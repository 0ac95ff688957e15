"""Benchmark the page (``swsim app``): first page load, and a Tianjin run in the page
against ``swsim run``; optionally take the screenshots of docs/app.md.

Run:  python benchmarks/bench_app.py [--repeat 3] [--replicates 1] [--screenshots docs/img]

Needs Playwright and a Chromium (``apt-get install chromium``). Each page load uses a
freshly started server (the first visitor's load, the slowest); the run is timed from
the click on Run to the "finished" line, against the wall time of the ``swsim run``
process (imports included), both with the same seed and replicates.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


#: a bare Solara page with the same first words: the floor of a page load on this machine
BARE = """import solara


@solara.component
def Page():
    solara.Text("1. Scenario")
"""


@contextmanager
def server(results: Path, bare: Path | None = None) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    if bare is None:
        cmd = [sys.executable, "-m", "simulation.cli", "app", "--port", str(port), "--results",
               str(results)]
    else:
        from simulation.app.cli import command

        cmd = command("127.0.0.1", port)
        cmd[cmd.index("simulation.app.page")] = str(bare)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def first_load(browser, url: str, lang: str = "en") -> tuple[float, object]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    t0 = time.perf_counter()
    page.goto(url)
    page.get_by_text("1. Scenario").wait_for(timeout=60_000)
    return time.perf_counter() - t0, page


def page_run(page, replicates: int, seed: int) -> tuple[float, float]:
    """Seconds from the click on Run to "finished" (results written), and to the charts."""
    for label, value in (("Replicates", str(replicates)), ("Seed", str(seed))):
        field = page.get_by_label(label)
        field.fill(value)
        field.press("Enter")
    time.sleep(3)  # the worker process has started and imported the model (as after a page visit)
    t0 = time.perf_counter()
    page.get_by_role("button", name="Run").click()
    page.locator(".swsim-finished").wait_for(timeout=600_000)
    done = time.perf_counter() - t0
    page.locator(".swsim-charts img").first.wait_for(timeout=600_000)
    return done, time.perf_counter() - t0


def cli_run(replicates: int, seed: int, out: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "simulation.cli", "run", "--seed", str(seed),
                    "--replicates", str(replicates), "--out", str(out), "--overwrite", "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def screenshots(page, folder: Path) -> None:
    """The page after a small-city run with one lever changed, in English and Chinese."""
    page.get_by_label("Shipped scenario").click(force=True)
    page.get_by_role("option", name="small_city", exact=True).click()
    page.get_by_label("Group").click(force=True)
    page.get_by_role("option", name="Exam", exact=True).click()
    lever = page.get_by_label("registration growth (1/year)")
    lever.fill("0.3")
    lever.press("Enter")
    page_run(page, 5, 1)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "app_en.png"), full_page=False)
    page.get_by_text("Targets", exact=True).scroll_into_view_if_needed()
    page.mouse.wheel(0, 250)
    time.sleep(1)
    page.screenshot(path=str(folder / "app_en_map.png"), full_page=False)
    page.get_by_role("button", name="中文").click()
    page.get_by_text("4. 预测").wait_for()
    time.sleep(2)  # the CJK font arrives
    page.screenshot(path=str(folder / "app_zh.png"), full_page=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--replicates", type=int, default=1)
    ap.add_argument("--screenshots", type=Path)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    loads, bare, runs, charts, clis = [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        (Path(tmp) / "bare.py").write_text(BARE)
        for i in range(args.repeat):
            with server(Path(tmp) / "results", Path(tmp) / "bare.py") as url:
                bare.append(first_load(browser, url)[0])
            with server(Path(tmp) / "results") as url:
                seconds, page = first_load(browser, url)
                loads.append(seconds)
                done, drawn = page_run(page, args.replicates, 1)
                runs.append(done)
                charts.append(drawn)
                clis.append(cli_run(args.replicates, 1, Path(tmp) / "cli"))
                if args.screenshots and i == 0:
                    shot = browser.new_page(viewport={"width": 1400, "height": 1000})
                    shot.goto(url)
                    shot.get_by_text("1. Scenario").wait_for(timeout=60_000)
                    screenshots(shot, args.screenshots)
        browser.close()
    med = statistics.median
    print(f"first page load (fresh server), median of {args.repeat}: {med(loads):.2f} s "
          f"({', '.join(f'{x:.2f}' for x in loads)}); a bare Solara page: {med(bare):.2f} s "
          f"({', '.join(f'{x:.2f}' for x in bare)})")
    print(f"Tianjin x{args.replicates} in the page: {med(runs):.2f} s "
          f"({', '.join(f'{x:.2f}' for x in runs)}); swsim run: {med(clis):.2f} s "
          f"({', '.join(f'{x:.2f}' for x in clis)}); ratio {med(runs) / med(clis):.2f}; "
          f"charts shown after {med(charts):.2f} s")


if __name__ == "__main__":
    main()
