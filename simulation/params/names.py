"""The rule for names that become folders (a scenario's, an experiment's, a calibration's).

The scenario schema checks its ``name`` with :func:`check_name`, so the rule lives with the
parameters; :mod:`simulation.results`, which makes the folders, re-exports it
(``simulation.results.check_name`` and ``NAME_PATTERN`` stay where users import them from)
and raises its own :class:`~simulation.results.ResultsError`.
"""

from __future__ import annotations

import re

__all__ = ["NAME_MAX_BYTES", "NAME_PATTERN", "FolderNameError", "check_name"]

#: names that can become a folder: letters and digits of any script (``str.isalnum``, so
#: 南湖市 too), ``_ . -``; not starting with ``.`` or ``-``; at most 100 characters
#: (``\w`` is ``str.isalnum`` or ``_``). :func:`check_name` also caps the UTF-8 length.
NAME_PATTERN = r"^[^\W.\-][\w.\-]{0,99}$"
#: a folder name may have 255 bytes; swsim's temporary names add about 20 to the name
NAME_MAX_BYTES = 200


class FolderNameError(ValueError):
    """A name that cannot be a folder name (one line; pydantic reports it as a value error)."""


def check_name(name: str, what: str = "name") -> str:
    """A name that becomes a folder (:data:`NAME_PATTERN`): refuse ``..``, slashes, control
    characters, hidden, empty and over-long names; letters of any script are welcome."""
    if isinstance(name, str) and re.fullmatch(NAME_PATTERN, name) and \
            len(name.encode("utf-8")) <= NAME_MAX_BYTES:
        return name
    if not isinstance(name, str):
        problem = f"it is {type(name).__name__}, not text"
    elif not name:
        problem = "it is empty"
    elif len(name) > 100 or len(name.encode("utf-8", "replace")) > NAME_MAX_BYTES:
        problem = f"longer than 100 characters or {NAME_MAX_BYTES} bytes in UTF-8"
    elif any(not (c.isalnum() or c in "_.-") for c in name):
        bad = next(c for c in name if not (c.isalnum() or c in "_.-"))
        problem = f"{bad!r} is not allowed" if bad.isprintable() else \
            f"character U+{ord(bad):04X} is not allowed"
    else:
        problem = f"it starts with {name[0]!r}"
    shown = repr(name if not isinstance(name, str) or len(name) <= 40 else name[:40] + "...")
    raise FolderNameError(f"{what} {shown} cannot be a folder name ({problem}): use letters and "
                          "digits of any script (e.g. 南湖市), '_', '.', '-', not starting with "
                          "'.' or '-', at most 100 characters (66 Chinese ones)")
