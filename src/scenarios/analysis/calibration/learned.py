"""Growth defaults from the rolling backtest: the method and window per country, and the growth
uncertainty learned from the chosen method's out-of-sample errors.

The rule (written by `scenarios backtest CONFIG --rolling` as growth_defaults.yaml):

* **Method.** Among the growth a config writes as ``constant`` ``from_data`` a window (the last 5,
  10, 15 or 20 years, or the whole record: the random walk with drift) that fits in the country's
  record, the one with the lowest median-over-countries MASE averaged over horizons 1-10: the
  skill pooled over every country, not the country's own. One country's ~19 overlapping 10-year
  outcomes (origins 1995-2013) hold only about two independent ones, so choosing on them picks
  noise; the panel of 200-odd countries is what the backtest can tell apart. The choice also
  records whether it beats the random walk with drift at horizons 5 and 10.
* **Uncertainty.** The 10-year errors of that method, divided by each country's volatility (a robust sd
  of its last 20 annual log growth rates), give 20 quantiles (2.5 %, 7.5 %, ..., 97.5 %); a
  country's growth rate is its point plus its own volatility times a quantile over 10 years,
  drawn with equal weights (``dist: choice``). The ensemble holds the drawn rate over the
  horizon, so its level intervals at 10 years are the learned ones.
* **Pool: similar countries.** A country among the 30 largest manufacturing economies by MVA at
  the config's base year pools the errors of the forecasts made for the 30 largest at each
  origin; every other country pools all countries and origins. The all-country pool holds wars
  and collapses that large economies do not see: out of sample it covered 97 % of the largest
  30's 10-year outcomes with its 90 % interval (constant_20), the peer pool 90 %; 20 peers leave
  too few errors at early origins, 50 already under-cover at 10 years (docs/model.md). The rest
  of the world (``WLD``, not a country of the panel) keeps the all-country pool: its record starts
  in 2004 (two 10-year outcomes), too short to tell which pool fits it, and the peers' errors are
  biased (the largest economies' 10-year forecasts ran 0.13 log points high, median) enough to
  put its point outside the central half of its draws. Pooling over countries of the same volatility tercile was measured
  and not kept: out of sample it moves the calm tercile from under- to over-coverage rather than
  to nominal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.analysis.calibration.config_fit import observed_mva, spec_and_data
from scenarios.analysis.calibration.rolling import (
    CONSTANT_WINDOWS,
    HORIZONS,
    PEERS,
    actuals,
    largest,
    learned_quantiles,
    volatility,
)
from scenarios.analysis.calibration.skill import RollingResult
from scenarios.config.schema import Spec
from scenarios.data import Dataset
from scenarios.errors import DataError
from scenarios.model.growth import observed_cagr

CANDIDATES = ("random_walk", *CONSTANT_WINDOWS)
DRAW_LEVELS = (np.arange(20) + 0.5) / 20
GUESSED_SD = 0.006
"""The guessed growth uncertainty the learned one replaces: N(g, 0.6 %) on the rate (USA)."""
Z_80, Z_90 = 1.2815515655446004, 1.6448536269514722


@dataclass(frozen=True)
class MethodChoice:
    """One country's chosen method: name, window in years (None: whole record) and why."""

    iso3: str
    method: str
    window: int | None
    basis: str


def choose_method(result: RollingResult, iso3: str, record: int | None = None) -> MethodChoice:
    """The country's growth method by the rule of this module, among the windows that fit in a
    ``record`` of that many years of growth (None: any)."""
    feasible = [m for m in CANDIDATES if record is None or CONSTANT_WINDOWS.get(m, 0) <= record]
    mase = result.skill.pivot(index="method", columns="horizon", values="mase_median")
    method = str(mase.loc[feasible].mean(axis=1).idxmin())
    basis = _pooled_basis(mase, method)
    if len(feasible) < len(CANDIDATES):
        basis += f"; windows over its {record}-year record left out"
    return MethodChoice(iso3, method, CONSTANT_WINDOWS.get(method), basis)


def _pooled_basis(mase: pd.DataFrame, method: str) -> str:
    """Why ``method`` was chosen: its median MASE against the random walk with drift's."""
    basis = f"all countries: lowest median MASE over horizons 1-{HORIZONS}"
    if method == "random_walk":
        return basis
    mean, rw_mean = mase.loc[method].mean(), mase.loc["random_walk"].mean()
    at = ", ".join(
        f"h={h} {mase.loc[method, h]:.3f} vs {mase.loc['random_walk', h]:.3f}"
        for h in (5, HORIZONS)
    )
    return f"{basis}, {mean:.3f} vs random walk {rw_mean:.3f}; {at}"


