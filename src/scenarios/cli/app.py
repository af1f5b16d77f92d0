"""The Typer application, the consoles and the options that several commands share."""

from __future__ import annotations

from typing import Annotated

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


def print_error(exc: ScenariosError) -> None:
    errors.print(
        Panel(
            Text(str(exc)),
            title=f"[red]{type(exc).__name__}[/red]",
            title_align="left",
            expand=False,
        )
    )
