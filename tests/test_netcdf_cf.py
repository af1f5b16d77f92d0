"""results.nc as CF-1.10 wants it, read back the same, and files of schema version 1 still read.

The CF checker (cfchecker) runs where it is installed with the UDUNITS-2 library; elsewhere the
attributes CF asks for are checked here directly, units against UDUNITS' grammar by the rules
below (the shipped units are few and listed).
"""

from __future__ import annotations

import os

import h5py
import numpy as np
import pytest
import xarray as xr

from scenarios import api
from scenarios.config.labels import PARAMETERS
from scenarios.netcdf import _UNITS, SAMPLE_CHUNK, SCHEMA_VERSION, _chunks, cf_units, encode
from scenarios.results import (
    HISTORY,
    MONEY,
    full_series,
    read_results,
    series_years,
    write_netcdf,
)

UDUNITS = {"1", "1/yr", "count", "count/yr", "yr"}  # every non-money unit the results use
MONEY_UNITS = {"USD_2015 million", "USD_2015 million/yr", "USD million", "USD million/yr"}


@pytest.fixture(scope="module")
def ensemble():
    return api.run("nnmi_full45", samples=20, seed=4)


@pytest.fixture(scope="module")
def written(ensemble, tmp_path_factory):
    path = tmp_path_factory.mktemp("cf") / "results.nc"
    write_netcdf(ensemble.results, path)
    return path


def test_global_attributes(written):
    with xr.open_dataset(written, engine="h5netcdf") as ds:
        attrs = dict(ds.attrs)
    assert attrs["Conventions"] == "CF-1.10"
    assert attrs["schema_version"] == SCHEMA_VERSION == 3
    assert attrs["title"].startswith("nnmi_full45: ")
    assert attrs["institution"] and attrs["source"]
    assert "written by scenarios" in attrs["history"]
    for key, value in attrs.items():
        assert not (isinstance(value, str) and os.path.isabs(value)), key
        assert "/work/" not in str(value) and str(os.getcwd()) not in str(value), key


def test_every_variable_has_a_valid_unit(written):
    with xr.open_dataset(written, engine="h5netcdf", decode_times=False) as ds:
        for name, var in ds.variables.items():
            if var.dtype.kind in "SUO" or "flag_meanings" in var.attrs:
                continue  # labels and flags (projected year or not)
            if name == "time":
                assert var.attrs["units"] == "days since 1970-01-01", var.attrs
                assert var.attrs["axis"] == "T" and var.attrs["calendar"] == "standard"
                continue
            unit = var.attrs.get("units")
            assert unit in UDUNITS | MONEY_UNITS, (name, unit)
            if unit in MONEY_UNITS:
                assert var.attrs["price_basis"] in (
                    "constant 2015 prices",
                    "nominal (current) prices",
                )
        assert ds["mva"].attrs["units"] == "USD_2015 million/yr"
        assert ds["innovation_capital"].attrs["units"] == "USD_2015 million"
        assert ds["growth"].attrs["units"] == "1/yr"
        assert ds["institutes_active"].attrs["units"] == "count"
        assert ds["year"].attrs["units"] == "1" and ds["year"].dtype == np.int32
        assert ds["time"].dims == ("year",)
        assert "ISO 3166" in ds["country"].attrs["long_name"]


def test_every_parameter_unit_has_a_file_unit():
    """A sampled parameter is written with its registry unit: each must have a CF/pint form."""
    for _, readable in PARAMETERS.values():
        assert readable in _UNITS, f"add {readable!r} to scenarios.netcdf._UNITS"
        assert cf_units("x", readable)[0] in UDUNITS | MONEY_UNITS, readable


def test_strings_fixed_width_and_samples_in_the_engines_layout(written):
    with h5py.File(written, "r") as f:
        assert f["country"].dtype == np.dtype("S1")  # characters, with a string-length dimension
        # (country, year, sample) as the engine holds them; 20 samples: a country per chunk
        assert f["mva"].shape == (4, 18, 20)
        assert f["mva"].chunks == (1, 18, 20)
        assert f["mva"].compression is None
        assert f["mva_observed"].chunks == f["mva_observed"].shape


