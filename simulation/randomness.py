"""Random draws, or their expected values in deterministic mode.

Every process draws through one of these, each wrapping its own
``numpy.random.Generator`` spawned from the run's ``SeedSequence``. With
``deterministic=True`` (scenario key ``deterministic``) counts become their
rounded expected values and selections take the expected number of people by
systematic sampling in the order of each person's fixed rank key, so
the model can be docked against closed-form cohort calculations.
"""

from __future__ import annotations

from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

__all__ = ["Draws"]


class Draws:
    """Sampling (or expected values) for one process."""

    def __init__(self, rng: np.random.Generator, deterministic: bool = False):
        self.rng = rng
        self.deterministic = deterministic

    @overload
    def binomial(self, n: int, p: float) -> int: ...
    @overload
    def binomial(self, n: NDArray[Any], p: float | NDArray[Any]) -> NDArray[np.int64]: ...

    def binomial(self, n: int | NDArray[Any], p: float | NDArray[Any]
                 ) -> int | NDArray[np.int64]:
        """Successes out of ``n`` trials of probability ``p`` (an int for a scalar ``n``)."""
        if self.deterministic:
            out = np.rint(np.asarray(n, dtype=float) * p).astype(np.int64)
            return int(out) if out.ndim == 0 else out
        drawn: NDArray[np.int64] = np.asarray(self.rng.binomial(n, p))
        return int(drawn) if np.ndim(drawn) == 0 else drawn

    def poisson(self, lam: NDArray[Any]) -> NDArray[Any]:
        """Counts with mean ``lam`` (expected values, unrounded, when deterministic)."""
        if self.deterministic:
            return np.asarray(lam, dtype=float).copy()
        counts: NDArray[Any] = self.rng.poisson(lam)
        return counts

    def select(self, p: NDArray[Any], key: NDArray[Any], strata: NDArray[Any] | None = None
               ) -> NDArray[np.bool_]:
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

    def select_exactly(self, p: NDArray[Any], k: int, key: NDArray[Any]) -> NDArray[np.bool_]:
        """Boolean mask of exactly ``k`` items (at most all), each selected with a chance
        close to ``p`` when ``p`` sums to ``k`` (an observed count, e.g. a registrations series).

        Random: Pareto sampling (Rosen 1997), the ``k`` smallest odds(u) / odds(p) for uniform
        ``u`` drawn as :meth:`select` draws them (an item of ``p`` 1 always, of ``p`` 0 last).
        Deterministic: :meth:`select` along ``key`` (one stratum), which picks round(sum p)."""
        p = np.asarray(p, dtype=float)
        k = min(max(int(k), 0), len(p))
        if self.deterministic:
            mask = self.select(p, key)
            extra = int(mask.sum()) - k  # sum p is k to within float rounding
            if extra > 0:  # drop the picked items of highest key, or add the unpicked of lowest
                mask[np.flatnonzero(mask)[np.argsort(key[mask], kind="stable")[-extra:]]] = False
            elif extra < 0:
                mask[np.flatnonzero(~mask)[np.argsort(key[~mask], kind="stable")[:-extra]]] = True
            return mask
        u = self.rng.random(len(p))
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = np.where(p < 1.0, p / (1.0 - p), np.inf)
            score = np.where(odds > 0, (u / (1.0 - u)) / odds, np.inf)
        mask = np.zeros(len(p), dtype=bool)
        if k:
            mask[np.argpartition(score, k - 1)[:k]] = True
        return mask

    def choose(self, pool: NDArray[Any], k: int, key: NDArray[Any],
               prefer: NDArray[Any] | None = None) -> NDArray[Any]:
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

    def normal(self, mean: float, sd: float, n: int) -> NDArray[np.float64]:
        return np.full(n, float(mean)) if self.deterministic else self.rng.normal(mean, sd, n)

    def uniform(self, n: int) -> NDArray[np.float64]:
        """Uniform [0, 1) numbers for keys and shares (drawn in both modes)."""
        return self.rng.random(n)
