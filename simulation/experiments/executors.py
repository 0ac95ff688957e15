"""Moved to :mod:`simulation.execution.executors` (one package runs the model for every
command); this name stays for existing imports and is that same module."""

import sys

from ..execution import executors as _executors

sys.modules[__name__] = _executors
