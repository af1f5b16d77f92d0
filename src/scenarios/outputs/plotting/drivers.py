"""The figures of a sensitivity analysis: one per output (its indices beside its tornado, on the
same parameter rows), Morris screening, and the indices over time; saved by
:func:`plot_sensitivity`."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

import pandas as pd
import xarray as xr
from matplotlib.axes import Axes

from scenarios.outputs.plotting._common import add_note, style_axes
from scenarios.outputs.plotting.saving import Draw, save_figures
from scenarios.outputs.plotting.sensitivity import (
    index_bars,
    indices_title,
    plot_indices_over_time,
    plot_morris,
    plot_tornado,
    swing_bars,
    tornado_label,
    units_of,
)
from scenarios.outputs.plotting.style import DPI, FONTSIZE


def plot_drivers(
    indices: xr.Dataset,
    tornado: pd.DataFrame,
    output: str,
    *,
    note: str = "",
) -> Axes:
    """What drives one output: its indices (left) and its tornado (right) on shared rows.

    The parameters are ranked by the last index shown, largest on top; each row's label gives
    the parameter's 5 % and 95 % settings of the tornado. Returns the indices' Axes (the
    tornado's is ``ax.figure.axes[1]``).
    """
    import matplotlib.pyplot as plt

    rows_of = tornado[tornado["output"] == output].set_index("parameter", drop=False)
    height = max(4.0, 0.5 * len(rows_of) + 1.6)
    _, (left, right) = plt.subplots(
        1, 2, figsize=(10.0, height), dpi=DPI, layout="constrained", sharey=True
    )
    order, xlabel = index_bars(left, indices, output)
    rows = rows_of.loc[order]
    left.set_yticks(
        range(len(order)),
        [tornado_label(row, 40) for _, row in rows.iterrows()],
        fontsize=FONTSIZE["annotation"],
    )
    style_axes(left, title=f"{indices_title(indices)}\n{output}", xlabel=xlabel, ylabel="")
    right_label = swing_bars(right, rows, output, units_of(indices, output), width=48)
    style_axes(right, title="Tornado: one assumption at a time", xlabel=right_label, ylabel="")
    right.tick_params(axis="y", left=False)
    if note:
        add_note(left, note)
    return left


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def sensitivity_figures(
    indices: xr.Dataset,
    over_time: xr.Dataset | None,
    tornado: pd.DataFrame,
    *,
    note: str = "",
) -> list[tuple[str, Draw]]:
    """Every sensitivity figure as ``(name, draw)`` in report order; ``draw()`` makes it.

    One ``drivers_<output>`` figure per output (Morris: ``morris_`` and ``tornado_``), then
    ``over_time_<output>``. Outputs whose indices are undefined (constant) get no figure.
    """
    figures: list[tuple[str, Draw]] = []
    morris = "mu_star" in indices
    main = indices[
        "mu_star" if morris else next(k for k in ("ST", "S1", "delta", "median") if k in indices)
    ]
    for output in map(str, indices["output"].to_numpy()):
        if main.sel(output=output).count() == 0:
            continue
        slug = _slug(output)
        if morris:
            units = units_of(indices, output)
            figures.append((f"morris_{slug}", partial(plot_morris, indices, output, note=note)))
            figures.append(
                (
                    f"tornado_{slug}",
                    partial(plot_tornado, tornado, output, units=units, note=note),
                )
            )
        else:
            figures.append(
                (f"drivers_{slug}", partial(plot_drivers, indices, tornado, output, note=note))
            )
    for output in map(str, [] if over_time is None else over_time["output"].to_numpy()):
        figures.append(
            (
                f"over_time_{_slug(output)}",
                partial(plot_indices_over_time, over_time, output, note=note),
            )
        )
    return figures


def plot_sensitivity(
    indices: xr.Dataset,
    over_time: xr.Dataset | None,
    tornado: pd.DataFrame,
    plots_dir: Path,
    *,
    note: str = "",
    processes: int = 1,
) -> dict[str, Path]:
    """Write every sensitivity figure (:func:`sensitivity_figures`) as PNG; returns
    ``{name: path}`` in report order. ``processes=2`` draws every other figure in a second
    process (:func:`scenarios.outputs.plotting.saving.save_figures`)."""
    figures = sensitivity_figures(indices, over_time, tornado, note=note)
    paths = {name: Path(plots_dir) / f"{name}.png" for name, _ in figures}
    save_figures([(draw, paths[name]) for name, draw in figures], processes, lambda: None)
    return paths
