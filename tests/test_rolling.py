"""Rolling-origin backtest: forecasts, scores and learned intervals against hand calculations,
exact growth paths and simulated random walks."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from scenarios.__main__ import main
from scenarios.analysis.calibration.learned import (
    CANDIDATES,
    DRAW_LEVELS,
    choose_method,
    growth_defaults,
    growth_draws,
    interval_coverage,
    pooled_errors,
)
from scenarios.analysis.calibration.rolling import (
    CONSTANT_WINDOWS,
    HORIZONS,
    METHODS,
    Panel,
    convergence_forecast,
    drift_forecast,
    mase_scale,
    trend_forecast,
)
from scenarios.analysis.calibration.skill import SKILL_COLUMNS, load_panel, rolling_backtest
from scenarios.api import load_config
from scenarios.cli import app
from scenarios.errors import DataError

YEARS = np.arange(1970, 2024)


def _panel(levels: np.ndarray) -> Panel:
    return Panel.from_table(
        pd.DataFrame(levels.T, index=YEARS, columns=[f"C{i:02d}" for i in range(len(levels))])
    )


def test_exact_geometric_growth_is_forecast_without_error() -> None:
    rates = np.array([0.01, 0.03, -0.02])
    levels = 100 * (1 + rates[:, None]) ** (YEARS - 1970)
    result = rolling_backtest(_panel(levels))
    for name in METHODS:  # every method recovers a constant growth rate exactly
        rows = result.skill[result.skill["method"] == name]
        np.testing.assert_allclose(rows["mase_median"], 0, atol=1e-9)
        np.testing.assert_allclose(rows["bias_median"], 0, atol=1e-9)
    assert list(result.skill.columns) == SKILL_COLUMNS
    assert set(result.skill["countries"]) == {3}


def test_drift_and_last_cagr_by_hand() -> None:
    log = np.array([[0.0, 0.1, 0.3, 0.6, 1.0, 1.5, 2.1]])
    rw, last5 = drift_forecast(log, None), drift_forecast(log, 5)
    assert rw[0, 6, 0] == pytest.approx(2.1 + 2.1 / 6)  # mean log growth over the record
    assert rw[0, 6, 9] == pytest.approx(2.1 + 10 * 2.1 / 6)
    assert last5[0, 6, 1] == pytest.approx(2.1 + 2 * (2.1 - 0.1) / 5)
    assert np.isnan(rw[0, 4, 0])  # fewer than 6 years of record
    assert np.isnan(last5[0, 4, 0])


def test_trend_slope_is_the_least_squares_slope() -> None:
    rng = np.random.default_rng(3)
    log = np.cumsum(rng.normal(0.02, 0.05, (2, 40)), axis=1)
    forecast = trend_forecast(log, 10)
    slope = np.polyfit(np.arange(11), log[1, 19:30], 1)[0]
    assert forecast[1, 29, 2] == pytest.approx(log[1, 29] + 3 * slope)


def test_convergence_recovers_an_exact_convergence_path() -> None:
    g_lr, excess, tau = 0.02, 0.06, 11.0  # tau on the grid: the fit is exact
    growth = g_lr + excess * np.exp(-np.arange(1, 60) / tau)
    log = np.concatenate([[0.0], np.cumsum(growth)])[None, :]
    forecast = convergence_forecast(log, 20)
    origin = 35  # window 15-35: growth into year 35 + j is g_lr + excess exp(-(35 + j) / tau)
    np.testing.assert_allclose(forecast[0, origin], log[0, origin + 1 : origin + 11], atol=1e-9)


def test_mase_scale_by_hand() -> None:
    log = np.log(np.array([[1.0, 2.0, 4.0, np.nan, 3.0, 6.0]]))
    scale = mase_scale(log)
    assert scale[0, 2] == pytest.approx(1.5)  # mean of |2 - 1| and |4 - 2|
    assert np.isnan(scale[0, 0]) and np.isnan(scale[0, 3]) and np.isnan(scale[0, 4])
    assert scale[0, 5] == pytest.approx(3.0)  # the record restarts after the gap


def test_learned_intervals_cover_nominally_on_random_walks() -> None:
    rng = np.random.default_rng(20250520)
    steps = rng.normal(0.02, 0.03, (200, len(YEARS) - 1))
    levels = np.exp(np.concatenate([np.zeros((200, 1)), np.cumsum(steps, axis=1)], axis=1))
    result = rolling_backtest(_panel(levels))
    skill = result.skill.set_index("method")
    for fixed_window in ("last_cagr", "constant_20", "trend_20"):  # the error law never changes
        np.testing.assert_allclose(skill.loc[fixed_window, "coverage_90"], 0.9, atol=0.03)
        np.testing.assert_allclose(skill.loc[fixed_window, "coverage_80"], 0.8, atol=0.04)
    # The drift of the whole record is noisier early on, so errors learned from early origins
    # are too wide for later ones: the random walk's intervals cover more than nominal.
    assert (skill.loc["random_walk", "coverage_90"] >= 0.9).all()
    coverage = interval_coverage(result, "last_cagr").set_index(["interval", "horizon"])
    coverage = coverage[coverage["group"] == "all"]
    # sd 0.006 x 10 on the rate against a level error sd of 0.03 sqrt(10 + 100 / 5) = 0.164
    # (the shocks, plus the 5-year drift's error held 10 years): z = 1.645 x 0.06 / 0.164 = 0.60
    assert coverage.loc[("guessed", 10), "coverage_90"] == pytest.approx(0.45, abs=0.06)
    assert coverage.loc[("learned", 10), "coverage_90"] == pytest.approx(0.9, abs=0.03)


def test_growth_draws_are_the_pooled_quantiles_over_ten_years() -> None:
    rng = np.random.default_rng(7)
    steps = rng.normal(0.02, 0.03, (60, len(YEARS) - 1))
    levels = np.exp(np.concatenate([np.zeros((60, 1)), np.cumsum(steps, axis=1)], axis=1))
    result = rolling_backtest(_panel(levels))
    z = pooled_errors(result, "random_walk")
    draws = growth_draws(result, "random_walk", 0.01, 0.02)
    expected = np.expm1(np.log1p(0.01) + 0.02 * np.quantile(z, DRAW_LEVELS) / HORIZONS)
    np.testing.assert_allclose(draws, expected, atol=5e-6)
    assert len(draws) == 20
    assert choose_method(result, "C00").method in (
        "random_walk",
        "last_cagr",
        "constant_10",
        "constant_15",
        "constant_20",
    )


def test_the_method_is_chosen_on_the_skill_pooled_over_countries() -> None:
    rng = np.random.default_rng(11)
    steps = rng.normal(0.02, 0.03, (40, len(YEARS) - 1))
    steps[0] = np.where(YEARS[1:] < 2000, -0.01, 0.04)  # a break: its own best is a short window
    levels = np.exp(np.concatenate([np.zeros((40, 1)), np.cumsum(steps, axis=1)], axis=1))
    result = rolling_backtest(_panel(levels))
    own = result.by_country[result.by_country["iso3"] == "C00"]
    own_best = own.groupby("method")["mase"].mean().loc[list(CANDIDATES)].idxmin()
    mase = result.skill.pivot(index="method", columns="horizon", values="mase_median")
    pooled_best = mase.loc[list(CANDIDATES)].mean(axis=1).idxmin()
    assert own_best != pooled_best  # the rule follows the panel, not the country's own record
    assert {choose_method(result, iso3).method for iso3 in ("C00", "C01", "C39")} == {pooled_best}
    short = choose_method(result, "C00", record=12)  # windows longer than the record left out
    fits = [m for m in CANDIDATES if CONSTANT_WINDOWS.get(m, 0) <= 12]
    assert short.method == mase.loc[fits].mean(axis=1).idxmin()
    assert "12-year record" in short.basis


def test_embedded_backtest_and_defaults_for_the_baseline() -> None:
    result = rolling_backtest(load_panel())
    assert {"USA", "DEU"} <= set(result.by_country["iso3"])
    defaults = growth_defaults(result, "baseline")
    assert set(defaults) == {"USA", "CHN", "DEU", "WLD"}
    usa = defaults["USA"]
    assert usa.window[1] == 2023
    assert np.median(usa.draws) == pytest.approx(usa.g, abs=0.01)


def test_keep_methods_learns_only_the_uncertainty() -> None:
    result = rolling_backtest(load_panel())
    kept = growth_defaults(result, "baseline_nist2017", choose=False)
    assert kept["USA"].window == (2017, 2022) and kept["USA"].choice.method == "last_cagr"
    assert kept["DEU"].window == (2013, 2023) and kept["DEU"].choice.method == "constant_10"
    assert kept["CHN"].param == "g0" and kept["CHN"].kept == {"g_lr": 0.025, "tau": 11}
    assert kept["USA"].g == pytest.approx(0.018387, abs=1e-6)  # the 2017-2022 CAGR in the data
    chosen = growth_defaults(result, "baseline")
    assert chosen["CHN"].window == (2018, 2023)  # convergence keeps g0 from the last 5 years


def test_no_scored_origin_is_a_clear_error() -> None:
    with pytest.raises(DataError, match="no country has a scored forecast from 2030"):
        rolling_backtest(_panel(100 * 1.02 ** (YEARS[None, :] - 1970)), first_origin=2030)


def test_cli_rolling_writes_skill_csv(tmp_path: Path) -> None:
    out = tmp_path / "backtest"
    cli = CliRunner().invoke(app, ["backtest", "baseline", "--rolling", "--out", str(out)])
    assert cli.exit_code == 0, cli.output
    skill = pd.read_csv(out / "skill.csv")
    assert list(skill.columns) == SKILL_COLUMNS
    expected = rolling_backtest(load_panel()).skill
    np.testing.assert_allclose(skill["mase_median"], expected["mase_median"], rtol=1e-5)
    for name in ("skill_by_country.csv", "coverage.csv", "skill.png", "skill_focus.png"):
        assert (out / name).exists()
    fragment = yaml.safe_load((out / "growth_defaults.yaml").read_text())
    assert set(fragment["countries"]) == {"USA", "CHN", "DEU", "WLD"}


def test_cli_rolling_missing_data_file_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.xlsx"
    argv = ["scenarios", "backtest", "baseline", "--rolling", "--data", str(missing)]
    monkeypatch.setattr(sys, "argv", [*argv, "--out", str(tmp_path / "out")])
    with pytest.raises(SystemExit) as info:
        main()
    err = capsys.readouterr().err
    assert info.value.code == 2 and "nope.xlsx" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_every_un_country_is_backtested(un_backtest) -> None:
    result = un_backtest
    assert result.skill["countries"].max() >= 150
    assert {"USA", "CHN", "DEU"} <= set(result.by_country["iso3"])
    rw = result.skill[result.skill["method"] == "random_walk"].set_index("horizon")
    assert rw.loc[1, "mase_median"] < rw.loc[10, "mase_median"]  # errors grow with the horizon


def test_the_shipped_baseline_is_the_rule_on_every_un_country(un_backtest) -> None:
    """baseline.yaml's windows and growth draws are growth_defaults.yaml of
    `scenarios backtest baseline --rolling --data <UN AMA extract>`, and the chosen method beats
    the random walk with drift on median MASE at 5 and 10 years."""
    result = un_backtest
    spec = load_config("baseline")
    for iso3, default in growth_defaults(result, spec).items():
        growth = spec.countries[iso3].growth
        assert growth.from_data is not None and tuple(growth.from_data.window) == default.window
        shipped = spec.uncertainties[f"countries.{iso3}.growth.{default.param}"]
        assert shipped["dist"] == "choice"
        np.testing.assert_allclose(shipped["values"], default.draws, atol=1e-12)
    usa = choose_method(result, "USA")
    assert (usa.method, usa.window) == ("constant_20", 20)
    mase = result.skill.pivot(index="method", columns="horizon", values="mase_median")
    assert (mase.loc["constant_20", [5, 10]] < mase.loc["random_walk", [5, 10]]).all()


def test_auto_ets_follows_exact_growth() -> None:
    pytest.importorskip("statsforecast")
    levels = 100 * 1.03 ** (YEARS[None, :] - 1970) * np.ones((2, 1))
    result = rolling_backtest(_panel(levels), statistical=True)
    ets = result.skill[result.skill["method"] == "auto_ets"]
    assert (ets["mase_median"] < 0.05).all()
