"""Commands that run scenarios and show them: run, compare, validate, list, schema."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from scenarios.cli.app import (
    JsonOption,
    QuietOption,
    SetOption,
    complete_config,
    console,
    errors,
    print_error,
    print_json,
    progress,
)
from scenarios.cli.formatting import ensemble_range, format_value, with_range, year_span
from scenarios.errors import ConfigError, ScenariosError

if TYPE_CHECKING:
    from scenarios.api import Run


def run(
    configs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Config files or shipped names (see 'scenarios list').",
            autocompletion=complete_config,
        ),
    ] = None,
    from_manifest: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="Re-run exactly what a runs/<name>/manifest.json records "
            "(with --set: that world, changed).",
        ),
    ] = None,
    set_: SetOption = None,
    samples: Annotated[
        int | None,
        typer.Option("--samples", "-n", help="Ensemble size (default: one deterministic run)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: the config's).")] = None,
    method: Annotated[str, typer.Option(help="Ensemble design: random, lhs or sobol.")] = "random",
    out: Annotated[Path, typer.Option(help="Folder that receives runs/<name>/.")] = Path("runs"),
    no_plots: Annotated[
        bool, typer.Option("--no-plots", help="Skip plots, report and IAMC export.")
    ] = False,
    quiet: QuietOption = False,
    json_: JsonOption = False,
    iamc_quantiles: Annotated[
        str,
        typer.Option(
            "--iamc-quantiles",
            help="Ensemble percentiles exported to iamc.csv as scenarios <name>|p05 "
            "(comma-separated; '' for the median only).",
        ),
    ] = "5,50,95",
    chunks: Annotated[
        int | None,
        typer.Option(
            "--chunks",
            min=1,
            help="Split the ensemble into K chunks run with dask; "
            "results to runs/<name>/results.zarr (automatic past the memory budget).",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Run the chunks on a dask.distributed cluster, e.g. tcp://host:8786.",
        ),
    ] = None,
) -> None:
    """Run scenarios and write runs/<name>/ (results.nc, metrics.csv, plots, report.html).

    Example: scenarios run configs/nnmi_full45.yaml --set impact.rho=0.3
    """
    from scenarios import api
    from scenarios.progress import steps

    quantiles = _percentiles(iamc_quantiles)
    if from_manifest is not None:
        results = [api.run_from_manifest(from_manifest, overrides=set_)]
    elif configs:
        results = (
            api.run_ensemble(
                config,
                overrides=set_,
                samples=samples,
                seed=seed,
                method=method,
                chunks=chunks,
                scheduler=scheduler,
                out_dir=out,
            )
            for config in configs
        )
    else:
        raise ConfigError(
            "give a config (a file or a shipped name) or --from MANIFEST",
            path="run",
            hint="e.g. scenarios run nnmi_full45",
        )
    done = []
    with progress(quiet), steps("scenarios", total=len(configs or [None])) as advance:
        for result in results:
            path = (
                result.path
                if not isinstance(result, api.Run)
                else api.save(result, out, plots=not no_plots, iamc_quantiles=quantiles)
            )
            advance()
            for line in getattr(result, "warnings", ()):
                errors.print(f"[yellow]warning[/yellow]: {line}", highlight=False)
            if json_:
                done.append((result, path))
            elif not quiet:
                print_summary(result, path)
    if json_:
        from scenarios.outputs.summary_json import run_entry

        print_json("run", runs=[run_entry(result, path) for result, path in done])


def _percentiles(text: str) -> tuple[float, ...]:
    """``"5,50,95"`` -> (0.05, 0.5, 0.95), each a whole percentile from 1 to 99."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not all(p.isdigit() and 1 <= int(p) <= 99 for p in parts):
        raise ConfigError(
            f"percentiles must be whole numbers from 1 to 99, not {text!r}",
            path="--iamc-quantiles",
            value=text,
            hint="e.g. --iamc-quantiles 5,50,95",
        )
    return tuple(int(p) / 100 for p in parts)


def print_summary(result: Run, path: Path) -> None:
    rate = result.spec.metrics.discount_rate
    table = Table(
        title=f"{result.spec.name}: {result.spec.description}",
        title_justify="left",
        caption="USD M: USD million at constant 2015 prices; pp: percentage points a year; "
        "bcr_federal / bcr_total: discounted MVA gain per discounted dollar of federal / of "
        f"federal + non-federal (match) spend, discount rate {rate:.1%} a year",
        caption_justify="left",
    )
    ensemble = result.results.sizes["sample"] > 1
    value_column = "median [5 % to 95 %]" if ensemble else "value"
    for column in ("metric", "country", "years", value_column):
        table.add_column(
            column,
            justify="right" if column == value_column else "left",
            no_wrap=column != value_column,
        )
    spread = ensemble_range(result.metrics) if ensemble else {}
    for row in result.summary.itertuples():
        if row.metric.startswith("delta_") and row.value == 0:
            continue
        delta = row.metric.startswith("delta")
        value = row.note or format_value(row.value, row.units, delta=delta)  # a note: no value
        low, high = spread.get((row.metric, row.country, row.start, row.end), (None, None))
        if not row.note and low is not None and low != high:
            value = with_range(
                value, *(format_value(v, row.units, delta=delta) for v in (low, high))
            )
        table.add_row(row.metric, row.country, year_span(row.start, row.end), value)
    console.print(table)
    _print_point_check(getattr(result, "point", None))
    if result.reference is not None:
        from scenarios.outputs.report import policy_lines

        reference = result.spec.reference
        console.print(
            f"policy (what differs from {reference}; every other assumption is shared):",
            highlight=False,
        )
        for line in policy_lines(result.policy, reference) or ["none"]:
            console.print(f"  {line}", markup=False, highlight=False)
    console.print(
        f"[green]wrote[/green] {path}  ({result.results.sizes['sample']} sample(s), {result.seconds:.2f} s)"
    )


