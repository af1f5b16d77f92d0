"""Plots of a sensitivity analysis: index bars, Morris screening, tornado, indices over time.

Each plot takes the tables of :mod:`scenarios.analysis.sensitivity.run` (an indices ``xarray.Dataset``
with ``units`` on ``output``, or the one-at-a-time table) and an optional ``ax``.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from scenarios.config.labels import describe
from scenarios.outputs.plotting._common import add_note, money_axis, new_axes, style_axes
from scenarios.outputs.plotting.style import FONTSIZE, OKABE_ITO

BAR_INDICES = {
    "S1": ("first order S1", OKABE_ITO["sky_blue"]),
    "ST": ("total ST", OKABE_ITO["blue"]),
    "delta": ("delta (moment-independent)", OKABE_ITO["blue"]),
    "median": ("PAWN median KS statistic", OKABE_ITO["blue"]),
}
METHOD_NAMES = {
    "sobol": "Sobol'",
    "fast": "FAST",
    "rbd_fast": "RBD-FAST",
    "delta": "Delta",
    "pawn": "PAWN",
    "morris": "Morris",
}
AREA_COLORS = [
    OKABE_ITO[k]
    for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple", "sky_blue")
]
CAPTIONS = {
    "drivers": "What drives one output. Left: its sensitivity indices (Sobol': the share of "
    "its variance due to each assumption alone, S1, and with its interactions, ST); whiskers are "
    "95 % bootstrap confidence intervals. Right: the output with one assumption at its 5 % or "
    "95 % quantile (the range under its name), the others at their medians; the vertical line "
    "is the output with every assumption at its median.",
    "indices": "Sensitivity indices of one output: the share of its variance due to each "
    "assumption alone (S1) and with its interactions (ST); whiskers are 95 % bootstrap "
    "confidence intervals.",
    "morris": "Morris screening: mean absolute elementary effect (mu*, importance) against "
    "its standard deviation (sigma, non-linearity or interactions).",
    "tornado": "One assumption at a time at its 5 % and 95 % quantiles, the others at their "
    "medians; the vertical line is the output with every assumption at its median.",
    "over_time": "First-order indices in each projected year, stacked; the grey band is the "
    "variance due to interactions (1 - sum of S1).",
}
"""Report captions by plot name prefix."""


def _finish(ax: Axes, title: str, xlabel: str, ylabel: str, note: str) -> Axes:
    style_axes(ax, title=title, xlabel=xlabel, ylabel=ylabel)
    if note:
        add_note(ax, note)
    return ax


def _name(path: str, width: int = 34) -> str:
    """A parameter's short human label, wrapped for a tick."""
    return textwrap.fill(describe(str(path)).short, width)


SHORT_UNITS = {
    "USD million, constant 2015 prices": " USD M",
    "years": " years",
    "institutes": "",
    "ratio": "",
    "x": "x",
    "probability": "",
    "1": "",
}


def _quantity(value: float, units: str) -> str:
    """A parameter value in its units, as a reader writes it (rates in percent)."""
    if units == "fraction per year":
        return f"{value * 100:.3g} %"
    number = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return number + SHORT_UNITS.get(units, "")


def _rate_axis(ax: Axes, output: str) -> str:
    """Show a rate axis in percent (no 1e-5 offset); returns its units."""
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:.3g}"))
    return "percentage points a year" if "gap" in output or " vs " in output else "% a year"


def units_of(ds: xr.Dataset | pd.DataFrame, output: str) -> str:
    """Units of ``output`` (the ``units`` coordinate of an indices Dataset; else none)."""
    if isinstance(ds, xr.Dataset) and "units" in ds.coords:
        return str(ds["units"].sel(output=output).item())
    return ""


def index_bars(ax: Axes, indices: xr.Dataset, output: str) -> tuple[list[str], str]:
    """Draw the index bars of one output on ``ax`` (largest on top); returns the parameters in
    their drawn order (bottom to top) and the x label."""
    ds = indices.sel(output=output)
    shown = [k for k in ("S1", "ST", "delta", "median") if k in ds]
    if "delta" in shown:
        shown = ["S1", "delta"]
    order = list(ds[shown[-1]].fillna(-1).to_series().sort_values().index)
    y, height = np.arange(len(order)), 0.8 / len(shown)
    for i, k in enumerate(shown):
        label, color = BAR_INDICES[k]
        values = ds[k].sel(parameter=order).to_numpy()
        conf = ds[f"{k}_conf"].sel(parameter=order).to_numpy() if f"{k}_conf" in ds else None
        ax.barh(
            y + (i - (len(shown) - 1) / 2) * height,
            values,
            height=height,
            color=color,
            xerr=conf,
            error_kw={"elinewidth": 0.9, "capsize": 2, "ecolor": "#333333"},
            label=label,
        )
    ax.axvline(0, color="#777777", lw=0.6)
    if ds["note"].item():
        ax.annotate(
            textwrap.fill(f"note: {ds['note'].item()}", 90),
            (0.01, 0.01),
            xycoords="axes fraction",
            fontsize=FONTSIZE["annotation"],
            color="#555555",
        )
    ax.legend(fontsize=FONTSIZE["legend"], frameon=False, loc="lower right")
    xlabel = (
        "share of output variance (whiskers: 95 % CI)"
        if "S1" in shown
        else "index value (whiskers: 95 % CI)"
    )
    return order, xlabel


