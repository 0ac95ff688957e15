"""The results folder of a sweep: plan, chunk files as runs finish, resume, consolidation.

Layout of ``DIR``::

    plan.json              what is being run (its fingerprint guards --resume)
    chunks/part-NNNNN.parquet  finished runs, appended as they come (atomic writes)
    runs.parquet           every run, sorted by run_id (chunks are merged into it)
    sensitivity.csv        indices (output, parameter, index, value, conf)
    manifest.json          written last: its presence marks a finished sweep

Every file is written to a temporary name and renamed, so a sweep killed at
any moment (even ``kill -9``) leaves only whole files; ``--resume`` reads
them and runs what is missing. The folder checks, file names and safe writing are
:mod:`simulation.results`'s, shared with calibrations.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from ..results import (
    CHUNK,
    CHUNK_GLOB,
    CHUNKS,
    PLAN,
    RUNS,
    SWEEP_HELD,
    TMP_GLOB,
    check_store,
    parquet_bytes,
    plan_json,
    read_parquet,
    start_store,
    write_atomic,
)

__all__ = ["Store", "runs_schema"]

ID_COLUMNS = [("run_id", pa.int64()), ("sample", pa.int64()), ("replicate", pa.int64()),
              ("seed", pa.int64())]


def runs_schema(parameters: list[str], outputs: list[str]) -> pa.Schema:
    """Columns of runs.parquet: ids, parameter values, status, error, output values."""
    return pa.schema([*ID_COLUMNS, *[(p, pa.float64()) for p in parameters],
                      ("status", pa.string()), ("error", pa.string()),
                      *[(o, pa.float64()) for o in outputs]])


class Store:
    """Reads and writes one sweep's results folder."""

    def __init__(self, out: Path, schema: pa.Schema, flush_rows: int = 5000,
                 flush_seconds: float = 10.0):
        self.out, self.schema = Path(out), schema
        self.chunks = self.out / CHUNKS
        self.flush_rows, self.flush_seconds = flush_rows, flush_seconds
        self._buffer: list[pd.DataFrame] = []
        self._buffered = 0
        self._last_flush = datetime.now(UTC)
        self._next_part = 0
        self._plan: dict[str, Any] | None = None
        self._recorded: pd.DataFrame | None = None  # runs read by check(), handed to read()

    def check(self, fingerprint: str, resume: bool, overwrite: bool = False) -> None:
        """Check the folder before anything runs (see :func:`check_store`); when resuming,
        read every run recorded so far, so a damaged file is found before anything changes."""
        self._plan = check_store(self.out, "sweep", SWEEP_HELD, fingerprint, resume, overwrite)
        self._recorded = self.read() if self._plan is not None else None

    def start(self, fingerprint: str, info: dict[str, Any], files: dict[str, str] | None = None) -> None:
        """Write plan.json and ``files`` (a new folder, or kept when resuming) and clear
        leftovers of a killed sweep."""
        start_store(self.out, self._plan, {PLAN: plan_json(fingerprint, info),
                                           **(files or {})})
        self.chunks.mkdir(parents=True, exist_ok=True)
        for tmp in [*self.out.glob(TMP_GLOB), *self.chunks.glob(TMP_GLOB)]:
            tmp.unlink(missing_ok=True)
        parts = sorted(self.chunks.glob(CHUNK_GLOB))
        self._next_part = int(parts[-1].stem.split("-")[1]) + 1 if parts else 0

    def _files(self) -> list[Path]:
        runs = self.out / RUNS
        return ([runs] if runs.exists() else []) + sorted(self.chunks.glob(CHUNK_GLOB))

    def read(self) -> pd.DataFrame:
        """Every run recorded so far, one row per run id, sorted by run id."""
        if self._recorded is not None:
            frame, self._recorded = self._recorded, None
            return frame
        tables = [read_parquet(f, "delete it and run again with --resume (its runs are run "
                               "again)" if f.parent == self.chunks else "move it away and run "
                               "again with --resume (its runs are run again)",
                               schema=self.schema) for f in self._files()]
        table = pa.concat_tables(tables) if tables else self.schema.empty_table()
        runs: pd.DataFrame = table.to_pandas()  # pyarrow is untyped
        return runs.drop_duplicates("run_id").sort_values("run_id", ignore_index=True)

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
        write_atomic(self.chunks / CHUNK.format(self._next_part), parquet_bytes(table))
        self._next_part += 1
        self._buffer, self._buffered = [], 0

    def consolidate(self) -> pd.DataFrame:
        """Merge everything into runs.parquet (sorted by run id), then drop the chunks."""
        self.flush()
        frame = self.read()
        table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        write_atomic(self.out / RUNS, parquet_bytes(table))
        shutil.rmtree(self.chunks, ignore_errors=True)
        return frame

    def write_text(self, name: str, text: str) -> None:
        write_atomic(self.out / name, text)
