"""Run a calibration: ask Optuna for batches of trials, run them on an executor, tell, store.

Determinism: trials are asked in fixed batches of ``batch``; before each batch
a fresh study is rebuilt from the stored trials and given a sampler seeded by
(calibration seed, batch number). So the trials depend only on the seed and
the file -- not on the number of workers, the executor, or whether the run
was interrupted and resumed. Each trial's replicate seeds come from
``SeedSequence([seed, trial, replicate])``.
"""

from __future__ import annotations

import logging
import math
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..execution.driver import drive
from ..execution.executors import Executor, Result, Run
from ..execution.seeds import trial_seed
from ..progress import Pace, plain_line
from ..results import BEST, FIT_CSV, FIT_PNG, MANIFEST, TRIALS, json_text, write_atomic
from .objective import mape
from .spec import CalibrationPlan
from .storage import best_yaml, check_folder, manifest, read_trials, start_folder, write_trials

__all__ = ["CalibrationResult", "calibrate", "evaluate_points", "fit_table", "stderr_report"]

BEST_TRIAL = -1  # trial key of the best parameters' runs


@dataclass
class CalibrationResult:
    """A finished calibration: folder, trials, fit table, best values and errors (percent)."""

    out: Path
    trials: pd.DataFrame
    fit: pd.DataFrame
    best: dict[str, float]
    mape_in: float
    mape_out: float
    manifest: dict[str, Any]


def evaluate_points(executor: Executor, plan: CalibrationPlan, points: list[dict[str, float]],
                    trial_ids: list[int], replicates: int) -> np.ndarray:
    """Simulated target values, shape (points, replicates, targets); NaN for failed runs."""
    from ..experiments.evaluate import evaluate  # the model: imported when runs are made

    labels = tuple(t.label for t in plan.targets)
    fn = partial(evaluate, scenario=plan.run_scenario(), outputs=labels)  # targets are outputs
    seed = plan.calibration.seed
    runs = [Run(i * replicates + r, dict(p), trial_seed(seed, trial_ids[i], r))
            for i, p in enumerate(points) for r in range(replicates)]
    values = np.full((len(points) * replicates, len(labels)), np.nan)

    def take(results: list[Result]) -> None:
        for res in results:
            if res.status == "ok":
                values[res.run_id] = res.values

    drive(executor, fn, labels, runs, take)
    return values.reshape(len(points), replicates, len(labels))


def _distributions(plan: CalibrationPlan) -> dict[str, Any]:
    from optuna.distributions import FloatDistribution, IntDistribution

    from ..experiments.levers import levers

    table = levers()
    out: dict[str, Any] = {}
    for path, (low, high) in plan.calibration.parameters.items():
        if table[path].integer:
            out[path] = IntDistribution(math.ceil(low), math.floor(high))
        else:
            out[path] = FloatDistribution(low, high)
    return out


def _history(trials: pd.DataFrame | None, dists: dict[str, Any]) -> list[Any]:
    """Stored trials as Optuna FrozenTrials (failed trials stay failed)."""
    from optuna.distributions import IntDistribution
    from optuna.trial import TrialState, create_trial

    if trials is None:
        return []
    out = []
    for row in trials.to_dict("records"):
        params = {p: int(row[p]) if isinstance(d, IntDistribution) else float(row[p])
                  for p, d in dists.items()}
        ok = row["status"] == "ok"
        out.append(create_trial(state=TrialState.COMPLETE if ok else TrialState.FAIL,
                                value=float(row["loss"]) if ok else None,
                                params=params, distributions=dists))
    return out


def _start_point(plan: CalibrationPlan) -> dict[str, float]:
    """The first trial: the file's ``start`` values, else the base scenario's (clipped)."""
    data = plan.scenario.model_dump()
    out = {}
    for path, (low, high) in plan.calibration.parameters.items():
        value: Any = data
        for part in path.split("."):
            value = value[part]
        value = plan.calibration.start.get(path, value)
        out[path] = min(max(float(value if value is not None else low), low), high)
    return out


def _sampler(plan: CalibrationPlan, batch: int) -> Any:
    import optuna

    cal = plan.calibration
    seed = int(np.random.SeedSequence([cal.seed, 1, batch]).generate_state(1)[0])
    if cal.method == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.samplers.TPESampler(seed=seed, n_startup_trials=cal.startup_trials,
                                          multivariate=True)


