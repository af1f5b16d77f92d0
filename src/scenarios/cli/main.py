"""The entry point: run a command, turn every failure into a one-screen message and an exit code."""

from __future__ import annotations

import os
import sys
import traceback

import typer

from scenarios import signals
from scenarios.cli.app import app, errors, print_error
from scenarios.errors import ScenariosError


def _interrupted() -> None:
    errors.print("[red]interrupted[/red]: nothing was written for the unfinished run")
    sys.exit(130)


def _is_usage_error(exc: Exception) -> bool:
    """A click usage error: typer raises its vendored click's classes, older typers click's own."""
    return any(cls.__name__ == "ClickException" for cls in type(exc).__mro__)


def main() -> None:
    """Entry point: user errors exit 2 with a one-screen message; internal errors exit 1."""
    try:
        _main()
    except SystemExit as exc:
        netcdf = sys.modules.get("scenarios.netcdf")
        if netcdf is not None and netcdf.UNCLOSABLE:  # freeing them would crash the interpreter
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(exc.code if isinstance(exc.code, int) else 1)
        raise


def _main() -> None:
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    signals.install()  # SIGTERM unwinds like Ctrl-C; neither is lost in a finaliser
    try:
        code = app(
            standalone_mode=False
        )  # click returns a typer.Exit's code here instead of raising
        if code == 130:  # typer turns Ctrl-C (and SIGTERM, see scenarios.signals) into Exit(130)
            _interrupted()
        if isinstance(code, int) and code:
            sys.exit(code)
    except ScenariosError as exc:
        if debug:
            traceback.print_exc()
        print_error(exc)
        sys.exit(2)
    except (typer.Exit, SystemExit) as exc:
        sys.exit(getattr(exc, "exit_code", None) or getattr(exc, "code", 0) or 0)
    except KeyboardInterrupt:
        _interrupted()
    except OSError as exc:
        if debug:
            traceback.print_exc()
        where = f": {exc.filename}" if exc.filename else ""
        errors.print(f"[red]error[/red]: {exc.strerror or exc}{where}", highlight=False)
        sys.exit(2)
    except Exception as exc:
        if _is_usage_error(exc):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        if debug:
            traceback.print_exc()
        errors.print(
            f"[red]internal error[/red]: {type(exc).__name__}: {exc}\n"
            "run again with --debug for the traceback, and please report it",
            highlight=False,
        )
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
