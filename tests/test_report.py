"""swsim report: plots, HTML, Chinese, comparisons, sweeps, bad arguments (Agg, no pyplot)."""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
import tempfile
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from simulation.cli import KEY_METRICS  # noqa: E402
from simulation.params import load_scenario  # noqa: E402
from simulation.report import build_report, prep  # noqa: E402
from simulation.report.fonts import CJK_FAMILIES, cjk_font  # noqa: E402

RUN_PLOTS = ["coverage", "workforce_levels", "community_workers_certified", "exams", "volunteers",
             "need_and_service", "wait_by_group", "spending", "compliance"]
OUTPUTS = ["certified_total", "need_met_share", "station_coverage"]
PARAMS = {"workforce.exam.registration_growth": (0.0, 0.7), "funding.sources.purchase.amount": (1.6e6, 4.8e6),
          "workforce.attrition_rate": (0.08, 0.25), "volunteers.active_share": (0.1, 0.4)}
BAD_EXIT = 2


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file (asserting its signature)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def glyph_warnings(record: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in record if "missing from font" in str(w.message)]


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    from simulation import run

    return run("small_city", seed=1, replicates=3).write(tmp_path_factory.mktemp("run") / "small_city")


@pytest.fixture(scope="session")
def other_runs(tmp_path_factory) -> list[Path]:
    from simulation import run

    base = tmp_path_factory.mktemp("others")
    sets = {"small_cut": "funding.sources.purchase.amount=1.6e6",
            "small_exams": "workforce.exam.registration_growth=0.6"}
    return [run("small_city", seed=2, replicates=2, sets=[f"name={name}", s]).write(base / name)
            for name, s in sets.items()]


def _sensitivity() -> pd.DataFrame:
    """Realistic Sobol rows (S1, ST with conf) and Morris rows (mu, mu_star with conf, sigma); for
    need_met_share Morris gives its confidence as a separate mu_star_conf row, as SALib names it."""
    st = {"certified_total": [0.62, 0.03, 0.41, 0.01], "need_met_share": [0.08, 0.83, 0.05, 0.12],
          "station_coverage": [0.02, 0.95, 0.03, 0.00]}
    rows = []
    for output, totals in st.items():
        for p, total in zip(PARAMS, totals, strict=True):
            rows += [[output, p, "S1", total * 0.8, 0.09], [output, p, "ST", total, 0.06],
                     [output, p, "mu", total * 90, np.nan], [output, p, "sigma", total * 40, np.nan]]
            if output == "need_met_share":
                rows += [[output, p, "mu_star", total * 100, np.nan],
                         [output, p, "mu_star_conf", total * 20, np.nan]]
            else:
                rows.append([output, p, "mu_star", total * 100, total * 15])
    return pd.DataFrame(rows, columns=["output", "parameter", "index", "value", "conf"])


@pytest.fixture(scope="session")
def sweep_dir(tmp_path_factory, run_dir) -> Path:
    """A sweep folder in the documented format (runs.parquet, sensitivity.csv, manifest.json)."""
    out = tmp_path_factory.mktemp("sweep") / "levers"
    out.mkdir()
    rng = np.random.default_rng(3)
    n = 40
    runs = pd.DataFrame({"run_id": range(n), "sample": np.arange(n) // 2, "replicate": np.arange(n) % 2,
                         "seed": rng.integers(0, 2**31, n)})
    for p, (lo, hi) in PARAMS.items():
        runs[p] = rng.uniform(lo, hi, n)
    runs["status"] = ["ok"] * (n - 2) + ["failed"] * 2
    runs["error"] = [None] * (n - 2) + ["ValueError: boom"] * 2
    for o in OUTPUTS:
        runs[o] = rng.uniform(0, 1, n)
    runs.to_parquet(out / "runs.parquet", index=False)
    _sensitivity().to_csv(out / "sensitivity.csv", index=False)
    shutil.copy(run_dir / "scenario.yaml", out / "scenario.yaml")
    manifest = {"experiment": "levers", "description": "test sweep", "scenario": "small_city",
                "method": "sobol", "samples": 16, "replicates": 2, "seed": 5,
                "parameters": {p: list(r) for p, r in PARAMS.items()}, "outputs": OUTPUTS,
                "runs": {"total": n, "ok": n - 2, "failed": 2}, "started_at": "2026-01-01T00:00:00+00:00",
                "versions": {"swsim": "0.1.0"}, "sensitivity_notes": ["station_coverage: test note"]}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def en_report(run_dir, tmp_path_factory) -> Path:
    return build_report(run_dir, out=tmp_path_factory.mktemp("en"))


