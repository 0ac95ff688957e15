"""``swsim report``: plots and a self-contained HTML report from saved results.

Reads run folders (``swsim run``) and sweep folders (``swsim sweep``) only; never runs the model.
Modules: :mod:`.data` (reading folders), :mod:`.prep` (every number shown), :mod:`.plots`
(pure plot functions), :mod:`.figures` (which plots), :mod:`.i18n` and :mod:`.fonts`
(English/Chinese), :mod:`.html` and :mod:`.sections` (the page), :mod:`.build`, :mod:`.cli`.
Importing the package is cheap (``swsim`` imports :mod:`.cli` for its parser); matplotlib
and pandas load on first use of :func:`build_report`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["build_report"]


def __getattr__(name: str) -> Any:
    if name == "build_report":
        from .build import build_report

        return build_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