def pooled_errors(
    result: RollingResult,
    method: str,
    horizon: int = HORIZONS,
    members: np.ndarray | None = None,
) -> np.ndarray:
    """Standardized out-of-sample errors (actual - forecast, over volatility) at ``horizon``,
    every country and origin the method is scored on (:meth:`RollingResult.cells`); with
    ``members`` (countries, origins), only the forecasts made where it is True."""
    s = result.scores[method]
    h = horizon - 1
    actual = actuals(result.panel.log)[:, :, h]
    z = (actual - s.forecast[:, :, h]) / volatility(result.panel.log)
    cells = result.cells(method)[:, :, h]
    z = z[cells if members is None else cells & members]
    return z[np.isfinite(z)]


def growth_draws(
    result: RollingResult,
    method: str,
    g_point: float,
    vol: float,
    members: np.ndarray | None = None,
) -> list[float]:
    """The 20 equally likely growth rates of a country with point ``g_point`` and volatility,
    from the errors of :func:`pooled_errors` (``members``: the peer group's forecasts only)."""
    if not np.isfinite(vol):
        raise DataError(
            "no volatility: fewer than 8 annual growth rates in the last 20 years",
            hint="extend the country's data, or give its growth uncertainty by hand",
        )
    q = np.quantile(pooled_errors(result, method, members=members), DRAW_LEVELS)
    return [round(float(v), 5) for v in np.expm1(np.log1p(g_point) + vol * q / HORIZONS)]


def peers_at(result: RollingResult, year: int, k: int = PEERS) -> set[str]:
    """The ``k`` largest manufacturing economies by MVA in ``year`` (the last year if later)."""
    years = result.panel.years
    column = int(np.searchsorted(years, min(year, int(years[-1]))))
    top = largest(result.panel.log, k)[:, column]
    return {iso3 for iso3, member in zip(result.panel.iso3, top, strict=True) if member}


def series_volatility(series: pd.Series) -> float:
    """:func:`~.rolling.volatility` of an MVA series at its last year."""
    return float(volatility(np.log(series.to_numpy(float))[None, :])[0, -1])