@pytest.fixture(scope="session")
def zh_report(run_dir, tmp_path_factory) -> tuple[Path, list[str]]:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        page = build_report(run_dir, lang="zh", out=tmp_path_factory.mktemp("zh"))
    return page, glyph_warnings(record)


def test_every_run_plot_is_a_readable_png(en_report):
    plots = en_report.parent / "plots"
    assert sorted(p.stem for p in plots.glob("*.png")) == sorted(RUN_PLOTS)
    for name in RUN_PLOTS:
        width, height = png_size(plots / f"{name}.png")
        assert 700 <= width <= 1400 and 350 <= height <= 1600, (name, width, height)
        assert (plots / f"{name}.png").stat().st_size > 15_000, name


def test_html_references_every_plot_and_the_data(en_report, run_dir):
    page = en_report.read_text(encoding="utf-8")
    for name in RUN_PLOTS:
        assert f'href="plots/{name}.png"' in page, name
    assert page.count('src="data:image/png;base64,') == len(RUN_PLOTS)  # self-contained
    for f in ("timeseries.csv", "summary.csv", "scenario.yaml"):
        href = re.search(rf'href="([^"]*{f})"', page).group(1)
        assert (en_report.parent / href).resolve() == (run_dir / f).resolve()
    assert "small_city" in page and "Replicates</dt><dd>3<" in page and "Seed</dt><dd>1<" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_assumptions_appendix_lists_every_parameter(en_report, run_dir):
    from simulation.params.schema import Scenario, describe_parameters

    page = en_report.read_text(encoding="utf-8")
    rows = describe_parameters(Scenario, load_scenario(run_dir / "scenario.yaml"))
    for row in rows:
        assert f"<td>{row['path']}</td>" in page, row["path"]
    defaults = {r["path"]: r["value"] for r in describe_parameters(Scenario, Scenario())}
    own = {r["path"] for r in rows if r["unit"] and not isinstance(r["value"], list)
           and str(r["value"]) != str(defaults[r["path"]])}  # set by small_city: its source
    assert own and all("scenario small_city (Tianjin: " in page for _ in own)
    assumptions = sum(1 for r in rows if r["path"] not in own
                      and (not r["source"] or r["source"].startswith("assumption")))
    assert f"{assumptions} of {len(rows)} parameters rest on a stated assumption" in page


def test_indicator_table_in_report(en_report):
    page = en_report.read_text(encoding="utf-8")
    section = page[page.index('id="indicators"'):page.index('id="final"')]
    assert "Station coverage" in section and "2025-12" in section
    # every indicator gets a verdict: met, not met, or after the run (it ends before the deadline)
    verdicts = sum(section.count(f'class="{c}"') for c in ("met", "not_met", "after_run"))
    assert verdicts >= 4


def _series(values: list[float], start: str = "2021-12", replicates: int = 1) -> pd.DataFrame:
    dates = pd.date_range(start, periods=len(values), freq="MS")
    return pd.concat([pd.DataFrame({"scenario": "t", "replicate": r, "step": range(len(values)),
                                    "date": dates, "station_coverage": values})
                      for r in range(replicates)], ignore_index=True)


