"""Plots of stress-tested claims: probabilities, breakevens, the PRIM trade-off and box."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from scenarios.config.labels import describe
from scenarios.outputs.plotting._common import add_note, new_axes, style_axes
from scenarios.outputs.plotting.style import FONTSIZE, OKABE_ITO


def _finish(ax: Axes, title: str, xlabel: str, ylabel: str, note: str) -> Axes:
    style_axes(ax, title=title, xlabel=xlabel, ylabel=ylabel)
    add_note(ax, note)
    return ax


def plot_claim_probabilities(
    table: pd.DataFrame, *, ax: Axes | None = None, note: str = ""
) -> Axes:
    """Horizontal bars: P(claim holds) with its 95 % Wilson interval, one bar per future claim.

    ``table`` is :func:`scenarios.analysis.stress.summary_table` output.
    """
    ax = new_axes(ax)
    future = table[table["scenario"] != "(data)"].iloc[::-1]
    y = np.arange(len(future))
    p = future["probability"].to_numpy()
    err = np.clip(
        np.vstack([p - future["ci_low"].to_numpy(), future["ci_high"].to_numpy() - p]), 0, None
    )
    ax.barh(y, p * 100, color=OKABE_ITO["blue"], height=0.6)
    ax.errorbar(p * 100, y, xerr=err * 100, fmt="none", ecolor="black", capsize=3, linewidth=1)
    ax.set_yticks(y, [textwrap.fill(c, 28) for c in future["claim"]], fontsize=FONTSIZE["tick"])
    ax.set_xlim(0, 100)
    for yi, pi, lo, hi, n in zip(
        y, p, future["ci_low"], future["ci_high"], future["n"], strict=True
    ):
        text = f"{pi:.0%} [{lo:.0%}-{hi:.0%}], n = {n:,}"
        right = hi * 100 + 2 <= 72  # right of the upper whisker, else inside the bar, in white
        ax.annotate(
            text,
            (hi * 100 + 2 if right else lo * 100 - 2, yi),
            va="center",
            ha="left" if right else "right",
            color="black" if right else "white",
            fontsize=FONTSIZE["annotation"],
        )
    return _finish(
        ax,
        "Probability that each claim holds across sampled futures",
        "probability the claim holds (%), bars: 95 % Wilson interval",
        "",
        note,
    )


def _parameter_axis(path: str) -> str:
    """An assumption's axis label: its name and units (its dotted path when it has no label)."""
    found = describe(path)
    return f"{found.label} ({found.units})" if found.units else f"{path} (as in the config)"


def plot_breakeven(breakeven, *, metric_label: str, ax: Axes | None = None, note: str = "") -> Axes:
    """The claim's metric as one assumption moves (others at their medians), the threshold and
    the breakeven value."""
    ax = new_axes(ax)
    ax.plot(breakeven.grid, breakeven.metric, color=OKABE_ITO["blue"], label="claim metric")
    ax.axhline(
        breakeven.threshold,
        color=OKABE_ITO["vermillion"],
        linestyle="--",
        label=f"threshold {breakeven.threshold:g}",
    )
    if breakeven.value is not None:
        units = describe(breakeven.parameter).units
        ax.axvline(
            breakeven.value,
            color="black",
            linestyle=":",
            label=f"breakeven {breakeven.value:.4g} {units}".rstrip(),
        )
    else:
        ax.annotate(
            "never crosses the threshold in this range",
            (0.02, 0.95),
            xycoords="axes fraction",
            va="top",
            fontsize=FONTSIZE["annotation"],
        )
    ax.legend(fontsize=FONTSIZE["legend"], frameon=False, loc="best")
    return _finish(
        ax,
        f"Breakeven of {describe(breakeven.parameter).label}",
        _parameter_axis(breakeven.parameter),
        metric_label,
        note,
    )


def plot_prim_tradeoff(box, *, ax: Axes | None = None, note: str = "") -> Axes:
    """PRIM's peeling trajectory: coverage against density, the chosen step circled and the box the
    verdict reports (that step's statistically significant restrictions only) starred."""
    ax = new_axes(ax)
    t = box.trajectory
    points = ax.scatter(t["coverage"], t["density"], c=t["res dim"], cmap="viridis", s=14)
    chosen = t.iloc[box.chosen]
    ax.scatter(
        [chosen["coverage"]],
        [chosen["density"]],
        facecolors="none",
        edgecolors=OKABE_ITO["vermillion"],
        s=90,
        linewidths=1.5,
        label=f"chosen peeling step ({int(chosen['res dim'])} restricted dimensions)",
    )
    ax.scatter(  # the box the verdict states: the chosen step's significant restrictions only
        [box.coverage],
        [box.density],
        marker="*",
        color=OKABE_ITO["vermillion"],
        s=120,
        zorder=3,
        label=f"reported box ({len(box.limits)} significant restrictions)",
    )
    colorbar = ax.figure.colorbar(points, ax=ax)
    colorbar.set_label("restricted dimensions", fontsize=FONTSIZE["label"])
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=FONTSIZE["legend"], frameon=False, loc="lower left")
    return _finish(
        ax,
        "PRIM trade-off: coverage vs density of each peeled box",
        "coverage (share of cases in box)",
        "density (share of box that are cases)",
        note,
    )


def plot_prim_box(
    samples: pd.DataFrame,
    cases: np.ndarray,
    box,
    *,
    outcome: str = "fails",
    ax: Axes | None = None,
    note: str = "",
) -> Axes:
    """The sampled futures on the box's first two restricted assumptions, the box drawn."""
    ax = new_axes(ax)
    dims = list(box.limits.index[:2])
    if len(dims) == 1:
        other = next(c for c in samples.select_dtypes("number").columns if c != dims[0])
        dims.append(other)
    x, y = samples[dims[0]].to_numpy(), samples[dims[1]].to_numpy()
    cases = np.asarray(cases, dtype=bool)
    ax.scatter(x[~cases], y[~cases], s=6, color="#bbbbbb", label="other futures")
    ax.scatter(x[cases], y[cases], s=8, color=OKABE_ITO["vermillion"], label=f"claim {outcome}")
    limits = box.limits.reindex(dims)
    x0, x1 = limits.iloc[0].fillna({"min": x.min(), "max": x.max()})[["min", "max"]]
    y0, y1 = (
        limits.iloc[1].fillna({"min": y.min(), "max": y.max()})[["min", "max"]]
        if dims[1] in box.limits.index
        else (y.min(), y.max())
    )
    ax.add_patch(
        Rectangle(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            fill=False,
            edgecolor="black",
            linewidth=1.5,
            label=f"PRIM box\ncoverage {box.coverage:.0%}\ndensity {box.density:.0%}",
        )
    )
    ax.legend(
        fontsize=FONTSIZE["legend"], frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1)
    )
    return _finish(
        ax,
        f"Where the claim {outcome}: {box.describe()}",
        _parameter_axis(dims[0]),
        _parameter_axis(dims[1]),
        note,
    )


def plot_probability_curve(
    curve: pd.DataFrame, *, title: str, ax: Axes | None = None, note: str = ""
) -> Axes:
    """P(the condition has been met by year y)."""
    ax = new_axes(ax)
    ax.step(curve["year"], curve["probability"] * 100, where="post", color=OKABE_ITO["blue"])
    ax.set_ylim(-2, 102)
    return _finish(ax, title, "year", "probability met by this year (%)", note)
