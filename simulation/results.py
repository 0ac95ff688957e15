"""The results folders: their kinds, file names, safe writing, reading, and resume checks.

This module is the one owner of what ``swsim`` writes and reads back. Every command that
writes a folder (run, sweep, calibrate, discover, report) follows one rule: **nothing the
user did not ask to lose is lost, and nothing left behind describes other data**.

1. :func:`check_destination` before anything runs: the destination must be new, empty,
   or hold a finished result of the same kind (its ``manifest.json`` says which kind)
   and nothing else: only that result's own files (the manifest and the files its
   ``files`` list names). Anything else is refused unless the user passed ``--overwrite``,
   and the refusal names what is in the way:

   - files swsim did not write for that result (``notes.txt``, a foreign ``plots/x.png``,
     a ``report.html`` that ``swsim report`` did not write);
   - a report that ``swsim report`` built from that result (``report.html``, ``plots/``).
     Replacing the result would either delete the report or leave a page describing data
     that is gone, so it is refused too: pass ``--overwrite`` to replace the result and its
     report (then report again), or choose another folder. (The web page's own folders,
     ``results/app/``, drop their report with the run it described: ``drop_report``.)

   Places whose loss would be a disaster (the working folder, its parents, the home
   folder, the root) are refused always. Unwritable places are found here, not after the
   run. A sweep or calibration that can be continued is checked by :func:`check_store`
   instead (its ``plan.json`` fingerprint guards ``--resume``; a finished one is never
   replaced without ``--overwrite``).
2. :func:`write_folder` builds the new folder beside the old one and swaps it in
   whole, so a failure at any moment leaves the old folder or the new one, never a mix.
   Single files are written with :func:`write_atomic` (temporary file, then rename).
3. A report adds ``report.html`` and ``plots/`` to a folder and deletes nothing else:
   :func:`check_report_destination` accepts the reported results folder itself, a new or
   empty folder, or one holding only an earlier swsim report; it refuses the protected
   places above, another result's folder (its page would be taken for that result's) and
   files swsim report did not write (``report.html`` of your own, other files in
   ``plots/``) unless ``--overwrite``, which replaces ``report.html`` and ``plots/`` and
   keeps everything else. A swsim report is recognised by its
   ``<meta name="generator" content="swsim report">`` (:data:`GENERATOR`); its plots are the
   ``plots/*.png`` the page links to. ``plots/`` is swapped in whole, so an earlier
   report's plots never mix with the new one's.

Reading back (:func:`read_object`, :func:`read_parquet`, :func:`read_csv`,
:func:`readable_kind`, :func:`finished_sweep`) checks for damage: a file cut short, empty,
nested too deeply, of the wrong shape or missing columns, a manifest whose ``kind`` is not
what the folder's files are. Every refusal, of a destination or of a folder or
file that cannot be used, is a :class:`ResultsError` whose text is one line
``PATH: what; what to do``; ``swsim`` prints it as ``error: ...`` and exits with status 2.

Folder layouts (file names are the constants below)::

    run          manifest.json scenario.yaml timeseries.csv summary.csv
    sweep        plan.json [scenario.yaml] chunks/part-NNNNN.parquet (while running)
                 runs.parquet sensitivity.csv manifest.json
    calibration  plan.json trials.parquet best.yaml fit.csv fit.png manifest.json
    discovery    boxes.csv discovery.json [discovery.png]   (SWEEP/discovery/ by default)
    report       report.html plots/*.png                   (in the folder it reports on)

The manifest (``discovery.json`` for a discovery) is written last: its presence marks a
finished result.
"""

from __future__ import annotations

import csv
import ctypes
import ctypes.util
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import provenance
from .files import umask as _umask
from .files import write_atomic
from .params.names import NAME_MAX_BYTES, NAME_PATTERN, FolderNameError
from .params.names import check_name as _check_name

if TYPE_CHECKING:  # pandas and pyarrow load only when a folder is read or written
    import pandas as pd
    import pyarrow as pa

