"""Safe writing: atomic files, and result folders that never mix or clobber silently.

Every command that writes a folder (run, sweep, calibrate, report) follows one rule:

1. :func:`check_destination` before anything runs: the destination must be new, empty,
   or hold a finished result of the same kind (its ``manifest.json`` says which kind);
   anything else is refused unless the user passed ``--overwrite``. Places whose loss
   would be a disaster (the working folder, its parents, the home folder, the root)
   are refused always. Unwritable places are found here, not after the run.
2. :func:`write_folder` builds the new folder beside the old one and swaps it in
   whole, so a failure at any moment leaves the old folder or the new one, never a mix.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["KINDS", "NAME_PATTERN", "DestinationError", "check_destination", "check_name", "folder_kind",
           "remove_aside", "swap_in", "write_atomic", "write_folder"]

#: kinds of results folder, as written in their manifest's ``kind`` field
KINDS = ("run", "runs", "sweep", "calibration", "discovery")

#: names that can become a folder: letters, digits, ``_ . -``; not starting with a dot
NAME_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}$"


class DestinationError(ValueError):
    """A destination that cannot take the result (printed as one ``error:`` line, exit 2)."""


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write to a temporary file in the same folder, then rename over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_name(name: str, what: str = "name") -> str:
    """A name that becomes a folder: refuse ``..``, slashes, hidden and empty names."""
    if not isinstance(name, str) or not re.fullmatch(NAME_PATTERN, name) or set(name) <= {"."}:
        raise DestinationError(f"{what} {name!r} cannot be a folder name: use letters, digits, "
                               "'_', '.', '-' (not starting with '.')")
    return name


def folder_kind(path: Path) -> str | None:
    """The kind of finished result in ``path`` (from its manifest), or None."""
    try:
        data = json.loads((Path(path) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        try:  # a discovery folder's record is its discovery.json
            found = json.loads((Path(path) / "discovery.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return "discovery" if isinstance(found, dict) and "target" in found else None
    if not isinstance(data, dict):
        return None
    kind = data.get("kind")
    if kind in KINDS:
        return str(kind)
    files = set(data.get("files") or []) if isinstance(data.get("files"), list) else set()
    # folders written before manifests named their kind
    if "timeseries.csv" in files:
        return "run"
    if "trials.parquet" in files:
        return "calibration"
    if "runs" in data and "method" in data:
        return "sweep"
    return None


def _protected(path: Path) -> bool:
    target = path.resolve()
    cwd = Path.cwd().resolve()
    home = Path.home().resolve()
    return target == Path(target.anchor) or target == home or target == cwd or \
        target in cwd.parents


def _writable_parent(path: Path) -> Path:
    probe = path.resolve().parent
    while not probe.exists():
        probe = probe.parent
    return probe


def check_destination(path: Path, kind: str, overwrite: bool = False, option: str = "--out"
                      ) -> None:
    """Refuse a destination that cannot take a new ``kind`` result; see the module doc."""
    path = Path(path)
    if _protected(path):
        raise DestinationError(f"{option} {path}: refusing to write a result over this folder "
                               "(it holds your work); choose a folder of its own")
    if path.exists() or path.is_symlink():
        if not path.is_dir():
            raise DestinationError(f"{option} {path}: exists and is not a folder")
        entries = list(path.iterdir())
        held = folder_kind(path)
        if entries and held != kind and not overwrite:
            what = f"a {held} result" if held else \
                f"other files ({', '.join(sorted(p.name for p in entries)[:4])}" + \
                (", ..." if len(entries) > 4 else "") + ")"
            raise DestinationError(f"{option} {path}: holds {what}, not a finished {kind} result; "
                                   "choose another folder, or pass --overwrite to replace it")
    parent = _writable_parent(path)
    if not parent.is_dir():
        raise DestinationError(f"{option} {path}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise DestinationError(f"{option} {path}: cannot write in {parent} (permission denied)")
    if path.is_dir() and not os.access(path.parent, os.W_OK | os.X_OK):
        raise DestinationError(f"{option} {path}: cannot replace it, {path.parent} is not "
                               "writable (permission denied)")


def _renameat2() -> Callable[[str, str], bool] | None:
    """Linux's atomic exchange of two paths (RENAME_EXCHANGE), when libc has it."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        fn = ctypes.CDLL(name, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2

    def exchange(a: str, b: str) -> bool:
        return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0

    return exchange


_EXCHANGE = _renameat2()


def swap_in(new: Path, path: Path) -> Path | None:
    """Put folder ``new`` at ``path``; return where the old folder went (to remove), or None.

    On Linux the two are exchanged atomically; elsewhere the old folder is first
    renamed aside, so an interruption leaves it whole under a hidden name.
    """
    new, path = Path(new), Path(path)
    if not path.exists():
        os.replace(new, path)
        return None
    if _EXCHANGE is not None and _EXCHANGE(str(new), str(path)):
        return new  # ``new`` now names the old folder
    aside = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-", dir=path.parent))
    aside.rmdir()
    os.replace(path, aside)
    os.replace(new, path)
    return aside


def remove_aside(old: Path | None) -> None:
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_folder(path: Path, fill: Callable[[Path], None]) -> Path:
    """Build a folder with ``fill(tmp)`` beside ``path``, then swap it in whole."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.new-", dir=path.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        fill(tmp)
        old = swap_in(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    remove_aside(old)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
