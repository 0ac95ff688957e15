"""Sensitivity experiments: ``swsim sweep`` (SALib sampling and analysis, resumable runs).

Modules: :mod:`.spec` (experiment files), :mod:`.levers` (sweepable parameters),
:mod:`.evaluate` (the simulation as ``f(params, seed) -> dict``),
:mod:`.sampling` and :mod:`.analysis` (SALib), :mod:`.store` (chunks, resume),
:mod:`.sweep` (the whole run), :mod:`.examples` (Ishigami), :mod:`.cli`. Executors,
batching, run seeds and the ``--workers``/``--scheduler`` options are shared with
``swsim run`` and ``calibrate`` in :mod:`simulation.execution` (``.executors`` and
``.driver`` here are that package's modules, kept under their old names).
Nothing is imported here, so ``swsim`` stays quick to start.
"""

__all__: list[str] = []