__all__ = [
    "BEST", "BOXES", "CALIBRATION_FILES", "CALIBRATION_HELD", "CHUNK", "CHUNK_GLOB", "CHUNKS", "DISCOVERY",
    "DISCOVERY_FILES", "DISCOVERY_JSON", "DISCOVERY_PNG", "FIT_CSV", "FIT_PNG", "KINDS",
    "GENERATOR", "MANIFEST", "NAME_MAX_BYTES", "NAME_PATTERN", "PLAN", "PLOTS", "REPORT", "RUNS",
    "RUN_FILES", "SCENARIO", "SENSITIVITY", "SUMMARY", "SWEEP_HELD", "TIMESERIES", "TMP_GLOB", "TRIALS",
    "ResultsError", "check_destination", "check_name", "check_report_destination", "check_store",
    "finished_sweep", "folder_kind",
    "json_text", "parquet_bytes", "plan_json", "read_csv", "read_object", "read_parquet",
    "readable_kind", "remove_aside", "start_store", "swap_in", "write_atomic", "write_folder",
    "yaml_text",
]

# ---- file names -------------------------------------------------------------------------

MANIFEST = "manifest.json"  #: every kind but discovery; written last, marks a finished result
SCENARIO = "scenario.yaml"  #: the fully resolved scenario (run; sweep of the simulation)
TIMESERIES = "timeseries.csv"  #: run: one row per replicate and month
SUMMARY = "summary.csv"  #: run: final month's mean and percentiles per metric
PLAN = "plan.json"  #: sweep, calibration: what is being run; its fingerprint guards --resume
RUNS = "runs.parquet"  #: sweep: every run, sorted by run_id
CHUNKS = "chunks"  #: sweep: folder of part-NNNNN.parquet while it runs
CHUNK = "part-{:05d}.parquet"  #: sweep: the n-th chunk file (CHUNK.format(n))
CHUNK_GLOB = "part-*.parquet"
TMP_GLOB = ".*.tmp"  #: what :func:`write_atomic` leaves when killed mid-write
SENSITIVITY = "sensitivity.csv"  #: sweep: output, parameter, index, value, conf
TRIALS = "trials.parquet"  #: calibration: every finished trial
BEST = "best.yaml"  #: calibration: a scenario extending the base with the fitted values
FIT_CSV = "fit.csv"  #: calibration: observed vs simulated per target
FIT_PNG = "fit.png"  #: calibration: observed vs simulated over time
DISCOVERY = "discovery"  #: a sweep's sub-folder that swsim discover writes by default
BOXES = "boxes.csv"  #: discovery: PRIM's peeling trajectory
DISCOVERY_JSON = "discovery.json"  #: discovery: target, classification, chosen box (last)
DISCOVERY_PNG = "discovery.png"  #: discovery: trajectory and chosen box
REPORT = "report.html"  #: report page (written last)
PLOTS = "plots"  #: report: folder of *.png
#: ``<meta name="generator" content="...">`` of every page swsim report writes: how a
#: destination's report.html is known to be swsim's (and may be replaced by a new report)
GENERATOR = "swsim report"

#: what a finished run folder lists in its manifest's ``files``
RUN_FILES = (SCENARIO, TIMESERIES, SUMMARY)
#: what a finished calibration folder lists in its manifest's ``files``
CALIBRATION_FILES = (PLAN, TRIALS, BEST, FIT_CSV, FIT_PNG)
DISCOVERY_FILES = (BOXES, DISCOVERY_JSON, DISCOVERY_PNG)
#: files whose presence means a folder already holds a sweep / calibration (for --resume)
SWEEP_HELD = (PLAN, RUNS, MANIFEST, CHUNKS)
CALIBRATION_HELD = (PLAN, TRIALS, MANIFEST)
#: each kind's own files, besides its record (manifest.json; discovery.json): what a new
#: result of that kind may replace without --overwrite (those of them its record lists)
OWN_FILES = {"run": RUN_FILES, "calibration": CALIBRATION_FILES, "discovery": DISCOVERY_FILES,
             "sweep": (PLAN, SCENARIO, RUNS, SENSITIVITY, CHUNKS)}

#: kinds of results folder, as written in their manifest's ``kind`` field
KINDS = ("run", "runs", "sweep", "calibration", "discovery")
PLAN_KEY = {"sweep": "experiment", "calibration": "calibration"}  # what plan.json of each holds



class ResultsError(ValueError):
    """A results folder, file or destination that cannot be used as asked: one line
    ``PATH: what; what to do`` (printed as ``error: ...``, exit 2)."""

    @classmethod
    def at(cls, path: Path | str, message: str) -> ResultsError:
        """The error ``PATH: message``."""
        return cls(f"{path}: {message}")


_fail = ResultsError.at


