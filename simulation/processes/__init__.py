"""One module per process; each exposes ``step(model)`` (and ``init`` where it owns state)."""

from . import funding, service, stations, volunteers, workforce

__all__ = ["funding", "service", "stations", "volunteers", "workforce"]
