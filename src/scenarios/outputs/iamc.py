"""IAMC-format export (model, scenario, region, variable, unit, one column per year).

The integrated-assessment community's tools (pyam, the nomenclature package) read this layout:
units pint and iam-units parse, flows per year, a variable hierarchy whose parents are the sums
of their components, the counterfactual and ensemble quantiles as scenarios of their own, and
nomenclature-style definitions beside the table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
import yaml

from scenarios.errors import DataError
from scenarios.results import with_history

INDEX = ["model", "scenario", "region", "variable", "unit"]
# results variable -> (IAMC variable, unit, description); flows are per year, stocks are not
COUNTRY_VARIABLES = {
    "mva": (
        "Value Added|Manufacturing",
        "USD_2015 million/yr",
        "Manufacturing value added (ISIC C), constant 2015 prices",
    ),
    "innovation_capital": (
        "Capital Stock|Innovation",
        "USD_2015 million",
        "Innovation capital stock built by program spend, constant 2015 prices",
    ),
}
# per program (``<name>|<program label>``) and, as their sum, per region (``<name>``)
PROGRAM_VARIABLES = {
    "institutes_active": ("Institutes|Active", "count", "Expected active institutes"),
    "institutes_launched": ("Institutes|Launched", "count/yr", "Institutes launched in the year"),
    "spend_federal": (
        "Expenditure|Federal",
        "USD_2015 million/yr",
        "Federal program spend, constant 2015 prices",
    ),
    "spend_total": (
        "Expenditure|Total",
        "USD_2015 million/yr",
        "Program spend, federal plus non-federal match, constant 2015 prices",
    ),
}
REGIONS = {"WLD": "World"}  # the IAMC name of the world region
COUNTERFACTUAL = "{scenario}|counterfactual"  # the same world without the program impact
QUANTILE = "{scenario}|p{percent:02d}"  # an ensemble quantile, e.g. nnmi_full45|p05


def _reduce(da: xr.DataArray, statistic: str | float) -> xr.DataArray:
    if "sample" not in da.dims:
        return da
    if statistic == "median":
        return da.median("sample")
    if statistic == "mean":
        return da.mean("sample")
    if isinstance(statistic, float) and 0.0 <= statistic <= 1.0:
        # skipna=False: a year unobserved in every sample (spend before the base year) stays NaN
        return da.quantile(statistic, "sample", skipna=False).drop_vars("quantile")
    raise DataError(
        f"unknown statistic {statistic!r}",
        value=statistic,
        hint='use "median", "mean" or a quantile between 0 and 1, e.g. 0.05',
    )


Reduced = dict[tuple[str, "str | float"], xr.DataArray]


def _reduce_all(results: xr.Dataset, statistics: list[str | float]) -> Reduced:
    """Every exported variable reduced over samples by every statistic: the quantiles of a
    variable in one pass over its samples (each equal to its own :func:`_reduce`)."""
    names = [v for v in (*COUNTRY_VARIABLES, "mva_baseline", *PROGRAM_VARIABLES) if v in results]
    quantiles = [s for s in statistics if isinstance(s, float) and 0.0 <= s <= 1.0]
    out: Reduced = {}
    for name in names:
        da = results[name]
        for statistic in statistics:
            if statistic not in quantiles or "sample" not in da.dims:
                out[name, statistic] = _reduce(da, statistic)
        if quantiles and "sample" in da.dims:
            together = da.quantile(quantiles, "sample", skipna=False)
            for q in quantiles:
                out[name, q] = together.sel(quantile=q).drop_vars("quantile")
    return out


def _rows(values: xr.DataArray, dim: str, regions: list[str], names: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(
        values.transpose(dim, "year").to_numpy(),
        columns=[int(y) for y in values["year"].to_numpy()],
    )
    frame.insert(0, "region", regions)
    frame.insert(1, "variable", names)
    return frame


def _country_rows(
    results: xr.Dataset, reduced: Reduced, statistic: str | float, var: str, name: str
) -> pd.DataFrame:
    countries = [str(c) for c in results["country"].to_numpy()]
    regions = [REGIONS.get(c, c) for c in countries]
    values = with_history(results, var, reduced[var, statistic])
    frame = _rows(values, "country", regions, [name] * len(countries))
    frame.insert(2, "unit", COUNTRY_VARIABLES["mva" if var == "mva_baseline" else var][1])
    return frame


def _program_rows(
    results: xr.Dataset, reduced: Reduced, statistic: str | float
) -> list[pd.DataFrame]:
    """Each program's rows, then each region's sum over its programs (the parent variable)."""
    labels = [str(x) for x in results["program_label"].to_numpy()]
    regions = [REGIONS.get(str(c), str(c)) for c in results["program_country"].to_numpy()]
    parts = []
    for var, (name, unit, _) in PROGRAM_VARIABLES.items():
        if var not in results:
            continue
        values = with_history(results, var, reduced[var, statistic])
        frame = _rows(values, "program", regions, [f"{name}|{label}" for label in labels])
        totals = frame.drop(columns="variable").groupby("region", sort=False).sum(min_count=1)
        totals = totals.reset_index()
        totals.insert(1, "variable", name)
        for part in (frame, totals):
            part.insert(2, "unit", unit)
            parts.append(part)
    return parts


def _scenario_rows(
    results: xr.Dataset, reduced: Reduced, statistic: str | float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the scenario's rows, its counterfactual's rows) for one statistic over samples."""
    parts = [
        _country_rows(results, reduced, statistic, var, name)
        for var, (name, _, _) in COUNTRY_VARIABLES.items()
        if var in results and "country" in results.dims
    ]
    if "program" in results.dims and results.sizes["program"]:
        parts += _program_rows(results, reduced, statistic)
    counterfactual = (
        _country_rows(results, reduced, statistic, "mva_baseline", COUNTRY_VARIABLES["mva"][0])
        if "mva_baseline" in results and "country" in results.dims
        else pd.DataFrame()
    )
    return pd.concat(parts, ignore_index=True), counterfactual


