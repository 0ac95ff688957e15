"""One module per process; each exposes ``step(model)`` (and ``init`` where it owns state)."""

from . import duties, funding, projects, service, stations, volunteers, workforce

__all__ = ["duties", "funding", "projects", "service", "stations", "volunteers", "workforce"]
