"""One browser session's state and actions: what the planner chose, edited and ran.

Solara keeps every ``solara.reactive`` value and every task per virtual kernel, i.e. per
browser tab: two tabs or two users never see each other's levers or runs. Each session
also owns one worker process (:class:`.jobs.Worker`), ended when the session closes.
"""

from __future__ import annotations

import io
import os
import threading
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
import solara
import solara.lab

from ..params import Scenario, ScenarioError
from ..report.data import RunFolder, load_run
from ..results import check_destination
from .jobs import Cancelled, Worker
from .levers import Lever, Parent, load_text, parse_edit, scenario_text

__all__ = ["MAX_RUNS", "PageRun", "Status", "apply_edit", "base_scenario", "edited", "report_html",
           "results_dir", "results_zip", "run_job", "state", "upload", "worker"]

#: runs kept for comparison (the oldest is dropped)
MAX_RUNS = 4


@dataclass(frozen=True)
class PageRun:
    """A finished run as the page shows it: read back from its results folder."""

    label: str
    folder: RunFolder
    districts: pd.DataFrame
    text: str  # the scenario YAML it ran (what the download holds)
    base: PageRun | None = None  # the unedited parent, same seed and replicates (if edited)

    @property
    def path(self) -> Path:
        return self.folder.path


@dataclass(frozen=True)
class Status:
    """What the run card says: a run under way (replicates done of total), finished, or
    cancelled."""

    kind: str  # "running", "done" or "cancelled"
    label: str = ""
    done: int = 0
    total: int = 0
    seconds: float = 0.0
    folder: str = ""


class State:
    """The session's reactive values (one set per browser tab)."""

    def __init__(self) -> None:
        self.lang = solara.reactive("en")
        self.parent = solara.reactive(Parent("tianjin_baseline"))
        self.edits: solara.Reactive[dict[str, Any]] = solara.reactive({})
        self.errors: solara.Reactive[dict[str, str]] = solara.reactive({})
        self.upload_error = solara.reactive("")
        self.group = solara.reactive("workforce")
        self.seed = solara.reactive(1)
        self.replicates = solara.reactive(1)
        self.runs: solara.Reactive[list[PageRun]] = solara.reactive([])
        self.bases: solara.Reactive[dict[tuple[str, int, int], PageRun]] = solara.reactive({})
        self.status: solara.Reactive[Status | None] = solara.reactive(None)
        self.map_metric = solara.reactive("station_coverage")
        self.map_step = solara.reactive(-1)  # -1: the last month


state = State()

_workers: dict[str, Worker] = {}
_lock = threading.Lock()


def worker(kernel: str | None = None) -> Worker:
    """This session's worker process (started on first use, kept warm); ``kernel``: the
    session's id, for callers outside its context (a timer thread)."""
    kernel = kernel or solara.get_kernel_id()
    with _lock:
        if kernel not in _workers:
            _workers[kernel] = Worker()
        return _workers[kernel]


def _on_session() -> Any:
    kernel = solara.get_kernel_id()

    def close() -> None:
        with _lock:
            w = _workers.pop(kernel, None)
        if w is not None:
            w.close()

    return close


solara.lab.on_kernel_start(_on_session)


def results_dir() -> Path:
    """Where the page writes run folders (``swsim app --results DIR``)."""
    return Path(os.environ.get("SWSIM_APP_RESULTS", "results"))


def base_scenario(parent: Parent) -> Scenario:
    """The parent scenario, unedited (the levers' starting values)."""
    return load_text(scenario_text(parent, {}), parent.file or f"{parent.name}.yaml")


def edited() -> tuple[str, Scenario]:
    """The edited scenario's YAML text and the scenario it loads to."""
    parent = state.parent.value
    text = scenario_text(parent, state.edits.value)
    return text, load_text(text, parent.file or "edited scenario")


