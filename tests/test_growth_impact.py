"""Growth, impact and money kernels against analytic values, and the same rules in the engine."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from scenarios import api
from scenarios.config.schema import Budget
from scenarios.errors import ConfigError
from scenarios.model import growth, impact
from scenarios.model.money import CURRENCY_ECONOMY, extend_deflator, nominal_path, to_constant_usd
from scenarios.model.parameters import Parameters

YEARS = np.arange(2024, 2041)


def view(tree: dict, prefix: str, samples: pd.DataFrame | None = None):
    return Parameters(tree, samples).view(prefix)


# --- growth --------------------------------------------------------------------------------------


def test_constant_growth_kernel() -> None:
    g = growth.constant(view({"c": {"g": 0.02}}, "c"), pd.Series(dtype=float), YEARS, 2023)
    assert g.shape == (1, len(YEARS))
    assert np.all(g == 0.02)


def test_constant_growth_through_the_engine_is_exact() -> None:
    run = api.run(
        "baseline",
        overrides=["countries.USA.growth.g=0.02", "impact.kind=none"],
        with_reference=False,
    )
    ds = run.results
    mva = ds["mva"].sel(sample=0, country="USA")
    base = ds.attrs["base_year"]
    projected = ds["year"].to_numpy()[ds["projected"].to_numpy()]
    assert projected[0] == base + 1 and projected[-1] == 2040
    ratios = mva.sel(year=projected).to_numpy() / mva.sel(year=projected - 1).to_numpy()
    assert_allclose(ratios, 1.02, rtol=1e-13, atol=0)
    assert_allclose(ds["growth"].sel(sample=0, country="USA", year=projected), 0.02, rtol=1e-12)
    # the projection starts from the observed base-year level
    assert (
        mva.sel(year=base).item()
        == ds["mva_observed"].sel(country="USA", observed_year=base).item()
    )


def test_convergence_at_t0_and_t0_plus_tau() -> None:
    p = view({"c": {"g0": 0.06, "g_lr": 0.02, "tau": 10.0}}, "c")
    years = np.array([2023, 2033, 2123])
    g = growth.convergence(p, pd.Series(dtype=float), years, 2023)[0]
    assert g[0] == pytest.approx(0.06, abs=1e-15)
    assert g[1] == pytest.approx(0.02 + 0.04 / math.e, rel=1e-14)
    assert g[2] == pytest.approx(0.02 + 0.04 * math.exp(-10), rel=1e-12)


def test_convergence_vectorized_over_sampled_tau() -> None:
    samples = pd.DataFrame({"c.tau": [5.0, 20.0]})
    p = view({"c": {"g0": 0.05, "g_lr": 0.01, "tau": 15.0}}, "c", samples)
    g = growth.convergence(p, pd.Series(dtype=float), np.array([2028, 2043]), 2023)
    assert_allclose(g[:, 0], [0.01 + 0.04 / math.e, 0.01 + 0.04 * math.exp(-0.25)], rtol=1e-14)
    assert_allclose(g[:, 1], [0.01 + 0.04 * math.exp(-4), 0.01 + 0.04 / math.e], rtol=1e-14)


def test_trend_recovers_the_rate_of_an_exponential() -> None:
    years = np.arange(2005, 2024)
    history = pd.Series(250.0 * 1.037 ** (years - 2005), index=years)
    rate, spread = growth.trend_fit(history, (2010, 2020), path="x")
    assert rate == pytest.approx(0.037, rel=1e-10)
    assert spread == pytest.approx(0.0, abs=1e-12)
    g = growth.trend(view({"c": {"window": [2010, 2020]}}, "c"), history, YEARS, 2023)
    assert_allclose(g, 0.037, rtol=1e-10)


def test_observed_cagr_hand_series() -> None:
    history = pd.Series([100.0, 104.0, 121.0, 133.1], index=[2017, 2018, 2019, 2020])
    assert growth.observed_cagr(history, (2017, 2019), path="x") == pytest.approx(0.1, rel=1e-14)
    assert growth.observed_cagr(history, (2017, 2020), path="x") == pytest.approx(0.1, rel=1e-14)
    with pytest.raises(ConfigError, match="not inside the observed data"):
        growth.observed_cagr(history, (2016, 2019), path="countries.USA.growth.from_data.window")


def test_from_data_growth_uses_the_observed_window() -> None:
    history = pd.Series([100.0, 110.0, 121.0], index=[2020, 2021, 2022])
    p = view({"c": {"from_data": {"window": [2020, 2022]}}}, "c")
    assert_allclose(growth.constant(p, history, YEARS, 2022), 0.1, rtol=1e-14)


def test_ar1_shocks_recursion_and_seed() -> None:
    sigma, rho = np.array([0.01, 0.0]), np.array([0.5, 0.5])
    shocks = growth.ar1_shocks(sigma, rho, 4, np.random.default_rng(7))
    z = np.random.default_rng(7).standard_normal((2, 4)) * sigma[:, None]
    hand = np.zeros((2, 4))
    hand[:, 0] = z[:, 0]
    for t in range(1, 4):
        hand[:, t] = 0.5 * hand[:, t - 1] + z[:, t]
    assert_allclose(shocks, hand, rtol=1e-15)
    assert np.all(shocks[1] == 0)


# --- impact --------------------------------------------------------------------------------------


def test_constant_spend_stays_at_steady_state() -> None:
    spend = np.full((2, 12), 90.0)
    capital = impact.innovation_capital(spend, np.array([0.15, 0.3]), np.array([1, 0]))
    assert_allclose(capital[0], 600.0, rtol=1e-14)
    assert_allclose(capital[1], 300.0, rtol=1e-14)


@pytest.mark.parametrize("lag", [0, 1, 3])
def test_one_off_spend_decays_geometrically(lag: int) -> None:
    delta, extra = 0.15, 50.0
    spend = np.full((1, 15), 30.0)
    spend[0, 2] += extra
    capital = impact.innovation_capital(spend, np.array([delta]), np.array([lag]))
    excess = capital[0] - 30.0 / delta
    arrives = 2 + lag
    assert_allclose(excess[:arrives], 0.0, atol=1e-12)
    hand = extra * (1 - delta) ** np.arange(15 - arrives)
    assert_allclose(excess[arrives:], hand, rtol=1e-12)


def test_rate_of_return_adds_rho_times_new_capital() -> None:
    mva = np.array([[1000.0, 1010.0, 1020.0], [500.0, 505.0, 510.0]])
    capital = np.array([[200.0, 260.0, 300.0], [10.0, 10.0, 70.0]])
    p = view({"impact": {"rho": 0.25}}, "impact", pd.DataFrame({"impact.rho": [0.25, 0.5]}))
    out = impact.rate_of_return(p, mva, capital, capital[:, 0])
    assert_allclose(out, [[1000, 1010 + 15, 1020 + 25], [500, 505, 510 + 30]], rtol=1e-15)
    into = np.full((2, 3), np.nan, order="F")  # the engine's layout; written, not allocated
    assert impact.rate_of_return(p, mva, capital, capital[:, 0], out=into) is into
    assert np.array_equal(into, out)
    assert impact.impact_keywords(impact.rate_of_return) == {"out"}


def test_the_rest_of_the_world_has_no_capital_of_its_own() -> None:
    """WLD (no program) has zero capital, so the world's capital is exactly the sum of the three
    countries' and its MVA gain the sum of theirs."""
    from scenarios.data import load_dataset
    from scenarios.model.engine import run_model
    from scenarios.model.inputs import build_inputs

    spec = api.load_config("baseline")
    inputs = build_inputs(spec, load_dataset(spec.data.path))
    out = run_model(spec, inputs, api.draw_samples(spec, 50))
    capital = out.capital
    assert np.array_equal(capital["WLD"], capital["USA"] + capital["CHN"] + capital["DEU"])
    gain = {c: out.mva[c] - out.mva_baseline[c] for c in out.mva}
    assert_allclose(gain["WLD"], gain["USA"] + gain["CHN"] + gain["DEU"], rtol=1e-9, atol=1e-6)
    assert (capital["USA"] > 0).all()


