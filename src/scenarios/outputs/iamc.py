"""IAMC-format export (model, scenario, region, variable, unit, one column per year).

The integrated-assessment community's tools (pyam, the nomenclature package) read this layout.
Ensembles are reduced to one statistic over samples (median by default).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from scenarios.errors import DataError

INDEX = ["model", "scenario", "region", "variable", "unit"]
COUNTRY_VARIABLES = {
    "mva": "Value Added|Manufacturing",
    "mva_baseline": "Value Added|Manufacturing|Baseline",
    "innovation_capital": "Capital Stock|Innovation",
}
PROGRAM_VARIABLES = {
    "institutes_active": "Institutes|Active",
    "institutes_launched": "Institutes|Launched",
    "spend_federal": "Expenditure|Federal",
    "spend_total": "Expenditure|Total",
}
REGIONS = {"WLD": "World"}  # the IAMC name of the world region


def iamc_unit(units: str) -> str:
    """IAMC unit of a results ``units`` attribute ("USD million, constant 2015 prices" ->
    "USD_2015 million")."""
    if units.startswith("USD million") and "2015" in units:
        return "USD_2015 million"
    return units


def _reduce(da: xr.DataArray, statistic: str | float) -> xr.DataArray:
    if "sample" not in da.dims:
        return da
    if statistic == "median":
        return da.median("sample")
    if statistic == "mean":
        return da.mean("sample")
    if isinstance(statistic, float) and 0.0 <= statistic <= 1.0:
        return da.quantile(statistic, "sample").drop_vars("quantile")
    raise DataError(
        f"unknown statistic {statistic!r}",
        value=statistic,
        hint='use "median", "mean" or a quantile between 0 and 1, e.g. 0.05',
    )


def _rows(values: xr.DataArray, dim: str, regions: list[str], names: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(
        values.transpose(dim, "year").to_numpy(),
        columns=[int(y) for y in values["year"].to_numpy()],
    )
    frame.insert(0, "region", regions)
    frame.insert(1, "variable", names)
    return frame


def to_iamc(
    results: xr.Dataset, *, model: str = "scenarios", statistic: str | float = "median"
) -> pd.DataFrame:
    """Results as an IAMC-format table.

    Country variables go to their ISO3 region (``WLD`` becomes ``World``); program variables go
    to the program's country, named by program label (``Institutes|Active|Manufacturing USA``).

    Parameters
    ----------
    results : xarray.Dataset
        Results of a run.
    model : str, default "scenarios"
        Value of the ``model`` column.
    statistic : {"median", "mean"} or float, default "median"
        Reduction over samples; a float is a quantile (0.05 for the 5th percentile).

    Returns
    -------
    pandas.DataFrame
        Columns ``model, scenario, region, variable, unit`` then one integer column per year.

    Raises
    ------
    DataError
        If ``statistic`` is not recognised.

    Examples
    --------
    >>> table = to_iamc(results, statistic=0.95)  # doctest: +SKIP
    """
    parts = []
    countries = [str(c) for c in results["country"].to_numpy()] if "country" in results.dims else []
    for var, name in COUNTRY_VARIABLES.items():
        if var in results:
            frame = _rows(
                _reduce(results[var], statistic),
                "country",
                [REGIONS.get(c, c) for c in countries],
                [name] * len(countries),
            )
            frame.insert(2, "unit", iamc_unit(results[var].attrs.get("units", "")))
            parts.append(frame)
    if "program" in results.dims:
        labels = [str(x) for x in results["program_label"].to_numpy()]
        regions = [REGIONS.get(str(c), str(c)) for c in results["program_country"].to_numpy()]
        for var, name in PROGRAM_VARIABLES.items():
            if var in results:
                frame = _rows(
                    _reduce(results[var], statistic),
                    "program",
                    regions,
                    [f"{name}|{label}" for label in labels],
                )
                frame.insert(2, "unit", iamc_unit(results[var].attrs.get("units", "")))
                parts.append(frame)
    table = pd.concat(parts, ignore_index=True)
    table.insert(0, "model", model)
    table.insert(1, "scenario", str(results.attrs.get("scenario", "scenario")))
    years = [c for c in table.columns if c not in INDEX]
    return table[INDEX + years]


def write_iamc(
    results: xr.Dataset,
    out_dir: Path | str,
    *,
    model: str = "scenarios",
    statistic: str | float = "median",
) -> tuple[Path, Path]:
    """Write ``iamc.csv`` and ``iamc.xlsx`` (sheet ``data``, as pyam expects) into ``out_dir``.

    Parameters
    ----------
    results : xarray.Dataset
        Results of a run.
    out_dir : path
        Folder (created if missing).
    model, statistic
        As in :func:`to_iamc`.

    Returns
    -------
    tuple of Path
        The CSV and the Excel file.

    Examples
    --------
    >>> csv, xlsx = write_iamc(results, "runs/baseline")  # doctest: +SKIP
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = to_iamc(results, model=model, statistic=statistic)
    csv, xlsx = out / "iamc.csv", out / "iamc.xlsx"
    table.to_csv(csv, index=False)
    table.to_excel(xlsx, sheet_name="data", index=False)
    return csv, xlsx


def read_iamc(path: Path | str) -> pd.DataFrame:
    """Read an IAMC table (CSV or xlsx) with integer year columns.

    Parameters
    ----------
    path : path
        ``.csv`` or ``.xlsx`` file (sheet ``data``, else the first sheet).

    Returns
    -------
    pandas.DataFrame
        Columns ``model, scenario, region, variable, unit`` then integer years.

    Raises
    ------
    DataError
        If an index column is missing.

    Examples
    --------
    >>> table = read_iamc("runs/baseline/iamc.csv")  # doctest: +SKIP
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xls"):
        sheets = pd.read_excel(path, sheet_name=None)
        table = sheets.get("data", next(iter(sheets.values())))
    else:
        table = pd.read_csv(path)
    table.columns = [str(c).strip() for c in table.columns]
    lower = {c.lower(): c for c in table.columns}
    missing = [c for c in INDEX if c not in lower]
    if missing:
        raise DataError(
            f"not an IAMC table: missing columns {missing}",
            file=str(path),
            value=list(table.columns),
            hint="columns must be model, scenario, region, variable, unit, then years",
        )
    table = table.rename(columns={lower[c]: c for c in INDEX})
    years = {c: int(c) for c in table.columns if c not in INDEX and c.isdigit()}
    table = table.rename(columns=years)
    table[list(years.values())] = table[list(years.values())].astype(np.float64)
    return table
