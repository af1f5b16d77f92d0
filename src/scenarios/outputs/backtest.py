"""A backtest on the terminal and on disk: plots of the paths, the scores table and its page
(report.html)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from scenarios.analysis.calibration.backtesting import score_backtest
from scenarios.analysis.calibration.fit import BENCHMARKS, COMPONENTS, SOURCE, UNITS
from scenarios.model.inputs import WORLD
from scenarios.outputs.plotting.style import country_name
from scenarios.outputs.report import write_backtest_report
from scenarios.results import write_run

_STYLES = {
    "constant": ("#0072B2", "--"),
    "convergence": ("#D55E00", "--"),
    "trend": ("#009E73", "--"),
    "last_cagr": ("#CC79A7", ":"),
    "random_walk": ("#E69F00", ":"),
}


_LABELS = {
    "constant": "constant",
    "convergence": "convergence",
    "trend": "log-linear trend",
    "last_cagr": "naive: last 5-year CAGR",
    "random_walk": "naive: random walk with drift",
}


def plot_backtest(paths: pd.DataFrame, file: str | Path | None = None):
    """Projections against actuals, one panel per country (matplotlib imported here only).

    Parameters
    ----------
    paths
        The output of :func:`backtest_paths`.
    file
        Write the figure there (PNG) when given.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    countries = list(dict.fromkeys(paths["country"]))
    ncols = min(2, len(countries))
    nrows = -(-len(countries) // ncols)
    height = (
        2.6 * nrows + 1.8
    )  # inches: panels, plus 0.65 for the titles and 1.15 for legend and source
    fig, axes = plt.subplots(nrows, ncols, figsize=(7.5, height), dpi=150, squeeze=False)
    fig.subplots_adjust(
        left=0.1, right=0.98, top=1 - 0.65 / height, bottom=1.15 / height, hspace=0.45, wspace=0.2
    )
    (fit_start, fit_end), test = paths.attrs["fit"], paths.attrs["test"]
    for ax, country in zip(axes.flat, countries, strict=False):
        _panel(ax, paths[paths["country"] == country], test)
        title = f"{_country_title(country)}; config: {paths.attrs['kinds'][country]}"
        ax.set_title(title, fontsize=8.5)
    for ax in axes.flat[len(countries) :]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.2 / height),
        ncols=4,
        fontsize=7.5,
        frameon=False,
    )
    fig.suptitle(
        f"Backtest: growth fitted on {fit_start}-{fit_end}, projected {test[0]}-{test[1]} "
        f"from the {fit_end} level",
        fontsize=10,
    )
    fig.supylabel(f"MVA, {UNITS}", fontsize=8.5, x=0.01)
    fig.text(0.01, 0.008, SOURCE, fontsize=6, color="#555555", ha="left", va="bottom")
    if file is not None:
        fig.savefig(file)
    return fig


def _country_title(country: str) -> str:
    if country == WORLD:
        return f"Rest of world ({WORLD})"
    return f"{country_name(country)} ({country})"


def _panel(ax: Any, paths: pd.DataFrame, test: tuple[int, int]) -> None:
    from matplotlib.ticker import MaxNLocator

    actual = paths[paths["method"] == "actual"]
    ax.plot(actual["year"], actual["mva"] / 1e6, color="black", lw=1.6, label="observed")
    ax.axvspan(*test, color="#eeeeee", zorder=0, label=f"test window {test[0]}-{test[1]}")
    for method, (color, style) in _STYLES.items():
        line = paths[paths["method"] == method]
        ax.plot(
            line["year"], line["mva"] / 1e6, color=color, ls=style, lw=1.2, label=_LABELS[method]
        )
    ax.set_xlabel("year", fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=7.5)
    ax.grid(alpha=0.3, lw=0.5)


def write_backtest(paths: pd.DataFrame, out_dir: str | Path) -> tuple[pd.DataFrame, list[Path]]:
    """Score ``paths`` and write ``backtest.csv`` and ``backtest.png`` into the folder ``out_dir``,
    atomically, like a run folder (only a folder the tool wrote is replaced).

    Returns
    -------
    (table, files)
        The :func:`score_backtest` table and the files written.
    """
    import matplotlib.pyplot as plt

    table = score_backtest(paths)
    out = write_run(
        Path(out_dir),
        {  # in order: the page embeds the plot written before it
            "backtest.csv": lambda p: table.to_csv(p, index=False),
            "backtest.png": lambda p: plt.close(plot_backtest(paths, p)),
            "report.html": lambda p: write_backtest_report(
                p, table_=table, plot=p.parent / "backtest.png", labels=_LABELS
            ),
        },
        kind="backtest",
    )
    return table, [out / "backtest.csv", out / "backtest.png", out / "report.html"]


def backtest_rich_table(table: pd.DataFrame) -> Any:
    """The backtest as a rich Table: MAPE and CAGR error per country and method."""
    from rich.table import Table

    (fit_start, fit_end), (test_start, test_end) = _windows(table)
    rich = Table(
        title=f"Backtest: fitted {fit_start}-{fit_end}, projected {test_start}-{test_end} "
        "(* = the config's component)",
        title_justify="left",
    )
    for column in (
        "country",
        "method",
        "MAPE level",
        f"CAGR {test_start}-{test_end}",
        "actual",
        "error (pp)",
    ):
        rich.add_column(column, justify="left" if column in ("country", "method") else "right")
    for row in table.itertuples():
        rich.add_row(
            row.country,
            f"{row.method}{' *' if row.in_config else ''}",
            f"{row.mape:.2%}",
            f"{row.cagr_projected:.2%}",
            f"{row.cagr_actual:.2%}",
            f"{row.cagr_error * 100:+.2f}",
        )
    return rich


def backtest_section(table: pd.DataFrame) -> str:
    """An HTML ``<section>`` for the report: MAPE and CAGR error per country and method.

    The best method of each country (lowest MAPE) is in bold; the config's component is marked *.
    """
    (fit_start, fit_end), (test_start, test_end) = _windows(table)
    header = "".join(f"<th>{html.escape(_LABELS[m])}</th>" for m in (*COMPONENTS, *BENCHMARKS))
    body = "".join(_html_row(group) for _, group in table.groupby("country", sort=False))
    return (
        '<section class="backtest">\n<h2>Backtest of baseline growth</h2>\n'
        f"<p>Each method is fitted on {fit_start}-{fit_end} and projects {test_start}-{test_end} "
        f"from the {fit_end} observation. Cells: MAPE of the MVA level / error of the "
        f"{test_start}-{test_end} CAGR (projected minus observed, percentage points). "
        "Bold: lowest MAPE; *: the config's component.</p>\n"
        f"<table>\n<thead><tr><th>country</th>{header}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"
        "</section>\n"
    )


def _windows(table: pd.DataFrame) -> tuple[tuple[int, int], tuple[int, int]]:
    first = table.iloc[0]
    return (int(first["fit_start"]), int(first["fit_end"])), (
        int(first["test_start"]),
        int(first["test_end"]),
    )


def _html_row(group: pd.DataFrame) -> str:
    best = group.loc[group["mape"].idxmin(), "method"]
    cells = []
    for row in group.itertuples():
        text = f"{row.mape:.1%} / {row.cagr_error * 100:+.2f}{' *' if row.in_config else ''}"
        cells.append(f"<td><b>{text}</b></td>" if row.method == best else f"<td>{text}</td>")
    return f"<tr><th>{html.escape(str(group['country'].iloc[0]))}</th>{''.join(cells)}</tr>\n"