def test_elasticity() -> None:
    mva = np.array([[1000.0, 1100.0, 1200.0]])
    p = view({"impact": {"theta": 0.05}}, "impact")
    flat = impact.elasticity(p, mva, np.full((1, 3), 400.0), np.array([400.0]))
    assert_allclose(flat, mva, rtol=1e-15)
    doubled = impact.elasticity(p, mva, np.array([[400.0, 800.0, 1600.0]]), np.array([400.0]))
    assert_allclose(doubled, mva * np.array([1, 2**0.05, 4**0.05]), rtol=1e-14)
    with pytest.raises(ConfigError, match="positive base-year program spend"):
        impact.elasticity(p, mva, np.zeros((1, 3)), np.array([0.0]))


def test_no_impact_returns_the_baseline() -> None:
    mva = np.array([[1.0, 2.0]])
    out = impact.no_impact(view({}, "impact"), mva, np.array([[5.0, 9.0]]), np.array([5.0]))
    assert_allclose(out, mva)
    assert out is not mva


def test_elasticity_through_the_engine_without_base_capital_is_a_config_error(write_config) -> None:
    # Fraunhofer spends nothing in the base year, then starts in 2030: K_0 = 0, K_t / K_0 undefined
    path = write_config(
        "elastic",
        "name: elastic\nextends: baseline.yaml\nimpact: {kind: elasticity}\n"
        "programs:\n  fraunhofer:\n    base_funding: {annual: 374, start: 2030, end: 2040}\n",
    )
    with pytest.raises(ConfigError) as info:
        api.run(path, with_reference=False)
    message = str(info.value)
    assert "elastic.yaml" in message and "impact.kind" in message and "hint:" in message


