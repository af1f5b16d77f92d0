"""NetCDF files as the climate-and-forecast (CF-1.10) conventions want them, and read back.

The results carry the units people read (``USD million, constant 2015 prices``, ``fraction per
year``). On disk every variable gets a UDUNITS unit (``1``, ``1/yr``, ``count``); money keeps a
unit that pint and iam-units parse (``USD_2015 million/yr``), as UDUNITS knows no currency, with
its price basis in ``price_basis``. The readable unit stays in ``units_label`` and comes back on
reading, so files of both schema versions read into the same dataset.

Schema versions: 1 wrote the readable units as ``units`` and variable-length strings, uncompressed;
2 is the CF layout described here, every sampled variable over every year (the observed history
repeated for each sample); 3 (:data:`SCHEMA_VERSION`) stores sampled variables over the base year and
the projected years only, as (country or program, year, sample): each (country, year) one
contiguous chunk of samples, so reading one country or one year reads only its own chunks, zlib
compressed where that halves it (counts, fixed spend; see :func:`_compressible`); the history is stored once per (country or program, ``observed_year``). Files of
versions 1 and 2 are converted to version 3's dataset on reading (:func:`decode`).
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from scenarios.config.labels import describe

SCHEMA_VERSION = 3
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
SAMPLE_CHUNK = 131072
"""Samples per HDF5 chunk of a sampled variable (1 MB): one (country, year) of an ensemble up to
this size is one chunk."""
COMPRESSION: dict[str, Any] = {"compression": "gzip", "compression_opts": 1, "shuffle": True}
"""For the sampled variables that :func:`_compressible` finds worth it: zlib, which every NetCDF4
reader decodes, at its fastest level, after a byte shuffle."""
PROBE_SAMPLES = 16384
"""Samples of each key's last year (where the draws spread most) that are compressed to decide."""
WORTH_COMPRESSING = 0.4
"""Compressed size, as a share of the probe's, below which a variable is compressed. Measured on
baseline (2-core machine): compressing every variable at 10^5 samples took 5.1 s for 189 MB
against 0.5 s for 403 MB. The institute counts (probe 0.04, file 0.02) and federal spend (0.32,
0.28) take 0.6 s of it and save 92 MB; MVA, growth, innovation capital and total spend (probe
0.54-0.95) take the other 4 s to save 100 MB."""
SAMPLED_FIRST = ("sample",)
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
    out = out.assign(  # (sample, key, year) -> (key, year, sample): the engine's layout, as it is
        {
            name: array.transpose(*array.dims[1:], "sample")
            for name, array in ds.data_vars.items()
            if array.dims[:1] == SAMPLED_FIRST and array.ndim > 1
        }
    )
    out.attrs = _global_attrs(ds.attrs, history)
    encoding: dict[str, dict[str, Any]] = {}
    for name, var in out.variables.items():
        var.attrs = _variable_attrs(str(name), var.attrs)
        if var.dtype.kind == "b":  # stored as 0/1 bytes: a CF flag
            var.attrs.update(flag_values=np.array([0, 1], np.int8), flag_meanings="false true")
        elif var.dtype.kind in "OUS":
            encoding[str(name)] = {"dtype": "S1"}  # fixed-width characters: CF's string form
        elif var.ndim and name not in out.dims:
            by_year = "sample" in var.dims and "year" in var.dims
            compression = COMPRESSION if by_year and _compressible(var) else {}
            encoding[str(name)] = {**compression, "chunksizes": _chunks(var)}
    for name in _COORD_NAMES:
        if name in out.coords:
            out[name].attrs.setdefault("long_name", _COORD_NAMES[name])
    if "year" in out.coords:
        out["year"] = out["year"].astype(np.int32)
        out["year"].attrs = dict(YEAR_ATTRS)
        out = out.assign_coords(time=("year", _mid_year_days(out["year"].to_numpy()), TIME_ATTRS))
    if "observed_year" in out.coords:
        out["observed_year"] = out["observed_year"].astype(np.int32)
        out["observed_year"].attrs = {
            "long_name": "calendar year of the observed data (history and horizon)",
            "units": "1",
        }
    if "sample" in out.coords:
        out["sample"].attrs = {"long_name": "ensemble member", "units": "1"}
    return out, encoding


def decode(ds: xr.Dataset) -> xr.Dataset:
    """A dataset read from disk with the readable units back, whichever schema version wrote it."""
    version = int(ds.attrs.get("schema_version", 1))
    if version >= 2:
        ds = ds.drop_vars("time", errors="ignore")  # the CF time of each year: ``year`` says it
        for var in ds.variables.values():
            if "units_label" in var.attrs:
                var.attrs["units"] = var.attrs.pop("units_label")
            var.attrs.pop("price_basis", None)
    ds = ds.assign(  # (key, year, sample) -> (sample, key, year), a view
        {
            name: array.transpose("sample", *(d for d in array.dims if d != "sample"))
            for name, array in ds.data_vars.items()
            if "sample" in array.dims and array.ndim > 1
        }
    )
    return ds if version >= 3 else history_once(ds)


