"""Run seeding, in one place: how each command keys its runs' random streams.

Every run builds ``SocialWorkModel(scenario, seed=S, replicate=R)``, whose streams
all derive from ``numpy.random.SeedSequence([S, R])``. The commands choose (S, R):

* ``swsim run --seed s --replicates n``: replicate ``r`` is ``(s, r)``
  (:func:`replicate_key`);
* ``swsim sweep``: run ``k`` is ``(run_seed(experiment seed, k), 0)``, so a plug-in
  model, which takes one integer seed, is seeded the same way as the simulation;
* ``swsim calibrate``: replicate ``r`` of trial ``t`` is
  ``(trial_seed(calibration seed, t, r), 0)`` (the best parameters' runs use ``t = -1``).
* Mesa's keyword form, ``SocialWorkModel(scenario=..., rng=s)`` (``mesa.batch_run`` passes
  each of its ``rng`` values as ``seed=``, the model's own name for it), is ``(s, 0)``:
  replicate 0 of ``swsim run --seed s``.

The three keys are kept as they were when each command was written, so every published
result (regression baselines, the documented sweep, discovery and calibration figures)
still reproduces to the byte. Each key depends only on the command's seed and the run's
identity, never on the executor, batching or retries.
"""

from __future__ import annotations

import numpy as np

__all__ = ["replicate_key", "run_seed", "trial_seed"]


def _draw(key: list[int]) -> int:
    """One integer in [0, 2**63) from ``SeedSequence(key)``."""
    state = np.random.SeedSequence(key).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def replicate_key(seed: int, replicate: int) -> tuple[int, int]:
    """``swsim run``: the model's (seed, replicate) for replicate ``replicate``."""
    return int(seed), int(replicate)


def run_seed(seed: int, run_id: int) -> int:
    """A sweep: the seed of one run, in [0, 2**63), keyed by the experiment seed and run id."""
    return _draw([int(seed), int(run_id)])


def trial_seed(seed: int, trial: int, replicate: int) -> int:
    """A calibration: the seed of one run, in [0, 2**63), keyed by the calibration seed,
    trial and replicate. The runs of the best parameters use ``trial = -1`` (stored as
    2**32 - 1)."""
    return _draw([int(seed), int(trial) % 2**32, int(replicate)])