def _ask(plan: CalibrationPlan, history: list[Any], batch: int, n: int) -> list[dict[str, float]]:
    """The next ``n`` parameter sets, from a study rebuilt from ``history``."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dists = _distributions(plan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study = optuna.create_study(direction="minimize", sampler=_sampler(plan, batch))
        study.add_trials(history)
        if not history:
            study.enqueue_trial(_start_point(plan))
        return [dict(study.ask(dists).params) for _ in range(n)]


def _batch_rows(plan: CalibrationPlan, batch: int, first: int, points: list[dict[str, float]],
                sims: np.ndarray) -> pd.DataFrame:
    targets, rows = plan.targets, []
    for i, (params, runs) in enumerate(zip(points, sims, strict=True)):
        means = runs.mean(axis=0)  # NaN if any replicate failed
        loss = mape(targets, means, holdout=False)
        rows.append({"trial": first + i, "batch": batch,
                     "status": "ok" if math.isfinite(loss) else "failed", "loss": loss,
                     "mape_in": loss, "mape_out": mape(targets, means, holdout=True),
                     **{p: float(params[p]) for p in plan.names},
                     **{t.label: float(m) for t, m in zip(targets, means, strict=True)}})
    return pd.DataFrame(rows)


def _search(plan: CalibrationPlan, out: Path, executor: Executor, trials: pd.DataFrame | None,
            max_batches: int | None, report: Callable[[str], None]) -> pd.DataFrame | None:
    cal, dists = plan.calibration, _distributions(plan)
    done = 0 if trials is None else len(trials)
    batch = 0 if trials is None else int(trials["batch"].max()) + 1
    ran, first, t0, pace = 0, done, time.perf_counter(), Pace()  # time left: finished batches
    while done < cal.trials and (max_batches is None or ran < max_batches):
        n = min(cal.batch, cal.trials - done)
        points = _ask(plan, _history(trials, dists), batch, n)
        sims = evaluate_points(executor, plan, points, list(range(done, done + n)), cal.replicates)
        rows = _batch_rows(plan, batch, done, points, sims)
        trials = rows if trials is None else pd.concat([trials, rows], ignore_index=True)
        write_trials(out, trials)
        done, batch, ran = done + n, batch + 1, ran + 1
        ok = trials[trials["status"] == "ok"]
        now = time.perf_counter()
        elapsed, left = now - t0, pace.left(done, cal.trials, now, first)
        report(plain_line(f"calibrate batch {batch}", done, cal.trials, elapsed, left, "trials")
               + f"; best in-sample MAPE {ok['loss'].min() if len(ok) else math.nan:.2f}%")
    return trials


def fit_table(plan: CalibrationPlan, sims: np.ndarray) -> pd.DataFrame:
    """Per target: observed, simulated mean and 5th/95th percentiles over runs, errors.

    ``sims`` has shape (runs, targets); failed runs (NaN) are left out.
    """
    rows = []
    for j, t in enumerate(plan.targets):
        col = sims[:, j][np.isfinite(sims[:, j])]
        mean = float(col.mean()) if len(col) else math.nan
        lo, hi = (np.percentile(col, [5, 95]) if len(col) else (math.nan, math.nan))
        rows.append({"metric": t.metric, "date": t.date, "kind": "year total" if len(t.date) == 4
                     else "month", "observed": t.value, "weight": t.weight,
                     "simulated_mean": mean, "simulated_p05": float(lo), "simulated_p95": float(hi),
                     "error": mean - t.value, "abs_pct_error": 100 * abs(mean - t.value) / abs(t.value),
                     "set": "held-out" if t.holdout else "in-sample"})
    return pd.DataFrame(rows)


def _best(plan: CalibrationPlan, trials: pd.DataFrame) -> dict[str, float]:
    ok = trials[trials["status"] == "ok"]
    if not len(ok):
        raise RuntimeError(f"every trial failed; see {TRIALS}")
    row = ok.sort_values(["loss", "trial"]).iloc[0]
    return {p: float(row[p]) for p in plan.names}


def calibrate(plan: CalibrationPlan, out: Path, executor: Executor, resume: bool = False,
              max_batches: int | None = None, report: Callable[[str], None] | None = None,
              overwrite: bool = False) -> CalibrationResult | None:
    """Run (or continue) a calibration into ``out``; None if stopped early by ``max_batches``.

    The folder and every file in it are checked before anything is written
    (:class:`~simulation.results.ResultsError`).
    """
    t0 = time.perf_counter()
    stored = check_folder(out, plan, resume, overwrite)
    start_folder(out, plan, plan.fingerprint(), stored)
    trials = _search(plan, out, executor, read_trials(out, plan), max_batches, report or _quiet)
    if trials is None or len(trials) < plan.calibration.trials:
        return None
    return _finish(plan, out, executor, trials, time.perf_counter() - t0)


def _quiet(_: str) -> None:
    return None


def _finish(plan: CalibrationPlan, out: Path, executor: Executor, trials: pd.DataFrame,
            wall: float) -> CalibrationResult:
    from .plots import fit_png

    best = _best(plan, trials)
    reps = plan.calibration.best_replicates
    sims = evaluate_points(executor, plan, [best], [BEST_TRIAL], reps)[0]
    fit = fit_table(plan, sims)
    m_in = mape(plan.targets, fit["simulated_mean"].tolist(), holdout=False)
    m_out = mape(plan.targets, fit["simulated_mean"].tolist(), holdout=True)
    header = (f"Fitted by swsim calibrate {plan.file} ({len(trials)} trials, seed "
              f"{plan.calibration.seed}).\nIn-sample MAPE {m_in:.2f}%, held-out MAPE {m_out:.2f}% "
              f"(mean of {reps} runs; see {FIT_CSV}).")
    info = manifest(plan, trials, best, m_in, m_out, executor.describe(), wall)
    # every file is made before the first is written, and manifest.json (which marks a
    # finished calibration) goes last: a failure leaves the unfinished folder --resume
    # continues (plan.json, trials.parquet), never best.yaml and fit.csv without the rest
    files: dict[str, str | bytes] = {
        BEST: best_yaml(plan, out, best, header), FIT_CSV: fit.to_csv(index=False),
        FIT_PNG: fit_png(fit, plan.calibration.holdout_from), MANIFEST: json_text(info)}
    try:
        for name, content in files.items():
            write_atomic(out / name, content)
    except BaseException:
        for name in files:
            (out / name).unlink(missing_ok=True)
        raise
    return CalibrationResult(out, trials, fit, best, m_in, m_out, info)


def stderr_report(line: str) -> None:
    """Progress lines on stderr, in a terminal or a log file alike (one per batch)."""
    print(line, file=sys.stderr, flush=True)


logging.getLogger("optuna").setLevel(logging.WARNING)
