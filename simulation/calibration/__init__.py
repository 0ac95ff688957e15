"""Calibration: fit scenario parameters to observations, with a held-out back-test (Optuna).

``swsim calibrate CALIBRATION.yaml`` (:mod:`simulation.calibration.cli`);
from Python, :func:`load_calibration` then :func:`calibrate` with an
executor from :mod:`simulation.execution.executors`.
"""

from .runner import CalibrationResult, calibrate
from .spec import Calibration, CalibrationPlan, load_calibration

__all__ = ["Calibration", "CalibrationPlan", "CalibrationResult", "calibrate", "load_calibration"]
