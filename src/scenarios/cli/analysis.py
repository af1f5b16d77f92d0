"""Commands that question the assumptions: stress, sensitivity, audit, explore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from scenarios.cli.app import (
    JsonOption,
    QuietOption,
    SetOption,
    complete_config,
    console,
    errors,
    print_json,
    progress,
)


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
    quiet: QuietOption = False,
    json_: JsonOption = False,
) -> None:
    """Stress-test claims: probability they hold, drivers, breakevens, PRIM boxes, verdicts.

    Example: scenarios stress configs/claims/itif_full45.yaml --samples 1000
    """
    from rich.markup import escape

    from scenarios import api
    from scenarios.analysis.stress import summary_table
    from scenarios.outputs.report.stress import verdict
    from scenarios.outputs.summary_json import records

    files = []
    for claim_file in claim_files:
        with progress(quiet):
            results = api.stress(
                claim_file,
                samples=samples,
                seed=seed,
                ci_width=ci_width,
                max_samples=max_samples,
                overrides=set_,
            )
            path = api.save_stress(results, claim_file, out)
        files.append({"claim_file": str(claim_file), "path": str(path)})
        files[-1]["claims"] = records(summary_table(results))
        if not quiet and not json_:
            table = Table("claim", "what it says, and the verdict", title=str(claim_file))
            table.title_justify = "left"
            rows = summary_table(results).to_dict("records")
            for r, row in zip(results, rows, strict=True):
                said = f"{escape(r.claim.text)}\n[bold]{escape(verdict(r.claim, row))}[/bold]"
                table.add_row(r.claim.id, said)
            console.print(table)
            console.print(f"[green]wrote[/green] {path}")
    if json_:
        print_json("stress", files=files)


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
    quiet: QuietOption = False,
    json_: JsonOption = False,
) -> None:
    """Which assumptions drive the key outputs: indices with CIs, convergence, plots, report.

    Example: scenarios sensitivity nnmi_full45 --method sobol -n 4096
    """
    from scenarios import api
    from scenarios.outputs.sensitivity import drivers_rich_table

    with progress(quiet):
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
    for line in result.warnings:
        errors.print(f"[yellow]warning[/yellow]: {line}", highlight=False)
    if json_:
        from scenarios.outputs.summary_json import records

        print_json(
            "sensitivity",
            scenario=result.spec.name,
            method=result.method,
            n=result.n,
            path=path,
            seconds=round(result.timings["total"], 3),
            warnings=list(result.warnings),
            indices=records(result.to_frame()),
        )
    elif not quiet:
        console.print(drivers_rich_table(result))
        console.print(f"[green]wrote[/green] {path}  ({result.timings['total']:.1f} s)")


def audit(
    data: Annotated[
        Path | None, typer.Option(help="A dataset folder (default: the embedded dataset).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder that receives runs/audit/.")] = Path("runs"),
    json_: JsonOption = False,
) -> None:
    """Recompute every published figure of the sources from the data: reproduces or not, and what does.

    Example: scenarios audit
    """
    from rich.console import Console

    from scenarios.api import audit as run_audit
    from scenarios.outputs.audit import rich_table

    table = run_audit(data=data, out_dir=out)
    if json_:
        from scenarios.outputs.audit import answer
        from scenarios.outputs.summary_json import records

        print_json("audit", path=out / "audit", answer=answer(table)[0], figures=records(table))
        return
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