def test_large_ensembles_are_chunked_by_country_and_year():
    """Past SAMPLE_CHUNK samples a chunk is one (country, year) cut into equal pieces of at most
    SAMPLE_CHUNK samples; below it a chunk holds as many years of one country as make
    SAMPLE_CHUNK values."""
    var = xr.Variable(("country", "year", "sample"), np.empty((4, 18, 300_000), np.float32))
    assert _chunks(var) == (
        1,
        1,
        100_000,
    )  # cut every 131,072, the last chunk would be 71 % padding
    assert _chunks(var[..., :SAMPLE_CHUNK]) == (1, 1, SAMPLE_CHUNK)
    small = xr.Variable(("program", "year", "sample"), np.empty((3, 18, 10_000), np.float32))
    assert _chunks(small) == (1, SAMPLE_CHUNK // 10_000, 10_000)


def test_counts_and_fixed_spend_are_compressed_drawn_money_is_not(written):
    import h5py

    with h5py.File(written) as f:
        compressed = {name for name, var in f.items() if getattr(var, "compression", None)}
    assert {"institutes_active", "institutes_launched"} <= compressed
    assert not {"mva", "growth", "innovation_capital"} & compressed


def test_reads_back_the_same_numbers_and_units(ensemble, written):
    back = read_results(written.parent)
    original = ensemble.results
    for name in ("mva", "growth", "spend_total", "institutes_active", "mva_observed"):
        assert back[name].dims == original[name].dims
        np.testing.assert_array_equal(back[name].to_numpy(), original[name].to_numpy())
        assert back[name].attrs["units"] == original[name].attrs["units"]
    assert back["mva"].attrs["units"] == MONEY
    assert list(back["country"].to_numpy()) == list(original["country"].to_numpy())
    assert list(back["program_label"].to_numpy()) == list(original["program_label"].to_numpy())
    assert back["year"].to_numpy().tolist() == original["year"].to_numpy().tolist()


def _every_year(results: xr.Dataset) -> xr.Dataset:
    """The results as schema versions 1 and 2 held them: every sampled variable over every year,
    the history repeated for each sample; observed MVA and the deflator by ``year``."""
    years = series_years(results)
    sampled = {
        name: full_series(results, name).drop_vars("projected")
        for name, var in results.data_vars.items()
        if "sample" in var.dims and "year" in var.dims
    }
    observed = {
        name: results[name].rename(observed_year="year").sel(year=years)
        for name in ("mva_observed", "deflator")
    }
    dropped = [*sampled, *observed, *HISTORY.values(), "year", "projected", "observed_year"]
    rest = results.drop_vars(dropped)
    return rest.assign(sampled | observed).assign_coords(projected=("year", years > 2023))


def _assert_same_as_version_3(back: xr.Dataset, results: xr.Dataset) -> None:
    assert back["year"].to_numpy().tolist() == results["year"].to_numpy().tolist()
    for name in ("mva", "growth", "spend_total", "institutes_active", "institutes_launched"):
        assert back[name].dims == results[name].dims, name
        np.testing.assert_array_equal(back[name].to_numpy(), results[name].to_numpy())
        np.testing.assert_array_equal(
            full_series(back, name).to_numpy(), full_series(results, name).to_numpy()
        )
    observed = back["mva_observed"].sel(observed_year=results["observed_year"])
    np.testing.assert_array_equal(observed, results["mva_observed"])


def test_schema_version_1_still_reads(ensemble, tmp_path):
    """A results.nc written before CF (readable units, variable-length strings, every variable
    over every year) reads as a version 3 dataset."""
    _every_year(ensemble.results).to_netcdf(tmp_path / "results.nc", engine="h5netcdf")
    back = read_results(tmp_path)
    assert "schema_version" not in back.attrs
    assert back["mva"].attrs["units"] == MONEY
    _assert_same_as_version_3(back, ensemble.results)


def test_schema_version_2_still_reads(ensemble, tmp_path):
    """A CF file of version 2 (history repeated for each sample) reads as version 3."""
    old = _every_year(ensemble.results)
    encoded, encoding = encode(old, history="written by scenarios (nnmi_full45)")
    encoded.attrs["schema_version"] = 2
    encoded.to_netcdf(tmp_path / "results.nc", engine="h5netcdf", encoding=encoding)
    back = read_results(tmp_path)
    assert back.attrs["schema_version"] == 2
    assert back["mva"].attrs["units"] == MONEY
    _assert_same_as_version_3(back, ensemble.results)


def _standard_tables(folder):
    """Empty CF tables: the results use no standard name, area type or region name, and the
    checker would otherwise fetch the tables from the web."""
    tables = {}
    for name, root, stamp in (
        ("standard", "standard_name_table", "last_modified"),
        ("area", "area_type_table", "date"),
        ("region", "standardized_region_list", "date"),
    ):
        path = folder / f"{name}.xml"
        path.write_text(
            f"<{root}><version_number>1</version_number><{stamp}>2026-01-01</{stamp}></{root}>"
        )
        tables[name] = str(path)
    return tables


def test_cf_checker_finds_no_error_but_the_currency(written, tmp_path):
    cfchecks = pytest.importorskip(
        "cfchecker.cfchecks", reason="cfchecker (and the UDUNITS-2 C library) not installed"
    )
    tables = _standard_tables(tmp_path)
    checker = cfchecks.CFChecker(
        cfStandardNamesXML=tables["standard"],
        cfAreaTypesXML=tables["area"],
        cfRegionNamesXML=tables["region"],
        version=cfchecks.newest_version,
        silent=True,
    )
    found = checker.checker(str(written))
    errors = {
        name: messages["ERROR"]
        for name, messages in found["variables"].items()
        if messages["ERROR"]
    }
    unknown_version = "does not appear to contain CF Convention data"  # cfchecker 4.1: <= CF-1.8
    expected_global = [] if cfchecks.newest_version >= cfchecks.CFVersion((1, 10)) else None
    if expected_global is None:
        assert all(unknown_version in m for m in found["global"]["ERROR"])
    else:
        assert found["global"]["ERROR"] == expected_global
    for name, messages in errors.items():
        assert all("units" in m for m in messages), (name, messages)
        with xr.open_dataset(written, engine="h5netcdf") as ds:
            assert ds[name].attrs["units"] in MONEY_UNITS, name
