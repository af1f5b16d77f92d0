"""The ``scenarios`` command line: each command is a few lines over :mod:`scenarios.api`."""

from __future__ import annotations

import signal
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from scenarios.errors import ConfigError, ScenariosError

if TYPE_CHECKING:
    from scenarios.api import Run

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


def _complete_config(incomplete: str) -> list[str]:
    """Shell completion of the shipped config names."""
    from scenarios.config.load import available_configs

    return [name for name in available_configs() if name.startswith(incomplete)]


SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override a config value: dotted.path=value (repeatable)."),
]


@app.command()
def run(
    configs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Config files or shipped names (see 'scenarios list').",
            autocompletion=_complete_config,
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
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
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from scenarios import api

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
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=quiet,
    ) as progress:
        task = progress.add_task("running", total=len(configs or [None]))
        for result in results:
            progress.update(task, description=f"writing {result.spec.name}")
            path = (
                result.path
                if not isinstance(result, api.Run)
                else api.save(result, out, plots=not no_plots)
            )
            progress.advance(task)
            for line in getattr(result, "warnings", ()):
                errors.print(f"[yellow]warning[/yellow]: {line}", highlight=False)
            if not quiet:
                _print_summary(result, path)


def _print_summary(result: Run, path: Path) -> None:
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
    spread = _spread(result.metrics) if ensemble else {}
    for row in result.summary.itertuples():
        if row.metric.startswith("delta_") and row.value == 0:
            continue
        delta = row.metric.startswith("delta")
        value = row.note or _fmt(row.value, row.units, delta=delta)  # a note: no value
        low, high = spread.get((row.metric, row.country, row.start, row.end), (None, None))
        if not row.note and low is not None and low != high:
            value = _with_range(value, *(_fmt(v, row.units, delta=delta) for v in (low, high)))
        table.add_row(row.metric, row.country, _years(row.start, row.end), value)
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


def _with_range(middle: str, low: str, high: str) -> str:
    """``3,140 [2,686 to 3,728] USD M``: the range beside the median, the units said once."""
    units = ""
    while middle and middle[-1] == low[-1:] == high[-1:] and not middle[-1].isdigit():
        units, middle, low, high = middle[-1] + units, middle[:-1], low[:-1], high[:-1]
    return f"{middle.rstrip()} [{low.rstrip()} to {high.rstrip()}]" + (
        f" {units.strip()}" if units.strip() else ""
    )


def _spread(metrics) -> dict[tuple, tuple[float, float]]:
    """(metric, country, start, end) -> (5 %, 95 %) quantiles of an ensemble's metrics table."""
    wide = metrics[metrics["statistic"].isin(["p05", "p95"])].pivot_table(
        index=["metric", "country", "start", "end"], columns="statistic", values="value"
    )
    return {key: (row["p05"], row["p95"]) for key, row in wide.iterrows()}


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
            c: _fmt(getattr(row, c), row.units, delta=row.metric.startswith("delta"))
            for c in ("point", "p25", "p50", "p75")
        }
        console.print(
            f"  {row.metric} {row.country} {_years(row.start, row.end)}: point {show['point']}, ensemble median "
            f"{show['p50']} (25-75 %: {show['p25']} to {show['p75']})",
            markup=False,
            highlight=False,
        )


def _years(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}-{end}"


def _fmt(value: float, units: str, *, delta: bool = False) -> str:
    if units.startswith("fraction per year"):
        return f"{value * 100:+.3f} pp" if delta else f"{value:.2%}/yr"
    if units.startswith("fraction"):
        return f"{value:.3%}"
    if units.startswith("USD million"):
        return f"{value:,.0f} USD M"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


@app.command()
def compare(
    runs: Annotated[
        list[str],
        typer.Argument(help="Two or more run folders (runs/<name>) or configs to run first."),
    ],
    out: Annotated[Path, typer.Option(help="Folder that receives runs/compare_<names>/.")] = Path(
        "runs"
    ),
) -> None:
    """Compare runs against the first: overlay plots, a delta table and report.html.

    Example: scenarios compare runs/baseline runs/nnmi_full45 runs/fraunhofer_parity
    """
    from scenarios import api

    table, path = api.compare(runs, out_dir=out)
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
        years = _years(row.start, row.end)
        deltas = row[len(row) - len(names) :]
        rich_table.add_row(
            row.metric, row.country, years, *[_fmt(v, row.units, delta=True) for v in deltas]
        )
    console.print(rich_table)
    console.print(f"[green]wrote[/green] {path}")


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Config files or folders of configs.")],
    set_: SetOption = None,
) -> None:
    """Check configs without writing anything; every problem with file, key path and a hint.

    Example: scenarios validate configs/
    """
    from scenarios import api

    files = [f for p in paths for f in (sorted(p.glob("*.yaml")) if p.is_dir() else [p])]
    failed = 0
    for file in files:
        try:
            checked = api.run(file, overrides=set_, with_reference=False)
        except ScenariosError as exc:
            failed += 1
            _print_error(exc)
            continue
        console.print(f"[green]ok[/green] {file}")
        for line in api.off_centre(checked.spec, checked.inputs):
            errors.print(f"[yellow]warning[/yellow]: {file}: {line}", highlight=False)
    if failed:
        raise typer.Exit(2)


