"""The results folder of a sweep: plan, chunk files as runs finish, resume, consolidation.

Layout of ``DIR``::

    plan.json              what is being run (its fingerprint guards --resume)
    chunks/part-NNNNN.parquet  finished runs, appended as they come (atomic writes)
    runs.parquet           every run, sorted by run_id (chunks are merged into it)
    sensitivity.csv        indices (output, parameter, index, value, conf)
    manifest.json          written last: its presence marks a finished sweep

Every file is written to a temporary name and renamed, so a sweep killed at
any moment (even ``kill -9``) leaves only whole files; ``--resume`` reads
them and runs what is missing. The folder checks here (:func:`check_store`,
:func:`start_store`) serve calibrations too.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..io import check_destination, folder_kind, write_atomic, write_folder
from ..provenance import code_fingerprint

__all__ = ["StoreError", "SweepStateError", "Store", "check_store", "read_object", "read_parquet",
           "runs_schema", "start_store"]

ID_COLUMNS = [("run_id", pa.int64()), ("sample", pa.int64()), ("replicate", pa.int64()),
              ("seed", pa.int64())]
SWEEP_HELD = ("plan.json", "runs.parquet", "manifest.json", "chunks")
PLAN_KEY = {"sweep": "experiment", "calibration": "calibration"}  # what plan.json of each holds


class StoreError(Exception):
    """A results folder that cannot be used as asked: one line ``PATH: what; what to do``
    (printed as ``error: ...``, exit 2)."""


class SweepStateError(StoreError):
    """The output folder cannot take this sweep."""


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text if len(text) <= 120 else text[:117] + "..."


def read_object(path: Path, remedy: str, error: type[StoreError] = StoreError) -> dict:
    """A JSON file that must hold an object; ``error`` naming it and ``remedy`` otherwise."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: missing; {remedy}") from None
    except (OSError, ValueError) as exc:
        raise error(f"{path}: damaged, not readable JSON ({_reason(exc)}); {remedy}") from None
    if not isinstance(data, dict):
        raise error(f"{path}: damaged, not a JSON object; {remedy}")
    return data


def read_parquet(path: Path, remedy: str, *, columns: list[str] | None = None,
                 require: tuple[str, ...] = (), schema: pa.Schema | None = None,
                 error: type[StoreError] = StoreError) -> pa.Table:
    """A whole Parquet file (only ``columns``, or ``schema``'s columns cast to it); ``error``
    naming the file, what is damaged and ``remedy`` when it is truncated, empty or lacks
    ``columns``/``require``d columns."""
    if schema is not None:
        columns = schema.names
    try:
        names = pq.read_schema(path).names
        missing = [c for c in [*(columns or []), *require] if c not in names]
        if missing:
            raise error(f"{path}: damaged, missing column(s) {', '.join(missing[:5])}; {remedy}")
        table = pq.read_table(path, columns=columns)
        return table.cast(schema) if schema is not None else table
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a damaged file
        raise error(f"{path}: damaged ({_reason(exc)}); {remedy}") from None


def check_store(out: Path, kind: str, held: tuple[str, ...], fingerprint: str, resume: bool,
                overwrite: bool, error: type[StoreError] = StoreError) -> dict | None:
    """Check a sweep or calibration folder before anything runs.

    Returns the stored plan when ``out`` holds a ``kind`` of the same fingerprint to
    resume, None when it starts afresh. Refuses (``error`` or
    :class:`~simulation.io.DestinationError`) another kind of folder, a ``kind`` without
    --resume or of other input, and a damaged plan.json or manifest.json. The caller
    checks its own data files after this.
    """
    out = Path(out)
    if resume and overwrite:
        raise error(f"{out}: give --resume or --overwrite, not both")
    held_kind = folder_kind(out) if out.is_dir() else None
    present = [n for n in held if n != "manifest.json" and (out / n).exists()] + \
        (["manifest.json"] if held_kind == kind else [])
    if overwrite or not present or held_kind not in (None, kind):
        check_destination(out, kind, overwrite)  # refuses another kind of result
        return None
    if not resume:
        raise error(f"{out}: already holds a {kind} ({', '.join(present)}); pass --resume to "
                    "continue it, --overwrite to replace it, or choose another --out")
    again = f"pass --overwrite to start the {kind} again, or choose another --out"
    plan = read_object(out / "plan.json", f"the {kind} there cannot be resumed: {again}", error)
    if PLAN_KEY[kind] not in plan:
        raise error(f"{out / 'plan.json'}: not the plan of a {kind}; {again}")
    if plan.get("fingerprint") != fingerprint:
        what = "the experiment" if kind == "sweep" else "the calibration file"
        why = ("the swsim code changed since it started" if plan.get("code") != code_fingerprint()
               else f"{what}, its scenario or package versions changed")
        raise error(f"{out}: holds a {kind} of a different {what.split()[-1]} ({why}); {again}")
    if (out / "manifest.json").exists():
        read_object(out / "manifest.json", "delete it and run again with --resume, which "
                    "rewrites it", error)
    if not os.access(out, os.W_OK | os.X_OK):
        raise error(f"{out}: cannot write in it (permission denied)")
    return plan


