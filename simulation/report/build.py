"""Build a report: read the folders, draw the figures, write ``plots/*.png`` and ``report.html``.

Everything is read and drawn before the first file is written, so bad input writes nothing.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from ..params import ScenarioError
from ..progress import Progress
from ..results import PLOTS, REPORT, ResultsError, check_destination, readable_kind, write_atomic
from .data import RunFolder, SweepFolder, load_folder, load_run, sensitivity_notes
from .figures import Plot, compare_figures, run_figures, sweep_figures
from .fonts import cjk_font, plot_rc
from .i18n import LANGS, tr
from .sections import Rendered, run_page, sweep_page

__all__ = ["build_report", "compare_labels"]


def _compare_run(path: Path) -> RunFolder:
    if readable_kind(path) != "run":
        raise ResultsError.at(path, "not a run folder (--compare takes run folders, this is a sweep)")
    return load_run(path)


def check_out(out: Path) -> None:
    """Refuse an ``out`` that cannot take report.html and plots/ (a file, an unwritable place).

    A report goes into a results folder (the normal case) or a folder of its own: the check
    is :func:`~simulation.results.check_destination` on the plots/ folder it writes (on ``out``
    itself while that is not a folder), so what the folder holds is not refused.
    """
    check_destination(out / PLOTS if out.is_dir() else out, "report", overwrite=True)


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
        return [] if folder.sensitivity is None else sweep_figures(folder.sensitivity, lang)
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
    page = calibration_page(cal, rendered, out, lang)
    try:
        for name, png, _ in rendered:
            write_atomic(out / PLOTS / f"{name}.png", png)
        write_atomic(out / REPORT, page)
    except OSError as exc:
        raise ResultsError.at(out, f"cannot write the report: {exc.strerror or exc}") from None
    return out / REPORT


def build_report(results: Path, compare: Sequence[Path] = (), lang: str = "en", out: Path | None = None,
                 stderr: TextIO | None = None, progress: Progress | None = None) -> Path:
    """Write ``report.html`` and ``plots/*.png`` for a run or sweep folder; returns the page's path.

    A folder that is not a run or sweep folder, a damaged file in it, and an ``out`` that
    cannot take the report raise :class:`~simulation.results.ResultsError` (naming the folder
    or file), a bad ``lang`` or saved scenario :class:`ScenarioError`, all before anything is
    written. ``progress(done, total)`` hears of the plots drawn (:mod:`simulation.progress`).
    """
    import matplotlib

    if lang not in LANGS:
        raise ScenarioError("--lang", f"expected one of {', '.join(LANGS)}, got {lang!r}")
    results = Path(results)
    out = Path(out) if out is not None else results
    check_out(out)
    if readable_kind(results) == "calibration":
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
    runs = [folder, *others] if others else []
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
    try:
        for name, png, _ in rendered:
            write_atomic(out / PLOTS / f"{name}.png", png)
        write_atomic(out / REPORT, page)  # last: its presence marks a complete report
    except OSError as exc:
        raise ResultsError.at(out, f"cannot write the report: {exc.strerror or exc}") from None
    return out / REPORT