@app.command()
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
            claim_file, samples=samples, seed=seed, ci_width=ci_width, max_samples=max_samples
        )
        path = api.save_stress(results, claim_file, out)
        if not quiet:
            table = Table("claim", "verdict", title=str(claim_file), title_justify="left")
            for r in results:
                table.add_row(r.claim.id, r.verdict)
            console.print(table)
            console.print(f"[green]wrote[/green] {path}")


@app.command("list")
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


@app.command()
def calibrate(
    config: Annotated[
        str, typer.Argument(help="Config file or shipped name.", autocompletion=_complete_config)
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
) -> None:
    """Fit each country's growth component to observed MVA; print estimates and a config fragment.

    Example: scenarios calibrate baseline --window 2004 2015 --out calibrated.yaml
    """
    from scenarios.analysis import calibration
    from scenarios.files import write_text

    result = calibration.calibrate(
        config, window, fix=tuple(fix or ()), bootstrap=bootstrap, seed=seed
    )
    console.print(result.rich_table())
    for line in result.warnings():
        errors.print(f"[yellow]warning[/yellow]: {line}", highlight=False)
    if out is None:
        console.print(result.to_yaml(), markup=False, highlight=False, soft_wrap=True)
    else:
        write_text(out, result.to_yaml())
        console.print(f"[green]wrote[/green] {out}")


@app.command()
def backtest(
    config: Annotated[
        str, typer.Argument(help="Config file or shipped name.", autocompletion=_complete_config)
    ],
    fit: Annotated[tuple[int, int], typer.Option(help="Fit window START END.")] = (2004, 2015),
    test: Annotated[tuple[int, int], typer.Option(help="Test window START END.")] = (2016, 2023),
    out: Annotated[
        Path,
        typer.Option(help="Folder for backtest.csv and backtest.png (written like a run folder)."),
    ] = Path("runs") / "backtest",
) -> None:
    """Score every growth component out of sample against naive benchmarks (MAPE, CAGR error).

    Example: scenarios backtest baseline --fit 2004 2015 --test 2016 2023
    """
    from scenarios.analysis.calibration import backtest_paths
    from scenarios.outputs.backtest import backtest_rich_table, write_backtest

    table, files = write_backtest(backtest_paths(config, fit, test), out)
    console.print(backtest_rich_table(table))
    console.print(f"[green]wrote[/green] {', '.join(map(str, files))}")


@app.command()
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


@data_app.command("show")
def data_show(
    path: Annotated[
        Path | None,
        typer.Option(help="A dataset folder made by 'data import' (default: embedded)."),
    ] = None,
) -> None:
    """Show the dataset's series and tables with their years, units and sources.

    Example: scenarios data show
    """
    from scenarios.data import load_dataset

    dataset = load_dataset(path)
    sources = dataset.sources()
    table = Table(title=f"dataset: {dataset.origin} ({dataset.vintage})", title_justify="left")
    for column in sources.columns:
        table.add_column(str(column), overflow="fold")
    for row in sources.itertuples(index=False):
        table.add_row(*[str(v) for v in row])
    console.print(table)


@data_app.command("import")
def data_import(
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


def _print_error(exc: ScenariosError) -> None:
    errors.print(
        Panel(
            Text(str(exc)),
            title=f"[red]{type(exc).__name__}[/red]",
            title_align="left",
            expand=False,
        )
    )


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so an unfinished run folder is cleaned up."""
    raise KeyboardInterrupt


def _interrupted() -> None:
    errors.print("[red]interrupted[/red]: nothing was written for the unfinished run")
    sys.exit(130)


def _is_usage_error(exc: Exception) -> bool:
    """A click usage error: typer raises its vendored click's classes, older typers click's own."""
    return any(cls.__name__ == "ClickException" for cls in type(exc).__mro__)


def main() -> None:
    """Entry point: user errors exit 2 with a one-screen message; internal errors exit 1."""
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = app(
            standalone_mode=False
        )  # click returns a typer.Exit's code here instead of raising
        if code == 130:  # typer turns Ctrl-C (and SIGTERM, see _terminate) into Exit(130)
            _interrupted()
        if isinstance(code, int) and code:
            sys.exit(code)
    except ScenariosError as exc:
        if debug:
            traceback.print_exc()
        _print_error(exc)
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


@app.command()
def sensitivity(
    config: Annotated[
        str, typer.Argument(help="Config file or shipped name.", autocompletion=_complete_config)
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


@app.command()
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


@app.command()
def explore(
    config: Annotated[
        str,
        typer.Argument(
            help="Config file or shipped name to start from.", autocompletion=_complete_config
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