OBSERVED = {
    "growth": "growth_observed",
    "institutes_active": "institutes_active_observed",
    "institutes_launched": "institutes_launched_observed",
}
"""Version 2's sampled variable -> version 3's variable of its history (mva_observed is in both)."""


def history_once(ds: xr.Dataset) -> xr.Dataset:
    """A dataset of schema version 1 or 2 (every variable over every year, history repeated per
    sample) in version 3's form: sampled variables from the base year on, the history once per
    (country or program, ``observed_year``)."""
    base = int(ds.attrs["base_year"])
    years = ds["year"].to_numpy()
    past = np.where(years <= base, years, -1)
    observed = {
        new: ds[old].isel(sample=0, drop=True).where(past == years).rename(year="observed_year")
        for old, new in OBSERVED.items()
        if old in ds
    }
    by_year = [name for name, var in ds.data_vars.items() if "year" in var.dims]
    sampled = [name for name in by_year if "sample" in ds[name].dims]
    out = ds.drop_vars(by_year).drop_vars(["year", "projected"], errors="ignore")
    out = out.assign_coords(observed_year=years).assign(
        {name: ds[name].rename(year="observed_year") for name in by_year if name not in sampled}
    )
    out = out.assign(observed)
    model = ds[sampled].sel(year=years[years >= base]).drop_vars("projected", errors="ignore")
    return out.assign(model).assign_coords(projected=("year", model["year"].to_numpy() > base))


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


def _compressible(var: xr.Variable) -> bool:
    """Whether zlib shrinks :data:`PROBE_SAMPLES` samples of each key's last year of ``var``
    (key, year, sample) below :data:`WORTH_COMPRESSING` of their size: counts and fixed spend
    do, drawn money does not."""
    probe = np.ascontiguousarray(np.asarray(var.data)[..., -1, :PROBE_SAMPLES])
    return len(zlib.compress(probe.tobytes(), 1)) < WORTH_COMPRESSING * probe.nbytes


def _chunks(var: xr.Variable) -> tuple[int, ...]:
    """A sampled variable (key, year, sample): one country or program per chunk, with as many
    years as make up to :data:`SAMPLE_CHUNK` values (one year of a large ensemble, cut into
    equal pieces of at most SAMPLE_CHUNK samples); any other variable: whole."""
    if "sample" not in var.dims:
        return tuple(max(size, 1) for size in var.shape)
    samples = max(var.sizes["sample"], 1)
    n = math.ceil(samples / math.ceil(samples / SAMPLE_CHUNK))
    years = min(var.sizes.get("year", 1), max(1, SAMPLE_CHUNK // n))
    sizes = {"sample": n, "year": max(years, 1)}
    return tuple(sizes.get(str(dim), 1) for dim in var.dims)


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


UNCLOSABLE: list[BaseException] = []
"""Writes that failed inside HDF5 (a disk that filled up meanwhile). HDF5 cannot close such a
file, and freeing its objects crashes the interpreter, so their exceptions (whose tracebacks hold
them) are kept here; the command line ends without finalisers when this is not empty."""


def write(ds: xr.Dataset, path: Path, *, what: str) -> None:
    """``ds`` as CF-1.10 NetCDF4 (h5netcdf) in chunks of samples; ``what`` it holds (a
    scenario's name) goes into ``history``."""
    encoded, encoding = encode(ds, history=f"written by scenarios {_version()} ({what})")
    with _failed_writes_reported_once():
        try:
            encoded.to_netcdf(path, engine="h5netcdf", encoding=encoding)
        except (OSError, RuntimeError) as exc:
            UNCLOSABLE.append(exc)
            code = next((e.errno for e in _chain(exc) if isinstance(e, OSError) and e.errno), None)
            if code is None:
                raise
            raise OSError(code, os.strerror(code), str(path)) from None


@contextlib.contextmanager
def _failed_writes_reported_once() -> Iterator[None]:
    """h5py prints a failed write again as it frees each of the file's objects (through both
    ``sys.excepthook`` and ``sys.unraisablehook``), outside the exception raised: those repeats
    are dropped while writing."""
    hooks = sys.excepthook, sys.unraisablehook

    def printed(kind: type, value: BaseException, traceback: Any) -> None:
        if not isinstance(value, (OSError, RuntimeError)):
            hooks[0](kind, value, traceback)

    def unraisable(report: Any) -> None:
        if not isinstance(report.exc_value, (OSError, RuntimeError)):
            hooks[1](report)

    sys.excepthook, sys.unraisablehook = printed, unraisable
    try:
        yield
    finally:
        sys.excepthook, sys.unraisablehook = hooks


def _chain(exc: BaseException | None):
    """``exc`` and the exceptions it was raised while handling."""
    while exc is not None:
        yield exc
        exc = exc.__context__