def start_store(out: Path, plan: dict | None, files: dict[str, str]) -> None:
    """Start writing ``out``, after :func:`check_store` (``plan`` is what it returned).

    Resuming (``plan`` given): plan.json is kept, the other ``files`` are rewritten and
    manifest.json goes (the folder is no longer finished). Starting afresh: a new folder
    holding ``files`` is built beside ``out`` and swapped in whole; a folder that was
    there (``--overwrite``) is removed once the new one is in place.
    """
    out = Path(out)
    if plan is not None:
        (out / "manifest.json").unlink(missing_ok=True)
        for name, text in files.items():
            if name != "plan.json":
                write_atomic(out / name, text)
        return

    def fill(tmp: Path) -> None:
        for name, text in files.items():
            write_atomic(tmp / name, text)

    write_folder(out, fill)


def plan_json(fingerprint: str, info: dict) -> str:
    """plan.json's text: the fingerprint, the code's own fingerprint, when, and ``info``."""
    payload = {"fingerprint": fingerprint, "code": code_fingerprint(),
               "created": datetime.now(UTC).isoformat(timespec="seconds"), **info}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


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
        self._plan: dict | None = None
        self._recorded: pd.DataFrame | None = None  # runs read by check(), handed to read()

    def check(self, fingerprint: str, resume: bool, overwrite: bool = False) -> None:
        """Check the folder before anything runs (see :func:`check_store`); when resuming,
        read every run recorded so far, so a damaged file is found before anything changes."""
        self._plan = check_store(self.out, "sweep", SWEEP_HELD, fingerprint, resume, overwrite,
                                 SweepStateError)
        self._recorded = self.read() if self._plan is not None else None

    def start(self, fingerprint: str, info: dict, files: dict[str, str] | None = None) -> None:
        """Write plan.json and ``files`` (a new folder, or kept when resuming) and clear
        leftovers of a killed sweep."""
        start_store(self.out, self._plan, {"plan.json": plan_json(fingerprint, info),
                                           **(files or {})})
        self.chunks.mkdir(parents=True, exist_ok=True)
        for tmp in [*self.out.glob(".*.tmp"), *self.chunks.glob(".*.tmp")]:
            tmp.unlink(missing_ok=True)
        parts = sorted(self.chunks.glob("part-*.parquet"))
        self._next_part = int(parts[-1].stem.split("-")[1]) + 1 if parts else 0

    def _files(self) -> list[Path]:
        runs = self.out / "runs.parquet"
        return ([runs] if runs.exists() else []) + sorted(self.chunks.glob("part-*.parquet"))

    def read(self) -> pd.DataFrame:
        """Every run recorded so far, one row per run id, sorted by run id."""
        if self._recorded is not None:
            frame, self._recorded = self._recorded, None
            return frame
        tables = [read_parquet(f, "delete it and run again with --resume (its runs are run "
                               "again)" if f.parent == self.chunks else "move it away and run "
                               "again with --resume (its runs are run again)",
                               schema=self.schema, error=SweepStateError) for f in self._files()]
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
