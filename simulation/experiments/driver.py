"""Moved to :mod:`simulation.execution.driver` (one package runs the model for every
command); this name stays for existing imports and is that same module."""

import sys

from ..execution import driver as _driver

sys.modules[__name__] = _driver
