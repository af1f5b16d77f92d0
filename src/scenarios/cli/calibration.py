"""Commands that hold the model against the data: calibrate, backtest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scenarios.cli.app import QuietOption, complete_config, console, errors, progress


def calibrate(
    config: Annotated[
        str, typer.Argument(help="Config file or shipped name.", autocompletion=complete_config)
    ],
    window: Annotated[
        tuple[int, int] | None,
        typer.Option(help="Fit window START END (default: each country's longest history)."),
    ] = None,
    fix: Annotated[
        list[str] | None,
        typer.Option(
            "--fix", help="Hold a parameter at the config's value, e.g. g_lr (repeatable)."
        ),
    ] = None,
    bootstrap: Annotated[
        int, typer.Option(help="Residual-bootstrap refits for the std errors (default: Jacobian).")
    ] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the bootstrap.")] = 0,
    out: Annotated[Path | None, typer.Option(help="Write the YAML config fragment here.")] = None,
    quiet: QuietOption = False,
) -> None:
    """Fit each country's growth component to observed MVA; print estimates and a config fragment.

    Example: scenarios calibrate baseline --window 2004 2015 --out calibrated.yaml
    """
    from scenarios.analysis import calibration
    from scenarios.files import write_text

    with progress(quiet):
        result = calibration.calibrate(
            config, window, fix=tuple(fix or ()), bootstrap=bootstrap, seed=seed
        )
    if not quiet:
        console.print(result.rich_table())
    for line in result.warnings():
        errors.print(f"[yellow]warning[/yellow]: {line}", highlight=False)
    if out is None:
        console.print(result.to_yaml(), markup=False, highlight=False, soft_wrap=True)
    else:
        write_text(out, result.to_yaml())
        if not quiet:
            console.print(f"[green]wrote[/green] {out}")


def backtest(
    config: Annotated[
        str, typer.Argument(help="Config file or shipped name.", autocompletion=complete_config)
    ],
    fit: Annotated[tuple[int, int], typer.Option(help="Fit window START END.")] = (2004, 2015),
    test: Annotated[tuple[int, int], typer.Option(help="Test window START END.")] = (2016, 2023),
    out: Annotated[
        Path,
        typer.Option(help="Folder for backtest.csv and backtest.png (written like a run folder)."),
    ] = Path("runs") / "backtest",
    quiet: QuietOption = False,
) -> None:
    """Score every growth component out of sample against naive benchmarks (MAPE, CAGR error).

    Example: scenarios backtest baseline --fit 2004 2015 --test 2016 2023
    """
    from scenarios.analysis.calibration import backtest_paths
    from scenarios.outputs.backtest import backtest_rich_table, write_backtest

    with progress(quiet):
        table, files = write_backtest(backtest_paths(config, fit, test), out)
    if not quiet:
        console.print(backtest_rich_table(table))
        console.print(f"[green]wrote[/green] {', '.join(map(str, files))}")
