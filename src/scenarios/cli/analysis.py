"""Commands that question the assumptions: stress, sensitivity, audit, explore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from scenarios.cli.app import SetOption, complete_config, console, errors


def stress(
    claim_files: Annotated[
        list[Path],
        typer.Argument(help="Claim files (configs/claims/*.yaml) or shipped names (itif_full45)."),
    ],
    samples: Annotated[
        int, typer.Option("--samples", "-n", help="Futures per sampling round.")
    ] = 500,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    ci_width: Annotated[
        float, typer.Option(help="Sample until the 95 % interval is this narrow.")
    ] = 0.05,
    max_samples: Annotated[int, typer.Option(help="Cap on futures per claim.")] = 8000,
    set_: SetOption = None,
    out: Annotated[Path, typer.Option(help="Folder that receives runs/stress_<file>/.")] = Path(
        "runs"
    ),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Stress-test claims: probability they hold, drivers, breakevens, PRIM boxes, verdicts.

    Example: scenarios stress configs/claims/itif_full45.yaml --samples 1000
    """
    from scenarios import api

    for claim_file in claim_files:
        results = api.stress(
            claim_file,
            samples=samples,
            seed=seed,
            ci_width=ci_width,
            max_samples=max_samples,
            overrides=set_,
        )
        path = api.save_stress(results, claim_file, out)
        if not quiet:
            table = Table("claim", "verdict", title=str(claim_file), title_justify="left")
            for r in results:
                table.add_row(r.claim.id, r.verdict)
            console.print(table)
            console.print(f"[green]wrote[/green] {path}")


def sensitivity(
    config: Annotated[
        str, typer.Argument(help="Config file or shipped name.", autocompletion=complete_config)
    ],
    method: Annotated[
        str, typer.Option(help="sobol, morris, fast, rbd_fast, delta or pawn.")
    ] = "sobol",
    n: Annotated[int, typer.Option("-n", help="Base sample size (sobol: a power of 2).")] = 1024,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the config's).")] = None,
    output: Annotated[
        list[str] | None,
        typer.Option(
            "--output", help="Another output, e.g. name=mva,country=JPN,year=2030 (repeatable)."
        ),
    ] = None,
    set_: SetOption = None,
    out: Annotated[
        Path, typer.Option(help="Folder that receives runs/<name>_sensitivity/.")
    ] = Path("runs"),
    second_order: Annotated[
        bool,
        typer.Option(
            "--second-order",
            help="sobol: also pairwise indices S2 (design n (2d + 2) rows, "
            "not n (d + 2); slower analysis).",
        ),
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(help="dask.distributed scheduler address: run the design on that cluster."),
    ] = None,
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Skip plots and report.")] = False,
) -> None:
    """Which assumptions drive the key outputs: indices with CIs, convergence, plots, report.

    Example: scenarios sensitivity nnmi_full45 --method sobol -n 4096
    """
    from scenarios import api
    from scenarios.outputs.sensitivity import drivers_rich_table

    result = api.sensitivity(
        config,
        method=method,
        n=n,
        seed=seed,
        outputs=output,
        overrides=set_,
        second_order=second_order,
        scheduler=scheduler,
    )
    path = api.save_sensitivity(result, out, plots=not no_plots)
    console.print(drivers_rich_table(result))
    for line in result.warnings:
        errors.print(f"[yellow]warning[/yellow]: {line}", highlight=False)
    console.print(f"[green]wrote[/green] {path}  ({result.timings['total']:.1f} s)")


def audit(
    data: Annotated[
        Path | None, typer.Option(help="A dataset folder (default: the embedded dataset).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder that receives runs/audit/.")] = Path("runs"),
) -> None:
    """Recompute every published figure of the sources from the data: reproduces or not, and what does.

    Example: scenarios audit
    """
    from rich.console import Console

    from scenarios.api import audit as run_audit
    from scenarios.outputs.audit import rich_table

    table = run_audit(data=data, out_dir=out)
    terminal = Console()
    terminal.print(rich_table(table))
    terminal.print(f"[green]wrote[/green] {out / 'audit'}")


def explore(
    config: Annotated[
        str,
        typer.Argument(
            help="Config file or shipped name to start from.", autocompletion=complete_config
        ),
    ] = "nnmi_full45",
    port: Annotated[
        int | None, typer.Option(help="Port on 127.0.0.1 (default: a free one).")
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", "-n", help="Futures in the live ensemble.")
    ] = 1000,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the config's).")] = None,
    open_: Annotated[
        bool, typer.Option("--open", help="Open the page in the default browser.")
    ] = False,
) -> None:
    """A live what-if explorer in the browser, on 127.0.0.1 only: move a lever, see the ensemble,
    the policy effect and the claims' verdicts change; export the setting as a config.

    Example: scenarios explore nnmi_full45 --port 5006
    """
    from scenarios.outputs.explorer.serve import serve

    serve(
        config,
        port=port,
        samples=samples,
        seed=seed,
        open_browser=open_,
        echo=lambda line: console.print(line, highlight=False),
    )
