"""Agent kinds and their decisions, one module per kind.

Each kind is a vectorised agent set (one row per agent, docs/ODD.md section 2); its
module writes the kind's decisions from an agent's own state and surroundings, for
the whole set at once. The processes (:mod:`simulation.processes`) decide *when*
(the month, the budget, the order of the step) and keep the month's accounts.
"""

from . import residents, stations, volunteers, workers

__all__ = ["residents", "stations", "volunteers", "workers"]
