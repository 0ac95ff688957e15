"""``swsim app``: serve the planners' page on this machine (Solara, offline)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from pathlib import Path

from ..cliutil import UsageError

__all__ = ["add_parser", "command", "exposure_warning", "main"]

#: the Solara app: the page module (its ``Page`` component)
APP = "simulation.app.page"


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be between 1 and 65535, got {value}")
    return value


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("app", help="serve the planners' web page on this machine (offline)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=_port, default=8765, help="port (default 8765)")
    p.add_argument("--results", type=Path, default=Path("results"),
                   help="folder for the page's run folders (default results; runs go to "
                   "DIR/app/<scenario>.seed<S>.x<N>/)")


def exposure_warning(host: str, port: int) -> str | None:
    """The warning ``swsim app`` prints when ``host`` lets other machines in (anything but a
    loopback address or ``localhost``): the page has no login. None for this machine only."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return None
    try:
        if ipaddress.ip_address(name).is_loopback:
            return None
    except ValueError:
        pass  # a host name: it may resolve to any address
    return (f"warning: swsim app: --host {host} lets other machines open the page, which has no "
            f"login: anyone who can reach port {port} can run the model, upload scenarios and "
            "download results")

#: Solara warns (10 lines, once per server) that its session cookie falls back from
#: samesite=none to samesite=lax whenever the page is served over http on a host name other
#: than "localhost" (127.0.0.1, the default, included). samesite=none only matters when the
#: page is embedded in another site's iframe; swsim's page is opened directly, where lax is
#: the right setting: the warning is silenced for the server, by its exact text and module.
COOKIE_WARNING = "ignore:Cookies with samesite=none require https:UserWarning:solara.server.starlette"


def command(host: str, port: int) -> list[str]:
    """The server's command line: Solara in production mode (assets served locally by
    solara-assets), no browser opened, no version check or telemetry (offline)."""
    return [sys.executable, "-W", COOKIE_WARNING, "-m", "solara", "run", APP, "--host", host,
            "--port", str(port), "--production", "--no-open", "--no-check-version", "--no-access-log",
            "--log-level", "warning"]


def main(args: argparse.Namespace) -> int:
    results = args.results.resolve()
    if results.exists() and not results.is_dir():
        raise UsageError(f"swsim app: --results {args.results}: not a folder")
    env = {**os.environ, "SWSIM_APP_RESULTS": str(results),
           "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
           # a closed tab's session (and its worker process) ends after 15 minutes, not 24 h
           "SOLARA_KERNEL_CULL_TIMEOUT": os.environ.get("SOLARA_KERNEL_CULL_TIMEOUT", "15m")}
    warning = exposure_warning(args.host, args.port)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    print(f"swsim app: serving on http://{args.host}:{args.port}/ (results in {results}; "
          "Ctrl-C stops)", flush=True)
    # the server replaces this process: a signal to it (Ctrl-C, kill) reaches the server
    os.execve(sys.executable, command(args.host, args.port), env)
    return 0  # not reached
