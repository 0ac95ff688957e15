"""The results folder of a calibration: plan, trials (rewritten after each batch), best.yaml.

Layout of ``DIR``::

    plan.json        what is being fitted (its fingerprint guards --resume)
    trials.parquet   every finished trial: number, batch, status, loss, MAPEs, values, means
    best.yaml        a scenario extending the base with the fitted values (runs with swsim run)
    fit.csv          every target: observed, simulated mean and 90% band, error, in/held-out
    fit.png          observed vs simulated over time, hold-out boundary marked
    manifest.json    written last: its presence marks a finished calibration

Every file is written atomically, so a calibration killed at any moment
leaves whole batches behind and ``--resume`` continues after the last one. The folder
checks, file names and safe writing are :mod:`simulation.results`'s.
"""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..results import (
    CALIBRATION_FILES,
    CALIBRATION_HELD,
    PLAN,
    TRIALS,
    check_store,
    plan_json,
    read_parquet,
    start_store,
    write_atomic,
    yaml_text,
)
from .spec import CalibrationPlan

__all__ = ["best_yaml", "check_folder", "manifest", "read_trials", "start_folder", "write_trials"]

TRIAL_COLUMNS = ("trial", "batch", "status", "loss")


def check_folder(out: Path, plan: CalibrationPlan, resume: bool, overwrite: bool = False
                 ) -> dict[str, Any] | None:
    """Check ``out`` before anything runs (see :func:`~simulation.results.check_store`);
    when resuming, read the stored trials too. Returns the stored plan when resuming."""
    stored = check_store(out, "calibration", CALIBRATION_HELD, plan.fingerprint(), resume,
                         overwrite)
    if stored is not None:
        read_trials(out, plan)
    return stored


def start_folder(out: Path, plan: CalibrationPlan, fingerprint: str, stored: dict[str, Any] | None) -> None:
    """Write plan.json: a new folder, or kept when resuming (then no longer finished)."""
    info = {"file": str(plan.file), "calibration": plan.calibration.model_dump(mode="json"),
            "targets": [t.as_row() for t in plan.targets]}
    start_store(out, stored, {PLAN: plan_json(fingerprint, info)})


def read_trials(out: Path, plan: CalibrationPlan) -> pd.DataFrame | None:
    """The stored trials, or None when there are none yet; a one-line error if damaged."""
    path = out / TRIALS
    if not path.exists():
        return None
    remedy = ("move it away and run again with --resume (the calibration starts again), or "
              "pass --overwrite")
    trials: pd.DataFrame = read_parquet(path, remedy, require=(*TRIAL_COLUMNS, *plan.names)).to_pandas()
    return trials


def write_trials(out: Path, trials: pd.DataFrame) -> None:
    buf = io.BytesIO()
    trials.to_parquet(buf, index=False)
    write_atomic(out / TRIALS, buf.getvalue())


def _nest(values: dict[str, float]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in values.items():
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def _extends(plan: CalibrationPlan, out: Path) -> str:
    """How best.yaml names the base: a shipped name, or a path relative to best.yaml's folder."""
    if plan.base_path is None:
        return plan.calibration.scenario
    try:
        return os.path.relpath(plan.base_path, out.resolve())
    except ValueError:  # another drive
        return str(plan.base_path)


def best_yaml(plan: CalibrationPlan, out: Path, best: dict[str, float], header: str) -> str:
    """best.yaml: a scenario that ``extends`` the base with the fitted values."""
    from ..experiments.levers import levers

    table = levers()
    values = {p: int(round(v)) if table[p].integer else float(v) for p, v in best.items()}
    cal = plan.calibration
    doc = {"extends": _extends(plan, out), "name": f"{cal.name}_best",
           "description": f"{plan.scenario.name} with parameters fitted by {plan.file.name}",
           **_nest(values)}
    comments = "".join(f"# {line}\n" for line in header.splitlines())
    return comments + yaml_text(doc)


def manifest(plan: CalibrationPlan, trials: pd.DataFrame, best: dict[str, float], mape_in: float,
             mape_out: float, executor: dict[str, Any], wall: float) -> dict[str, Any]:
    """manifest.json: what was fitted, the best values, the errors (percent), how it ran."""
    from importlib import metadata

    cal = plan.calibration
    versions = {}
    for pkg in ("swsim", "optuna", "numpy", "pandas", "mesa"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    return {
        "kind": "calibration", "calibration": cal.name, "description": cal.description,
        "file": str(plan.file),
        "scenario": plan.scenario.name, "method": cal.method, "seed": cal.seed,
        "trials": len(trials), "failed_trials": int((trials["status"] != "ok").sum()),
        "replicates": cal.replicates, "best_replicates": cal.best_replicates,
        "holdout_from": cal.holdout_from, "parameters": {k: list(v) for k, v in cal.parameters.items()},
        "best": best, "mape_in_sample_percent": _num(mape_in),
        "mape_held_out_percent": _num(mape_out),
        "targets": {"in_sample": sum(not t.holdout and t.weight > 0 for t in plan.targets),
                    "held_out": sum(t.holdout and t.weight > 0 for t in plan.targets),
                    "reported_only": sum(t.weight == 0 for t in plan.targets)},
        "executor": executor, "wall_seconds": round(wall, 3), "versions": versions,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": list(CALIBRATION_FILES),
    }


def _num(x: float) -> float | None:
    return None if x != x else round(float(x), 4)
