"""Metrics on a small hand-built results dataset with known answers, and the metrics table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from numpy.testing import assert_allclose

from scenarios.analysis import metrics
from scenarios.config.schema import MetricSettings
from scenarios.errors import ConfigError
from scenarios.results import full_series

BASE, HORIZON = 2020, 2040
YEARS = np.arange(2015, HORIZON + 1)
T = YEARS - BASE


def hand_results(
    name: str = "hand", usa_extra: float = 0.0, usa_federal_extra: float = 0.0, match: float = 0.0
) -> xr.Dataset:
    """Two samples; USA grows 1 % a year from 1000, CHN 5 % from 1500, DEU flat at 400,
    WLD (the world) is 5000 flat. Programs: one per country with known spend; the extra US
    federal spend draws ``match`` times as much non-federal money."""
    usa = 1000 * 1.01**T
    chn = 1500 * 1.05**T
    deu = np.full(len(YEARS), 400.0)
    wld = np.full(len(YEARS), 5000.0)
    mva = np.stack([usa, chn, deu, wld])[None].repeat(2, axis=0)
    mva[1, 1] *= 2  # sample 1: China twice as large
    projected = YEARS > BASE
    mva[:, 0, projected] += usa_extra
    spend_total = np.array([[100.0], [300.0], [2000.0]]) * np.ones(len(YEARS))
    spend_federal = spend_total / 2
    spend_federal[0, projected] += usa_federal_extra * (YEARS[projected] == BASE + 1)
    spend_total[0, projected] += (1 + match) * usa_federal_extra * (YEARS[projected] == BASE + 1)
    programs = ["manufacturing_usa", "china_mic", "fraunhofer"]
    return xr.Dataset(
        {
            "mva": (("sample", "country", "year"), mva),
            "spend_total": (("sample", "program", "year"), spend_total[None].repeat(2, axis=0)),
            "spend_federal": (("sample", "program", "year"), spend_federal[None].repeat(2, axis=0)),
            "institutes_active": (("sample", "program", "year"), np.full((2, 3, len(YEARS)), 7.0)),
        },
        coords={
            "sample": [0, 1],
            "country": ["USA", "CHN", "DEU", "WLD"],
            "year": YEARS,
            "projected": ("year", projected),
            "program": programs,
            "program_country": ("program", ["USA", "CHN", "DEU"]),
        },
        attrs={"base_year": BASE, "scenario": name},
    )


@pytest.fixture(scope="module")
def ds() -> xr.Dataset:
    return hand_results()


def test_cagr_of_constant_growth(ds: xr.Dataset) -> None:
    rates = metrics.cagr(ds, 2025, 2035)
    assert_allclose(rates.sel(country="USA"), 0.01, rtol=1e-12)
    assert_allclose(rates.sel(country="CHN"), 0.05, rtol=1e-12)
    assert_allclose(rates.sel(country="DEU"), 0.0, atol=1e-15)


def test_cagr_gap_is_the_difference(ds: xr.Dataset) -> None:
    gap = metrics.cagr_gap(ds, "CHN", "USA", 2021, 2040)
    assert gap.dims == ("sample",)
    assert_allclose(gap, 0.04, rtol=1e-12)  # also for sample 1: the level does not change the rate


def test_cagr_gap_unknown_country_or_year(ds: xr.Dataset) -> None:
    with pytest.raises(ConfigError, match="JPN is not modelled"):
        metrics.cagr_gap(ds, "JPN", "USA", 2021, 2040)
    with pytest.raises(ConfigError, match="2050 is outside the results"):
        metrics.cagr(ds, 2021, 2050)


def test_mva_ratio(ds: xr.Dataset) -> None:
    ratio = metrics.mva_ratio(ds, "CHN", "USA", 2030)
    assert_allclose(ratio, [1.5 * (1.05 / 1.01) ** 10, 3 * (1.05 / 1.01) ** 10], rtol=1e-12)


def test_world_share(ds: xr.Dataset) -> None:
    share = metrics.world_share(ds, 2020)
    assert list(share["country"].to_numpy()) == ["USA", "CHN", "DEU"]
    assert_allclose(share.sel(sample=0), [0.2, 0.3, 0.08], rtol=1e-14)


def test_crossover_year() -> None:
    # USA at 1000 x 1.05^t against a rival at 1500 x 1.01^t: (1.05/1.01)^t >= 1.5 first at
    # t = ceil(ln 1.5 / ln(1.05/1.01)) = ceil(10.44) = 11, i.e. 2031
    ds = hand_results()
    swapped = ds.assign(mva=ds["mva"].copy())
    swapped["mva"].loc[{"sample": 0, "country": "USA"}] = 1000 * 1.05**T
    swapped["mva"].loc[{"sample": 0, "country": "CHN"}] = 1500 * 1.01**T
    assert math.ceil(math.log(1.5) / math.log(1.05 / 1.01)) == 11
    first = metrics.crossover_year(swapped, "USA", "CHN")
    assert first.sel(sample=0).item() == 2031
    # sample 1 keeps the original paths: the USA never catches up -> horizon + 1
    assert first.sel(sample=1).item() == HORIZON + 1
    # a condition that already holds in the base year gives the base year (not an earlier one)
    assert metrics.crossover_year(ds, "CHN", "USA").to_numpy().tolist() == [BASE, BASE]
    assert metrics.crossover_year(ds, "DEU", "USA").to_numpy().tolist() == [HORIZON + 1] * 2


def test_program_intensity_and_index(ds: xr.Dataset) -> None:
    intensity = metrics.program_intensity(ds, 2020)
    assert_allclose(intensity.sel(sample=0), [100 / 1000, 300 / 1500, 2000 / 400], rtol=1e-14)
    index = metrics.intensity_index(ds, 2020, "USA")
    assert_allclose(index.sel(sample=0), [1.0, 2.0, 50.0], rtol=1e-14)
    assert_allclose(index.sel(sample=1), [1.0, 1.0, 50.0], rtol=1e-14)  # China's MVA doubled


def test_benefit_cost_ratio_hand_discounted() -> None:
    reference = hand_results("reference")
    # 10 more MVA in every projected year (2021-2040), 100 more federal spend in 2021 only
    policy = hand_results("policy", usa_extra=10.0, usa_federal_extra=100.0)
    r = 0.05
    gain = sum(10 / (1 + r) ** t for t in range(1, 21))
    cost = 100 / (1 + r)
    ratio = metrics.benefit_cost_ratio(policy, reference, "USA", r)
    assert_allclose(ratio, gain / cost, rtol=1e-12)
    assert gain / cost == pytest.approx(1.3085321, rel=1e-6)  # 10 x annuity(20, 5 %) x 1.05 / 100


def test_metrics_table_long_format() -> None:
    table = metrics.compute_metrics(
        hand_results(), MetricSettings(years=[2030], windows=[(2025, 2035)])
    )
    assert list(table.columns) == [
        "scenario",
        "metric",
        "country",
        "start",
        "end",
        "statistic",
        "value",
        "units",
        "long_name",
        "note",
    ]
    assert set(table["statistic"]) == {
        "mean",
        "p05",
        "p25",
        "p50",
        "p75",
        "p95",
    }  # two samples -> an ensemble
    row = table.query(
        "metric == 'cagr_gap' and start == 2025 and end == 2035 and statistic == 'mean'"
    )
    assert row["country"].tolist() == ["CHN-USA"]
    assert row["value"].item() == pytest.approx(0.04, rel=1e-12)
    share = table.query(
        "metric == 'world_share' and country == 'USA' and start == 2020 and statistic == 'p50'"
    )
    assert share["value"].item() == pytest.approx(0.2, rel=1e-14)


def test_deterministic_table_has_value_statistic() -> None:
    one = hand_results().isel(sample=[0])
    table = metrics.compute_metrics(one, MetricSettings(years=[2030], windows=[]))
    assert set(table["statistic"]) == {"value"}
    mva = table.query("metric == 'mva' and country == 'DEU' and start == 2030")
    assert mva["value"].item() == 400.0
    crossover = table.query("metric == 'crossover_year' and country == 'USA>=CHN'")
    assert np.isnan(crossover["value"].item())  # never: no number, a note
    assert crossover["note"].item() == "not by 2040"
    assert crossover["units"].item() == "year"
    spend = table.query("metric == 'spend_federal_cumulative' and country == 'manufacturing_usa'")
    assert (spend["start"].item(), spend["end"].item()) == (BASE + 1, HORIZON)  # the span it sums
    assert spend["value"].item() == 50 * (HORIZON - BASE)


def test_crossover_statistics_past_the_horizon_are_notes() -> None:
    """Quantiles use horizon + 1 for "never"; the table turns them into notes."""
    values = np.array([2030.0, 2032, HORIZON + 1, HORIZON + 1])
    table = metrics.summarize(
        "x", [metrics.Metric("crossover_year", "USA>=CHN", BASE, HORIZON, "year", values)]
    )
    rows = table.set_index("statistic")
    assert rows.loc["p05", "value"] == pytest.approx(2030.3) and rows.loc["p05", "note"] == ""
    assert np.isnan(rows.loc["p95", "value"]) and rows.loc["p95", "note"] == "not by 2040"
    assert (
        np.isnan(rows.loc["mean", "value"])
        and rows.loc["mean", "note"] == "not by 2040 in 50% of samples"
    )


def test_delta_metrics_and_bcr_row() -> None:
    reference = hand_results("reference")
    policy = hand_results("policy", usa_extra=10.0, usa_federal_extra=100.0)
    table = metrics.delta_metrics(
        policy, reference, MetricSettings(years=[2030], windows=[], discount_rate=0.05)
    )
    delta = table.query(
        "metric == 'delta_mva' and country == 'USA' and start == 2030 and statistic == 'mean'"
    )
    assert delta["value"].item() == pytest.approx(10.0)
    bcr = table.query("metric == 'bcr_federal' and country == 'USA' and statistic == 'p50'")
    assert bcr["value"].item() == pytest.approx(1.3085321, rel=1e-6)
    assert isinstance(table, pd.DataFrame) and "crossover_year" not in set(table["metric"])


def test_bcr_against_federal_and_against_total_spend() -> None:
    """The same gain over federal spend, and over federal + match (2.4x more): by hand."""
    reference = hand_results("reference")
    policy = hand_results("policy", usa_extra=10.0, usa_federal_extra=100.0, match=2.4)
    r = 0.03
    gain = sum(10 / (1 + r) ** t for t in range(1, 21))
    table = metrics.delta_metrics(
        policy, reference, MetricSettings(years=[2030], windows=[], discount_rate=r)
    )
    rows = table.query("country == 'USA' and statistic == 'p50'").set_index("metric")
    assert rows.loc["bcr_federal", "value"] == pytest.approx(gain / (100 / (1 + r)), rel=1e-12)
    assert rows.loc["bcr_total", "value"] == pytest.approx(gain / (340 / (1 + r)), rel=1e-12)
    assert (
        "federal spend" in rows.loc["bcr_federal", "units"]
        and "3.0%" in rows.loc["bcr_federal", "units"]
    )
    assert "federal + non-federal match" in rows.loc["bcr_total", "units"]
    assert rows.loc["bcr_total", "long_name"].startswith("benefit-cost ratio against total spend")


# --- results of shipped configs: the schema contract and reproducibility -------------------------

MONEY = "USD million, constant 2015 prices"
SCHEMA = {  # DESIGN.md "Results schema"
    "mva": (("sample", "country", "year"), MONEY),
    "mva_baseline": (("sample", "country", "year"), MONEY),
    "growth": (("sample", "country", "year"), "fraction per year"),
    "institutes_active": (("sample", "program", "year"), "count"),
    "institutes_launched": (("sample", "program", "year"), "count"),
    "spend_federal": (("sample", "program", "year"), MONEY),
    "spend_total": (("sample", "program", "year"), MONEY),
    "innovation_capital": (("sample", "country", "year"), MONEY),
    "mva_observed": (("country", "observed_year"), MONEY),
    "growth_observed": (("country", "observed_year"), "fraction per year"),
    "institutes_active_observed": (("program", "observed_year"), "count"),
    "institutes_launched_observed": (("program", "observed_year"), "count"),
}


def test_results_schema(full45_run) -> None:
    ds = full45_run.results
    base = ds.attrs["base_year"]
    assert ds.sizes["sample"] == 1
    assert list(ds["country"].to_numpy()) == ["USA", "CHN", "DEU", "WLD"]
    assert list(ds["program"].to_numpy()) == ["manufacturing_usa", "china_mic", "fraunhofer"]
    assert ds["year"].dtype.kind == "i"
    # the model's years: the base year (observed) and the projected years; the history once
    assert ds["year"].to_numpy().tolist() == list(range(base, 2041))
    assert ds["observed_year"].to_numpy().tolist() == list(range(2010, 2041))
    assert ds["projected"].dims == ("year",) and ds["projected"].dtype == bool
    assert ds["projected"].to_numpy().tolist() == [y > base for y in range(base, 2041)]
    for name, (dims, units) in SCHEMA.items():
        assert ds[name].dims == dims, name
        assert ds[name].attrs["units"] == units, name
    for name, variable in ds.data_vars.items():
        assert variable.attrs.get("units") and variable.attrs.get("long_name"), name
    # observed years carry the data
    observed = list(range(2010, base + 1))
    mva = full_series(ds, "mva", sample=0)
    assert mva["year"].to_numpy().tolist() == list(range(2010, 2041))
    assert_allclose(mva.sel(year=observed), ds["mva_observed"].sel(observed_year=observed))
    assert mva.sel(year=base).equals(ds["mva"].sel(sample=0, year=base))


def test_ensemble_carries_sampled_parameters_by_dotted_path() -> None:
    from scenarios import api

    ds = api.run("nnmi_full45", samples=20, with_reference=False).results
    assert ds.sizes["sample"] == 20
    rho = ds["impact.rho"]
    assert rho.dims == ("sample",) and rho.attrs["units"] and rho.attrs["long_name"]
    assert float(rho.min()) >= 0.1 and float(rho.max()) <= 0.6  # uniform(0.1, 0.6) in baseline.yaml
    assert rho.std() > 0


def test_same_config_and_seed_give_identical_results() -> None:
    from scenarios import api

    one, two = api.run("nnmi_full45"), api.run("nnmi_full45")
    xr.testing.assert_identical(one.results, two.results)
    pd.testing.assert_frame_equal(one.metrics, two.metrics)
    ens1, ens2 = api.run("nnmi_full45", samples=50), api.run("nnmi_full45", samples=50)
    xr.testing.assert_identical(ens1.results, ens2.results)
    pd.testing.assert_frame_equal(ens1.metrics, ens2.metrics)
    other = api.run("nnmi_full45", samples=50, seed=1, with_reference=False)
    assert not np.allclose(other.results["impact.rho"], ens1.results["impact.rho"])


def test_seeded_growth_shocks_are_reproducible() -> None:
    from scenarios import api

    shocked = ["countries.USA.shocks.sigma=0.01", "countries.USA.shocks.rho=0.5"]
    one = api.run("baseline", overrides=shocked, with_reference=False).results
    two = api.run("baseline", overrides=shocked, with_reference=False).results
    xr.testing.assert_identical(one, two)
    plain = api.run("baseline", with_reference=False).results
    projected = one["projected"]
    assert not np.allclose(
        one["growth"].sel(country="USA", year=projected),
        plain["growth"].sel(country="USA", year=projected),
    )


def test_bcr_of_nnmi_full45_by_hand_from_the_results(full45_run) -> None:
    """Both ratios of the shipped run, recomputed with numpy from its and its reference's arrays."""
    ours, ref = full45_run.results.isel(sample=0), full45_run.reference.results.isel(sample=0)
    years = ours["year"].to_numpy()
    base = ours.attrs["base_year"]
    later = years > base
    discount = 1.03 ** -(years[later] - base)
    gain = (ours["mva"].sel(country="USA").to_numpy() - ref["mva"].sel(country="USA").to_numpy())[
        later
    ]

    def extra(variable: str) -> np.ndarray:
        program = "manufacturing_usa"  # the only US program
        return (
            ours[variable].sel(program=program).to_numpy()
            - ref[variable].sel(program=program).to_numpy()
        )[later]

    table = full45_run.metrics.query("country == 'USA' and statistic == 'value'").set_index(
        "metric"
    )["value"]
    federal = (gain * discount).sum() / (extra("spend_federal") * discount).sum()
    total = (gain * discount).sum() / (extra("spend_total") * discount).sum()
    assert table["bcr_federal"] == pytest.approx(federal, rel=1e-12)
    assert table["bcr_total"] == pytest.approx(total, rel=1e-12)
    program = full45_run.spec.programs["manufacturing_usa"]
    # S_tot = (1 + m) S_fed + the survivors' own budgets: each new institute (launched from 2027)
    # exits after 5 years and survives with probability s, keeping its sustainment budget a year
    launched = extra("institutes_launched")
    exited = np.concatenate([np.zeros(5), np.cumsum(launched)[:-5]])
    survivors = program.survival * program.sustainment * exited
    federal_spend = (extra("spend_federal") * discount).sum()
    assert table["bcr_federal"] / table["bcr_total"] == pytest.approx(
        1 + program.match_ratio + (survivors * discount).sum() / federal_spend, rel=1e-12
    )
