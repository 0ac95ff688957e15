"""The ``swsim`` command: thin wrappers over :mod:`simulation.runner` and the loader.

Bad input of any kind exits with status 2 and one line on stderr,
``error: FILE[:LINE]: key.path: what is wrong``, before anything is written.
Heavy libraries are imported only by the commands that need them. Output piped into a
command that stops reading (``swsim list | head -1``) ends the command quietly, as Unix
tools do (status 141, 128 + SIGPIPE).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import shlex
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .cliutil import Parser, UsageError, positive_int, seed_int
from .execution.choice import add_options, check_options, open_executor
from .params import Scenario, ScenarioError, load_scenario, shipped_scenarios
from .progress import ConsoleProgress, every_seconds
from .results import ResultsError
from .summary import summary_table

if TYPE_CHECKING:
    from .execution.executors import Executor

__all__ = ["COMMANDS", "MAX_REPLICATES", "UsageError", "main"]

#: most replicates one ``swsim run`` may ask for: a sweep's per-point limit (experiment files,
#: simulation/experiments/spec.py); every replicate's monthly table is held in memory
MAX_REPLICATES = 10_000

#: further sub-commands, each a module exposing ``add_parser(subparsers)`` and
#: ``main(args) -> int``; keep those modules light to import (heavy imports inside main)
COMMANDS: dict[str, str] = {
    "app": "simulation.app.cli",
    "calibrate": "simulation.calibration.cli",
    "discover": "simulation.discovery.cli",
    "new": "simulation.newcity",
    "report": "simulation.report.cli",
    "sweep": "simulation.experiments.cli",
}


def __getattr__(name: str) -> object:
    """``KEY_METRICS``: the registry's key metrics (``key=True`` in simulation/outcomes.py),
    looked up on first use so that building the parser stays light."""
    if name == "KEY_METRICS":
        from .outcomes import key_metrics

        return tuple(key_metrics())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _replicates(text: str) -> int:
    """``--replicates``: a whole number from 1 to :data:`MAX_REPLICATES`."""
    value = positive_int(text)
    if value > MAX_REPLICATES:
        raise argparse.ArgumentTypeError(
            f"at most {MAX_REPLICATES:,}, got {value:,} (for more, run other --seed values "
            "into other folders)")
    return value


def _parser() -> argparse.ArgumentParser:
    p = Parser(prog="swsim", description="Simulate China's grassroots social-work system.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    r = sub.add_parser("run", help="run scenarios and write a results folder")
    r.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                   help="scenario YAML files or shipped names (default: tianjin_baseline)")
    r.add_argument("--out", type=Path, help="output folder (default: results/<scenario>, or "
                   "results/<scenario>.set-<hash> with --set; with several scenarios, one "
                   "sub-folder each)")
    r.add_argument("--seed", type=seed_int, default=1, help="run seed (default 1)")
    r.add_argument("--replicates", type=_replicates, default=1,
                   help=f"stochastic replicates (1-{MAX_REPLICATES:,})")
    add_options(r, default="1")  # --workers, --scheduler: replicates in parallel, same bytes
    r.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY.PATH=VALUE",
                   help="override one parameter (repeatable), e.g. workforce.attrition_rate=0.2")
    r.add_argument("--overwrite", action="store_true", help="replace an --out folder that holds "
                   "something other than an earlier run alone (your files, a report of that run, "
                   "another result); it is swapped out whole")
    r.add_argument("--quiet", action="store_true", help="print only the output folder")
    v = sub.add_parser("validate", help="check scenario files without running them")
    v.add_argument("files", nargs="+", metavar="FILE")
    v.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY.PATH=VALUE")
    sub.add_parser("list", help="list shipped scenarios")
    e = sub.add_parser("explain", help="print every parameter of a scenario with unit, bounds "
                       "and source (Markdown)")
    e.add_argument("scenario", nargs="?", metavar="SCENARIO")
    e.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY.PATH=VALUE")
    for module in COMMANDS.values():
        importlib.import_module(module).add_parser(sub)
    return p


def _cmd_list() -> int:
    for name, path in shipped_scenarios().items():
        sc = load_scenario(path)
        print(f"{name:28s} {sc.description}")
    return 0


def _warn(ref: str, sc: Scenario, sets: Sequence[str] = ()) -> None:
    """Print what the scenario cannot do as asked (simulation/feasibility.py) on stderr."""
    from .feasibility import check

    for warning in check(sc, sets):
        print(warning.line(ref), file=sys.stderr)


def _cmd_validate(args: argparse.Namespace) -> int:
    for f in args.files:
        sc = load_scenario(f, args.sets)
        print(f"ok: {f} ({sc.name}, {sc.months} months from {sc.start})")
        _warn(f, sc, args.sets)
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from .params.docs import markdown_table

    print(markdown_table(load_scenario(args.scenario, args.sets)), end="")
    return 0


def _run_folders(args: argparse.Namespace, names: list[str]) -> list[Path]:
    """Each scenario's results folder, every one checked before anything runs."""
    from .results import check_destination, folder_kind

    suffix = ""
    if args.sets:  # a run with overrides never lands in (or replaces) the plain scenario's folder
        digest = hashlib.sha256("\n".join(args.sets).encode("utf-8")).hexdigest()[:8]
        suffix = f".set-{digest}"
    if args.out is None:
        outs = [Path("results") / f"{name}{suffix}" for name in names]
    elif len(names) == 1:
        outs = [args.out]
    else:
        if args.out.is_dir() and any(args.out.iterdir()) and not args.overwrite and \
                folder_kind(args.out) is not None:
            raise ResultsError(f"--out {args.out}: holds a {folder_kind(args.out)} result, "
                               "not a folder of runs; choose another folder, or pass "
                               "--overwrite")
        outs = [args.out / f"{name}{suffix}" for name in names]
    for out in outs:
        check_destination(out, "run", args.overwrite)
    return outs


