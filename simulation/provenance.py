"""Where a result came from: package versions, the project's git commit, the code's hash."""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["PACKAGES", "code_fingerprint", "fingerprint", "git_commit", "versions"]

PACKAGES = ("swsim", "mesa", "numpy", "pandas", "pydantic", "PyYAML", "SALib", "distributed",
            "optuna", "ema-workbench")


def versions(packages: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """Python's and each package's installed version."""
    out = {"python": platform.python_version()}
    for pkg in packages:
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def git_commit() -> str | None:
    """The checkout's HEAD commit, when swsim runs from a git checkout."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        res = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return (res.stdout.strip() or None) if res.returncode == 0 else None


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 of swsim's own source (every ``*.py`` of the package, path and bytes, sorted
    by path): it changes with the code that runs, even on an editable install whose version
    stays the same. The git commit is left out on purpose: a commit that touches only docs
    or tests must not stop a sweep from resuming (manifests record the commit anyway)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py"), key=lambda p: p.relative_to(package).as_posix()):
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def fingerprint(payload: dict[str, Any], packages: tuple[str, ...]) -> str:
    """SHA-256 of ``payload``, the named packages' versions and :func:`code_fingerprint`:
    what must not change between a run and its resumption."""
    full = {**payload, "versions": {p: versions((p,))[p] for p in packages},
            "code": code_fingerprint()}
    text = json.dumps(full, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
