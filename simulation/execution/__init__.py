"""One way to run the model, for every command (``swsim run``, ``sweep``, ``calibrate``).

Modules: :mod:`.model_run` (:func:`~.model_run.simulate`, the one function that builds
and runs :class:`~simulation.model.SocialWorkModel`, and the outputs read from its
monthly records), :mod:`.seeds` (how each command keys its runs' random streams),
:mod:`.executors` (serial, local processes, a Dask cluster), :mod:`.driver`
(batches, retries) and :mod:`.choice` (the ``--workers``/``--scheduler`` options, the
worker cap and the Dask worker checks, shared by every command).
Nothing is imported here, so ``swsim`` stays quick to start.
"""

__all__: list[str] = []