def _load_json(path: Path) -> Any:
    """A JSON file's value; ValueError also when it is nested too deeply to read (Python's
    parser recurses: a file of 100,000 ``[`` raises RecursionError)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _names(names: list[str], most: int = 4) -> str:
    """``a, b, c, d, ...``: the first ``most`` names of a refusal."""
    return ", ".join(names[:most]) + (", ..." if len(names) > most else "")


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text if len(text) <= 120 else text[:117] + "..."


# ---- writing ----------------------------------------------------------------------------

def json_text(data: Any) -> str:
    """A manifest's (or plan's) text: indented UTF-8 JSON ending with a newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def yaml_text(data: Any) -> str:
    """A scenario's text as saved in a results folder (keys in the model's order)."""
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def parquet_bytes(table: pa.Table) -> bytes:
    """A Parquet file's bytes (to hand to :func:`write_atomic`)."""
    import io

    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def check_name(name: str, what: str = "name") -> str:
    """A name that becomes a folder (:data:`NAME_PATTERN`; the rule is
    :func:`simulation.params.names.check_name`): the name, or :class:`ResultsError`."""
    try:
        return _check_name(name, what)
    except FolderNameError as exc:
        raise ResultsError(str(exc)) from None


# ---- kinds of folder --------------------------------------------------------------------

def folder_kind(path: Path) -> str | None:
    """The kind of finished result in ``path`` (from its manifest), or None."""
    try:
        data = _load_json(Path(path) / MANIFEST)
    except (OSError, ValueError):
        try:  # a discovery folder's record is its discovery.json
            found = _load_json(Path(path) / DISCOVERY_JSON)
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
    if TIMESERIES in files:
        return "run"
    if TRIALS in files:
        return "calibration"
    if "runs" in data and "method" in data:
        return "sweep"
    return None


def readable_kind(path: Path) -> str:
    """"run", "sweep" or "calibration" (what ``swsim report`` reads), by the files it holds;
    a :class:`ResultsError` naming the folder otherwise."""
    path = Path(path)
    if not path.exists():
        raise _fail(path, "no such folder")
    if not path.is_dir():
        raise _fail(path, "not a folder (expected a results folder)")
    if any((path / f).is_file() for f in (RUNS, SENSITIVITY)):
        kind = "sweep"
    elif (path / TIMESERIES).is_file():
        kind = "run"
    elif folder_kind(path) == "calibration":
        kind = "calibration"  # swsim report reads its fit.csv, trials and manifest
    elif (path / PLAN).is_file():
        raise _fail(path, f"an unfinished sweep or calibration ({PLAN}, no results yet): "
                          "finish it with --resume")
    else:
        subs = sorted(p.name for p in path.iterdir() if (p / MANIFEST).is_file())
        hint = f"; it holds run folders ({', '.join(subs[:5])}): report one, --compare the others" \
            if subs else ""
        raise _fail(path, f"not a results folder (no {TIMESERIES}, {RUNS} or "
                          f"{SENSITIVITY}){hint}")
    if not (path / MANIFEST).is_file():
        raise _fail(path, f"incomplete {kind} folder: no {MANIFEST} (did the {kind} finish?)")
    again = "run it again" if kind == "run" else f"run the {kind} again"
    said = read_object(path / MANIFEST, again).get("kind", kind)
    if said != kind:  # a manifest of another kind copied in, or edited by hand
        raise _fail(path / MANIFEST, f"kind: {_reason(ValueError(repr(said)))} does not match "
                                     f"the folder's files (those of a {kind}); {again}")
    return kind


def finished_sweep(folder: Path, remedy: str) -> dict[str, Any]:
    """The manifest of the finished sweep in ``folder`` (manifest.json and runs.parquet
    present); a :class:`ResultsError` with ``remedy`` otherwise."""
    folder = Path(folder)
    if not folder.is_dir():
        raise _fail(folder, "no such folder")
    if not (folder / MANIFEST).is_file() or not (folder / RUNS).is_file():
        raise _fail(folder, f"not a finished sweep ({MANIFEST} and {RUNS} are written when "
                            "swsim sweep finishes)")
    return read_object(folder / MANIFEST, remedy)


# ---- destinations and whole-folder swaps ------------------------------------------------

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


