"""Read saved results: a run folder or a sweep folder, told apart by their files.

A run folder (see README, "Results folder") holds ``manifest.json``, ``scenario.yaml``,
``timeseries.csv`` and ``summary.csv``. A sweep folder holds ``manifest.json`` and
``runs.parquet`` and/or ``sensitivity.csv`` (columns ``output, parameter, index, value,
conf``), optionally the base ``scenario.yaml``. Anything else is refused with a
:class:`~simulation.results.ResultsError` naming the folder, before anything is written; so
is a damaged file (a CSV cut short or with a wrong column count, missing columns, text where
numbers belong, a time series that stops before the manifest's last month or replicate, a
damaged ``manifest.json`` or ``runs.parquet``). Folder kinds, file names and the damage
checks are :mod:`simulation.results`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..params import Scenario, load_scenario
from ..results import (
    BOXES,
    DISCOVERY,
    DISCOVERY_JSON,
    MANIFEST,
    RUNS,
    SCENARIO,
    SENSITIVITY,
    SUMMARY,
    TIMESERIES,
    ResultsError,
    read_csv,
    read_object,
    read_parquet,
    readable_kind,
)

__all__ = ["RunFolder", "SweepFolder", "load_discovery", "load_folder", "load_run", "load_sweep",
           "sensitivity_notes"]

TIMESERIES_ID = ("scenario", "replicate", "step", "date")
#: metrics every run folder has held (README: "names are a contract")
CORE_METRICS = ("station_coverage", "room_coverage", "staffing_compliance", "social_workers_total",
                "certified_total", "community_worker_certified_share", "need_hours",
                "served_hours", "need_met_share", "spend_total")
RERUN = "run it again (swsim run ... --out FOLDER)"
RESWEEP = "run the sweep again (swsim sweep ... --out FOLDER --overwrite)"
SENSITIVITY_COLUMNS = ("output", "parameter", "index", "value", "conf")


@dataclass
class RunFolder:
    """One run: its manifest, resolved scenario and time series (``date`` as Timestamps)."""

    path: Path
    manifest: dict[str, Any]
    scenario: Scenario
    timeseries: pd.DataFrame
    summary: pd.DataFrame | None

    @property
    def name(self) -> str:
        return str(self.manifest.get("scenario") or self.scenario.name)


@dataclass
class SweepFolder:
    """One sweep: manifest, runs table, sensitivity indices and the base scenario if saved."""

    path: Path
    manifest: dict[str, Any]
    runs: pd.DataFrame | None
    sensitivity: pd.DataFrame | None
    scenario: Scenario | None

    @property
    def name(self) -> str:
        """The experiment's name (``swsim sweep`` manifests), else the folder's."""
        return str(self.manifest.get("experiment") or self.path.name)

    @property
    def ranges(self) -> dict[str, list[float]]:
        """Parameter path -> [low, high] as declared (manifest), else as sampled (runs.parquet)."""
        declared = self.manifest.get("parameters")
        if isinstance(declared, dict) and declared:
            return {str(k): list(v) for k, v in declared.items()}
        if self.runs is None or self.sensitivity is None:
            return {}
        names = [p for p in self.sensitivity["parameter"].drop_duplicates() if p in self.runs.columns]
        return {p: [self.runs[p].min(), self.runs[p].max()] for p in names}


_fail = ResultsError.at


def _timeseries(file: Path, manifest: dict[str, Any], scenario: Scenario) -> pd.DataFrame:
    """The time series, checked: numbers where numbers belong, every replicate the manifest
    names, each from step 0 to the last month."""
    ts = read_csv(file, (*TIMESERIES_ID, *CORE_METRICS), RERUN)
    text = [c for c in ts.columns if c not in ("scenario", "date")
            and not pd.api.types.is_numeric_dtype(ts[c])]
    if text:
        raise _fail(file, f"damaged: column {text[0]} holds text where numbers belong; {RERUN}")
    dates = pd.to_datetime(ts["date"].astype(str), format="%Y-%m", errors="coerce")
    if dates.isna().any():  # the first bad one, by line (the header is line 1)
        row = int(dates.isna().to_numpy().argmax())
        shown = " ".join(str(ts["date"].iloc[row]).split())[:40]
        raise _fail(f"{file}:{row + 2}", f"date: {shown!r} is not a month (YYYY-MM); {RERUN}")
    ts["date"] = dates
    months, replicates = manifest.get("months"), manifest.get("replicates")
    months = months if isinstance(months, int) else scenario.months
    steps = ts.groupby("replicate")["step"].agg(["min", "max", "count"])
    if isinstance(replicates, int) and len(steps) != replicates:
        raise _fail(file, f"damaged: {len(steps)} replicate(s), the manifest says {replicates}; "
                          f"{RERUN}")
    short = steps[(steps["min"] != 0) | (steps["max"] != months) | (steps["count"] != months + 1)]
    if len(short):
        rep = short.index[0]
        raise _fail(file, f"damaged: replicate {rep} has steps {short.loc[rep, 'min']}-"
                          f"{short.loc[rep, 'max']} ({short.loc[rep, 'count']} rows), not 0-{months}; "
                          f"{RERUN}")
    # read_csv gives one block per column: consolidated once here, so that adding a column
    # later (the report's derived series) does not make pandas warn of a fragmented frame
    return ts.sort_values(["replicate", "step"], kind="stable").reset_index(drop=True).copy()


def load_run(path: Path) -> RunFolder:
    """Read a run folder; a ResultsError naming the folder if it is not one."""
    path = Path(path)
    if readable_kind(path) != "run":
        raise _fail(path, "not a run folder (it is a sweep folder)")
    if not (path / SCENARIO).is_file():
        raise _fail(path, f"incomplete run folder: no {SCENARIO}")
    manifest = read_object(path / MANIFEST, RERUN)
    scenario = load_scenario(path / SCENARIO)
    summary = (read_csv(path / SUMMARY, ("metric",), RERUN)
               if (path / SUMMARY).is_file() else None)
    return RunFolder(path, manifest, scenario,
                     _timeseries(path / TIMESERIES, manifest, scenario), summary)


def _runs(file: Path) -> pd.DataFrame | None:
    if not file.is_file():
        return None
    runs: pd.DataFrame = read_parquet(file, RESWEEP, require=("run_id",)).to_pandas()  # pyarrow: untyped
    return runs


def load_sweep(path: Path) -> SweepFolder:
    """Read a sweep folder; a ResultsError naming the folder if it is not one."""
    path = Path(path)
    if readable_kind(path) != "sweep":
        raise _fail(path, "not a sweep folder")
    sens_file = path / SENSITIVITY
    manifest = read_object(path / MANIFEST, RESWEEP)
    sens = (read_csv(sens_file, SENSITIVITY_COLUMNS, RESWEEP)
            if sens_file.is_file() and not _no_indices(sens_file, manifest) else None)
    if sens is not None:
        sens["value"] = pd.to_numeric(sens["value"], errors="coerce")
        sens["conf"] = pd.to_numeric(sens["conf"], errors="coerce")
    scenario = load_scenario(path / SCENARIO) if (path / SCENARIO).is_file() else None
    return SweepFolder(path, manifest, _runs(path / RUNS), sens, scenario)


def _no_indices(file: Path, manifest: dict[str, Any]) -> bool:
    """Whether ``sensitivity.csv`` holds only its header because no output's indices could be
    computed, as the manifest's ``sensitivity_notes`` say (not damage: sweeping again gives
    the same; the report shows the notes)."""
    if not sensitivity_notes(manifest):
        return False
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return text.strip() == ",".join(SENSITIVITY_COLUMNS)


def sensitivity_notes(manifest: dict[str, Any]) -> list[str]:
    """The manifest's notes from the analysis, e.g. why an output got no indices (``y: 5 of
    40 sample points have no value (failed runs or NaN); no indices computed``)."""
    notes = manifest.get("sensitivity_notes")
    return [str(n) for n in notes] if isinstance(notes, list) else []


def load_discovery(sweep: Path) -> tuple[dict[str, Any], pd.DataFrame] | None:
    """``swsim discover``'s discovery.json and boxes.csv in the sweep's discovery/ folder, when
    both are there, readable and hold a chosen box (the report then draws the figure in its
    own language); None otherwise (the report shows what discover saved, if anything)."""
    import json

    folder = Path(sweep) / DISCOVERY
    try:
        info = json.loads((folder / DISCOVERY_JSON).read_text(encoding="utf-8"))
        boxes = pd.read_csv(folder / BOXES)
    except (OSError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    box = info.get("chosen_box") if isinstance(info, dict) else None
    needed = {"box", "coverage", "density", "res_dim", "chosen"}
    if not isinstance(box, dict) or not isinstance(box.get("limits"), dict) or \
       not needed <= set(boxes.columns) or not boxes["chosen"].astype(bool).any():
        return None
    return info, boxes


def load_folder(path: Path) -> RunFolder | SweepFolder:
    """A run or sweep folder, whichever ``path`` is."""
    return load_run(path) if readable_kind(path) == "run" else load_sweep(path)
