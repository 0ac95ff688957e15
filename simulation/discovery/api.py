"""One call: read a sweep folder, classify its sample points, run PRIM, write the outputs."""

from __future__ import annotations

from pathlib import Path

from ..results import DISCOVERY, check_destination
from .outputs import write_outputs
from .prim_box import Discovery, run_prim
from .sweep_data import load_points
from .target import Target, parse_target

__all__ = ["discover"]

AVERAGING = ("replicates of each sample point are averaged (successful runs with a finite value) "
             "and the target is applied to the mean")


def discover(sweep: str | Path, target: str | Target, out: str | Path | None = None,
             min_density: float = 0.8, overwrite: bool = False) -> tuple[Discovery | None, dict]:
    """Scenario discovery for ``target`` on the finished sweep in ``sweep``.

    Returns the PRIM result (None when no point, or every point, meets the
    target) and the content of discovery.json. Files go to ``out`` (default
    ``SWEEP/discovery``). Raises :class:`~simulation.results.ResultsError` (a folder or
    destination that cannot be used) or :class:`~.target.TargetError` on bad input, before
    writing anything.
    """
    folder = Path(sweep)
    out = Path(out) if out is not None else folder / DISCOVERY
    check_destination(out, "discovery", overwrite)  # before any work
    tgt = parse_target(target) if isinstance(target, str) else target
    data = load_points(folder, tgt)
    y = tgt.holds(data.value)
    k = int(y.sum())
    info = {"sweep": str(folder), "experiment": data.manifest.get("experiment"),
            "target": str(tgt), "output": tgt.output, "operator": tgt.op, "value": tgt.value,
            "classification": AVERAGING, "runs": data.runs, "points": len(y),
            "points_dropped": data.dropped, "points_meeting_target": k,
            "share_meeting_target": k / len(y), "min_density": min_density,
            "levers": list(data.x.columns)}
    disc = None
    if 0 < k < len(y):
        declared = {k: (float(v[0]), float(v[1]))
                    for k, v in data.manifest.get("parameters", {}).items()}
        disc = run_prim(data.x, y, min_density=min_density, declared=declared)
    else:
        info["note"] = ("no sample point meets the target" if k == 0 else
                        "every sample point meets the target") + "; no box to find"
    write_outputs(out, disc, info)
    return disc, info