def apply_edit(lever: Lever, raw: Any, original: Any) -> None:
    """Set ``lever`` to ``raw`` (text as typed, or a slider's number) if the scenario with it
    validates; otherwise keep the old value and show the loader's one-line error."""
    errors = dict(state.errors.value)
    try:
        value = parse_edit(lever.path, raw) if isinstance(raw, str) else raw
        edits = dict(state.edits.value)
        if value == original:
            edits.pop(lever.path, None)
        else:
            edits[lever.path] = value
        load_text(scenario_text(state.parent.value, edits), "edited scenario")
    except ScenarioError as exc:
        errors[lever.path] = str(exc)
        state.errors.value = errors
        return
    errors.pop(lever.path, None)
    state.errors.value = errors
    state.edits.value = edits


def upload(name: str, data: bytes) -> None:
    """Take an uploaded scenario file if the loader accepts it (errors shown inline)."""
    try:
        text = data.decode("utf-8")
        scenario = load_text(text, name)
    except UnicodeDecodeError:
        state.upload_error.value = f"error: {name}: cannot read file (not UTF-8 text)"
        return
    except ScenarioError as exc:
        state.upload_error.value = f"error: {exc}"
        return
    state.upload_error.value = ""
    state.edits.value, state.errors.value = {}, {}
    state.parent.value = Parent(scenario.name, text, file=name)


def _label(scenario: Scenario, seed: int, replicates: int) -> str:
    return f"{scenario.name} · seed {seed} · ×{replicates}"


def _one(text: str, scenario: Scenario, seed: int, replicates: int, done: int, total: int
         ) -> PageRun:
    """Run one scenario in the worker, write its folder as ``swsim run`` does, read it back."""
    label = _label(scenario, seed, replicates)

    def progress(k: int) -> None:
        state.status.value = Status("running", label, done + k, total)
        run_job.progress = 100 * (done + k) / total

    outcome = worker().run(scenario, seed, replicates, progress,
                           cancelled=lambda: not run_job.is_current())
    out = results_dir() / "app" / f"{scenario.name}.seed{seed}.x{replicates}"
    check_destination(out, "run", overwrite=False, drop_report=True)  # the page's own report goes
    outcome.result.write(out)
    return PageRun(label, load_run(out), outcome.districts, text)


@solara.lab.task
def run_job(seed: int, replicates: int) -> str:
    """Run the edited scenario (and, when edited, its unedited parent for the comparison)."""
    text, scenario = edited()
    parent = state.parent.value
    base_key = (scenario_text(parent, {}), seed, replicates)
    need_base = bool(state.edits.value) and base_key not in state.bases.value
    total = replicates * (2 if need_base else 1)
    try:
        if need_base:
            base = _one(base_key[0], base_scenario(parent), seed, replicates, 0, total)
            state.bases.value = {**state.bases.value, base_key: base}
        run = _one(text, scenario, seed, replicates, total - replicates, total)
    except Cancelled:
        state.status.value = Status("cancelled")
        return "cancelled"
    if state.edits.value:
        run = replace(run, base=state.bases.value[base_key])
    runs = [r for r in state.runs.value if r.path != run.path] + [run]
    state.runs.value = runs[-MAX_RUNS:]
    state.map_step.value = -1
    state.status.value = Status("done", run.label, seconds=float(
        run.folder.manifest.get("wall_seconds", 0)), folder=str(run.path))
    return "done"


def results_zip(run: PageRun) -> bytes:
    """The run's results folder as a zip (files in name order, under the folder's name)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in sorted(p for p in run.path.rglob("*") if p.is_file()):
            zf.write(file, f"{run.path.name}/{file.relative_to(run.path).as_posix()}")
    return buf.getvalue()


def report_html(run: PageRun, lang: str) -> bytes:
    """``swsim report`` of the run's folder in ``lang`` (written there too), as HTML bytes."""
    from ..report.build import build_report

    return build_report(run.path, lang=lang).read_bytes()
