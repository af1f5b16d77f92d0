"""Plots of the solver: the probability that a claim holds against one lever, and its contour
over two levers with the target contours drawn."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from scenarios.outputs.plotting._common import add_note, new_axes, style_axes
from scenarios.outputs.plotting.style import FONTSIZE, OKABE_ITO

TARGET_COLOURS = [OKABE_ITO["vermillion"], OKABE_ITO["orange"], OKABE_ITO["reddish_purple"]]


THOUSANDS = FuncFormatter(lambda value, _: f"{value:,.6g}")


def _axis_label(label: str, units: str) -> str:
    return f"{label} ({units})" if units else label


def _where_it_changes(
    scan: pd.DataFrame, fine: pd.DataFrame, path: str, values: list[float]
) -> tuple[float, float] | None:
    """The lever interval where the scan's probability changes (with the refining points and the
    answers), padded; None when that is most of the range anyway."""
    x, p = scan[path].to_numpy(), scan["probability"].to_numpy()
    steps = np.flatnonzero(np.diff(p) != 0)
    if not len(steps):
        return None
    inside = [x[steps[0]], x[steps[-1] + 1], *fine[path], *values]
    low, high = min(inside), max(inside)
    if high - low > 0.3 * (x.max() - x.min()):
        return None
    pad = 0.1 * (high - low) or 1.0
    return low - pad, high + pad


def plot_solve_curve(
    curve: pd.DataFrame,
    answers: list,
    *,
    path: str,
    label: str,
    units: str,
    claim: str,
    ax: Axes | None = None,
    note: str = "",
) -> Axes:
    """P(claim holds) against the lever with its 95 % interval (the scan's futures), the
    refining ensemble's points, each target and the values found, and the point run's threshold.

    ``curve`` is :attr:`scenarios.analysis.solve.Solution.curve`; ``answers`` its answers.
    """
    ax = new_axes(ax)
    scan = curve[curve["ensemble"] == "scan"].sort_values(path)
    x = scan[path].to_numpy()
    probability = scan["probability"].to_numpy() * 100
    ax.errorbar(
        x,
        probability,
        yerr=np.clip(  # a Wilson bound may round to just past its estimate
            [probability - scan["ci_low"] * 100, scan["ci_high"] * 100 - probability], 0, None
        ),
        fmt="o",
        markersize=4,
        color=OKABE_ITO["blue"],
        ecolor=OKABE_ITO["sky_blue"],
        label=f"P(claim holds), {int(scan['n'].iloc[0]):,} futures (scan; bars: 95 % interval)",
    )
    fine = curve[curve["ensemble"] == "refine"]
    if len(fine):
        ax.scatter(
            fine[path],
            fine["probability"] * 100,
            s=12,
            color="black",
            zorder=3,
            label=f"refining ensemble, {int(fine['n'].iloc[0]):,} futures",
        )
    for i, answer in enumerate(a for a in answers if a.target is not None):
        colour = TARGET_COLOURS[i % len(TARGET_COLOURS)]
        ax.axhline(answer.target * 100, color=colour, linestyle="--", linewidth=1)
        text = (
            f"P >= {answer.target:.0%}: {answer.value:,.4g}"
            if answer.found
            else f"P >= {answer.target:.0%}: none in range"
        )
        if answer.found:
            ax.axvline(answer.value, color=colour, linestyle=":", linewidth=1.2, label=text)
        else:
            ax.plot([], [], color=colour, linestyle="--", label=text)
    point = next((a for a in answers if a.target is None), None)
    if point is not None and point.found:
        ax.axvline(
            point.value,
            color="black",
            linestyle="-.",
            linewidth=1,
            label=f"point run holds from {point.value:,.4g}",
        )
    ax.set_ylim(-2, 102)
    zoom = _where_it_changes(scan, fine, path, [a.value for a in answers if a.found])
    if zoom is not None:
        ax.set_xlim(*zoom)
        note = f"{note} Zoomed to where the probability changes; the whole scan is in curve.csv."
    ax.xaxis.set_major_formatter(THOUSANDS)
    ax.legend(fontsize=FONTSIZE["legend"], frameon=False, loc="best")
    style_axes(
        ax,
        title=f"What would it take: {claim}",
        xlabel=_axis_label(label, units),
        ylabel="probability the claim holds (%)",
    )
    add_note(ax, note)
    return ax


def plot_solve_contour(
    values_a: np.ndarray,
    values_b: np.ndarray,
    probability: np.ndarray,
    *,
    labels: tuple[str, str],
    targets: list[float],
    claim: str,
    ax: Axes | None = None,
    note: str = "",
) -> Axes:
    """Filled contours of P(claim holds) over two levers (first across, second up), the target
    contours drawn and labelled; ``probability`` is indexed [first, second]."""
    ax = new_axes(ax)
    levels = np.linspace(0, 100, 11)
    filled = ax.contourf(values_a, values_b, probability.T * 100, levels=levels, cmap="viridis")
    colourbar = ax.figure.colorbar(filled, ax=ax)
    colourbar.set_label("probability the claim holds (%)", fontsize=FONTSIZE["label"])
    for i, target in enumerate(targets):
        colour = TARGET_COLOURS[i % len(TARGET_COLOURS)]
        if probability.min() <= target <= probability.max():
            lines = ax.contour(
                values_a, values_b, probability.T, levels=[target], colors=[colour], linewidths=2
            )
            ax.clabel(lines, fmt={target: f"P = {target:.0%}"}, fontsize=FONTSIZE["annotation"])
        ax.plot(
            [],
            [],
            color=colour,
            linewidth=2,
            label=f"P = {target:.0%}" + ("" if probability.max() >= target else " (not reached)"),
        )
    ax.legend(fontsize=FONTSIZE["legend"], frameon=True, loc="lower right")
    ax.xaxis.set_major_formatter(THOUSANDS)
    ax.yaxis.set_major_formatter(THOUSANDS)
    style_axes(ax, title=f"What would it take: {claim}", xlabel=labels[0], ylabel=labels[1])
    add_note(ax, note)
    return ax
