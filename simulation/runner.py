"""Run scenarios: replicates in, a results object and a results folder out.

Thin by design: the model does the work; this module seeds replicates,
gathers their metrics into one table, summarises and writes files.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .model import SocialWorkModel
from .outcomes import METRICS, metric_names
from .params import Scenario, load_scenario
from .provenance import git_commit, versions
from .results import (
    MANIFEST,
    RUN_FILES,
    SCENARIO,
    SUMMARY,
    TIMESERIES,
    json_text,
    write_atomic,
    write_folder,
    yaml_text,
)

__all__ = ["RunResult", "run", "run_replicate", "summarise"]

ID_COLUMNS = ["scenario", "replicate", "step", "date"]


def run_replicate(scenario: Scenario, seed: int, replicate: int) -> pd.DataFrame:
    """One replicate's monthly metrics (step 0 is the starting state)."""
    model = SocialWorkModel(scenario, seed=seed, replicate=replicate)
    model.run()
    frame = pd.DataFrame.from_records(model.records)
    frame.insert(0, "replicate", replicate)
    frame.insert(0, "scenario", scenario.name)
    return frame[ID_COLUMNS + metric_names()]


def summarise(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per metric, the final month's mean and 5/50/95th percentiles across replicates."""
    last = timeseries[timeseries["step"] == timeseries["step"].max()]
    units = {m.name: m.unit for m in METRICS}
    rows = []
    for name in metric_names():
        values = last[name].to_numpy(dtype=float)
        ok = values[~np.isnan(values)]
        stats = ([float(ok.mean()), *np.percentile(ok, [5, 50, 95]).tolist()] if len(ok)
                 else [float("nan")] * 4)
        rows.append([last["scenario"].iloc[0], name, units[name], *stats])
    return pd.DataFrame(rows, columns=["scenario", "metric", "unit", "mean", "p5", "p50", "p95"])


@dataclass
class RunResult:
    """A finished run: the scenario, its replicates' time series and how it was made."""

    scenario: Scenario
    seed: int
    replicates: int
    timeseries: pd.DataFrame
    started: str
    wall_seconds: float
    sets: tuple[str, ...] = ()

    @property
    def summary(self) -> pd.DataFrame:
        return summarise(self.timeseries)

    def manifest(self) -> dict:
        return {
            "kind": "run",
            "scenario": self.scenario.name,
            "overrides": list(self.sets),
            "region": self.scenario.region,
            "seed": self.seed,
            "replicates": self.replicates,
            "start": self.scenario.start,
            "months": self.scenario.months,
            "started_at": self.started,
            "wall_seconds": round(self.wall_seconds, 3),
            "git_commit": git_commit(),
            "versions": versions(),
            "files": list(RUN_FILES),
        }

    def write(self, out: Path) -> Path:
        """Write the results folder: built beside ``out`` and swapped in whole, so an
        interruption leaves the earlier folder or this one, never a mix."""
        resolved = self.scenario.model_dump(mode="json")

        def fill(folder: Path) -> None:
            write_atomic(folder / SCENARIO, yaml_text(resolved))
            write_atomic(folder / TIMESERIES, self.timeseries.to_csv(index=False))
            write_atomic(folder / SUMMARY, self.summary.to_csv(index=False))
            write_atomic(folder / MANIFEST, json_text(self.manifest()))

        return write_folder(Path(out), fill)


def run(scenario: Scenario | str | Path | None = None, seed: int = 1, replicates: int = 1,
        sets: list[str] | None = None) -> RunResult:
    """Run a scenario (object, file, shipped name, or None for the Tianjin baseline)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, sets)
    elif sets:
        raise ValueError("sets apply to scenario files; pass a Scenario and its sets with "
                         "load_scenario(ref, sets)")
    if replicates < 1:
        raise ValueError("replicates must be at least 1")
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    frames = [run_replicate(scenario, seed, r) for r in range(replicates)]
    return RunResult(scenario=scenario, seed=seed, replicates=replicates,
                     timeseries=pd.concat(frames, ignore_index=True), started=started,
                     wall_seconds=time.perf_counter() - t0, sets=tuple(sets or ()))
