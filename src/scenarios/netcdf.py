"""NetCDF files as the climate-and-forecast (CF-1.10) conventions want them, and read back.

The results carry the units people read (``USD million, constant 2015 prices``, ``fraction per
year``). On disk every variable gets a UDUNITS unit (``1``, ``1/yr``, ``count``); money keeps a
unit that pint and iam-units parse (``USD_2015 million/yr``), as UDUNITS knows no currency, with
its price basis in ``price_basis``. The readable unit stays in ``units_label`` and comes back on
reading, so files of both schema versions read into the same dataset.

Schema versions: 1 wrote the readable units as ``units`` and variable-length strings, uncompressed;
2 (:data:`SCHEMA_VERSION`) is the CF layout described here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from scenarios.config.labels import describe

SCHEMA_VERSION = 2
CONVENTIONS = "CF-1.10"
MONEY_FLOWS = {"mva", "mva_baseline", "mva_observed", "spend_federal", "spend_total"}
# readable unit -> (UDUNITS or pint unit, price basis or None)
_UNITS: dict[str, tuple[str, str | None]] = {
    "USD million, constant 2015 prices": ("USD_2015 million", "constant 2015 prices"),
    "USD million a year, constant 2015 prices": ("USD_2015 million/yr", "constant 2015 prices"),
    "USD million, nominal": ("USD million", "nominal (current) prices"),
    "USD million a year, nominal": ("USD million/yr", "nominal (current) prices"),
    "fraction per year": ("1/yr", None),
    "per year": ("1/yr", None),
    "fraction": ("1", None),
    "share": ("1", None),
    "index, 2015 = 1": ("1", None),
    "probability": ("1", None),
    "ratio": ("1", None),
    "x": ("1", None),
    "1": ("1", None),
    "institutes": ("count", None),
    "institutes a year": ("count/yr", None),
    "count": ("count", None),
    "years": ("yr", None),
    "year": ("1", None),  # a calendar year as a value (a budget's first year)
}
SAMPLE_CHUNK = 1024  # samples per HDF5 chunk: a chunk of a 10^4-sample run is a few MB at most
YEAR_ATTRS = {
    "long_name": "calendar year",
    "units": "1",
    "comment": "integer calendar year (Gregorian); flows are totals over the year; "
    "the auxiliary coordinate 'time' gives the year's middle as a CF time",
}
TIME_ATTRS = {
    "long_name": "middle of the calendar year (1 July)",
    "units": "days since 1970-01-01",
    "calendar": "standard",
    "axis": "T",
}


def cf_units(name: str, units: str) -> tuple[str, str | None]:
    """The on-disk unit and price basis of variable ``name`` whose readable unit is ``units``."""
    unit, basis = _UNITS.get(units, (units, None))
    if name in MONEY_FLOWS and unit.startswith("USD") and not unit.endswith("/yr"):
        unit += "/yr"
    return unit, basis


_COORD_NAMES = {
    "country": "ISO 3166-1 alpha-3 country code (WLD: the world)",
    "program": "innovation program key",
    "program_country": "ISO 3166-1 alpha-3 code of the program's country",
    "program_label": "program name",
    "economy": "currency area of the deflator",
    "projected": "projected year (not observed)",
}


def _mid_year_days(years: np.ndarray) -> np.ndarray:
    """Days from 1970-01-01 to 1 July of each year."""
    mid = np.array([f"{int(y):04d}-07-01" for y in years], dtype="datetime64[D]")
    return (mid - np.datetime64("1970-01-01", "D")).astype(np.int32)


def encode(ds: xr.Dataset, *, history: str) -> tuple[xr.Dataset, dict[str, dict[str, Any]]]:
    """``ds`` in the CF layout, and the per-variable encoding (compression, chunks, strings)."""
    out = ds.copy()
    out.attrs = _global_attrs(ds.attrs, history)
    encoding: dict[str, dict[str, Any]] = {}
    for name, var in out.variables.items():
        var.attrs = _variable_attrs(str(name), var.attrs)
        if var.dtype.kind == "b":  # stored as 0/1 bytes: a CF flag
            var.attrs.update(flag_values=np.array([0, 1], np.int8), flag_meanings="false true")
        elif var.dtype.kind in "OUS":
            encoding[str(name)] = {"dtype": "S1"}  # fixed-width characters: CF's string form
        elif var.ndim and name not in out.dims:
            encoding[str(name)] = {"zlib": True, "complevel": 4, "chunksizes": _chunks(var)}
    for name in _COORD_NAMES:
        if name in out.coords:
            out[name].attrs.setdefault("long_name", _COORD_NAMES[name])
    if "year" in out.coords:
        out["year"] = out["year"].astype(np.int32)
        out["year"].attrs = dict(YEAR_ATTRS)
        out = out.assign_coords(time=("year", _mid_year_days(out["year"].to_numpy()), TIME_ATTRS))
    if "sample" in out.coords:
        out["sample"].attrs = {"long_name": "ensemble member", "units": "1"}
    return out, encoding


def decode(ds: xr.Dataset) -> xr.Dataset:
    """A dataset read from disk with the readable units back, whichever schema version wrote it."""
    if int(ds.attrs.get("schema_version", 1)) < 2:
        return ds
    ds = ds.drop_vars("time", errors="ignore")  # the CF time of each year: ``year`` says it
    for var in ds.variables.values():
        if "units_label" in var.attrs:
            var.attrs["units"] = var.attrs.pop("units_label")
        var.attrs.pop("price_basis", None)
    return ds


def _variable_attrs(name: str, attrs: dict[str, Any]) -> dict[str, Any]:
    attrs = dict(attrs)
    readable = attrs.get("units")
    if readable == "as in the config":  # a sampled parameter: its registry unit
        readable = describe(name).units or "1"
    if readable is None:
        return attrs
    unit, basis = cf_units(name, str(readable))
    attrs.update(units=unit, units_label=str(readable))
    if basis:
        attrs["price_basis"] = basis
    return attrs


def _chunks(var: xr.Variable) -> tuple[int, ...]:
    """Whole rows along every dimension but ``sample``, which is cut every SAMPLE_CHUNK."""
    return tuple(
        min(size, SAMPLE_CHUNK) if dim == "sample" else max(size, 1)
        for dim, size in zip(var.dims, var.shape, strict=True)
    )


def _global_attrs(attrs: dict[str, Any], history: str) -> dict[str, Any]:
    """CF global attributes first, then the run's own, with no absolute paths."""
    title = attrs.get("scenario", "scenarios results")
    if attrs.get("description"):
        title = f"{title}: {attrs['description']}"
    own = {key: _no_path(value) for key, value in attrs.items()}
    return {
        "Conventions": CONVENTIONS,
        "title": str(title),
        "institution": "scenarios: manufacturing-innovation policy scenarios",
        **own,
        "source": str(attrs.get("source", "scenarios projection engine")),
        "history": history,  # no time stamp: the same run gives the same file (manifest.json has the time)
        "schema_version": SCHEMA_VERSION,
    }


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mfg-scenarios")
    except PackageNotFoundError:
        return "unknown version"


def _no_path(value: Any) -> Any:
    """A file path as its name: where a file was on one machine says nothing on another."""
    if isinstance(value, str) and value and os.path.isabs(value):
        return Path(value).name
    return value


def write(ds: xr.Dataset, path: Path, *, what: str) -> None:
    """``ds`` as CF-1.10 NetCDF4 (h5netcdf), zlib-compressed, chunked along ``sample``; ``what``
    it holds (a scenario's name) goes into ``history``."""
    encoded, encoding = encode(ds, history=f"written by scenarios {_version()} ({what})")
    encoded.to_netcdf(path, engine="h5netcdf", encoding=encoding)
