"""``scenarios backtest --rolling``: the rolling-origin backtest over every country."""

from __future__ import annotations

from pathlib import Path

from scenarios.cli.app import console


def rolling_backtest(
    config: str,
    data: Path | None,
    *,
    first_origin: int,
    ets: bool,
    choose: bool,
    out: Path,
    quiet: bool = False,
) -> None:
    """Score every method from every origin, write skill.csv, plots and the config's defaults."""
    from scenarios.analysis.calibration.learned import growth_defaults
    from scenarios.analysis.calibration.skill import load_panel, rolling_backtest as backtest
    from scenarios.outputs.rolling import coverage_rich_table, skill_rich_table, write_rolling

    result = backtest(load_panel(data), statistical=ets, first_origin=first_origin)
    source = "UN AMA, embedded dataset" if data is None else f"UN AMA, {data.name}"
    defaults = growth_defaults(result, config, choose=choose)
    coverage, files = write_rolling(result, out, source=source, defaults=defaults)
    if not quiet:
        console.print(skill_rich_table(result))
        console.print(coverage_rich_table(coverage))
        console.print(f"[green]wrote[/green] {', '.join(map(str, files))}")
