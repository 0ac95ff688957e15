"""Scenario discovery on a finished sweep: which lever ranges make a target come true (PRIM).

``swsim discover SWEEP_DIR --target "metric@YYYY-MM >= value"``
(:mod:`simulation.discovery.cli`); from Python, :func:`discover`.
"""

from .api import discover
from .target import Target, parse_target

__all__ = ["Target", "discover", "parse_target"]