def indices_title(indices: xr.Dataset) -> str:
    """ "Sobol' indices", "PAWN indices", ...: the method's name."""
    method = indices.attrs.get("method", "")
    return f"{METHOD_NAMES.get(method, method)} indices"


def plot_indices(
    indices: xr.Dataset, output: str, *, ax: Axes | None = None, note: str = ""
) -> Axes:
    """Horizontal bars of the indices of one output with their confidence whiskers.

    Sobol' and FAST: S1 and ST; delta: delta and S1; rbd_fast: S1; PAWN: the median KS
    statistic. Parameters are sorted by the last index shown (largest on top).
    """
    ax = new_axes(ax)
    order, xlabel = index_bars(ax, indices, output)
    ax.set_yticks(range(len(order)), [_name(p) for p in order], fontsize=FONTSIZE["tick"])
    return _finish(ax, f"{indices_title(indices)}\n{output}", xlabel, "", note)


def plot_morris(
    indices: xr.Dataset, output: str, *, ax: Axes | None = None, label: int = 6, note: str = ""
) -> Axes:
    """Morris mu* against sigma for one output; the ``label`` most important are named."""
    ax = new_axes(ax)
    ds = indices.sel(output=output)
    mu, sigma = ds["mu_star"].to_numpy(), ds["sigma"].to_numpy()
    ax.errorbar(
        mu,
        sigma,
        xerr=ds["mu_star_conf"].to_numpy(),
        fmt="o",
        color=OKABE_ITO["blue"],
        ecolor="#999999",
        elinewidth=0.8,
        markersize=4,
        label="parameter (bars: 95 % CI of mu*)",
    )
    top = float(np.nanmax([*mu, *sigma, 0])) * 1.05 or 1.0
    ax.plot(
        [0, top],
        [0, top],
        ls="--",
        color="#777777",
        lw=0.8,
        label="sigma = mu* (above: non-linear or interacting)",
    )
    ranked = [k for k in np.argsort(-np.nan_to_num(mu))[:label] if mu[k] >= 0.05 * top]
    for i, k in enumerate(ranked):  # alternate above / below, flip left near the right edge
        right = mu[k] > 0.6 * top
        ax.annotate(
            _name(ds["parameter"].to_numpy()[k]),
            (mu[k], sigma[k]),
            xytext=(-4 if right else 4, 4 if i % 2 == 0 else -11),
            textcoords="offset points",
            ha="right" if right else "left",
            fontsize=FONTSIZE["annotation"],
        )
    unlabelled = len(mu) - len(ranked)
    if unlabelled:
        note = f"{unlabelled} parameters with small mu* are not labelled. {note}"
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.legend(fontsize=FONTSIZE["legend"], frameon=False, loc="upper left")
    units = f"{units_of(indices, output)}, per full range of the parameter"
    return _finish(
        ax,
        f"Morris screening\n{output}",
        f"mu*: mean |elementary effect| ({units})",
        f"sigma ({units})",
        note,
    )


def tornado_label(row: pd.Series, width: int = 48) -> str:
    """A parameter's label and its low and high settings, e.g. "Return ... (11.5 % to 37.1 %)"."""
    units = describe(row["parameter"]).units
    low, high = _quantity(row["low_value"], units), _quantity(row["high_value"], units)
    return f"{_name(row['parameter'], width)}\n({low} to {high})"


def swing_bars(ax: Axes, rows: pd.DataFrame, output: str, units: str, width: int = 70) -> str:
    """Draw the tornado bars of ``rows`` (bottom to top) around the central output on ``ax``;
    returns the x label (money in USD billion or trillion, rates in percent)."""
    center = float(rows["y_center"].iloc[0])
    y = np.arange(len(rows))
    for column, color, label in (
        ("y_low", OKABE_ITO["sky_blue"], "parameter at its 5 % quantile"),
        ("y_high", OKABE_ITO["orange"], "parameter at its 95 % quantile"),
    ):
        ax.barh(y, rows[column] - center, left=center, height=0.6, color=color, label=label)
    ax.axvline(center, color="black", lw=0.8)
    ax.legend(fontsize=FONTSIZE["legend"], frameon=False, loc="lower right")
    if units.startswith("USD million"):  # tick labels in USD billion / trillion, no "1e6"
        largest = float(np.abs(rows[["y_low", "y_high"]].to_numpy()).max())
        units = units.replace("USD million", money_axis(ax, largest, axis="x"), 1)
    elif units == "fraction per year":
        units = _rate_axis(ax, output)
    if np.allclose(rows[["y_low", "y_high"]].to_numpy(), center, equal_nan=True):
        _no_swing(ax, center)
    return textwrap.fill(f"{output} ({units})" if units else output, width)


