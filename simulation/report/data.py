"""Read saved results: a run folder or a sweep folder, told apart by their files.

A run folder (see README, "Results folder") holds ``manifest.json``, ``scenario.yaml``,
``timeseries.csv`` and ``summary.csv``. A sweep folder holds ``manifest.json`` and
``runs.parquet`` and/or ``sensitivity.csv`` (columns ``output, parameter, index, value,
conf``), optionally the base ``scenario.yaml``. Anything else is refused with a
:class:`~simulation.params.ScenarioError` naming the folder, before anything is written; so
is a damaged file (a CSV cut short or with a wrong column count, missing columns, text where
numbers belong, a time series that stops before the manifest's last month or replicate). A damaged
``manifest.json`` or ``runs.parquet`` raises :class:`~simulation.experiments.store.StoreError`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..io import folder_kind as manifest_kind
from ..params import Scenario, ScenarioError, load_scenario

__all__ = ["RunFolder", "SweepFolder", "folder_kind", "load_folder", "load_run", "load_sweep"]

RUN_FILES = ("manifest.json", "timeseries.csv")
SWEEP_FILES = ("runs.parquet", "sensitivity.csv")
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


def _fail(path: Path, message: str) -> ScenarioError:
    return ScenarioError(str(path), message)


def folder_kind(path: Path) -> str:
    """"run" or "sweep", by the files the folder holds; a ScenarioError otherwise."""
    path = Path(path)
    if not path.exists():
        raise _fail(path, "no such folder")
    if not path.is_dir():
        raise _fail(path, "not a folder (expected a results folder)")
    if any((path / f).is_file() for f in SWEEP_FILES):
        kind = "sweep"
    elif (path / "timeseries.csv").is_file():
        kind = "run"
    elif manifest_kind(path) == "calibration":
        raise _fail(path, "a calibration folder: swsim report reads run and sweep folders "
                          "(see its fit.csv and fit.png)")
    elif (path / "plan.json").is_file():
        raise _fail(path, "an unfinished sweep or calibration (plan.json, no results yet): "
                          "finish it with --resume")
    else:
        subs = sorted(p.name for p in path.iterdir() if (p / "manifest.json").is_file())
        hint = f"; it holds run folders ({', '.join(subs[:5])}): report one, --compare the others" \
            if subs else ""
        raise _fail(path, "not a results folder (no timeseries.csv, runs.parquet or "
                          f"sensitivity.csv){hint}")
    if not (path / "manifest.json").is_file():
        raise _fail(path, f"incomplete {kind} folder: no manifest.json (did the {kind} finish?)")
    return kind


def _manifest(path: Path, remedy: str) -> dict[str, Any]:
    from ..experiments.store import read_object

    return read_object(path / "manifest.json", remedy)


def _check_rows(file: Path, remedy: str) -> None:
    """Every row has the header's number of fields and the file ends with a newline (a
    file cut short mid-row fails one or the other)."""
    try:
        with file.open(encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh)
            width = len(next(rows, []))
            for row in rows:
                if len(row) != width:
                    raise _fail(file, f"damaged: line {rows.line_num} has {len(row)} fields, the "
                                      f"header {width}; {remedy}")
        with file.open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(size - 1, 0))
            if size and fh.read(1) != b"\n":
                raise _fail(file, f"damaged: cut short (the last line is unfinished); {remedy}")
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _fail(file, f"cannot read: {exc}; {remedy}") from None


def _csv(file: Path, required: tuple[str, ...], remedy: str) -> pd.DataFrame:
    _check_rows(file, remedy)
    try:
        frame = pd.read_csv(file)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _fail(file, f"cannot read: {' '.join(str(exc).split())}; {remedy}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise _fail(file, f"damaged: missing column(s) {', '.join(missing[:5])}; {remedy}")
    if frame.empty:
        raise _fail(file, f"damaged: no rows; {remedy}")
    return frame


def _timeseries(file: Path, manifest: dict[str, Any], scenario: Scenario) -> pd.DataFrame:
    """The time series, checked: numbers where numbers belong, every replicate the manifest
    names, each from step 0 to the last month."""
    ts = _csv(file, (*TIMESERIES_ID, *CORE_METRICS), RERUN)
    text = [c for c in ts.columns if c not in ("scenario", "date")
            and not pd.api.types.is_numeric_dtype(ts[c])]
    if text:
        raise _fail(file, f"damaged: column {text[0]} holds text where numbers belong; {RERUN}")
    try:
        ts["date"] = pd.to_datetime(ts["date"].astype(str), format="%Y-%m")
    except ValueError as exc:
        raise _fail(file, f"dates must be YYYY-MM: {exc}") from None
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
    return ts.sort_values(["replicate", "step"], kind="stable").reset_index(drop=True)


def load_run(path: Path) -> RunFolder:
    """Read a run folder; a ScenarioError naming the folder if it is not one."""
    path = Path(path)
    if folder_kind(path) != "run":
        raise _fail(path, "not a run folder (it is a sweep folder)")
    if not (path / "scenario.yaml").is_file():
        raise _fail(path, "incomplete run folder: no scenario.yaml")
    manifest = _manifest(path, RERUN)
    scenario = load_scenario(path / "scenario.yaml")
    summary = (_csv(path / "summary.csv", ("metric",), RERUN)
               if (path / "summary.csv").is_file() else None)
    return RunFolder(path, manifest, scenario,
                     _timeseries(path / "timeseries.csv", manifest, scenario), summary)


def _runs(file: Path) -> pd.DataFrame | None:
    from ..experiments.store import read_parquet

    if not file.is_file():
        return None
    return read_parquet(file, RESWEEP, require=("run_id",)).to_pandas()


def load_sweep(path: Path) -> SweepFolder:
    """Read a sweep folder; a ScenarioError naming the folder if it is not one."""
    path = Path(path)
    if folder_kind(path) != "sweep":
        raise _fail(path, "not a sweep folder")
    sens_file = path / "sensitivity.csv"
    sens = _csv(sens_file, SENSITIVITY_COLUMNS, RESWEEP) if sens_file.is_file() else None
    if sens is not None:
        sens["value"] = pd.to_numeric(sens["value"], errors="coerce")
        sens["conf"] = pd.to_numeric(sens["conf"], errors="coerce")
    scenario = load_scenario(path / "scenario.yaml") if (path / "scenario.yaml").is_file() else None
    return SweepFolder(path, _manifest(path, RESWEEP), _runs(path / "runs.parquet"), sens, scenario)


def load_folder(path: Path) -> RunFolder | SweepFolder:
    """A run or sweep folder, whichever ``path`` is."""
    return load_run(path) if folder_kind(path) == "run" else load_sweep(path)