def interval_coverage(result: RollingResult, method: str, k: int = PEERS) -> pd.DataFrame:
    """Coverage of the ensemble's growth-draw intervals against the guessed normal, by horizon,
    over all countries and over the ``k`` largest economies at each origin (the peer group).

    ``learned``: at each origin, the 10-year standardized errors known by then, pooled over all
    countries, set the growth-rate draw, held over the horizon: the level interval at ``h`` is
    the forecast plus ``h / 10`` times the learned 10-year error interval. ``learned_peers``: the
    same, pooled over the peer group's forecasts only. ``guessed``: the rate drawn from
    N(point, 0.6 %), the level interval ``forecast +- z 0.006 h`` (log). Each group's intervals
    are scored on the same cells (those where all of them exist).

    Returns
    -------
    pandas.DataFrame
        method, group (all | largest k), interval, horizon, cells, coverage_80, coverage_90.
    """
    s, own = result.scores[method], result.cells(method)
    log = result.panel.log
    actual = actuals(log)
    vol = volatility(log)
    peers = largest(log, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (actual - s.forecast) / vol[..., None]
    spread10 = {
        "learned": s.quantiles[:, :, HORIZONS - 1, :] - s.forecast[:, :, HORIZONS - 1, None],
        "learned_peers": vol[..., None] * learned_quantiles(z, peers)[None, :, HORIZONS - 1],
    }
    groups = {"all": (np.ones_like(peers), ("learned",))}
    groups[f"largest {k}"] = (peers, ("learned", "learned_peers"))
    rows = []
    for group, (members, learned) in groups.items():
        for h in range(1, HORIZONS + 1):
            f, a = s.forecast[:, :, h - 1], actual[:, :, h - 1]
            bounds = {
                name: tuple(f + spread10[name][..., i] * h / HORIZONS for i in (1, 17, 0, 18))
                for name in learned
            }
            bounds["guessed"] = _normal_bounds(f, GUESSED_SD * h)
            cells = own[:, :, h - 1] & members
            cells &= np.logical_and.reduce([np.isfinite(b[0]) for b in bounds.values()])
            for name, (lo80, hi80, lo90, hi90) in bounds.items():
                rows.append(
                    {
                        "method": method,
                        "group": group,
                        "interval": name,
                        "horizon": h,
                        "cells": int(cells.sum()),
                        "coverage_80": float(((lo80 <= a) & (a <= hi80))[cells].mean()),
                        "coverage_90": float(((lo90 <= a) & (a <= hi90))[cells].mean()),
                    }
                )
    return pd.DataFrame(rows)


def _normal_bounds(centre: np.ndarray, sd: float) -> tuple[np.ndarray, ...]:
    return centre - Z_80 * sd, centre + Z_80 * sd, centre - Z_90 * sd, centre + Z_90 * sd


@dataclass(frozen=True)
class GrowthDefault:
    """A country's default growth: the choice, its window, point rate, volatility and draws of
    the sampled rate ``param`` (``g``, or ``g0`` of a convergence whose ``g_lr``/``tau`` stay)."""

    choice: MethodChoice
    window: tuple[int, int]
    g: float
    volatility: float
    draws: list[float]
    param: str = "g"
    kept: dict[str, float] | None = None
    pool: str = "all countries"


def growth_defaults(
    result: RollingResult,
    spec_or_name: Spec | str | Path,
    *,
    choose: bool = True,
    dataset: Dataset | None = None,
) -> dict[str, GrowthDefault]:
    """Each country of a config: growth method and window by the backtest, its learned draws.

    The window ends at the config's base year (default: the last observed year); the point rate
    and volatility are read from the config's own data, as the engine reads them. A
    ``convergence`` country keeps its component (no 20-year record to backtest it on: China's
    MVA starts in 2004) with ``g0`` from the last 5 years and draws from the 5-year window's
    errors. ``choose=False`` keeps every country's method and window and learns only the draws.
    The draws of a country among the :data:`~.rolling.PEERS` largest by MVA at the base year
    pool the errors of the largest economies only (:func:`~.rolling.largest` at each origin).
    """
    spec, dataset = spec_and_data(spec_or_name, dataset)
    table = observed_mva(spec, dataset)
    base_year = spec.base_year or int(table.index.max())
    peers = peers_at(result, base_year)
    largest_at_origin = largest(result.panel.log)
    out = {}
    for iso3, entry in spec.countries.items():
        series = table[iso3].dropna().loc[:base_year]
        end = int(series.index.max())
        growth = entry.growth
        if choose and growth.kind != "convergence":
            choice = choose_method(result, iso3, record=len(series) - 1)
            start = int(series.index.min()) if choice.window is None else end - choice.window
        else:
            window = growth.from_data.window if growth.from_data and not choose else None
            start, end = window if window else (end - 5, end)
            choice = MethodChoice(iso3, _method_of(start, end, series), end - start, _KEPT)
        g = observed_cagr(series, (start, end), path=f"countries.{iso3}.growth.from_data.window")
        vol = series_volatility(series.loc[:end])
        kept = {"g_lr": growth.g_lr, "tau": growth.tau} if growth.kind == "convergence" else None
        members = largest_at_origin if iso3 in peers else None
        out[iso3] = GrowthDefault(
            choice,
            (start, end),
            g,
            vol,
            growth_draws(result, choice.method, g, vol, members),
            "g0" if kept else "g",
            kept,
            f"the {PEERS} largest by MVA" if iso3 in peers else "all countries",
        )
    return out


_KEPT = "the config's method and window kept; draws from the errors of that window"


def _method_of(start: int, end: int, series: pd.Series) -> str:
    """The scored method nearest a window: the whole record, or the closest window length."""
    if start <= int(series.index.min()):
        return "random_walk"
    return min(CONSTANT_WINDOWS, key=lambda m: abs(CONSTANT_WINDOWS[m] - (end - start)))


def defaults_yaml(defaults: dict[str, GrowthDefault], source: str) -> str:
    """A config fragment (``countries`` growth and ``uncertainties``) with the rule in comments."""
    lines = [
        "# Growth defaults chosen by the rolling backtest "
        "(scenarios.analysis.calibration.learned; rule in its docstring).",
        f"# Data: {source}",
        "countries:",
    ]
    for iso3, d in defaults.items():
        growth = f"from_data: {{window: [{d.window[0]}, {d.window[1]}]}}"
        if d.kept:
            growth = (
                f"kind: convergence, {growth}, g_lr: {d.kept['g_lr']:g}, tau: {d.kept['tau']:g}"
            )
        else:
            growth = f"kind: constant, {growth}"
        lines += [
            f"  # {d.choice.method} ({d.choice.basis}); CAGR {d.window[0]}-{d.window[1]} "
            f"= {d.g:.4%}, volatility {d.volatility:.4f}; draws pooled over {d.pool}",
            f"  {iso3}:",
            f"    growth: {{{growth}}}",
        ]
    lines.append("uncertainties:")
    for iso3, d in defaults.items():
        values = ", ".join(f"{v:.5f}" for v in d.draws)
        lines.append(f"  countries.{iso3}.growth.{d.param}: {{dist: choice, values: [{values}]}}")
    return "\n".join(lines) + "\n"