def _no_swing(ax: Axes, center: float) -> None:
    """A tornado whose every bar is empty: one tick at the central value, and a note saying so."""
    ax.set_xlim(center - abs(center) * 0.01 - 1e-12, center + abs(center) * 0.01 + 1e-12)
    ax.set_xticks([center])
    ax.text(
        0.5,
        0.5,
        "no single assumption moves it",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=FONTSIZE["annotation"],
        bbox={"facecolor": "white", "edgecolor": "none"},
    )


def plot_tornado(
    table: pd.DataFrame,
    output: str,
    *,
    units: str = "",
    top: int = 10,
    ax: Axes | None = None,
    note: str = "",
) -> Axes:
    """Tornado of one output: each parameter at its low and high quantile, the others at
    their medians; ``table`` is :func:`scenarios.analysis.sensitivity.one_at_a_time` output."""
    ax = new_axes(ax)
    rows = table[table["output"] == output].head(top).iloc[::-1]
    ax.figure.set_size_inches(ax.figure.get_figwidth(), max(4.0, 0.5 * len(rows) + 1.4))
    xlabel = swing_bars(ax, rows, output, units)
    labels = [tornado_label(row) for _, row in rows.iterrows()]
    ax.set_yticks(range(len(rows)), labels, fontsize=FONTSIZE["annotation"])
    return _finish(ax, f"Tornado: one assumption at a time\n{output}", xlabel, "", note)


def plot_indices_over_time(
    over_time: xr.Dataset, output: str, *, top: int = 6, ax: Axes | None = None, note: str = ""
) -> Axes:
    """Stacked first-order indices of a yearly output; at most ``top`` parameters that reach
    1 % in some year are shown, the rest grouped, the remainder to 1 drawn as interactions.

    Methods without S1 (Morris, PAWN) show each parameter's share of the summed main index.
    Years in which the output is the same in every sample (no indices) are left out.
    """
    ax = new_axes(ax)
    index = next(k for k in ("S1", "mu_star", "median") if k in over_time)
    every = over_time[index].sel(output=output)
    values = every.dropna("year", how="all").clip(min=0)
    if index != "S1":
        values = values / values.sum("parameter")
    years = values["year"].to_numpy()
    skipped = np.setdiff1d(every["year"].to_numpy(), years)
    if skipped.size:
        note = (
            f"{skipped.min()}-{skipped.max()} left out: the output does not vary across "
            f"samples. {note}"
        )
    ranked = values.mean("year").to_series().sort_values(ascending=False).index
    shown = [p for p in ranked[:top] if float(values.sel(parameter=p).max()) >= 0.01]
    rest = [p for p in ranked if p not in shown]
    total = values.sum("parameter")
    if index == "S1" and float(total.max()) > 1:  # estimates of S1 carry sampling noise
        note = (
            f"The S1 estimates sum to up to {float(total.max()):.2f} (sampling noise); such "
            f"years are scaled to sum to 1. {note}"
        )
        values = values / total.clip(min=1)
    layers = [values.sel(parameter=p).to_numpy() for p in shown]
    labels, colors = [_name(p, 40) for p in shown], AREA_COLORS[: len(shown)]
    if rest:
        layers.append(values.sel(parameter=rest).sum("parameter").to_numpy())
        labels.append(f"{len(rest)} other parameters")
        colors.append("#bbbbbb")
    if index == "S1":
        layers.append(np.clip(1 - np.sum(layers, axis=0), 0, None))
        labels.append("interactions (1 - sum of S1)")
        colors.append("#e6e6e6")
    ax.stackplot(years, *layers, labels=labels, colors=colors, linewidth=0)
    ax.set_xlim(years.min(), years.max())
    ax.set_ylim(0, 1)
    ax.legend(
        *[x[::-1] for x in ax.get_legend_handles_labels()],
        fontsize=FONTSIZE["legend"],
        frameon=False,
        loc="center left",
        bbox_to_anchor=(1.01, 0.5),
    )
    ylabel = (
        "share of output variance (S1)"
        if index == "S1"
        else f"share of the summed {'mu*' if index == 'mu_star' else 'PAWN median'}"
    )
    return _finish(ax, f"Drivers of {output}, year by year", "projected year", ylabel, note)