def _own_files(path: Path, kind: str) -> set[str]:
    """What a finished ``kind`` result in ``path`` consists of: its record and the files of
    that kind its record lists (all of the kind's files when it lists none)."""
    record = DISCOVERY_JSON if kind == "discovery" else MANIFEST
    known = OWN_FILES.get(kind, ())
    try:
        listed = _load_json(path / record).get("files")
    except (OSError, ValueError, AttributeError):
        listed = None
    files = [f for f in listed if f in known] if isinstance(listed, list) else list(known)
    return {record, *files}


def _page_plots(page: Path) -> set[str] | None:
    """The plot files a report.html links to (``plots/NAME.png``), or None when the page is
    not one swsim report wrote (no :data:`GENERATOR` mark; older pages: their footer)."""
    try:
        if not page.is_file() or page.is_symlink() or page.stat().st_size > 512 * 2**20:
            return None
        text = page.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    marked = f'<meta name="generator" content="{GENERATOR}">' in text or \
        re.search(r"<footer>[^<]*(Generated by swsim report|由 swsim report)", text) is not None
    if not marked:
        return None
    return set(re.findall(rf'href="{PLOTS}/([^"/<>]+\.png)"', text))


def _report_parts(folder: Path) -> tuple[list[str], list[str]]:
    """(swsim's, not swsim's) among ``report.html`` and ``plots/`` in ``folder``: a page swsim
    report wrote and the plots it links to are swsim's; anything else in ``plots/`` (or all of
    it, without such a page) is not. Names as the user sees them (``plots/notes.png``)."""
    page, plots = folder / REPORT, folder / PLOTS
    ours: list[str] = []
    theirs: list[str] = []
    shown: set[str] = set()
    if page.exists() or page.is_symlink():
        linked = _page_plots(page)
        if linked is None:
            theirs.append(REPORT)
        else:
            ours.append(REPORT)
            shown = linked
    if plots.is_symlink() or (plots.exists() and not plots.is_dir()):
        theirs.append(PLOTS)
    elif plots.is_dir():
        leftover = re.compile(r"^\..*\.tmp$")  # TMP_GLOB: what a killed write leaves
        other = sorted(f"{PLOTS}/{p.name}" for p in plots.iterdir()
                       if not (p.is_file() and (p.name in shown or leftover.match(p.name))))
        theirs += other
        if not other:
            ours.append(f"{PLOTS}/")
    return ours, theirs


