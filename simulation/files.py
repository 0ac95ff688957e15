"""Writing a file safely: a temporary file in the same folder, then a rename.

At the bottom of the package (it imports nothing of swsim), so that the model layer's
parameter-table tool (:mod:`simulation.params.docs`) and the results folders
(:mod:`simulation.results`, which re-exports :func:`write_atomic`) share it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["umask", "write_atomic"]


def umask() -> int:
    """The process's file-creation mask (read without changing it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file in the same folder, then rename over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # TMP_GLOB
    try:
        os.chmod(tmp, 0o666 & ~umask())  # mkstemp makes 0600; give the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
