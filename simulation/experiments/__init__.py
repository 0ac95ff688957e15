"""Sensitivity experiments: ``swsim sweep`` (SALib sampling and analysis, resumable runs).

Modules: :mod:`.spec` (experiment files), :mod:`.levers` (sweepable parameters),
:mod:`.evaluate` (the simulation as ``f(params, seed) -> dict``),
:mod:`.sampling` and :mod:`.analysis` (SALib), :mod:`.executors` and
:mod:`.driver` (serial, processes, Dask), :mod:`.store` (chunks, resume),
:mod:`.sweep` (the whole run), :mod:`.examples` (Ishigami), :mod:`.cli`.
Nothing is imported here, so ``swsim`` stays quick to start.
"""

__all__: list[str] = []