def _check_writable(path: Path, option: str) -> None:
    """Refuse a destination this process cannot create, write in or swap."""
    parent = _writable_parent(path)
    if not parent.is_dir():
        raise ResultsError(f"{option} {path}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ResultsError(f"{option} {path}: cannot write in {parent} (permission denied)")
    if path.is_dir() and not os.access(path.parent, os.W_OK | os.X_OK):
        raise ResultsError(f"{option} {path}: cannot replace it, {path.parent} is not "
                           "writable (permission denied)")


def check_destination(path: Path, kind: str, overwrite: bool = False, option: str = "--out",
                      drop_report: bool = False) -> None:
    """Refuse a destination that cannot take a new ``kind`` result; see the module doc.

    ``drop_report``: a report swsim built from the earlier result there goes with it
    (for the web page's own folders only; the commands refuse it without --overwrite)."""
    path = Path(path)
    if _protected(path):
        raise ResultsError(f"{option} {path}: refusing to write a result over this folder "
                           "(it holds your work); choose a folder of its own")
    if path.exists() or path.is_symlink():
        if not path.is_dir():
            raise ResultsError(f"{option} {path}: exists and is not a folder")
        entries = sorted(p.name for p in path.iterdir())
        held = folder_kind(path)
        if entries and held != kind and not overwrite:
            what = f"a {held} result" if held else f"other files ({_names(entries)})"
            raise ResultsError(f"{option} {path}: holds {what}, not a finished {kind} result; "
                               "choose another folder, or pass --overwrite to replace it")
        if entries and held == kind and not overwrite:
            _check_only_own(path, kind, entries, option, drop_report)
    _check_writable(path, option)


def _check_only_own(path: Path, kind: str, entries: list[str], option: str,
                    drop_report: bool) -> None:
    """A folder holding a finished ``kind`` result may be replaced by a new one only when it
    holds nothing else: no file of the user's, no report of the result it holds."""
    own = _own_files(path, kind)
    ours, theirs = _report_parts(path) if {REPORT, PLOTS} & set(entries) else ([], [])
    foreign = [n for n in entries if n not in own and n not in (REPORT, PLOTS)] + theirs
    if foreign:
        raise ResultsError(f"{option} {path}: holds files that are not part of the {kind} "
                           f"there ({_names(sorted(foreign))}), which replacing it would "
                           "delete; move them away, choose another folder, or pass --overwrite "
                           "to replace the folder and all it holds")
    if ours and not drop_report:
        raise ResultsError(f"{option} {path}: holds a report of the {kind} there "
                           f"({_names(ours)}): a new {kind} would delete it or leave it "
                           f"describing data that is gone; pass --overwrite to replace both "
                           "(then swsim report again), or choose another folder")


def check_report_destination(out: Path, results: Path, overwrite: bool = False,
                             option: str = "--out") -> None:
    """Refuse an ``out`` that cannot take the report of ``results`` (report.html and
    plots/); see the module doc, point 3. ``results`` is a readable results folder."""
    out = Path(out)
    same = out.is_dir() and out.resolve() == Path(results).resolve()
    if not same and _protected(out):
        raise ResultsError(f"{option} {out}: refusing to write a report into this folder "
                           "(it holds your work); choose a folder of its own")
    if out.exists() or out.is_symlink():
        if not out.is_dir():
            raise ResultsError(f"{option} {out}: exists and is not a folder")
        plots = out / PLOTS
        if plots.is_symlink() or (plots.exists() and not plots.is_dir()):
            raise ResultsError(f"{option} {plots}: exists and is not a folder; move it away")
        held = None if same else folder_kind(out)
        if held is not None and not overwrite:
            raise ResultsError(f"{option} {out}: holds a {held} result of its own, and a "
                               f"report of {results} there would pass for its report; choose "
                               "another folder, or pass --overwrite")
        if not overwrite:
            _, theirs = _report_parts(out)
            if not same and held is None:
                theirs += [p.name for p in out.iterdir() if p.name not in (REPORT, PLOTS)]
            if theirs:
                raise ResultsError(f"{option} {out}: holds files swsim report did not write "
                                   f"({_names(sorted(theirs))}); choose another folder, or "
                                   f"pass --overwrite to replace {REPORT} and {PLOTS}/ there "
                                   "(other files are kept)")
    probe = out if out.is_dir() else _writable_parent(out)
    if not probe.is_dir():
        raise ResultsError(f"{option} {out}: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ResultsError(f"{option} {out}: cannot write in {probe} (permission denied)")


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
        return bool(fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0)

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


# ---- reading with damage checks ---------------------------------------------------------

def read_object(path: Path, remedy: str) -> dict[str, Any]:
    """A JSON file that must hold an object; a :class:`ResultsError` naming it and
    ``remedy`` otherwise."""
    try:
        data = _load_json(path)
    except FileNotFoundError:
        raise _fail(path, f"missing; {remedy}") from None
    except (OSError, ValueError) as exc:
        raise _fail(path, f"damaged, not readable JSON ({_reason(exc)}); {remedy}") from None
    if not isinstance(data, dict):
        raise _fail(path, f"damaged, not a JSON object; {remedy}")
    return data


def read_parquet(path: Path, remedy: str, *, columns: list[str] | None = None,
                 require: tuple[str, ...] = (), schema: pa.Schema | None = None) -> pa.Table:
    """A whole Parquet file (only ``columns``, or ``schema``'s columns cast to it); a
    :class:`ResultsError` naming the file, what is damaged and ``remedy`` when it is
    truncated, empty or lacks ``columns``/``require``d columns."""
    import pyarrow.parquet as pq

    if schema is not None:
        columns = schema.names
    try:
        names = pq.read_schema(path).names
        missing = [c for c in [*(columns or []), *require] if c not in names]
        if missing:
            raise _fail(path, f"damaged, missing column(s) {', '.join(missing[:5])}; {remedy}")
        table = pq.read_table(path, columns=columns)
        return table.cast(schema) if schema is not None else table
    except ResultsError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a damaged file
        raise _fail(path, f"damaged ({_reason(exc)}); {remedy}") from None


def _check_rows(file: Path, remedy: str) -> None:
    """Every row has the header's number of fields and the file ends with a newline (a
    file cut short mid-row fails one or the other)."""
    try:
        with file.open(encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh)
            width = len(next(rows, []))
            for row in rows:
                if len(row) != width:
                    raise _fail(file, f"damaged: line {rows.line_num} has {len(row)} fields, the "
                                      f"header {width}; {remedy}")
        with file.open("rb") as fh:
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(size - 1, 0))
            if size and fh.read(1) != b"\n":
                raise _fail(file, f"damaged: cut short (the last line is unfinished); {remedy}")
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _fail(file, f"cannot read: {exc}; {remedy}") from None


def read_csv(file: Path, required: tuple[str, ...], remedy: str) -> pd.DataFrame:
    """A CSV file with a header holding ``required`` columns and at least one row; a
    :class:`ResultsError` naming the file, what is damaged and ``remedy`` otherwise."""
    import pandas as pd

    file = Path(file)
    _check_rows(file, remedy)
    try:
        frame = pd.read_csv(file)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _fail(file, f"cannot read: {' '.join(str(exc).split())}; {remedy}") from None
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise _fail(file, f"damaged: missing column(s) {', '.join(missing[:5])}; {remedy}")
    if frame.empty:
        raise _fail(file, f"damaged: no rows; {remedy}")
    return frame


# ---- fingerprints and resume checks (sweeps, calibrations) ------------------------------

def plan_json(fingerprint: str, info: dict[str, Any]) -> str:
    """plan.json's text: the fingerprint, the code's own fingerprint, when, and ``info``."""
    from datetime import UTC, datetime

    payload = {"fingerprint": fingerprint, "code": provenance.code_fingerprint(),
               "created": datetime.now(UTC).isoformat(timespec="seconds"), **info}
    return json_text(payload)


def check_store(out: Path, kind: str, held: tuple[str, ...], fingerprint: str, resume: bool,
                overwrite: bool) -> dict[str, Any] | None:
    """Check a sweep or calibration folder before anything runs.

    Returns the stored plan when ``out`` holds a ``kind`` of the same fingerprint to
    resume, None when it starts afresh. Refuses another kind of folder (see
    :func:`check_destination`), a ``kind`` without --resume or of other input, and a
    damaged plan.json or manifest.json. The caller checks its own data files after this.
    """
    out = Path(out)
    if resume and overwrite:
        raise _fail(out, "give --resume or --overwrite, not both")
    held_kind = folder_kind(out) if out.is_dir() else None
    present = [n for n in held if n != MANIFEST and (out / n).exists()] + \
        ([MANIFEST] if held_kind == kind else [])
    if overwrite or not present or held_kind not in (None, kind):
        check_destination(out, kind, overwrite)  # refuses another kind of result
        return None
    if not resume:
        raise _fail(out, f"already holds a {kind} ({', '.join(present)}); pass --resume to "
                         "continue it, --overwrite to replace it, or choose another --out")
    again = f"pass --overwrite to start the {kind} again, or choose another --out"
    plan = read_object(out / PLAN, f"the {kind} there cannot be resumed: {again}")
    if PLAN_KEY[kind] not in plan:
        raise _fail(out / PLAN, f"not the plan of a {kind}; {again}")
    if plan.get("fingerprint") != fingerprint:
        what = "the experiment" if kind == "sweep" else "the calibration file"
        why = ("the swsim code changed since it started"
               if plan.get("code") != provenance.code_fingerprint()
               else f"{what}, its scenario or package versions changed")
        raise _fail(out, f"holds a {kind} of a different {what.split()[-1]} ({why}); {again}")
    if (out / MANIFEST).exists():
        read_object(out / MANIFEST, "delete it and run again with --resume, which rewrites it")
    if not os.access(out, os.W_OK | os.X_OK):
        raise _fail(out, "cannot write in it (permission denied)")
    return plan


def start_store(out: Path, plan: dict[str, Any] | None, files: dict[str, str]) -> None:
    """Start writing ``out``, after :func:`check_store` (``plan`` is what it returned).

    Resuming (``plan`` given): plan.json is kept, the other ``files`` are rewritten and
    manifest.json goes (the folder is no longer finished). Starting afresh: a new folder
    holding ``files`` is built beside ``out`` and swapped in whole; a folder that was
    there (``--overwrite``) is removed once the new one is in place.
    """
    out = Path(out)
    if plan is not None:
        (out / MANIFEST).unlink(missing_ok=True)
        for name, text in files.items():
            if name != PLAN:
                write_atomic(out / name, text)
        return

    def fill(tmp: Path) -> None:
        for name, text in files.items():
            write_atomic(tmp / name, text)

    write_folder(out, fill)
