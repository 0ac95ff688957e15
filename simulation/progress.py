"""Progress of long commands: one callback signature, two ways to show it.

The run path (:func:`simulation.execution.driver.drive`, :func:`simulation.runner.run`,
sweeps and calibrations) accepts an optional ``progress`` callback::

    def progress(done: int, total: int) -> None: ...

called with ``done == 0`` before the first run and again whenever runs finish
(``done`` counts finished runs, ``total`` is fixed for one call site). It must be
cheap and must not raise. Anything can implement it: :class:`ConsoleProgress`
here (the CLI), a web page's progress bar, a test's list.

:class:`ConsoleProgress` shows a tqdm bar when stderr is a terminal and plain,
periodic lines otherwise (a sweep logged to a file is not silent for minutes)::

    progress: tianjin_baseline: 3/10 runs (30%), 16 s elapsed, about 37 s left
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import IO, Any

__all__ = ["ConsoleProgress", "Pace", "Progress", "eta_seconds", "every_seconds", "plain_line"]

#: the callback: ``progress(done, total)``
Progress = Callable[[int, int], None]

#: seconds between plain lines when stderr is not a terminal (``SWSIM_PROGRESS_SECONDS``)
DEFAULT_EVERY = 10.0
ENV_EVERY = "SWSIM_PROGRESS_SECONDS"


def every_seconds() -> float:
    """``SWSIM_PROGRESS_SECONDS`` (seconds between plain progress lines, 0 or more; ``inf``:
    only the first and last), :data:`DEFAULT_EVERY` when unset or empty. Anything else is a
    :class:`~simulation.cliutil.UsageError` (``swsim`` checks it before any command runs)."""
    from .arguments import UsageError

    text = os.environ.get(ENV_EVERY, "").strip()
    if not text:
        return DEFAULT_EVERY
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 0:  # also NaN
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise UsageError(f"{ENV_EVERY}: expected a number of seconds, 0 or more (default "
                         f"{DEFAULT_EVERY:g}), got {shown!r}")
    return value


def eta_seconds(done: int, total: int, elapsed: float, base: int = 0) -> float | None:
    """Seconds left at the pace of the runs finished in the last ``elapsed`` seconds; None
    before any did.

    ``base`` runs were already done when those seconds began, so they do not count towards
    the pace. Time the estimate from finished runs only (see :class:`Pace`): starting
    workers and their imports are not a pace (a 49 s sweep's first estimate said 11.4 min).
    """
    ran = done - base
    if ran <= 0 or elapsed <= 0:
        return None
    return max(0.0, (total - done) * elapsed / ran)


class Pace:
    """Time left, estimated from finished runs only: the clock starts when the first runs
    finish (what came before, starting worker processes, imports, warming up, is no measure
    of the pace), so there is an estimate from the second report of finished runs on."""

    def __init__(self) -> None:
        self._first: tuple[int, float] | None = None  # (done, time) when runs first finished

    def left(self, done: int, total: int, now: float, base: int = 0) -> float | None:
        """Seconds left with ``done`` of ``total`` runs finished at time ``now`` (``base``:
        runs done before this command, e.g. resumed); None while it cannot be told."""
        if self._first is None:
            if done > base:
                self._first = (done, now)
            return None
        first, since = self._first
        return eta_seconds(done, total, now - since, first)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def plain_line(desc: str, done: int, total: int, elapsed: float, left: float | None,
               unit: str = "runs") -> str:
    """One progress line for logs (no carriage returns, no colours)."""
    share = f"{100 * done / total:.0f}%" if total else "100%"
    tail = ("done" if done >= total else
            "estimating time left" if left is None else f"about {_duration(left)} left")
    return (f"progress: {desc}: {done}/{total} {unit} ({share}), "
            f"{_duration(elapsed)} elapsed, {tail}")


class ConsoleProgress:
    """A :data:`Progress` callback for the CLI: tqdm in a terminal, plain lines otherwise.

    ``every`` is the least number of seconds between plain lines (the first finished run and
    last are always printed); nothing is shown before ``after`` seconds (so a command that
    is quick stays quiet); ``clock`` is for tests.
    """

    def __init__(self, desc: str, unit: str = "runs", stream: IO[str] | None = None,
                 every: float | None = None, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic, after: float = 0.0) -> None:
        self.desc, self.unit = desc, unit
        self.stream = stream if stream is not None else sys.stderr
        self.every = every if every is not None else every_seconds()
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock, self.after = clock, after
        self._t0 = clock()  # the command's clock starts with its progress display
        self._base: int | None = None
        self._pace = Pace()
        self._last_print = -float("inf")
        self._last_done = -1
        self._bar: Any = None
        self._closed = False

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if self._base is None:
            self._base = done  # runs done before (a resumed sweep) do not set the pace
        left = self._pace.left(done, total, now, self._base)
        if self.tty:
            if not self._closed:
                self._tqdm(done, total, left)
            return
        finished = done >= total
        if done == self._base and not finished:
            return  # nothing to tell yet (and an error line stays the only line)
        if now - self._t0 < self.after:
            return  # quick so far: stay quiet
        if finished and self._last_done == done:
            return  # the closing line was printed already
        if finished or now - self._last_print >= self.every:
            elapsed = now - self._t0
            print(plain_line(self.desc, done, total, elapsed, left, self.unit),
                  file=self.stream, flush=True)
            self._last_print = now
            self._last_done = done

    def _tqdm(self, done: int, total: int, left: float | None) -> None:
        if self._bar is None:
            from tqdm import tqdm

            # the time left is ours (finished runs only), not tqdm's rate since the start
            self._bar = tqdm(total=total, initial=done, unit=self.unit.rstrip("s"),
                             desc=self.desc, file=self.stream, dynamic_ncols=True,
                             delay=self.after, bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} "
                             "[{elapsed}{postfix}]")
        if done < total:
            self._bar.set_postfix_str("estimating time left" if left is None
                                      else f"about {_duration(left)} left", refresh=False)
        else:
            self._bar.set_postfix_str("", refresh=False)
        self._bar.update(done - self._bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        """Close the bar (terminal); safe to call twice."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        self._closed = True
