"""swsim: agent-based simulation of China's grassroots social-work system.

``simulation.run(scenario, seed=..., replicates=...)`` runs a scenario and
returns a :class:`simulation.runner.RunResult` whose ``timeseries`` is a pandas
DataFrame. The model and runner are imported on first use, so that loading
and validating scenarios stays fast.
"""

from typing import Any

from .params import Scenario, ScenarioError, load_scenario

__all__ = ["RunResult", "Scenario", "ScenarioError", "SocialWorkModel", "evaluate", "load_scenario",
           "run"]
__version__ = "0.1.0"

_LAZY = {"run": "runner", "RunResult": "runner", "SocialWorkModel": "model",
         "evaluate": "experiments.evaluate"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'simulation' has no attribute {name!r}")
