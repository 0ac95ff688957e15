"""Safe writing of results (kept for older imports): everything lives in :mod:`simulation.results`."""

from __future__ import annotations

from .results import (
    KINDS,
    NAME_PATTERN,
    ResultsError,
    check_destination,
    check_name,
    folder_kind,
    remove_aside,
    swap_in,
    write_atomic,
    write_folder,
)

#: the one error of results folders and destinations, under its older name
DestinationError = ResultsError

__all__ = ["KINDS", "NAME_PATTERN", "DestinationError", "ResultsError", "check_destination",
           "check_name", "folder_kind", "remove_aside", "swap_in", "write_atomic", "write_folder"]
