"""IAMC export: the CSV and xlsx read back give the dataset's numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml

from scenarios.errors import DataError
from scenarios.outputs.iamc import INDEX, read_iamc, to_iamc, write_iamc

MONEY = "USD million, constant 2015 prices"
PROGRAMS = ["manufacturing_usa", "china_mic", "fraunhofer"]
LABELS = ["Manufacturing USA", "China MICs", "Fraunhofer"]


def make_results(n_samples: int = 1, seed: int = 0) -> xr.Dataset:
    """Results in the contract schema with awkward floats (full precision must survive)."""
    rng = np.random.default_rng(seed)
    years = np.arange(2015, 2031)
    cs, ps = ("sample", "country", "year"), ("sample", "program", "year")
    country_shape, program_shape = (n_samples, 3, years.size), (n_samples, 3, years.size)
    return xr.Dataset(
        {
            "mva": (cs, rng.uniform(5e5, 5e6, country_shape), {"units": MONEY}),
            "mva_baseline": (cs, rng.uniform(5e5, 5e6, country_shape), {"units": MONEY}),
            "growth": (cs, rng.uniform(0, 0.05, country_shape), {"units": "fraction per year"}),
            "innovation_capital": (cs, rng.uniform(0, 1e4, country_shape), {"units": MONEY}),
            "institutes_active": (
                ps,
                rng.integers(0, 80, program_shape).astype(float),
                {"units": "count"},
            ),
            "institutes_launched": (
                ps,
                rng.integers(0, 5, program_shape).astype(float),
                {"units": "count"},
            ),
            "spend_federal": (ps, rng.uniform(0, 2e3, program_shape), {"units": MONEY}),
            "spend_total": (ps, rng.uniform(2e3, 4e3, program_shape), {"units": MONEY}),
            "cap": ("program", [45.0, 40.0, np.nan], {"units": "count"}),
        },
        coords={
            "sample": np.arange(n_samples),
            "country": ["USA", "CHN", "WLD"],
            "year": years,
            "projected": ("year", years > 2023),
            "program": PROGRAMS,
            "program_country": ("program", ["USA", "CHN", "DEU"]),
            "program_label": ("program", LABELS),
        },
        attrs={"scenario": "nnmi_full45", "base_year": 2023},
    )


def row(
    table: pd.DataFrame, region: str, variable: str, scenario: str = "nnmi_full45"
) -> pd.Series:
    hit = table[
        (table["region"] == region)
        & (table["variable"] == variable)
        & (table["scenario"] == scenario)
    ]
    assert len(hit) == 1, (region, variable, scenario)
    return hit.iloc[0]


def test_layout_variables_units_regions():
    table = to_iamc(make_results(), model="m")
    assert list(table.columns[:5]) == INDEX
    assert list(table.columns[5:]) == list(range(2015, 2031))
    assert set(table["model"]) == {"m"}
    assert set(table["scenario"]) == {"nnmi_full45", "nnmi_full45|counterfactual"}
    own = table[table["scenario"] == "nnmi_full45"]
    assert row(own, "USA", "Value Added|Manufacturing")["unit"] == "USD_2015 million/yr"
    assert row(own, "CHN", "Capital Stock|Innovation")["unit"] == "USD_2015 million"
    assert row(own, "USA", "Institutes|Active|Manufacturing USA")["unit"] == "count"
    assert row(own, "CHN", "Institutes|Launched|China MICs")["unit"] == "count/yr"
    assert row(own, "DEU", "Expenditure|Federal|Fraunhofer")["unit"] == "USD_2015 million/yr"
    assert row(own, "USA", "Expenditure|Total")["unit"] == "USD_2015 million/yr"
    assert not own["variable"].str.endswith("|Baseline").any()
    # 3 countries x 2 variables; 3 programs x 4 variables plus one parent per region
    assert len(own) == 3 * 2 + 4 * (3 + 3)
    assert len(table) - len(own) == 3


def test_counterfactual_is_its_own_scenario():
    ds = make_results()
    table = to_iamc(ds)
    other = table[table["scenario"] == "nnmi_full45|counterfactual"]
    assert set(other["variable"]) == {"Value Added|Manufacturing"}
    got = row(other, "World", "Value Added|Manufacturing", "nnmi_full45|counterfactual")
    got = got[list(ds["year"].to_numpy())]
    np.testing.assert_array_equal(got.to_numpy(float), ds["mva_baseline"].sel(country="WLD")[0])


def test_parents_are_sums_of_their_components():
    """Two programs in one region: the parent is their sum, year by year."""
    ds = make_results().assign_coords(program_country=("program", ["USA", "USA", "DEU"]))
    table = to_iamc(ds)
    years = list(ds["year"].to_numpy())
    parent = row(table, "USA", "Expenditure|Total")[years].to_numpy(float)
    expected = ds["spend_total"].sel(program=["manufacturing_usa", "china_mic"]).sum("program")
    np.testing.assert_allclose(parent, expected.to_numpy()[0], rtol=1e-15)
    assert row(table, "DEU", "Institutes|Active")["unit"] == "count"


def test_ensemble_quantiles_are_scenarios():
    ds = make_results(101, seed=3)
    table = to_iamc(ds, quantiles=(0.05, 0.95))
    assert set(table["scenario"]) == {
        f"nnmi_full45{s}{c}" for s in ("", "|p05", "|p95") for c in ("", "|counterfactual")
    }
    years = list(ds["year"].to_numpy())
    got = row(table, "CHN", "Value Added|Manufacturing", "nnmi_full45|p95")[years].to_numpy(float)
    expected = ds["mva"].sel(country="CHN").quantile(0.95, "sample")
    np.testing.assert_allclose(got, expected.to_numpy(), rtol=1e-15)
    # a deterministic run has no quantiles to export
    assert set(to_iamc(make_results(), quantiles=(0.05,))["scenario"]) == {
        "nnmi_full45",
        "nnmi_full45|counterfactual",
    }


def test_definitions_cover_every_variable_with_its_unit(tmp_path):
    ds = make_results()
    write_iamc(ds, tmp_path)
    table = read_iamc(tmp_path / "iamc.csv")
    codes = yaml.safe_load((tmp_path / "iamc_definitions/variable/variables.yaml").read_text())
    units = {name: entry["unit"] for code in codes for name, entry in code.items()}
    described = {name: entry["description"] for code in codes for name, entry in code.items()}
    assert units == dict(zip(table["variable"], table["unit"], strict=True))
    assert described["Expenditure|Total|Fraunhofer"].endswith("constant 2015 prices, Fraunhofer")
    regions = yaml.safe_load((tmp_path / "iamc_definitions/region/regions.yaml").read_text())
    assert regions == [{"scenarios regions": sorted(set(table["region"]))}]


@pytest.mark.parametrize(("suffix", "rtol"), [("csv", 0.0), ("xlsx", 1e-15)])
def test_round_trip_deterministic(tmp_path, suffix, rtol):
    """CSV is exact; openpyxl writes 16 significant digits, hence the xlsx tolerance."""
    ds = make_results()
    csv, xlsx = write_iamc(ds, tmp_path)
    assert (csv.name, xlsx.name) == ("iamc.csv", "iamc.xlsx")
    table = read_iamc(csv if suffix == "csv" else xlsx)
    years = list(ds["year"].to_numpy())
    for region, variable, expected in [
        ("USA", "Value Added|Manufacturing", ds["mva"].sel(country="USA")),
        ("World", "Value Added|Manufacturing", ds["mva"].sel(country="WLD")),
        ("DEU", "Expenditure|Total|Fraunhofer", ds["spend_total"].sel(program="fraunhofer")),
        ("DEU", "Expenditure|Total", ds["spend_total"].sel(program="fraunhofer")),
        ("CHN", "Institutes|Active|China MICs", ds["institutes_active"].sel(program="china_mic")),
    ]:
        own = table[table["scenario"] == "nnmi_full45"]
        got = row(own, region, variable)[years].to_numpy(float)
        np.testing.assert_allclose(got, expected.to_numpy()[0], rtol=rtol, atol=0)


def test_csv_reads_with_plain_pandas(tmp_path):
    ds = make_results()
    csv, _ = write_iamc(ds, tmp_path)
    plain = pd.read_csv(csv)
    assert list(plain.columns) == [*INDEX, *(str(y) for y in ds["year"].to_numpy())]
    got = plain[
        (plain["region"] == "CHN")
        & (plain["variable"] == "Value Added|Manufacturing")
        & (plain["scenario"] == "nnmi_full45")
    ]
    np.testing.assert_array_equal(
        got.iloc[0, 5:].to_numpy(float), ds["mva"].sel(sample=0, country="CHN").to_numpy()
    )


def test_ensemble_median_and_quantile():
    ds = make_results(101, seed=3)
    years = list(ds["year"].to_numpy())
    median = row(to_iamc(ds), "CHN", "Value Added|Manufacturing")[years].to_numpy(float)
    np.testing.assert_allclose(median, ds["mva"].sel(country="CHN").median("sample").to_numpy())
    p05 = row(to_iamc(ds, statistic=0.05), "USA", "Institutes|Active|Manufacturing USA")
    expected = ds["institutes_active"].sel(program="manufacturing_usa").quantile(0.05, "sample")
    np.testing.assert_allclose(p05[years].to_numpy(float), expected.to_numpy())


def test_errors_name_the_fix(tmp_path):
    with pytest.raises(DataError, match="unknown statistic 'p50'"):
        to_iamc(make_results(), statistic="p50")
    with pytest.raises(DataError, match="not a whole percentile") as caught:
        to_iamc(make_results(5), quantiles=(0.055,))
    assert "--iamc-quantiles 5,50,95" in str(caught.value)
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"model": ["m"], "2015": [1.0]}).to_csv(bad, index=False)
    with pytest.raises(DataError, match="missing columns \\['scenario', 'region'"):
        read_iamc(bad)