def test_indicator_known_answers(run_dir):
    sc = load_scenario(run_dir / "scenario.yaml")  # station deadline 2025-12
    rising = _series([0.3 + 0.1 * k for k in range(8)] + [1.0] * 52)  # 1.0 first at step 7 = 2022-07
    ind = next(i for i in prep.indicators(rising, sc) if i.metric == "station_coverage")
    assert (ind.status, ind.first_met, ind.at_deadline) == ("met", "2022-07", 1.0)
    short = _series([0.3, 0.4, 0.5])
    ind = next(i for i in prep.indicators(short, sc) if i.metric == "station_coverage")
    assert (ind.status, ind.first_met, ind.at_deadline, ind.final) == ("after_run", None, None, 0.5)
    # reached before the run ends, but the deadline lies after it: not judged "met" (issue 21)
    reached = _series([0.3, 1.0, 1.0])
    ind = next(i for i in prep.indicators(reached, sc) if i.metric == "station_coverage")
    assert (ind.status, ind.first_met, ind.at_deadline, ind.final) == ("after_run", "2022-01", None, 1.0)
    late = _series([0.5] * 60)  # ends 2026-11, never reaches 100%
    ind = next(i for i in prep.indicators(late, sc) if i.metric == "station_coverage")
    assert (ind.status, ind.first_met, ind.at_deadline) == ("not_met", None, 0.5)


def test_fan_and_yearly_known_answers():
    ts = pd.concat([pd.DataFrame({"replicate": r, "step": range(25), "scenario": "t",
                                  "date": pd.date_range("2021-12", periods=25, freq="MS"),
                                  "station_coverage": float(r + 1), "exam_passes": float(r + 1)})
                    for r in range(5)], ignore_index=True)
    fan = prep.fan_frame(ts, ["station_coverage", "exam_passes", "not_a_metric"])
    first = fan[fan["series"] == "station_coverage"].iloc[0]
    assert (first["q25"], first["q50"], first["q75"]) == (2.0, 3.0, 4.0)
    passes = fan[fan["series"] == "exam_passes"]
    assert passes["date"].min() == pd.Timestamp("2022-01")  # flows have no value at step 0
    yearly = prep.yearly_frame(ts, ["exam_passes"])
    assert yearly["year"].tolist() == [2022, 2023] and yearly["q50"].tolist() == [36.0, 36.0]


def test_sensitivity_frames_read_both_confidence_forms():
    sens = _sensitivity()
    sobol = prep.sobol_frame(sens, "certified_total")
    assert sobol["parameter"].iloc[0] == "workforce.exam.registration_growth"
    assert sobol["ST"].iloc[0] == pytest.approx(0.62) and sobol["ST_conf"].iloc[0] == pytest.approx(0.06)
    for output, conf in (("certified_total", 0.62 * 15), ("need_met_share", 0.83 * 20)):
        morris = prep.morris_frame(sens, output)
        assert morris["mu_star_conf"].iloc[0] == pytest.approx(conf)
    top = prep.top_levers(sens, k=2)
    assert top[top["output"] == "station_coverage"]["parameter"].tolist() == [
        "funding.sources.purchase.amount", "workforce.attrition_rate"]


def test_zh_report_uses_chinese_and_a_cjk_font(zh_report):
    page_path, missing = zh_report
    page = page_path.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "目标指标完成情况" in page and "社工站覆盖率" in page
    family = cjk_font()
    assert family in CJK_FAMILIES
    from matplotlib import font_manager

    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert "cjk" in Path(path).name.lower() or "han" in Path(path).name.lower(), path
    assert missing == [], missing[:3]  # every Chinese glyph was found: no boxes


def test_zh_without_cjk_font_falls_back_to_english_plots(run_dir, tmp_path, monkeypatch):
    import simulation.report.build as build

    monkeypatch.setattr(build, "cjk_font", lambda: None)
    err = io.StringIO()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        page = build.build_report(run_dir, lang="zh", out=tmp_path, stderr=err)
    assert glyph_warnings(record) == []  # English labels, so DejaVu Sans draws them all
    assert len(err.getvalue().strip().splitlines()) == 1 and "font" in err.getvalue()
    assert "社工站覆盖率" in page.read_text(encoding="utf-8")


