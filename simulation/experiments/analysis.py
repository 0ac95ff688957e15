"""Sensitivity indices with SALib, from the runs table.

Replicates of a sample point are averaged (over the runs that succeeded and
gave a finite value) before the indices are computed. An output with a
sample point left without any value (every replicate failed, or NaN) gets no
indices for sobol, morris and fast, whose designs need every point; a note
says so. lhs gets Spearman rank correlations over the points that have values.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import fast, morris, sobol
from scipy import stats

from .sampling import FAST_M, MORRIS_LEVELS, problem
from .spec import Experiment

__all__ = ["COLUMNS", "analyse", "point_means"]

COLUMNS = ["output", "parameter", "index", "value", "conf"]
CONF_LEVEL = 0.95
RESAMPLES = 100


def point_means(runs: pd.DataFrame, outputs: list[str], points: int) -> dict[str, np.ndarray]:
    """Each output's mean over the successful, finite replicates of every sample point."""
    ok = runs[runs["status"] == "ok"]
    out = {}
    for name in outputs:
        values = ok[["sample", name]].replace([np.inf, -np.inf], np.nan).dropna()
        means = values.groupby("sample")[name].mean()
        out[name] = means.reindex(range(points)).to_numpy(dtype=float)
    return out


def _rows(output: str, names: list[str], result: dict[str, Any],
          pairs: list[tuple[str, str | None]]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for index, conf in pairs:
        for i, parameter in enumerate(names):
            c = float(result[conf][i]) if conf else math.nan
            rows.append([output, parameter, index, float(result[index][i]), c])
    return rows


def _spearman(y: np.ndarray, X: np.ndarray) -> dict[str, list[float]]:
    keep = ~np.isnan(y)
    n = int(keep.sum())
    rho, conf = [], []
    for j in range(X.shape[1]):
        r = float(stats.spearmanr(X[keep, j], y[keep]).statistic) if n > 2 else math.nan
        half = stats.norm.ppf(0.5 + CONF_LEVEL / 2) / math.sqrt(n - 3) if n > 3 else math.nan
        z = math.atanh(max(min(r, 0.999999), -0.999999)) if not math.isnan(r) else math.nan
        rho.append(r)
        conf.append((math.tanh(z + half) - math.tanh(z - half)) / 2)
    return {"spearman": rho, "spearman_conf": conf}


def _indices(exp: Experiment, X: np.ndarray, y: np.ndarray
             ) -> tuple[dict[str, Any], list[tuple[str, str | None]]]:
    prob, seed = problem(exp), exp.seed % (2**32 - 1) + 1  # SALib treats seed 0 as "no seed"
    if exp.method == "sobol":
        res = sobol.analyze(prob, y, calc_second_order=False, num_resamples=RESAMPLES,
                            conf_level=CONF_LEVEL, seed=seed)
        return res, [("S1", "S1_conf"), ("ST", "ST_conf")]
    if exp.method == "morris":
        res = morris.analyze(prob, X, y, num_resamples=RESAMPLES, conf_level=CONF_LEVEL,
                             num_levels=MORRIS_LEVELS, seed=seed)
        return res, [("mu", None), ("mu_star", "mu_star_conf"), ("sigma", None)]
    if exp.method == "fast":
        state = np.random.get_state()  # SALib's FAST seeds numpy's global generator
        try:
            res = fast.analyze(prob, y, M=FAST_M, num_resamples=RESAMPLES,
                               conf_level=CONF_LEVEL, seed=seed)
        finally:
            np.random.set_state(state)
        return res, [("S1", "S1_conf"), ("ST", "ST_conf")]
    return _spearman(y, X), [("spearman", "spearman_conf")]


def analyse(exp: Experiment, X: np.ndarray, means: dict[str, np.ndarray]
            ) -> tuple[pd.DataFrame, list[str]]:
    """The indices as a long table (``output, parameter, index, value, conf``) and notes.

    Index names are SALib's: S1/ST (sobol, fast), mu/mu_star/sigma (morris);
    lhs gives ``spearman`` rank correlations. ``conf`` is the half-width of the
    95% confidence interval (NaN where SALib gives none).
    """
    rows: list[list[Any]] = []
    notes: list[str] = []
    for output, y in means.items():
        missing = int(np.isnan(y).sum())
        if missing and exp.method != "lhs":
            notes.append(f"{output}: {missing} of {len(y)} sample points have no value "
                         "(failed runs or NaN); no indices computed")
            continue
        if np.nanstd(y) == 0:
            notes.append(f"{output}: constant over the sample; indices are not meaningful")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result, pairs = _indices(exp, X, y)
        rows.extend(_rows(output, list(exp.parameters), result, pairs))
    return pd.DataFrame(rows, columns=COLUMNS), notes
