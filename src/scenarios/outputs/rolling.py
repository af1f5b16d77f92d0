"""The rolling-origin backtest on disk and on the terminal: skill.csv, per-country scores, the
coverage of the learned and guessed intervals, the growth defaults fragment and skill plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from scenarios.analysis.calibration.learned import GrowthDefault, defaults_yaml, interval_coverage
from scenarios.analysis.calibration.skill import FOCUS, RollingResult
from scenarios.outputs.plotting.style import OKABE_ITO, SCENARIO_COLORS, country_name
from scenarios.results import write_run

PANELS = (
    ("mase_median", "MASE of the level, median over countries", "MASE (1 = in-sample naive)"),
    ("coverage_90", "Coverage of the 90 % interval, all countries", "share of outcomes inside"),
    ("crps_median", "CRPS, median over countries", "CRPS of log MVA (log points)"),
    ("bias_median", "Bias, median over countries", "forecast - actual (log points)"),
)
_COLORS = {
    "random_walk": OKABE_ITO["black"],
    "last_cagr": OKABE_ITO["reddish_purple"],
    "auto_ets": OKABE_ITO["orange"],
    "convergence_20": OKABE_ITO["vermillion"],
    "constant_10": "#56B4E9",
    "constant_15": "#0072B2",
    "constant_20": "#003A5C",
    "trend_10": "#7FD3B8",
    "trend_15": "#009E73",
    "trend_20": "#00563F",
}
_LINES = {"constant": "--", "trend": ":", "convergence": "-."}


def _style(method: str, index: int) -> dict[str, Any]:
    color = _COLORS.get(method, SCENARIO_COLORS[index % len(SCENARIO_COLORS)])
    style = _LINES.get(method.split("_")[0], "-")
    return {"color": color, "ls": style, "lw": 1.4, "marker": ".", "ms": 4}


def _source(result: RollingResult, source: str, *, common: bool = True) -> str:
    years = result.panel.years
    origins = result.mask.any(axis=(0, 2))
    cells = (
        "every method scored on the same country-origin cells"
        if common
        else "each method scored on every origin it has a forecast for"
    )
    return (
        f"Source: {source}; MVA at constant 2015 USD.\nOrigins {years[origins].min()}-"
        f"{years[origins].max()}, {int(result.mask.any(axis=(1, 2)).sum())} countries; {cells}."
    )


def plot_skill(result: RollingResult, source: str, file: str | Path | None = None):
    """Skill against horizon, one panel per score, one line per method."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(9, 7), dpi=150)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.92, bottom=0.22, hspace=0.4, wspace=0.25)
    for ax, (column, title, ylabel) in zip(axes.flat, PANELS, strict=True):
        for i, (method, rows) in enumerate(result.skill.groupby("method", sort=False)):
            ax.plot(rows["horizon"], rows[column], label=method, **_style(method, i))
        if column == "coverage_90":
            ax.axhline(0.9, color="#999999", lw=0.8, ls=":", label="nominal 90 %")
        _axes(ax, title, ylabel)
    _finish(
        fig,
        axes.flat[1],
        0.04,
        "Rolling-origin backtest: forecast skill by horizon",
        _source(result, source),
        file,
    )
    return fig


def plot_focus(result: RollingResult, source: str, file: str | Path | None = None):
    """MASE against horizon for the USA, China and Germany, one line per method."""
    import matplotlib.pyplot as plt

    focus = [c for c in FOCUS if c in set(result.by_country["iso3"])]
    fig, axes = plt.subplots(1, max(len(focus), 1), figsize=(10, 4.2), dpi=150, squeeze=False)
    fig.subplots_adjust(left=0.07, right=0.98, top=0.86, bottom=0.33, wspace=0.25)
    for ax, iso3 in zip(axes.flat, focus, strict=False):
        rows = result.by_country[result.by_country["iso3"] == iso3]
        for i, (method, part) in enumerate(rows.groupby("method", sort=False)):
            ax.plot(part["horizon"], part["mase"], label=method, **_style(method, i))
        n = int(rows["origins"].max())
        _axes(ax, f"{country_name(iso3)} ({iso3}), up to {n} origins", "MASE of the level")
    _finish(
        fig,
        axes.flat[0],
        0.06,
        "Rolling-origin backtest: MASE by horizon, USA, China, Germany",
        _source(result, source, common=False),
        file,
    )
    return fig


