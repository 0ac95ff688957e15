"""One call: read a sweep folder, classify its sample points, run PRIM, write the outputs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..params import ScenarioError, load_scenario
from ..results import DISCOVERY, SCENARIO, check_destination, finished_sweep
from .outputs import write_outputs
from .prim_box import Discovery, run_prim
from .sweep_data import RESWEEP, load_points
from .target import Target, TargetError, from_policy, parse_target

__all__ = ["discover", "resolve_target"]

AVERAGING = ("replicates of each sample point are averaged (successful runs with a finite value) "
             "and the target is applied to the mean")


def resolve_target(folder: Path, target: str | Target | None) -> Target:
    """``target`` as a :class:`Target`: an expression (``"metric@YYYY-MM >= value"``), the
    name of a policy target of the sweep's scenario (its ``scenario.yaml``), or None: the
    scenario's one policy target that is an output of the sweep. TargetError otherwise."""
    if isinstance(target, Target):
        return target
    if target is not None and not re.fullmatch(r"[a-z][a-z0-9_]*", target.strip()):
        return parse_target(target)
    outputs = finished_sweep(folder, RESWEEP).get("outputs") or []  # a sweep folder first
    try:
        policy = (load_scenario(folder / SCENARIO).targets if (folder / SCENARIO).is_file()
                  else [])
    except ScenarioError as exc:
        raise TargetError(f"cannot read the sweep's scenario: {exc}") from None
    if target is not None:
        named = [t for t in policy if t.name == target.strip()]
        if not named:
            known = ", ".join(t.name for t in policy) or "none"
            raise TargetError(f"{target.strip()!r} is neither OUTPUT OP VALUE nor a target of "
                              f"the sweep's scenario (its targets: {known})")
        return from_policy(named[0])
    usable = [t for t in policy if from_policy(t).output in outputs]
    if len(usable) != 1:
        which = (f"{len(usable)} of the scenario's targets are outputs of this sweep "
                 f"({', '.join(t.name for t in usable)})" if usable else
                 "no target of the sweep's scenario is an output of this sweep")
        raise TargetError(f"{which}; give --target NAME or --target 'OUTPUT OP VALUE'")
    return from_policy(usable[0])


def discover(sweep: str | Path, target: str | Target | None = None, out: str | Path | None = None,
             min_density: float = 0.8, overwrite: bool = False
             ) -> tuple[Discovery | None, dict[str, Any]]:
    """Scenario discovery for ``target`` on the finished sweep in ``sweep`` (see
    :func:`resolve_target`: an expression, a policy target's name, or None).

    Returns the PRIM result (None when no point, or every point, meets the
    target) and the content of discovery.json. Files go to ``out`` (default
    ``SWEEP/discovery``). Raises :class:`~simulation.results.ResultsError` (a folder or
    destination that cannot be used) or :class:`~.target.TargetError` on bad input, before
    writing anything.
    """
    folder = Path(sweep)
    out = Path(out) if out is not None else folder / DISCOVERY
    check_destination(out, "discovery", overwrite)  # before any work
    tgt = resolve_target(folder, target)
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
