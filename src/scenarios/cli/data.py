"""The ``scenarios data`` commands: show the dataset, import new downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from scenarios.cli.app import console


def show(
    path: Annotated[
        Path | None,
        typer.Option(help="A dataset folder made by 'data import' (default: embedded)."),
    ] = None,
) -> None:
    """Show the dataset's series and tables with their years, units and sources (each document
    once, by short reference, its full reference below the table).

    Example: scenarios data show
    """
    from scenarios.data import load_dataset
    from scenarios.data.sources import full_reference, sources_in

    dataset = load_dataset(path)
    sources = dataset.sources()
    table = Table(title=f"dataset: {dataset.origin} ({dataset.vintage})", title_justify="left")
    for column in sources.columns:
        table.add_column(str(column), overflow="fold")
    for row in sources.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    console.print(table)
    for source in sources_in(sources["source"].astype(str)):
        console.print(f"- {full_reference(source)}", highlight=False)


def import_download(
    kind: Annotated[str, typer.Argument(help="'wdi' (World Bank CSV) or 'un' (UN AMA xlsx).")],
    file: Annotated[Path, typer.Argument(help="The downloaded file.")],
    out: Annotated[Path, typer.Option(help="Dataset folder to create or extend.")] = Path("data"),
) -> None:
    """Import a World Bank WDI CSV or UN AMA xlsx download into a dataset folder.

    Example: scenarios data import wdi WDI_manufacturing.csv --out mydata
    """
    from scenarios.data import import_file

    written = import_file(kind, file, out)
    console.print(
        f"[green]wrote[/green] {written}; use it with 'data: {{path: {out}}}' in a config"
    )