def _cmd_run(args: argparse.Namespace) -> int:
    check_options(args, "run")
    refs = args.scenarios or [None]
    scenarios = [load_scenario(ref, args.sets) for ref in refs]  # all checked before any run
    args.refs = [str(ref or sc.name) for ref, sc in zip(refs, scenarios, strict=True)]
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise UsageError("swsim run: two scenarios share a name; their folders would collide")
    outs = _run_folders(args, names)
    with open_executor(args, "run", default_workers=1) as executor:
        return _run_each(args, scenarios, outs, executor)


def _run_each(args: argparse.Namespace, scenarios: list[Scenario], outs: list[Path],
              executor: Executor) -> int:
    """Run and write each scenario in turn, its replicates on ``executor``; the exit status."""
    from concurrent.futures import CancelledError
    from dataclasses import replace

    from .execution.choice import how
    from .runner import ReplicateError, run  # heavy imports only now

    for ref, sc, out in zip(args.refs, scenarios, outs, strict=True):
        replacing = out.is_dir() and any(out.iterdir())  # its own earlier run (checked)
        try:
            show = None if args.quiet else ConsoleProgress(f"{sc.name} replicates")
            try:
                result = replace(run(sc, seed=args.seed, replicates=args.replicates,
                                     executor=executor, progress=show), sets=tuple(args.sets))
            finally:
                if show is not None:
                    show.close()
        except ReplicateError as exc:
            print(f"error: {exc}; nothing was written to {out}", file=sys.stderr)
            return 1
        except (OSError, TimeoutError, CancelledError) as exc:  # the Dask cluster went away
            print(f"error: run stopped ({exc.__class__.__name__}: {exc}); nothing was written "
                  f"to {out}", file=sys.stderr)
            return 1
        try:
            result.write(out)
        except OSError as exc:  # disk full, file size limit: the earlier folder is kept whole
            print(f"error: {out}: cannot write the results ({exc.strerror or exc}); "
                  "nothing was changed there", file=sys.stderr)
            return 1
        if args.quiet:
            print(out)
            continue
        _warn(ref, sc, args.sets)  # after the run, so that an error stays the only line when it fails
        print(f"wrote {out}/ ({sc.name}{' with --set overrides' if args.sets else ''}: "
              f"{args.replicates} replicate(s), {sc.months} months, "
              f"{result.wall_seconds:.1f} s{'' if executor.kind == 'serial' else ' ' + how(executor)})"
              f"{'; replaced the earlier result there' if replacing else ''}")
        print(summary_table(result.summary, result.replicates,
                            str(result.timeseries["date"].iloc[-1])))
    if not args.quiet:
        print(_next_step(outs))
    return 0


def _next_step(outs: list[Path]) -> str:
    """The last line of ``swsim run``: where the results are and the command to report them
    (several scenarios: the first, compared with the others)."""
    where = ", ".join(f"{out}/" for out in outs)
    first, *others = [shlex.quote(str(out)) for out in outs]
    compare = f" --compare {' '.join(others)}" if others else ""
    return f"results in {where}; next: swsim report {first}{compare}"


def _command(args: argparse.Namespace) -> int:
    every_seconds()  # the environment is checked before anything runs
    if args.command == "list":
        return _cmd_list()
    if args.command == "validate":
        return _cmd_validate(args)
    if args.command == "explain":
        return _cmd_explain(args)
    if args.command in COMMANDS:
        return int(importlib.import_module(COMMANDS[args.command]).main(args))
    return _cmd_run(args)


#: exit status when the reader of our output went away (``swsim list | head -1``): what a
#: shell reports for a Unix tool ended by SIGPIPE
BROKEN_PIPE = 141


def _stdout_gone() -> bool:
    """Whether stdout is a pipe whose reader went away (poll says POLLERR), so that a
    BrokenPipeError of anything else (a worker's pipe, a socket) is not taken for it."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(event & select.POLLERR for _, event in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no poll (Windows), stdout replaced (tests)
        return True


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that Python's final flush of what is still buffered for
    a reader that went away does not print "Exception ignored ... BrokenPipeError"."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced (tests) or closed
        pass
class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``), raised where the command is, as Ctrl-C is: every ``with`` and
    ``finally`` runs, so worker processes are shut down (their semaphores released: no
    resource-tracker warning) and sweeps keep their finished runs for ``--resume``."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # called from another thread than the main one: left as it is
        previous = None
    try:
        return _main(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
        status = _command(args)
        sys.stdout.flush()  # a reader that went away is found here, inside the handler
        return status
    except (ScenarioError, UsageError, ResultsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        if not _stdout_gone():
            raise
        _quiet_stdout()
        return BROKEN_PIPE
    except Terminated:
        print("error: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