def _finish(fig, legend_from, legend_y: float, title: str, note: str, file) -> None:
    """The methods' legend below the panels, the title, the source note; saved when ``file``."""
    handles, labels = legend_from.get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncols=5,
        fontsize=7.5,
        frameon=False,
        bbox_to_anchor=(0.5, legend_y),
    )
    fig.suptitle(title, fontsize=10)
    fig.text(0.01, 0.008, note, fontsize=6, color="#555555")
    if file is not None:
        fig.savefig(file)


def _axes(ax: Any, title: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=8.5)
    ax.set_xlabel("horizon (years after the origin)", fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_xticks(range(1, 11))
    ax.tick_params(labelsize=7.5)
    ax.grid(alpha=0.3, lw=0.5)


def write_rolling(
    result: RollingResult,
    out_dir: str | Path,
    *,
    source: str,
    defaults: dict[str, GrowthDefault] | None = None,
) -> tuple[pd.DataFrame, list[Path]]:
    """Write skill.csv, skill_by_country.csv, coverage.csv (learned vs guessed intervals of the
    chosen methods, over all countries and over the peer group of the largest economies), skill.png, skill_focus.png and, with ``defaults``, growth_defaults.yaml,
    atomically into ``out_dir`` (a run folder)."""
    import matplotlib.pyplot as plt

    methods = dict.fromkeys(d.choice.method for d in (defaults or {}).values()) or {
        "random_walk": None
    }
    coverage = pd.concat([interval_coverage(result, m) for m in methods], ignore_index=True)
    writers = {
        "skill.csv": lambda p: result.skill.to_csv(p, index=False, float_format="%.6g"),
        "skill_by_country.csv": lambda p: result.by_country.to_csv(
            p, index=False, float_format="%.6g"
        ),
        "coverage.csv": lambda p: coverage.to_csv(p, index=False, float_format="%.6g"),
        "skill.png": lambda p: plt.close(plot_skill(result, source, p)),
        "skill_focus.png": lambda p: plt.close(plot_focus(result, source, p)),
    }
    if defaults:
        writers["growth_defaults.yaml"] = lambda p: p.write_text(
            defaults_yaml(defaults, source), encoding="utf-8"
        )
    out = write_run(Path(out_dir), writers, kind="backtest")
    return coverage, [out / name for name in writers]


def skill_rich_table(result: RollingResult, horizons: tuple[int, ...] = (1, 5, 10)) -> Any:
    """skill.csv's rows at a few horizons as a rich Table."""
    from rich.table import Table

    table = Table(
        title="Rolling-origin backtest: median over countries (MASE of the level; CRPS and bias "
        "in log points; coverage: share of outcomes inside)",
        title_justify="left",
    )
    for column in ("method", "h", "countries", "MASE", "cover 80", "cover 90", "CRPS", "bias"):
        table.add_column(column, justify="left" if column == "method" else "right")
    rows = result.skill[result.skill["horizon"].isin(horizons)].sort_values(["horizon", "method"])
    for row in rows.itertuples():
        table.add_row(
            row.method,
            str(row.horizon),
            str(row.countries),
            f"{row.mase_median:.2f}",
            f"{row.coverage_80:.1%}",
            f"{row.coverage_90:.1%}",
            f"{row.crps_median:.3f}",
            f"{row.bias_median:+.3f}",
        )
    return table


def coverage_rich_table(coverage: pd.DataFrame, horizons: tuple[int, ...] = (1, 5, 10)) -> Any:
    """coverage.csv's rows at a few horizons as a rich Table: the learned intervals (all-country
    pool, peer pool) against the guessed normal, over all countries and over the peer group."""
    from rich.table import Table

    table = Table(
        title="Coverage of the ensemble's growth-draw intervals (share of held-out outcomes "
        "inside; learned: all-country pool, learned_peers: pooled over the peer group)",
        title_justify="left",
    )
    for column in ("method", "group", "interval", "h", "cells", "cover 80", "cover 90"):
        table.add_column(
            column, justify="left" if column in ("method", "group", "interval") else "right"
        )
    for row in coverage[coverage["horizon"].isin(horizons)].itertuples():
        table.add_row(
            row.method,
            row.group,
            row.interval,
            str(row.horizon),
            str(row.cells),
            f"{row.coverage_80:.1%}",
            f"{row.coverage_90:.1%}",
        )
    return table