@pytest.mark.e2e
def test_compare_three_scenarios(cli, run_dir, other_runs, tmp_path):
    status, out, err = cli("report", run_dir, "--compare", *other_runs, "--out", tmp_path)
    assert status == 0, err
    plots = {p.stem for p in (tmp_path / "plots").glob("*.png")}
    assert {f"compare_{m}" for m in KEY_METRICS} <= plots and set(RUN_PLOTS) <= plots
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    section = page[page.index('id="compare"'):page.index('id="appendix"')]
    assert all(f"<th>{name}</th>" in section for name in ("small_city", "small_cut", "small_exams"))
    assert " pp)" in section  # differences from the first scenario
    for m in KEY_METRICS:
        png_size(tmp_path / "plots" / f"compare_{m}.png")


def test_sweep_folder_gives_sensitivity_plots(cli, sweep_dir, tmp_path):
    status, _, err = cli("report", sweep_dir, "--out", tmp_path)
    assert status == 0, err
    for o in OUTPUTS:
        for kind in ("sobol", "morris"):
            width, height = png_size(tmp_path / "plots" / f"{kind}_{o}.png")
            assert width >= 700 and height >= 250
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    levers = page[page.index('id="levers"'):page.index('id="sensitivity"')]
    first = re.search(r"<td>Station coverage</td><td class=\"num\">1</td><td>([^<]+)</td>", levers)
    assert first and first.group(1) == "funding.sources.purchase.amount"
    assert "ValueError: boom" in page and "test note" in page and "1,600,000 – 4,800,000" in page


@pytest.mark.parametrize("case", ["missing", "file", "empty", "no_manifest", "compare_sweep",
                                  "compare_empty", "bad_lang", "sweep_compare"])
def test_bad_arguments_exit_2_and_write_nothing(cli, case, run_dir, sweep_dir, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    partial = tmp_path / "partial"
    shutil.copytree(run_dir, partial, ignore=shutil.ignore_patterns("manifest.json", "plots", "*.html"))
    (tmp_path / "file.txt").write_text("x")
    args = {"missing": [tmp_path / "nope"], "file": [tmp_path / "file.txt"], "empty": [empty],
            "no_manifest": [partial], "compare_sweep": [run_dir, "--compare", sweep_dir],
            "compare_empty": [run_dir, "--compare", empty], "bad_lang": [run_dir, "--lang", "fr"],
            "sweep_compare": [sweep_dir, "--compare", run_dir]}[case]
    out = tmp_path / "out"
    status, stdout, err = cli("report", *args, "--out", out)
    assert status == BAD_EXIT
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert not out.exists()


def _chromium() -> str | None:
    return next((b for b in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
                 if shutil.which(b)), None)


@pytest.mark.e2e
@pytest.mark.skipif(_chromium() is None, reason="needs headless Chromium (apt-get install chromium) "
                    "to render the HTML as a reader would; the report itself does not need it")
def test_chromium_renders_the_report(en_report, tmp_path):
    shot = tmp_path / "shot.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", f"--user-data-dir={profile}", f"--screenshot={shot}",
                        "--window-size=1280,3000", en_report.resolve().as_uri()],
                       capture_output=True, timeout=120, check=False)
    assert png_size(shot) == (1280, 3000)
    from PIL import Image

    colours = Image.open(shot).convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 200  # text, tables and plots, not a blank page


# ---- presentation (issue 21): titles, legends, tables, Chinese -----------------------------

@pytest.fixture(scope="session")
def ten_years(tmp_path_factory):
    from simulation import run

    folder = tmp_path_factory.mktemp("ten") / "small_city"
    return load_run_ts(run("small_city", seed=1, replicates=2, sets=["months=120"]).write(folder))


