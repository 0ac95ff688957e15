"""Build a report: read the folders, draw the figures, write ``plots/*.png`` and ``report.html``.

Everything is read and drawn before the first file is written, so bad input writes nothing.
Where the report may go is :func:`~simulation.results.check_report_destination`'s rule (the
module doc of :mod:`simulation.results`, point 3): ``plots/`` is swapped in whole, then
``report.html`` is written, and nothing else in the folder is touched.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..params import ScenarioError
from ..progress import Progress
from ..results import (
    PLOTS,
    REPORT,
    ResultsError,
    check_report_destination,
    readable_kind,
    write_atomic,
    write_folder,
)
from .data import RunFolder, SweepFolder, load_discovery, load_folder, load_run, sensitivity_notes
from .figures import Plot, compare_figures, discovery_figure, run_figures, sweep_figures
from .fonts import cjk_font, plot_rc
from .i18n import LANGS, tr
from .sections import Rendered, run_page, sweep_page

__all__ = ["build_report", "compare_labels"]


def _compare_run(path: Path) -> RunFolder:
    if readable_kind(path) != "run":
        raise ResultsError.at(path, "not a run folder (--compare takes run folders, this is a sweep)")
    return load_run(path)


def _check_compare(results: Path, compare: Sequence[Path]) -> None:
    """Refuse a folder given twice (as RESULTS_DIR and in --compare, or twice in --compare):
    a comparison of a run with itself."""
    seen = {results.resolve(): "RESULTS_DIR"}
    for path in compare:
        key = Path(path).resolve()
        if key in seen:
            raise ResultsError(f"--compare {path}: the same folder as {seen[key]}; compare "
                               "other runs' folders")
        seen[key] = "another --compare folder"


def _write(out: Path, rendered: Sequence[Rendered], page: str) -> Path:
    """plots/ (built beside and swapped in whole, so no earlier plot stays), then report.html
    (last: its presence marks a complete report)."""

    def fill(folder: Path) -> None:
        for name, png, _ in rendered:
            write_atomic(folder / f"{name}.png", png)

    try:
        write_folder(out / PLOTS, fill)
        write_atomic(out / REPORT, page)
    except OSError as exc:
        raise ResultsError.at(out, f"cannot write the report: {exc.strerror or exc}") from None
    return out / REPORT


def compare_labels(runs: Sequence[RunFolder]) -> list[str]:
    """Scenario names, made unique with the folder name (then path) where they repeat."""
    names = [r.name for r in runs]
    labels = [n if names.count(n) == 1 else f"{n} ({r.path.name})"
              for n, r in zip(names, runs, strict=True)]
    return [lb if labels.count(lb) == 1 else f"{r.name} ({r.path})"
            for lb, r in zip(labels, runs, strict=True)]


def _png(plot: Plot) -> Rendered:
    buf = io.BytesIO()
    plot.figure.savefig(buf, format="png", metadata={"Software": None})
    return plot.name, buf.getvalue(), plot.caption


def _plots(folder: RunFolder | SweepFolder, compared: Sequence[tuple[str, RunFolder]],
           lang: str) -> list[Plot]:
    if isinstance(folder, SweepFolder):
        plots = [] if folder.sensitivity is None else sweep_figures(folder.sensitivity, lang)
        found = load_discovery(folder.path) if lang != "en" else None  # discover drew it in English
        return plots + ([discovery_figure(*found, lang)] if found else [])
    plots = run_figures(folder.timeseries, folder.scenario, lang)
    if compared:
        plots += compare_figures([(label, r.timeseries) for label, r in compared], lang)
    return plots


def _plot_language(lang: str, stderr: TextIO) -> tuple[str, str | None]:
    """The language the PNGs can be labelled in, and the CJK font family (zh only)."""
    if lang != "zh":
        return lang, None
    family = cjk_font()
    if family is None:
        print(f"warning: {tr('no_cjk_font', 'en')}", file=stderr)
        return "en", None
    return lang, family


def _calibration_report(results: Path, out: Path, lang: str, stderr: TextIO) -> Path:
    """report.html (and plots/trial_history.png) for a calibration folder."""
    import matplotlib

    from .calibration_page import calibration_figures, calibration_page, load_calibration

    cal = load_calibration(results)
    plot_lang, family = _plot_language(lang, stderr)
    with matplotlib.rc_context(plot_rc(family)):
        rendered = [_png(p) for p in calibration_figures(cal, plot_lang)]
    return _write(out, rendered, calibration_page(cal, rendered, out, lang))


def build_report(results: Path, compare: Sequence[Path] = (), lang: str = "en", out: Path | None = None,
                 stderr: TextIO | None = None, progress: Progress | None = None,
                 overwrite: bool = False) -> Path:
    """Write ``report.html`` and ``plots/*.png`` for a run or sweep folder; returns the page's path.

    A folder that is not a run or sweep folder, a damaged file in it, a folder given twice,
    and an ``out`` that cannot take the report raise
    :class:`~simulation.results.ResultsError` (naming the folder or file), a bad ``lang`` or
    saved scenario :class:`ScenarioError`, all before anything is written. ``overwrite``
    replaces a ``report.html`` and ``plots/`` in ``out`` that swsim report did not write
    (other files are kept). ``progress(done, total)`` hears of the plots drawn
    (:mod:`simulation.progress`).
    """
    import matplotlib

    if lang not in LANGS:
        raise ScenarioError("--lang", f"expected one of {', '.join(LANGS)}, got {lang!r}")
    results = Path(results)
    out = Path(out) if out is not None else results
    kind = readable_kind(results)
    check_report_destination(out, results, overwrite)
    _check_compare(results, compare)
    if kind == "calibration":
        if compare:
            raise ResultsError.at(results, "--compare needs a run folder; this is a "
                                  "calibration folder")
        return _calibration_report(results, out, lang, stderr or sys.stderr)
    folder = load_folder(results)
    if isinstance(folder, SweepFolder) and folder.sensitivity is None and sensitivity_notes(folder.manifest):
        print(f"note: {results}: no sensitivity indices could be computed: "
              f"{'; '.join(sensitivity_notes(folder.manifest))}", file=stderr or sys.stderr)
    others = [_compare_run(Path(p)) for p in compare]
    if others and isinstance(folder, SweepFolder):
        raise ResultsError.at(results, "--compare needs a run folder; this is a sweep folder")
    runs = [folder, *others] if others and not isinstance(folder, SweepFolder) else []
    compared = list(zip(compare_labels(runs), runs, strict=True))
    plot_lang, family = _plot_language(lang, stderr or sys.stderr)
    with matplotlib.rc_context(plot_rc(family)):
        plots = _plots(folder, compared, plot_lang)
        rendered = []
        for done, plot in enumerate(plots, start=1):  # savefig is most of a report's time
            if progress is not None:
                progress(done - 1, len(plots))
            rendered.append(_png(plot))
        if progress is not None:
            progress(len(plots), len(plots))
    page = (sweep_page(folder, rendered, out, lang) if isinstance(folder, SweepFolder)
            else run_page(folder, compared, rendered, out, lang))
    return _write(out, rendered, page)
