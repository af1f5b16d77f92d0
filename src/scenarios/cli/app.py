"""The Typer application, the consoles and the options that several commands share."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from scenarios.errors import ScenariosError

# numpy, pandas and xarray come in with scenarios.api, which each command imports when it runs:
# ``--help`` and command-line errors need none of them.

app = typer.Typer(
    no_args_is_help=True,
    help="Scenario and projection engine for manufacturing-innovation policy.",
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(
    no_args_is_help=True, help="The embedded dataset: show it, import new downloads."
)
app.add_typer(data_app, name="data")

console = Console()
errors = Console(stderr=True)


def complete_config(incomplete: str) -> list[str]:
    """Shell completion of the shipped config names."""
    from scenarios.config.load import available_configs

    return [name for name in available_configs() if name.startswith(incomplete)]


SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a config value: dotted.path=value (repeatable)."),
]


QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print nothing but errors (no progress bar).")
]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json", help="Print the summary as JSON on stdout (keys: docs/cli.md); logs on stderr."
    ),
]


def progress(quiet: bool = False) -> AbstractContextManager[None]:
    """Progress of what runs inside, on stderr when it is a terminal, unless ``quiet``."""
    from scenarios.progress import display

    return display(quiet=quiet, console=errors)


def print_json(command: str, **fields: Any) -> None:
    """The command's summary as one JSON document on stdout (see outputs.summary_json)."""
    from scenarios.outputs.summary_json import document

    sys.stdout.write(document(command, **fields))


def print_error(exc: ScenariosError) -> None:
    errors.print(
        Panel(
            Text(str(exc)),
            title=f"[red]{type(exc).__name__}[/red]",
            title_align="left",
            expand=False,
        )
    )