# --- money ---------------------------------------------------------------------------------------


DEFLATOR = pd.Series([1.0, 1.2, 1.5, 2.0], index=[2020, 2021, 2022, 2023])


def test_usd_nominal_in_each_year() -> None:
    budget = Budget(annual=120, start=2020, end=2023)
    assert_allclose(
        to_constant_usd(budget, DEFLATOR.index.to_numpy(), DEFLATOR, {"USD": 1.0}),
        [120.0, 100.0, 80.0, 60.0],
        rtol=1e-15,
    )


def test_usd_in_one_dollar_year() -> None:
    budget = Budget(total=480, start=2020, end=2023, dollar_year=2021)  # 120 a year in 2021 dollars
    assert_allclose(
        to_constant_usd(budget, DEFLATOR.index.to_numpy(), DEFLATOR, {"USD": 1.0}),
        [100.0] * 4,
        rtol=1e-15,
    )


def test_per_year_and_years_outside_the_budget() -> None:
    budget = Budget(per_year={2021: 60.0, 2023: 100.0})
    years = np.array([2020, 2021, 2022, 2023])
    assert_allclose(nominal_path(budget, years), [0, 60, 0, 100])
    assert_allclose(to_constant_usd(budget, years, DEFLATOR, {"USD": 1.0}), [0, 50, 0, 50])


def test_eur_uses_the_exchange_rate() -> None:
    budget = Budget(annual=100, start=2022, end=2022, currency="EUR")
    out = to_constant_usd(budget, np.array([2021, 2022]), DEFLATOR, {"USD": 1.0, "EUR": 1.08})
    assert_allclose(out, [0.0, 100 * 1.08 / 1.5], rtol=1e-15)
    assert CURRENCY_ECONOMY == {"USD": "USA", "EUR": "DEU", "CNY": "CHN"}


def test_eur_budget_through_the_engine_uses_the_deu_deflator() -> None:
    run = api.run(
        "baseline",
        overrides=[
            "programs.fraunhofer.base_funding.currency=EUR",
            "money.exchange_rates.EUR=1.25",
        ],
        with_reference=False,
    )
    ds = run.results.isel(sample=0)
    deflator_deu = float(ds["deflator"].sel(economy="DEU", observed_year=2023))
    assert deflator_deu != pytest.approx(
        float(ds["deflator"].sel(economy="USA", observed_year=2023)), rel=1e-3
    )
    # 374 a year in 2023 euros (dollar_year 2023): the same constant amount every year
    spend = ds["spend_federal"].sel(program="fraunhofer", year=slice(2023, 2040))
    assert_allclose(spend, 374 * 1.25 / deflator_deu, rtol=1e-12)


def test_extend_deflator_compounds_inflation() -> None:
    out = extend_deflator(pd.Series([1.1, 1.25, np.nan], index=[2022, 2023, 2024]), 2026, 0.02)
    assert list(out.index) == [2022, 2023, 2024, 2025, 2026]
    assert_allclose(
        out.to_numpy(), [1.1, 1.25, 1.25 * 1.02, 1.25 * 1.02**2, 1.25 * 1.02**3], rtol=1e-15
    )


def test_deflator_in_results_is_one_in_2015_and_extends_at_inflation(full45_run) -> None:
    deflator = full45_run.results["deflator"]
    assert_allclose(deflator.sel(observed_year=2015), 1.0, rtol=1e-12)
    usa = deflator.sel(economy="USA")
    assert_allclose(
        usa.sel(observed_year=2040) / usa.sel(observed_year=2039), 1.02, rtol=1e-12
    )  # the config's inflation