def _overlap(boxes) -> bool:
    boxes = sorted(boxes, key=lambda b: b.x0)
    return any(a.x1 > b.x0 + 0.5 for a, b in zip(boxes, boxes[1:], strict=False))


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_legends_leave_the_width_to_a_ten_year_axis(ten_years, lang):
    """Legends sat at the right and took up to 45% of the width: the years ran together.
    Now each is below its plot, inside the figure, and no two year labels overlap."""
    from simulation.report.figures import run_figures
    from simulation.report.fonts import plot_rc

    with matplotlib.rc_context(plot_rc(cjk_font() if lang == "zh" else None)):
        plots = run_figures(ten_years, load_scenario("small_city"), lang)
        for plot in plots:
            fig = plot.figure
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            renderer = FigureCanvasAgg(fig).get_renderer()
            fig.draw(renderer)  # lays the figure out as savefig does
            width = fig.get_figwidth() * fig.dpi
            for ax in fig.axes:
                if not ax.get_visible() or not ax.get_xticklabels():
                    continue
                box = ax.get_window_extent(renderer)
                labels = [t.get_window_extent(renderer) for t in ax.get_xticklabels()
                          if t.get_visible() and t.get_text()]
                assert not _overlap(labels), (plot.name, [t.get_text() for t in ax.get_xticklabels()])
                legend = ax.get_legend()
                if legend is None:
                    continue
                where = legend.get_window_extent(renderer)
                assert where.y1 <= box.y0 + 1 and where.x1 <= width + 1, plot.name  # below, inside
                assert box.width >= 0.75 * width, (plot.name, box.width / width)


def test_plot_title_names_the_target_s_own_date(run_dir):
    from simulation.report.figures import run_figures

    ts = load_run_ts(run_dir)
    sc = load_scenario(run_dir / "scenario.yaml")
    moved = sc.model_copy(update={"targets": [
        t.model_copy(update={"date": "2030-06"}) if t.metric == "community_worker_qualified_share"
        else t for t in sc.targets]})
    for scenario, date in ((sc, "2025-12"), (moved, "2030-06")):
        for lang in ("en", "zh"):
            plot = next(p for p in run_figures(ts, scenario, lang) if p.name == "community_workers_certified")
            title = plot.figure.axes[0].get_title(loc="left")
            assert date in title and ("2025" not in title or date == "2025-12"), title
    bare = sc.model_copy(update={"targets": []})
    plot = next(p for p in run_figures(ts, bare, "en") if p.name == "community_workers_certified")
    assert plot.figure.axes[0].get_title(loc="left") == "Community workers qualified and certified"


def load_run_ts(folder: Path) -> pd.DataFrame:
    from simulation.report.data import load_run

    return load_run(folder).timeseries


def test_appendix_table_keeps_to_the_page(en_report):
    """Long parameter paths and sources widened the appendix beyond a 1,400 px page: the
    table now has a fixed layout with set column widths, and long cells wrap."""
    page = en_report.read_text(encoding="utf-8")
    appendix = page[page.index('id="appendix"'):]
    assert appendix.count('<table class="fixed"><colgroup>') == 1
    assert "table.fixed { table-layout: fixed; } table.fixed td { overflow-wrap: anywhere; }" in page


def test_every_parameter_unit_has_its_chinese(zh_report):
    from simulation.params.schema import describe_parameters
    from simulation.report.i18n import PARAM_UNITS_ZH

    units = {r["unit"] for r in describe_parameters()}
    assert units - set(PARAM_UNITS_ZH) == set()
    page = zh_report[0].read_text(encoding="utf-8")
    appendix = page[page.index('id="appendix"'):]
    assert "<td>小时/千人/月</td>" in appendix and "hours/1000 people/month" not in appendix
    assert "<td>yuan/year</td>" not in appendix and "<td>元/年</td>" in appendix
    assert "单位已译为中文" in appendix  # and what stays English is said


def _discovery(sweep: Path) -> None:
    """discover's files for the sweep (a chosen box restricting one lever), as it writes them."""
    folder = sweep / "discovery"
    folder.mkdir()
    levers = list(PARAMS)
    rows = []
    for box, (cov, dens, dim) in enumerate([(1.0, 0.3, 0), (0.8, 0.6, 1), (0.6, 0.85, 1)]):
        row = {"box": box, "coverage": cov, "density": dens, "mass": cov * 0.3 / dens,
               "res_dim": dim, "n": 40 - 10 * box, "k": 12 - 2 * box, "chosen": box == 2}
        for p, (lo, hi) in PARAMS.items():
            row[f"{p}.low"], row[f"{p}.high"] = (lo + (hi - lo) * 0.4 * (box > 0) if p == levers[0]
                                                 else lo), hi
        rows.append(row)
    pd.DataFrame(rows).to_csv(folder / "boxes.csv", index=False)
    chosen = rows[2]
    limits = {p: {"low": chosen[f"{p}.low"], "high": chosen[f"{p}.high"], "sweep_low": lo,
                  "sweep_high": hi, "restricted": p == levers[0]} for p, (lo, hi) in PARAMS.items()}
    info = {"target": "certified_total >= 0.5", "points": 40, "points_meeting_target": 12,
            "classification": "replicates averaged",
            "chosen_box": {"box": 2, "coverage": 0.6, "density": 0.85, "mass": 0.2, "res_dim": 1,
                           "limits": limits}}
    (folder / "discovery.json").write_text(json.dumps(info), encoding="utf-8")
    from matplotlib.figure import Figure

    Figure(figsize=(2, 2)).savefig(folder / "discovery.png")  # discover's own (English) figure


