"""Calibrate every modelled country of a config (``WLD`` as the rest of the world, as in the
engine) and write the fitted parameters as a config fragment.

Example
-------
>>> result = calibrate("baseline", (2004, 2023))               # doctest: +SKIP
>>> print(result.to_yaml())                                     # doctest: +SKIP
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from scenarios.analysis.calibration.fit import BOUNDS, PARAMETERS, Fit, fit_growth, reanchor
from scenarios.analysis.runs import load_config
from scenarios.config.checks import check_option, check_seed
from scenarios.config.schema import Spec
from scenarios.data import Dataset, load_dataset
from scenarios.errors import ConfigError, DataError
from scenarios.model.inputs import mva_table, rest_of_world
from scenarios.progress import track


def observed_mva(spec: Spec, dataset: Dataset) -> pd.DataFrame:
    """Year x modelled country, constant 2015 USD million; ``WLD`` as the rest of the world.

    Raises
    ------
    ConfigError
        A modelled country has no MVA series.
    """
    return rest_of_world(mva_table(spec, dataset))


def window_series(
    table: pd.DataFrame, country: str, window: tuple[int, int], *, option: str
) -> pd.Series:
    """The observed series of one country over a window, checked.

    Raises
    ------
    ConfigError
        The window ends before it starts.
    DataError
        The window reaches outside the country's data or has gaps in it.
    """
    start, end = window
    series = table[country].dropna()
    first, last = int(series.index.min()), int(series.index.max())
    if end <= start:
        raise ConfigError(
            f"window {start}-{end}: the end year must be after the start year",
            path=option,
            value=[start, end],
            hint=f"observed years for {country}: {first}-{last}",
        )
    if start < first or end > last:
        raise DataError(
            f"{country} has MVA data for {first}-{last} only; "
            f"window {start}-{end} reaches outside it",
            path=option,
            value=[start, end],
            hint=f"first year available for {country}: {first}; last: {last}",
        )
    span = series.loc[start:end]
    if len(span) != end - start + 1:
        missing = sorted(set(range(start, end + 1)) - set(span.index))
        raise DataError(
            f"MVA of {country} is missing for {missing[:5]}", path=option, value=[start, end]
        )
    return span


def spec_and_data(spec_or_name: Spec | str | Path, dataset: Dataset | None) -> tuple[Spec, Dataset]:

    spec = spec_or_name if isinstance(spec_or_name, Spec) else load_config(spec_or_name)
    return spec, dataset or load_dataset(spec.data.path)


@dataclass(frozen=True)
class CalibrationResult:
    """Fitted growth components of a config's countries.

    Attributes
    ----------
    fits
        Country -> :class:`Fit`; convergence re-anchored at ``base_year``.
    windows
        Country -> the window each was fitted on.
    base_year
        Reference year of the config's projection (t0 of ``convergence``).
    """

    fits: dict[str, Fit]
    windows: dict[str, tuple[int, int]]
    base_year: int

    @property
    def table(self) -> pd.DataFrame:
        """One row per country and parameter: estimate, std err, RMSE of the log fit, window."""
        rows = [
            {
                "country": country,
                "kind": fit.kind,
                "parameter": name,
                "estimate": fit.params[name],
                "std_err": fit.std_err[name],
                "status": fit.status[name],
                "rmse_log": fit.rmse,
                "start": self.windows[country][0],
                "end": self.windows[country][1],
                "n_obs": fit.n_obs,
            }
            for country, fit in self.fits.items()
            for name in PARAMETERS[fit.kind]
            if name != "log_offset"
        ]
        return pd.DataFrame(rows)

    def rich_table(self) -> Any:
        """The :attr:`table` as a rich Table for the terminal."""
        from rich import box
        from rich.table import Table

        table = Table(
            title="Calibrated growth: least squares in log MVA, "
            f"convergence g0 at {self.base_year}",
            title_justify="left",
            caption="RMSE: of the log MVA fit (0.05 = about 5 %)",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            collapse_padding=True,
        )
        for column in (
            "country",
            "kind",
            "param",
            "estimate",
            "std err",
            "status",
            "RMSE",
            "window",
        ):
            table.add_column(
                column,
                justify="right" if column in ("estimate", "std err", "RMSE") else "left",
                no_wrap=True,
            )
        for row in self.table.itertuples():
            fmt = "{:.2f}" if row.parameter == "tau" else "{:.4f}"
            se = fmt.format(row.std_err) if np.isfinite(row.std_err) else "-"
            table.add_row(
                row.country,
                row.kind,
                row.parameter,
                fmt.format(row.estimate),
                se,
                row.status,
                f"{row.rmse_log:.4f}",
                f"{row.start}-{row.end}",
            )
        return table

    def fragment(self) -> dict[str, Any]:
        """A config fragment: ``countries:`` growth with the fitted values and ``uncertainties:``.

        ``trend`` is written as its window (the engine refits it), without an uncertainty entry:
        the trend component reads no sampled parameter. Fixed parameters and those on a bound get
        no entry either: the data say nothing about them, so the config's own range should stay.
        """
        countries, uncertainties = {}, {}
        for country, fit in self.fits.items():
            countries[country] = {"growth": _growth_entry(fit, self.windows[country])}
            for name in PARAMETERS[fit.kind] if fit.kind != "trend" else ():
                entry = _normal(fit.params[name], fit.std_err[name], name)
                if entry is not None and fit.status[name] == "fitted":
                    uncertainties[f"countries.{country}.growth.{name}"] = entry
        return {"countries": countries, "uncertainties": uncertainties}

    def warnings(self) -> list[str]:
        """One line per parameter the data did not pin down (its estimate sits on a bound)."""
        return [
            f"{country} {name} = {fit.params[name]:g} is on its bound {BOUNDS[name]}: "
            "the window does not "
            f"identify it; consider --fix {name} (hold the config's value)"
            for country, fit in self.fits.items()
            for name, status in fit.status.items()
            if status == "at bound"
        ]

    def to_yaml(self) -> str:
        """:meth:`fragment` as YAML with a header saying where the numbers come from."""
        windows = ", ".join(f"{c} {s}-{e}" for c, (s, e) in self.windows.items())
        header = [
            f"Calibrated by 'scenarios calibrate' by least squares in log MVA ({windows}).",
            f"convergence g0 is the rate in the base year {self.base_year}; normals are truncated "
            "to sensible bounds.",
            *(f"WARNING: {w}" for w in self.warnings()),
        ]
        return "".join(f"# {line}\n" for line in header) + yaml.safe_dump(
            self.fragment(), sort_keys=False
        )


def _growth_entry(fit: Fit, window: tuple[int, int]) -> dict[str, Any]:
    if fit.kind == "trend":
        return {"kind": "trend", "window": list(window)}
    return {"kind": fit.kind, **{n: round(fit.params[n], 6) for n in PARAMETERS[fit.kind]}}


def _normal(mean: float, sd: float, name: str) -> dict[str, Any] | None:
    """A truncated normal entry, or None when the error is unknown or zero (nothing to sample)."""
    low, high = BOUNDS[name]
    if not (np.isfinite(sd) and sd > 0 and low < mean < high):
        return None
    return {"dist": "normal", "mean": round(mean, 6), "sd": round(sd, 6), "low": low, "high": high}


def calibrate(
    spec_or_name: Spec | str | Path,
    window: tuple[int, int] | None = None,
    *,
    fix: tuple[str, ...] = (),
    dataset: Dataset | None = None,
    bootstrap: int = 0,
    seed: int = 0,
) -> CalibrationResult:
    """Fit each modelled country's growth component (the config's kind) to its observed MVA.

    Parameters
    ----------
    spec_or_name
        A loaded :class:`Spec`, a config path or a shipped config name.
    window
        (start, end) years for every country; None = each country's longest history, from its
        first observed year to the base year.
    fix
        Parameter names held at the config's value where a country's component has them, e.g.
        ``("g_lr",)``: a long-run rate a few decades of data cannot identify.
    dataset
        Default: the config's dataset (the embedded one).
    bootstrap, seed
        Residual-bootstrap refits for the standard errors (0: from the Jacobian), and its seed.

    Returns
    -------
    CalibrationResult

    Raises
    ------
    ConfigError
        The window ends before it starts or is too short, or a fixed parameter has no value.
    DataError
        The window starts before a country's data (the message names the first year available).

    Example
    -------
    >>> calibrate("baseline", (2004, 2015)).table  # doctest: +SKIP
    """
    check_option(bootstrap, "--bootstrap", minimum=0)
    check_seed(seed)
    spec, dataset = spec_and_data(spec_or_name, dataset)
    _check_fixable(spec, fix)
    table = observed_mva(spec, dataset)
    base_year = spec.base_year or int(table.dropna().index.max())
    fits, windows = {}, {}
    countries = spec.countries.items()
    fitting = f"fitting growth{f' ({bootstrap} bootstrap refits each)' if bootstrap else ''}"
    for country, entry in track(countries, fitting, len(countries)):
        span = window or (int(table[country].first_valid_index()), base_year)
        series = window_series(table, country, span, option="--window")
        fit = fit_growth(
            entry.growth.kind,
            series.index.to_numpy(),
            series.to_numpy(),
            fixed=_fixed(spec, country, fix),
            bootstrap=bootstrap,
            seed=seed,
        )
        fits[country], windows[country] = reanchor(fit, base_year), span
    return CalibrationResult(fits, windows, base_year)


def _check_fixable(spec: Spec, names: tuple[str, ...]) -> None:
    """Every ``--fix`` name is a parameter of at least one country's growth component."""
    known = sorted(
        {p for entry in spec.countries.values() for p in PARAMETERS.get(entry.growth.kind, ())}
    )
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            raise ConfigError(
                "not a parameter of this config's growth components",
                path="--fix",
                value=name,
                hint=(f"did you mean '{close[0]}'? " if close else "")
                + f"parameters: {', '.join(known)}",
            )


def _fixed(spec: Spec, country: str, names: tuple[str, ...]) -> dict[str, float]:
    growth = spec.countries[country].growth
    held = {}
    for name in (n for n in names if n in PARAMETERS.get(growth.kind, ())):
        value = getattr(growth, name, None)
        if value is None:
            raise ConfigError(
                f"cannot fix {name!r}: the config gives no value",
                path=f"countries.{country}.growth.{name}",
                hint=f"set it in the config or drop '--fix {name}'",
            )
        held[name] = float(value)
    return held
