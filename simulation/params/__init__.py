"""Scenario parameters: the schema (one declaration of every parameter) and its loader."""

from .loader import ScenarioError, load_scenario, shipped_scenarios
from .schema import GROUPS, LEVELS, SERVICE_TYPES, SOURCES, Scenario

__all__ = [
    "GROUPS",
    "LEVELS",
    "SERVICE_TYPES",
    "SOURCES",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "shipped_scenarios",
]
