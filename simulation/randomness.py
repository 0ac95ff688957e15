"""Random draws, or their expected values in deterministic mode.

Every process draws through one of these, each wrapping its own
``numpy.random.Generator`` spawned from the run's ``SeedSequence``. With
``deterministic=True`` (scenario key ``deterministic``) counts become their
rounded expected values and selections take the expected number of people by
systematic sampling in the order of each person's fixed rank key, so
the model can be docked against closed-form cohort calculations.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Draws"]


class Draws:
    """Sampling (or expected values) for one process."""

    def __init__(self, rng: np.random.Generator, deterministic: bool = False):
        self.rng = rng
        self.deterministic = deterministic

    def binomial(self, n, p) -> np.ndarray | int:
        """Successes out of ``n`` trials of probability ``p``."""
        if self.deterministic:
            out = np.rint(np.asarray(n, dtype=float) * p).astype(np.int64)
            return int(out) if out.ndim == 0 else out
        out = self.rng.binomial(n, p)
        return int(out) if np.ndim(out) == 0 else out

    def poisson(self, lam: np.ndarray) -> np.ndarray:
        """Counts with mean ``lam`` (expected values, unrounded, when deterministic)."""
        return np.asarray(lam, dtype=float).copy() if self.deterministic else self.rng.poisson(lam)

    def select(self, p: np.ndarray, key: np.ndarray, strata: np.ndarray | None = None
               ) -> np.ndarray:
        """Boolean mask: each item is selected with probability ``p``.

        Deterministic: systematic sampling along the items in ``key`` order within each
        stratum, which picks round(sum p) items per stratum and spreads the picks in
        proportion to each item's ``p`` (rather than always taking the highest-p items)."""
        if not self.deterministic:
            return self.rng.random(len(p)) < p
        p = np.asarray(p, dtype=float)
        groups = np.zeros(len(p), dtype=np.int64) if strata is None else np.asarray(strata)
        order = np.lexsort((key, groups))
        cum = np.cumsum(p[order])
        g = groups[order]
        start = np.r_[True, g[1:] != g[:-1]]
        # restart the running sum at each stratum
        offset = np.maximum.accumulate(np.where(start, np.r_[0.0, cum[:-1]], 0.0))
        cum = cum - offset
        before = cum - p[order]
        picked = np.floor(cum + 0.5) - np.floor(before + 0.5) > 0
        mask = np.zeros(len(p), dtype=bool)
        mask[order[picked]] = True
        return mask

    def choose(self, pool: np.ndarray, k: int, key: np.ndarray,
               prefer: np.ndarray | None = None) -> np.ndarray:
        """``k`` distinct items of ``pool`` (at most all of them), in pool order; items
        where ``prefer`` (indexed like ``key``) is true are taken first."""
        k = min(int(k), len(pool))
        if prefer is not None:
            first, rest = pool[prefer[pool]], pool[~prefer[pool]]
            head = self.choose(first, k, key)
            return np.sort(np.r_[head, self.choose(rest, k - len(head), key)])
        if self.deterministic:
            picked = pool[np.argsort(key[pool], kind="stable")[:k]]
        else:
            picked = self.rng.choice(pool, size=k, replace=False)
        return np.sort(picked)

    def normal(self, mean: float, sd: float, n: int) -> np.ndarray:
        return np.full(n, float(mean)) if self.deterministic else self.rng.normal(mean, sd, n)

    def uniform(self, n: int) -> np.ndarray:
        """Uniform [0, 1) numbers for keys and shares (drawn in both modes)."""
        return self.rng.random(n)
