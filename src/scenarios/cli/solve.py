"""``scenarios solve``: what value of a policy lever makes a claim hold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from scenarios.cli.app import JsonOption, QuietOption, console, errors, print_json, progress
from scenarios.errors import ConfigError


def solve(
    claim_file: Annotated[
        Path,
        typer.Argument(
            help="A claim file (configs/claims/*.yaml) or a shipped name (itif_full45)."
        ),
    ],
    claim: Annotated[str, typer.Option("--claim", help="The claim's id in the file.")],
    lever: Annotated[
        list[str],
        typer.Option(
            "--lever",
            help="Dotted config path of the claim's scenario, e.g. "
            "programs.manufacturing_usa.new_institute_budget.total; twice for a grid of two.",
        ),
    ],
    probability: Annotated[
        list[float] | None,
        typer.Option(
            "--probability", "-p", help="Target probability (repeatable; default 0.5 and 0.9)."
        ),
    ] = None,
    range_: Annotated[
        tuple[float, float] | None,
        typer.Option(
            "--range",
            help="LOW HIGH of the (first) lever, e.g. --range 0 200000 (default 0 to ten times "
            "the scenario's value).",
        ),
    ] = None,
    range2: Annotated[
        tuple[float, float] | None,
        typer.Option("--range2", help="LOW HIGH of the second lever."),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option("--samples", "-n", help="Futures of the scan (default 1000; two levers 500)."),
    ] = None,
    refine: Annotated[
        int, typer.Option(help="The ensemble that bisects an answer is this many times larger.")
    ] = 4,
    grid: Annotated[
        int | None, typer.Option(help="Values per lever on the scan (default 17; two levers 9).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed, common to every lever value.")] = 0,
    out: Annotated[Path, typer.Option(help="Folder that receives runs/solve_<claim>/.")] = Path(
        "runs"
    ),
    quiet: QuietOption = False,
    json_: JsonOption = False,
) -> None:
    """What would it take: the lever value at which a claim holds with probability p.

    Example: scenarios solve itif_full45 --claim full45_completes_network
    --lever programs.manufacturing_usa.new_institute_budget.total --probability 0.9 --range 0 10000
    """
    from scenarios import api

    with progress(quiet):
        solution = api.solve(
            claim_file,
            claim,
            lever,
            probability=probability or [0.5, 0.9],
            range=_ranges(lever, range_, range2),
            samples=samples,
            seed=seed,
            grid=grid,
            refine=refine,
        )
        path = api.save_solve(solution, out)
    for line in solution.warnings:
        errors.print(f"[yellow]note[/yellow]: {line}", highlight=False)
    if json_:
        from scenarios.outputs.summary_json import records

        print_json(
            "solve",
            claim=claim,
            path=str(path),
            seconds=solution.seconds,
            answers=solution.sentences(),
            rows=records(solution.table()),
        )
    elif not quiet:
        table = Table("answer", title=f"{claim} ({claim_file})", title_justify="left")
        for line in solution.sentences():
            table.add_row(line)
        console.print(table)
        console.print(f"[green]wrote[/green] {path}  ({solution.seconds:.1f} s)")


def _ranges(
    levers: list[str], first: tuple[float, float] | None, second: tuple[float, float] | None
) -> list[tuple[float, float]] | None:
    """The ranges given, one per lever; None (every default) when none is."""
    if first is None and second is None:
        return None
    if first is None or (len(levers) == 2) != (second is not None):
        raise ConfigError(
            "give --range for one lever, or --range and --range2 for two",
            path="--range",
            hint="e.g. --range 0 200000 --range2 45 200",
        )
    return [first] if second is None else [first, second]