@pytest.mark.e2e
def test_zh_report_draws_the_prim_figure_in_chinese(sweep_dir, tmp_path):
    sweep = tmp_path / "sweep"
    shutil.copytree(sweep_dir, sweep, ignore=shutil.ignore_patterns("plots", "*.html"))
    _discovery(sweep)
    en = build_report(sweep, out=tmp_path / "en").read_text(encoding="utf-8")
    assert "discovery/discovery.png" in en and not (tmp_path / "en" / "plots" / "discovery.png").exists()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        zh = build_report(sweep, lang="zh", out=tmp_path / "zh").read_text(encoding="utf-8")
    assert glyph_warnings(record) == []
    section = zh[zh.index('id="discovery"'):]
    assert 'href="plots/discovery.png"' in section and "discovery/discovery.png" not in section
    assert "各次重复取平均后判断" in section and "replicates averaged" not in section
    width, height = png_size(tmp_path / "zh" / "plots" / "discovery.png")
    assert width > 1000 and height > 300
    from simulation.report.data import load_discovery
    from simulation.report.figures import discovery_figure

    fig = discovery_figure(*load_discovery(sweep), "zh").figure
    words = " ".join(text for ax in fig.axes
                     for text in (ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()))
    assert "剥离轨迹" in words and "覆盖率" in words and "coverage" not in words


def test_page_is_rendered_from_the_packaged_templates():
    """Issue 22 part 6: the page comes from Jinja2 templates shipped in the package (autoescape
    on), not from f-strings; the generator mark that tells swsim's own pages apart is there."""
    from importlib.resources import files

    from simulation.report import html
    from simulation.results import GENERATOR

    folder = files("simulation.report") / "templates"
    assert {"page.html.j2", "main.html.j2", "blocks.html.j2"} <= {f.name for f in folder.iterdir()}
    env = html._env()
    assert env.autoescape is True
    page = html.document("en", "t", html.header("t", [], [], "files"), "Contents", [], "footer")
    assert f'<meta name="generator" content="{GENERATOR}">' in page
    assert page.startswith("<!DOCTYPE html>\n") and page.endswith("</html>\n")


def test_page_escapes_hostile_text():
    """Every text that reaches the page (titles, facts, links, cells, classes, captions, notes,
    footer) is escaped once: no tag, attribute or entity of its own survives."""
    from simulation.report import html

    bad = "<script>alert('x')</script>\" onload=\"x & y"
    sec = html.section("s", bad, html.paragraph(bad), html.notes(bad, [bad]),
                       html.table([bad], [[bad, bad]], numeric=(1,), row_classes=[bad],
                                  cell_classes={0: bad}),
                       [html.figure(b"\x89PNG", bad, bad, bad)])
    page = html.document("en", bad, html.header(bad, [(bad, bad)], [(bad, bad)], bad), bad,
                         [("s", bad, sec)], bad)
    assert "<script" not in page and 'onload="' not in page and "x & y" not in page
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#34; onload=&#34;x &amp; y"
    # <title>, h1, fact label and value, links label, link text and href, contents label and
    # entry, section title, paragraph, notes label and item, column header, 2 cells, a cell
    # class, a row class, figure href, alt and caption, footer
    assert page.count(escaped) == 22