def to_iamc(
    results: xr.Dataset,
    *,
    model: str = "scenarios",
    statistic: str | float = "median",
    quantiles: tuple[float, ...] = (),
) -> pd.DataFrame:
    """Results as an IAMC-format table.

    Country variables go to their ISO3 region (``WLD`` becomes ``World``); program variables go
    to the program's country, named by program label (``Institutes|Active|Manufacturing USA``),
    and their sum over a region's programs is the parent (``Institutes|Active``), so every parent
    equals the sum of its components. Flows carry ``/yr`` (``USD_2015 million/yr``).

    The MVA without the program impact is its own scenario, ``<scenario>|counterfactual``.
    Ensemble quantiles are scenarios too (``<scenario>|p05``): pyam's own ``compute.quantiles``
    returns quantiles the same way, one scenario per quantile.

    Parameters
    ----------
    results : xarray.Dataset
        Results of a run.
    model : str, default "scenarios"
        Value of the ``model`` column.
    statistic : {"median", "mean"} or float, default "median"
        Reduction over samples for the scenario itself; a float is a quantile (0.05: 5 %).
    quantiles : tuple of float, default ()
        Quantiles (between 0 and 1) of an ensemble, each written as its own scenario.

    Returns
    -------
    pandas.DataFrame
        Columns ``model, scenario, region, variable, unit`` then one integer column per year.

    Raises
    ------
    DataError
        If ``statistic`` or a quantile is not recognised.

    Examples
    --------
    >>> table = to_iamc(results, quantiles=(0.05, 0.5, 0.95))  # doctest: +SKIP
    """
    name = str(results.attrs.get("scenario", "scenario"))
    ensemble = "sample" in results.dims and results.sizes["sample"] > 1
    blocks = [(name, statistic)]
    if ensemble:
        blocks += [(QUANTILE.format(scenario=name, percent=_percent(q)), q) for q in quantiles]
    frames = []
    reduced = _reduce_all(results, [stat for _, stat in blocks])
    for scenario, stat in blocks:
        own, counterfactual = _scenario_rows(results, reduced, stat)
        frames.append(own.assign(scenario=scenario))
        if len(counterfactual):
            frames.append(counterfactual.assign(scenario=COUNTERFACTUAL.format(scenario=scenario)))
    table = pd.concat(frames, ignore_index=True)
    table.insert(0, "model", model)
    years = [c for c in table.columns if c not in INDEX]
    return table[INDEX + years]


def _percent(q: float) -> int:
    if not isinstance(q, float | int) or not 0 < q < 1 or round(q * 100) != q * 100:
        raise DataError(
            f"quantile {q!r} is not a whole percentile between 0 and 1",
            path="--iamc-quantiles",
            value=q,
            hint="give percentiles 1 to 99, e.g. --iamc-quantiles 5,50,95",
        )
    return round(q * 100)


def definitions(table: pd.DataFrame) -> dict[str, list]:
    """Nomenclature-style codelists of an export: ``variable`` (names, units, descriptions)
    and ``region`` (the regions used), as the ``nomenclature`` package reads them."""
    described = {name: text for name, _, text in COUNTRY_VARIABLES.values()}
    parents = {name: text for name, _, text in PROGRAM_VARIABLES.values()}
    variables = []
    for variable, unit in table[["variable", "unit"]].drop_duplicates().itertuples(index=False):
        parent, _, label = variable.rpartition("|")
        if variable in described:
            text = described[variable]
        elif variable in parents:
            text = f"{parents[variable]}, all programs of the region"
        else:
            text = f"{parents[parent]}, {label}"
        variables.append({variable: {"description": text, "unit": unit}})
    regions = sorted(set(table["region"]))
    return {"variable": variables, "region": [{"scenarios regions": regions}]}


def write_iamc(
    results: xr.Dataset,
    out_dir: Path | str,
    *,
    model: str = "scenarios",
    statistic: str | float = "median",
    quantiles: tuple[float, ...] = (),
) -> tuple[Path, Path]:
    """Write ``iamc.csv``, ``iamc.xlsx`` (sheet ``data``, as pyam expects) and the definitions
    (``iamc_definitions/variable/variables.yaml``, ``iamc_definitions/region/regions.yaml``).

    Parameters
    ----------
    results : xarray.Dataset
        Results of a run.
    out_dir : path
        Folder (created if missing).
    model, statistic, quantiles
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
    table = to_iamc(results, model=model, statistic=statistic, quantiles=quantiles)
    csv, xlsx = out / "iamc.csv", out / "iamc.xlsx"
    table.to_csv(csv, index=False)
    table.to_excel(xlsx, sheet_name="data", index=False)
    for kind, codes in definitions(table).items():
        folder = out / "iamc_definitions" / kind
        folder.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(codes, sort_keys=False, allow_unicode=True)
        (folder / f"{kind}s.yaml").write_text(text, encoding="utf-8")
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
