"""The console summary of a run: labelled columns, values rounded to meaningful digits.

``swsim run`` prints the key metrics' final-month medians across replicates; the
header says so (a bare ``45,586.500 people`` did not), the 5th-95th percentile
range is shown when there is more than one replicate, and values keep only the
digits that mean something for their unit (whole people, three decimals of a
share, four significant figures of money).
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["meaningful", "summary_table"]

COUNT_UNITS = {"people", "projects", "people/month"}


def meaningful(value: float | None, unit: str) -> str:
    """``value`` rounded for reading: shares to 3 decimals, counts to whole numbers,
    everything else to 4 significant figures (thousands separated)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if unit == "share":
        return f"{value:.3f}"
    if unit in COUNT_UNITS:
        return f"{round(value):,}"
    if value == 0:
        return "0"
    digits = 4 - 1 - math.floor(math.log10(abs(value)))  # 4 significant figures
    rounded = round(value, digits)
    return f"{rounded:,.{max(digits, 0)}f}"


def summary_table(summary: pd.DataFrame, replicates: int, last: str) -> str:
    """The key metrics of ``summary`` (:func:`simulation.runner.summarise`) as text."""
    from .outcomes import key_metrics

    rows = summary.set_index("metric")
    many = replicates > 1
    what = f"median of {replicates} replicates" if many else "one replicate"
    lines = [f"  key metrics in the final month ({last}), {what}:"]
    head = f"  {'metric':34s} {'median' if many else 'value':>14s}"
    if many:
        head += f"  {'5th-95th percentile':>27s}"
    lines.append(head + "  unit")
    for name in key_metrics():
        row = rows.loc[name]
        assert isinstance(row, pd.Series)  # the summary has one row per metric
        unit = str(row["unit"])
        line = f"  {name:34s} {meaningful(float(row['p50']), unit):>14s}"
        if many:
            spread = (f"{meaningful(float(row['p5']), unit)} - "
                      f"{meaningful(float(row['p95']), unit)}")
            line += f"  {spread:>27s}"
        lines.append(line + f"  {unit}")
    return "\n".join(lines)
