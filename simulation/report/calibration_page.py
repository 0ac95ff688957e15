"""The report of a calibration folder (``swsim calibrate``): fit, parameters, errors, trials.

Reads what the calibration wrote (manifest.json, fit.csv, fit.png, trials.parquet) and
builds one self-contained page like the run and sweep reports: the fit plot and table
(observed vs simulated, in-sample and held-out), the fitted parameters against the ranges
searched, the in-sample and held-out mean absolute percentage errors, and the trial
history (each trial's loss and the best so far).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from ..results import BEST, FIT_CSV, FIT_PNG, MANIFEST, TRIALS, read_csv, read_object, read_parquet
from . import html
from .figures import Plot
from .i18n import TEXT, metric_label, tr

__all__ = ["CalibrationFolder", "calibration_figures", "calibration_page", "load_calibration"]

RECALIBRATE = "run the calibration again (swsim calibrate ... --overwrite)"

@dataclass
class CalibrationFolder:
    """What ``swsim report`` reads of a calibration folder."""

    path: Path
    manifest: dict[str, Any]
    fit: pd.DataFrame
    trials: pd.DataFrame
    fit_png: bytes | None


def load_calibration(path: Path) -> CalibrationFolder:
    """A finished calibration folder; a damaged file raises ResultsError naming it."""
    manifest = read_object(path / MANIFEST, RECALIBRATE)
    fit = read_csv(path / FIT_CSV, ("metric", "date", "observed", "simulated_mean", "set"),
                   RECALIBRATE)
    trials = read_parquet(path / TRIALS, RECALIBRATE).to_pandas()
    png = (path / FIT_PNG).read_bytes() if (path / FIT_PNG).is_file() else None
    return CalibrationFolder(path, manifest, fit, trials, png)


def _history(cal: CalibrationFolder, lang: str) -> Figure | None:
    import matplotlib.pyplot as plt

    ok = cal.trials[cal.trials["status"] == "ok"].sort_values("trial")
    if ok.empty:
        return None
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.scatter(ok["trial"], ok["loss"], s=10, color="#0072B2", alpha=0.6, label=tr("loss", lang))
    ax.plot(ok["trial"], ok["loss"].cummin(), color="#000000", lw=1.5,
            label=tr("best_so_far", lang))
    ax.set(title=tr("trials_title", lang), xlabel=tr("trial", lang), ylabel=tr("loss", lang))
    ax.set_yscale("log" if ok["loss"].max() > 20 * max(ok["loss"].min(), 1e-9) else "linear")
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def calibration_figures(cal: CalibrationFolder, lang: str) -> list[Plot]:
    fig = _history(cal, lang)
    return [] if fig is None else [Plot("trial_history", fig, "how_to_read")]


def _header(cal: CalibrationFolder, out: Path, lang: str) -> html.Header:
    import os

    m = cal.manifest
    fields = [(tr("calibration", lang), str(m.get("calibration", cal.path.name))),
              (tr("scenario", lang), str(m.get("scenario", "—"))),
              (tr("method", lang), str(m.get("method", "—"))),
              (tr("trials", lang), tr("trials_value", lang, n=m.get("trials", len(cal.trials)),
                                      failed=m.get("failed_trials", "—"))),
              (tr("seed", lang), str(m.get("seed", "—"))),
              (tr("cal_date", lang), str(m.get("finished_at", "—")))]
    rel = Path(os.path.relpath(cal.path.resolve(), out.resolve()))
    links = [(f, (rel / f).as_posix()) for f in (BEST, FIT_CSV, TRIALS, MANIFEST)
             if (cal.path / f).is_file()]
    title = tr("cal_title", lang, name=m.get("calibration", cal.path.name))
    return html.header(title, fields, links, tr("data_files", lang))


def _pct(value: Any) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{float(value):.2f}%"


def _errors(cal: CalibrationFolder, lang: str) -> tuple[str, str, html.Section]:
    m = cal.manifest
    held = m.get("mape_held_out_percent")
    rows = [[tr("in_sample", lang), _pct(m.get("mape_in_sample_percent")),
             str((m.get("targets") or {}).get("in_sample", "—"))],
            [tr("held_out", lang), _pct(held) if held is not None else tr("none_held", lang),
             str((m.get("targets") or {}).get("held_out", "—"))]]
    table = html.table(["", "MAPE", tr("targets_n", lang)], rows, numeric=(1, 2))
    note = html.paragraph(tr("errors_note", lang, reps=m.get("best_replicates", "—"),
                             holdout=m.get("holdout_from", "—")))
    title = tr("sec_errors", lang)
    return "errors", title, html.section("errors", title, table, note)


def _fit(cal: CalibrationFolder, lang: str) -> tuple[str, str, html.Section]:
    parts: list[html.Block] = []
    if cal.fit_png is not None:
        parts.append(html.figure(cal.fit_png, (cal.path / FIT_PNG).name, tr("fit_caption", lang),
                                 "fit"))
    rows = [[metric_label(str(r.metric), lang), str(r.date),
             tr(f"set_{r.set}", lang) if f"set_{r.set}" in TEXT else str(r.set), f"{r.observed:,.4g}",
             f"{r.simulated_mean:,.4g}",
             f"{r.simulated_p05:,.4g} – {r.simulated_p95:,.4g}" if "simulated_p05" in cal.fit
             else "—", f"{r.abs_pct_error:.2f}" if "abs_pct_error" in cal.fit else "—",
             f"{r.weight:g}" if "weight" in cal.fit else "—"] for r in cal.fit.itertuples()]
    headers = [tr(k, lang) for k in ("metric", "when", "set", "observed", "simulated", "p5_p95",
                                     "abs_pct", "weight")]
    parts.append(html.table(headers, rows, numeric=(3, 4, 6, 7), cell_classes={5: "nowrap"}))
    title = tr("sec_fit", lang)
    return "fit", title, html.section("fit", title, *parts)


def _parameters(cal: CalibrationFolder, lang: str) -> tuple[str, str, html.Section]:
    m = cal.manifest
    rows = []
    for path, value in (m.get("best") or {}).items():
        low, high = (m.get("parameters") or {}).get(path, [math.nan, math.nan])
        edge = min(abs(value - low), abs(high - value)) <= 0.02 * abs(high - low)
        rows.append([path, f"{value:.4g}", f"{low:g} – {high:g}",
                     tr("at_edge", lang) if edge else ""])
    headers = [tr(k, lang) for k in ("parameter", "best", "cal_range")] + [""]
    title = tr("sec_params", lang)
    return "parameters", title, html.section("parameters", title,
                                             html.table(headers, rows, numeric=(1,),
                                                        cell_classes={2: "nowrap"}))


def calibration_page(cal: CalibrationFolder, rendered: list[tuple[str, bytes, str]], out: Path,
                     lang: str) -> str:
    """The report page of a calibration folder; ``rendered``: the trial-history PNG."""
    history = [html.figure(png, f"plots/{name}.png", tr("trials_caption", lang), name)
               for name, png, _ in rendered]
    sections = [_errors(cal, lang), _fit(cal, lang), _parameters(cal, lang),
                ("trials", tr("sec_trials", lang),
                 html.section("trials", tr("sec_trials", lang), history))]
    title = tr("cal_title", lang, name=cal.manifest.get("calibration", cal.path.name))
    return html.document(lang, title, _header(cal, out, lang), tr("contents", lang), sections,
                         tr("cal_footer", lang) + " " + tr("images_note", lang))
