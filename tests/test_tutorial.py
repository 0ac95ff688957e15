"""docs/tutorial.md, run as written: new city -> validate (warnings) -> run (progress) ->
report in Chinese carrying its own font, opened in headless Chromium where one is installed."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"


def commands() -> list[list[str]]:
    """The tutorial's commands: lines ``$ swsim ...`` of its console blocks, in order."""
    lines = TUTORIAL.read_text(encoding="utf-8").splitlines()
    return [shlex.split(line[len("$ swsim "):]) for line in lines if line.startswith("$ swsim ")]


@pytest.fixture(scope="module")
def tutorial(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, str]]]:
    """Run every tutorial command in a fresh folder: (folder, command -> (stdout, stderr))."""
    import io
    import os
    from contextlib import redirect_stderr, redirect_stdout

    from simulation.cli import main

    folder = tmp_path_factory.mktemp("tutorial")
    outputs: dict[str, tuple[str, str]] = {}
    before = Path.cwd()
    os.chdir(folder)
    try:
        for step in commands():
            out, err = io.StringIO(), io.StringIO()
            with redirect_stdout(out), redirect_stderr(err):
                status = main(step)
            assert status == 0, (step, err.getvalue())
            outputs[step[0]] = (out.getvalue(), err.getvalue())
    finally:
        os.chdir(before)
    return folder, outputs


def test_tutorial_commands_run_end_to_end(tutorial):
    folder, outputs = tutorial
    assert list(outputs) == ["new", "validate", "run", "report"]
    # validate: ok, and a warning line naming the key to change
    out, err = outputs["validate"]
    assert out.startswith("ok: demo_city.yaml")
    assert err.startswith("warning: demo_city.yaml: workforce.incentives: ")
    # run: progress with an estimate, then the labelled summary
    out, err = outputs["run"]
    assert "progress: demo_city replicates: 3/3 runs (100%)" in err
    assert "median of 3 replicates" in out
    # ... and ends with where the results are and what to run next, as the tutorial shows
    last = out.splitlines()[-1]
    assert last == "results in results/demo_city/; next: swsim report results/demo_city"
    assert f"\n{last}\n" in TUTORIAL.read_text(encoding="utf-8")
    # report: Chinese, carrying a subset of the bundled font
    page = (folder / "results" / "demo_city" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "data:font/woff;base64," in page
    assert "稳定达标起始月份" in page and "首次达到月份" in page  # met from; first reached
    assert "锯齿" in page and "9月" in page  # the caption explains the yearly sawtooth


def test_tutorial_report_renders_chinese_in_chromium(tutorial):
    _check_in_chromium(tutorial[0] / "results" / "demo_city" / "report.html")


def _check_in_chromium(page: Path) -> None:
    """The page's Chinese is drawn with its embedded font, offline, where no CJK font is
    installed (this machine has none): the font face loads and covers the characters."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("SKIPPED browser check: no chromium on PATH")
        pytest.skip("no chromium on PATH: the report's font was checked in the HTML only")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("SKIPPED browser check: playwright is not installed (pip install -e '.[dev]')")
        pytest.skip("playwright is not installed: the report's font was checked in the HTML only")
    with sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=browser, args=["--no-sandbox"])
        try:
            tab = chrome.new_page()
            tab.route("http*://**", lambda route: route.abort())  # offline: nothing fetched
            tab.goto(page.as_uri())
            state = tab.evaluate("""async () => {
                await document.fonts.ready;
                const face = [...document.fonts].find(f => f.family.includes('swsim'));
                const h1 = document.querySelector('h1');
                return {status: face ? face.status : 'none',
                        covers: document.fonts.check('16px "swsim Noto Sans CJK SC"', h1.textContent),
                        family: getComputedStyle(h1).fontFamily, title: h1.textContent};
            }""")
        finally:
            chrome.close()
    assert state["status"] == "loaded", state
    assert state["covers"] and state["family"].startswith('"swsim Noto Sans CJK SC"'), state
    assert any("\u4e00" <= ch <= "\u9fff" for ch in state["title"]), state
