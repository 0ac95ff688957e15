"""The results folder of a sweep: plan, chunk files as runs finish, resume, consolidation.

Layout of ``DIR``::

    plan.json              what is being run (its fingerprint guards --resume)
    chunks/part-NNNNN.parquet  finished runs, appended as they come (atomic writes)
    runs.parquet           every run, sorted by run_id (chunks are merged into it)
    sensitivity.csv        indices (output, parameter, index, value, conf)
    manifest.json          written last: its presence marks a finished sweep

Every file is written to a temporary name and renamed, so a sweep killed at
any moment (even ``kill -9``) leaves only whole files; ``--resume`` reads
them and runs what is missing.
"""

from __future__ import annotations

import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..io import write_atomic

__all__ = ["SweepStateError", "Store", "runs_schema"]

ID_COLUMNS = [("run_id", pa.int64()), ("sample", pa.int64()), ("replicate", pa.int64()),
              ("seed", pa.int64())]


class SweepStateError(Exception):
    """The output folder cannot take this sweep (printed as ``error: ...``, exit 2)."""


def runs_schema(parameters: list[str], outputs: list[str]) -> pa.Schema:
    """Columns of runs.parquet: ids, parameter values, status, error, output values."""
    return pa.schema([*ID_COLUMNS, *[(p, pa.float64()) for p in parameters],
                      ("status", pa.string()), ("error", pa.string()),
                      *[(o, pa.float64()) for o in outputs]])


def _parquet_bytes(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


class Store:
    """Reads and writes one sweep's results folder."""

    def __init__(self, out: Path, schema: pa.Schema, flush_rows: int = 5000,
                 flush_seconds: float = 10.0):
        self.out, self.schema = Path(out), schema
        self.chunks = self.out / "chunks"
        self.flush_rows, self.flush_seconds = flush_rows, flush_seconds
        self._buffer: list[pd.DataFrame] = []
        self._buffered = 0
        self._last_flush = datetime.now(UTC)
        self._next_part = 0

    def check(self, fingerprint: str, resume: bool) -> None:
        """Refuse a folder holding another sweep, or any sweep without --resume."""
        if self.out.exists() and not self.out.is_dir():
            raise SweepStateError(f"{self.out} exists and is not a folder")
        held = [n for n in ("plan.json", "runs.parquet", "manifest.json", "chunks")
                if (self.out / n).exists()]
        if held and not resume:
            raise SweepStateError(f"{self.out} already holds a sweep ({', '.join(held)}); "
                                  "pass --resume to continue it, or choose another --out")
        if not held:
            return
        try:
            plan = json.loads((self.out / "plan.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise SweepStateError(f"{self.out}: plan.json is missing or unreadable, so the sweep "
                                  "there cannot be resumed; choose another --out") from None
        if plan.get("fingerprint") != fingerprint:
            raise SweepStateError(f"{self.out} holds a sweep of a different experiment (the file, "
                                  "its scenario or package versions changed); choose another --out")

    def start(self, fingerprint: str, info: dict) -> None:
        """Write plan.json (kept when resuming) and clear leftovers of a killed sweep."""
        self.chunks.mkdir(parents=True, exist_ok=True)
        for tmp in [*self.out.glob(".*.tmp"), *self.chunks.glob(".*.tmp")]:
            tmp.unlink(missing_ok=True)
        (self.out / "manifest.json").unlink(missing_ok=True)  # no longer finished
        if not (self.out / "plan.json").exists():
            payload = {"fingerprint": fingerprint,
                       "created": datetime.now(UTC).isoformat(timespec="seconds"), **info}
            write_atomic(self.out / "plan.json", json.dumps(payload, indent=2, ensure_ascii=False))
        parts = sorted(self.chunks.glob("part-*.parquet"))
        self._next_part = int(parts[-1].stem.split("-")[1]) + 1 if parts else 0

    def _files(self) -> list[Path]:
        runs = self.out / "runs.parquet"
        return ([runs] if runs.exists() else []) + sorted(self.chunks.glob("part-*.parquet"))

    def read(self) -> pd.DataFrame:
        """Every run recorded so far, one row per run id, sorted by run id."""
        tables = [pq.read_table(f).select(self.schema.names).cast(self.schema) for f in self._files()]
        table = pa.concat_tables(tables) if tables else self.schema.empty_table()
        frame = table.to_pandas()
        return frame.drop_duplicates("run_id").sort_values("run_id", ignore_index=True)

    def append(self, rows: pd.DataFrame) -> None:
        """Buffer finished runs; written out by :meth:`flush`."""
        if len(rows):
            self._buffer.append(rows)
            self._buffered += len(rows)

    def due(self) -> bool:
        age = (datetime.now(UTC) - self._last_flush).total_seconds()
        return self._buffered >= self.flush_rows or (self._buffered > 0 and age >= self.flush_seconds)

    def flush(self) -> None:
        """Write the buffered runs as the next chunk file (atomically)."""
        self._last_flush = datetime.now(UTC)
        if not self._buffer:
            return
        frame = pd.concat(self._buffer, ignore_index=True)
        table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        write_atomic(self.chunks / f"part-{self._next_part:05d}.parquet", _parquet_bytes(table))
        self._next_part += 1
        self._buffer, self._buffered = [], 0

    def consolidate(self) -> pd.DataFrame:
        """Merge everything into runs.parquet (sorted by run id), then drop the chunks."""
        self.flush()
        frame = self.read()
        table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        write_atomic(self.out / "runs.parquet", _parquet_bytes(table))
        shutil.rmtree(self.chunks, ignore_errors=True)
        return frame

    def write_text(self, name: str, text: str) -> None:
        write_atomic(self.out / name, text)