def _print_point_check(point) -> None:
    """Where the deterministic headline falls outside the ensemble's 25-75 % band, say so."""
    if point is None or not point["outside"].any():
        return
    console.print(
        "[yellow]the point run (every uncertain input at its point value) falls outside the "
        "ensemble's 25-75 % band for:[/yellow]"
    )
    for row in point[point["outside"]].itertuples():
        show = {
            c: format_value(getattr(row, c), row.units, delta=row.metric.startswith("delta"))
            for c in ("point", "p25", "p50", "p75")
        }
        console.print(
            f"  {row.metric} {row.country} {year_span(row.start, row.end)}: point {show['point']}, ensemble median "
            f"{show['p50']} (25-75 %: {show['p25']} to {show['p75']})",
            markup=False,
            highlight=False,
        )


def compare(
    runs: Annotated[
        list[str],
        typer.Argument(help="Two or more run folders (runs/<name>) or configs to run first."),
    ],
    out: Annotated[Path, typer.Option(help="Folder that receives runs/compare_<names>/.")] = Path(
        "runs"
    ),
    json_: JsonOption = False,
) -> None:
    """Compare runs against the first: overlay plots, a delta table and report.html.

    Example: scenarios compare runs/baseline runs/nnmi_full45 runs/fraunhofer_parity
    """
    from scenarios import api

    table, path = api.compare(runs, out_dir=out)
    if json_:
        from scenarios.outputs.summary_json import compare_rows

        print_json("compare", path=path, differences=compare_rows(table, api.HEADLINE))
        return
    names = [c for c in table.columns if " - " in c]
    view = table[table["metric"].isin(api.HEADLINE)]
    rich_table = Table(
        "metric",
        "country",
        "years",
        *names,
        title="differences from the first run",
        title_justify="left",
    )
    for row in view.itertuples(index=False):
        years = year_span(row.start, row.end)
        deltas = row[len(row) - len(names) :]
        rich_table.add_row(
            row.metric,
            row.country,
            years,
            *[format_value(v, row.units, delta=True) for v in deltas],
        )
    console.print(rich_table)
    console.print(f"[green]wrote[/green] {path}")


def validate(
    paths: Annotated[list[Path], typer.Argument(help="Config files or folders of configs.")],
    set_: SetOption = None,
    json_: JsonOption = False,
) -> None:
    """Check configs without writing anything; every problem with file, key path and a hint.

    Example: scenarios validate configs/
    """
    from scenarios import api

    files = [f for p in paths for f in (sorted(p.glob("*.yaml")) if p.is_dir() else [p])]
    checked_files = []
    for file in files:
        entry: dict = {"file": str(file), "ok": True, "problem": None, "warnings": []}
        checked_files.append(entry)
        try:
            checked = api.run(file, overrides=set_, with_reference=False)
        except ScenariosError as exc:
            entry.update(ok=False, problem={"kind": type(exc).__name__, "message": str(exc)})
            if not json_:
                print_error(exc)
            continue
        entry["warnings"] = api.off_centre(checked.spec, checked.inputs)
        if not json_:
            console.print(f"[green]ok[/green] {file}")
            for line in entry["warnings"]:
                errors.print(f"[yellow]warning[/yellow]: {file}: {line}", highlight=False)
    if json_:
        print_json("validate", ok=all(e["ok"] for e in checked_files), files=checked_files)
    if not all(e["ok"] for e in checked_files):
        raise typer.Exit(2)


def list_configs() -> None:
    """List the scenario configs that ship with the package.

    Example: scenarios list
    """
    from scenarios import api

    table = Table("name", "description", "source")
    for name in api.available_configs():
        spec = api.load_config(name)
        table.add_row(name, spec.description, spec.source)
    console.print(table)


def schema(
    out: Annotated[
        Path | None, typer.Option(help="Write the schema to this file (default: print it).")
    ] = None,
) -> None:
    """The JSON schema of config files, for editors (YAML language server, VS Code, PyCharm).

    Example: scenarios schema --out config.schema.json
    """
    from scenarios.config.file_schema import config_file_schema_text

    text = config_file_schema_text()
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    errors.print(
        f"[green]wrote[/green] {out}; point a config to it with a first line "
        f"'# yaml-language-server: $schema={out.name}'",
        highlight=False,
    )
