"""Where a result came from: package versions and the project's git commit."""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

__all__ = ["PACKAGES", "fingerprint", "git_commit", "versions"]

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


def fingerprint(payload: dict, packages: tuple[str, ...]) -> str:
    """SHA-256 of ``payload`` plus the named packages' versions: what must not change
    between a run and its resumption."""
    full = {**payload, "versions": {p: versions((p,))[p] for p in packages}}
    text = json.dumps(full, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
