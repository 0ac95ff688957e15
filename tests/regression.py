"""Seeded regression baselines of the shipped scenarios: any change of model behaviour
shows up as a readable diff of metrics.

    python tests/regression.py            # compare, print the differences
    python tests/regression.py --update   # accept today's behaviour as the baseline

The baselines live in ``tests/baselines/<case>.csv`` (long format: ``date, metric,
value``), one file per case so a change reads as a diff per scenario. Update them only
with a change that is meant to alter behaviour, and say in the commit (and in
docs/calibration.md) which figures moved and why.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from simulation.model import SocialWorkModel
from simulation.params import load_scenario, shipped_scenarios

FOLDER = Path(__file__).resolve().parent / "baselines"
RTOL = 1e-9  # runs are reproducible to the byte; this only absorbs float printing


@dataclass(frozen=True)
class Case:
    scenario: str
    months: int
    deterministic: bool
    seed: int = 1

    @property
    def name(self) -> str:
        return f"{self.scenario}-{self.months}m-{'det' if self.deterministic else f'seed{self.seed}'}"


def cases() -> list[Case]:
    """Small city and a two-year Tianjin in both modes; every other shipped scenario
    for its first six months."""
    out = [Case("small_city", 48, True), Case("small_city", 48, False),
           Case("tianjin_baseline", 24, True), Case("tianjin_baseline", 24, False)]
    out += [Case(name, 6, False) for name in shipped_scenarios()
            if name not in ("small_city", "tianjin_baseline")]
    return out


def compute(case: Case) -> pd.DataFrame:
    """The case's metrics every six months and at its end, in long format."""
    scenario = load_scenario(case.scenario).model_copy(
        update={"months": case.months, "deterministic": case.deterministic})
    model = SocialWorkModel(scenario, seed=case.seed, replicate=0)
    model.run()
    frame = pd.DataFrame.from_records(model.records)
    keep = (frame["step"] % 6 == 0) | (frame["step"] == frame["step"].max())
    long = frame[keep].drop(columns=["step"]).melt(id_vars="date", var_name="metric")
    return long.astype({"value": float}).reset_index(drop=True)


def _path(case: Case) -> Path:
    return FOLDER / f"{case.name}.csv"


def differences(case: Case, now: pd.DataFrame | None = None) -> list[str]:
    """Readable lines for every metric and month that moved from the baseline."""
    now = compute(case) if now is None else now
    path = _path(case)
    if not path.exists():
        return [f"{case.name}: no baseline ({path}); run python tests/regression.py --update"]
    base = pd.read_csv(path)
    merged = base.merge(now, on=["date", "metric"], how="outer", suffixes=("_base", "_now"),
                        indicator="where")
    lines = []
    for row in merged.itertuples():
        old, new = row.value_base, row.value_now
        if row.where != "both":
            lines.append(f"{case.name} {row.date} {row.metric}: "
                         f"{'new metric' if row.where == 'right_only' else 'metric gone'}")
        elif not (math.isclose(old, new, rel_tol=RTOL, abs_tol=1e-12)
                  or (math.isnan(old) and math.isnan(new))):
            change = f" ({(new - old) / abs(old):+.2%})" if old else ""
            lines.append(f"{case.name} {row.date} {row.metric}: {old:.6g} -> {new:.6g}{change}")
    return lines


def update() -> None:
    FOLDER.mkdir(exist_ok=True)
    for case in cases():
        compute(case).to_csv(_path(case), index=False, float_format="%.12g")
        print(f"wrote {_path(case)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--update", action="store_true", help="accept today's behaviour")
    args = ap.parse_args()
    if args.update:
        update()
        return 0
    lines = [line for case in cases() for line in differences(case)]
    print("\n".join(lines) if lines else "no differences")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
