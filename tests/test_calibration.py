"""Calibration and backtests: recovery of known parameters, hand-computed scores, errors, CLI."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from scenarios import api
from scenarios.analysis.calibration import (
    backtest,
    calibrate,
    fit_growth,
    growth_rates,
    log_path,
    mape,
    naive_rates,
    reanchor,
)
from scenarios.cli import app
from scenarios.config.schema import Spec
from scenarios.data import DEFAULT_EDITION, Dataset, load_dataset
from scenarios.errors import ConfigError, DataError
from scenarios.model.growth import trend_fit
from scenarios.outputs.backtest import backtest_section

YEARS = np.arange(1990, 2031)
TRUE = {
    "constant": {"g": 0.03},
    "convergence": {"g0": 0.08, "g_lr": 0.02, "tau": 8.0},
    "trend": {"g": 0.025, "log_offset": 0.0},
}


def synthetic(kind: str, noise_sd: float, seed: int = 1) -> np.ndarray:
    """MVA from known parameters, times exp(noise) on every year but the anchor."""
    theta = np.array(list(TRUE[kind].values()))
    log_mva = log_path(kind, theta, YEARS.astype(float), np.log(1000.0))
    noise = np.random.default_rng(seed).normal(0.0, noise_sd, len(YEARS))
    noise[0] = 0.0
    return np.exp(log_mva + noise)


def dataset_with(series: dict[str, pd.Series]) -> Dataset:
    """The embedded dataset with its MVA constant-price series replaced by ``series``."""
    rows = [
        {
            "iso3": iso3,
            "country": iso3,
            "indicator": "MVA",
            "price_basis": "constant_2015_usd",
            "year": int(year),
            "value_usd_millions": float(value),
            "edition": DEFAULT_EDITION,
            "source": "test",
        }
        for iso3, values in series.items()
        for year, value in values.items()
    ]
    return dataclasses.replace(load_dataset(), series=pd.DataFrame(rows))


def spec_of(**kinds: dict) -> Spec:
    return Spec.model_validate(
        {"name": "t", "countries": {c: {"growth": g} for c, g in kinds.items()}}
    )


# --- recovery of known parameters ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["constant", "convergence", "trend"])
def test_exact_recovery_without_noise(kind: str) -> None:
    fit = fit_growth(kind, YEARS, synthetic(kind, 0.0))
    for name, value in TRUE[kind].items():
        assert fit.params[name] == pytest.approx(value, abs=1e-7)
    assert fit.rmse == pytest.approx(0.0, abs=1e-9)
    assert set(fit.status.values()) == {"fitted"}


@pytest.mark.parametrize(
    ("kind", "noise_sd"), [("constant", 0.01), ("convergence", 0.005), ("trend", 0.02)]
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_noisy_recovery_within_three_standard_errors(kind: str, noise_sd: float, seed: int) -> None:
    fit = fit_growth(kind, YEARS, synthetic(kind, noise_sd, seed))
    for name, value in TRUE[kind].items():
        assert 0 < fit.std_err[name] < np.inf
        assert abs(fit.params[name] - value) < 3 * fit.std_err[name], name
    assert fit.rmse == pytest.approx(noise_sd, rel=0.5)


def test_trend_equals_the_engine_log_linear_fit() -> None:
    mva = pd.Series(synthetic("trend", 0.02), index=YEARS)
    g, _ = trend_fit(mva, (1990, 2030), path="t")
    assert fit_growth("trend", YEARS, mva.to_numpy()).params["g"] == pytest.approx(g, rel=1e-8)


def test_bootstrap_is_seeded_and_close_to_the_jacobian() -> None:
    mva = synthetic("constant", 0.01)
    first = fit_growth("constant", YEARS, mva, bootstrap=100, seed=7)
    again = fit_growth("constant", YEARS, mva, bootstrap=100, seed=7)
    jacobian = fit_growth("constant", YEARS, mva)
    assert first.std_err == again.std_err
    assert 0.5 < first.std_err["g"] / jacobian.std_err["g"] < 2.0


def test_fixed_parameter_is_held_and_not_sampled() -> None:
    fit = fit_growth("convergence", YEARS, synthetic("convergence", 0.0), fixed={"g_lr": 0.02})
    assert fit.status["g_lr"] == "fixed" and fit.params["g_lr"] == 0.02 and fit.std_err["g_lr"] == 0
    assert fit.params["tau"] == pytest.approx(8.0, abs=1e-6)


def test_reanchor_keeps_the_growth_curve() -> None:
    fit = fit_growth("convergence", YEARS, synthetic("convergence", 0.005))
    moved = reanchor(fit, 2040)
    theta = lambda f: np.array([f.params[n] for n in ("g0", "g_lr", "tau")])  # noqa: E731
    later = np.arange(2031, 2045, dtype=float)
    np.testing.assert_allclose(
        growth_rates("convergence", theta(moved), later, 2040),
        growth_rates("convergence", theta(fit), later, 1990),
        rtol=1e-12,
    )
    assert moved.std_err["g_lr"] == pytest.approx(fit.std_err["g_lr"])


# --- backtest arithmetic on a hand-made series ----------------------------------------------------

HAND = pd.Series(
    {
        2000: 64.0,
        2001: 100.0,
        2002: 90.0,
        2003: 130.0,
        2004: 150.0,
        2005: 200.0,
        2006: 248.832,
        2007: 300.0,
        2008: 270.0,
    }
)


def test_naive_rates_by_hand() -> None:
    rates = naive_rates(HAND.loc[2000:2006])
    assert rates["last_cagr"] == pytest.approx(0.2)  # (248.832 / 100) ** (1 / 5) - 1
    assert rates["random_walk"] == pytest.approx((248.832 / 64) ** (1 / 6) - 1)


def test_backtest_scores_by_hand() -> None:
    table = backtest(
        spec_of(USA={"kind": "constant", "g": 0.0}),
        (2000, 2006),
        (2007, 2008),
        dataset=dataset_with({"USA": HAND}),
    ).set_index("method")
    last = table.loc["last_cagr"]
    assert last["mape"] == pytest.approx(
        (abs(248.832 * 1.2 - 300) / 300 + abs(248.832 * 1.44 - 270) / 270) / 2
    )
    assert last["cagr_projected"] == pytest.approx(0.2)
    assert last["cagr_actual"] == pytest.approx(-0.1)
    assert last["cagr_error"] == pytest.approx(0.3)
    drift = (248.832 / 64) ** (1 / 6)
    walk = table.loc["random_walk"]
    assert walk["mape"] == pytest.approx(
        (abs(248.832 * drift - 300) / 300 + abs(248.832 * drift**2 - 270) / 270) / 2
    )
    g = fit_growth("constant", HAND.loc[2000:2006].index, HAND.loc[2000:2006]).params["g"]
    assert table.loc["constant", "mape"] == pytest.approx(
        mape(248.832 * (1 + g) ** np.array([1, 2]), [300, 270])
    )
    assert table.loc["constant", "cagr_error"] == pytest.approx(g + 0.1)
    assert list(table.index) == ["constant", "convergence", "trend", "last_cagr", "random_walk"]
    assert table["in_config"].tolist() == [True, False, False, False, False]


def test_world_is_calibrated_as_the_rest_of_the_world() -> None:
    years = np.arange(2000, 2016)
    usa = pd.Series(500 * 1.01 ** (years - 2000), index=years)
    rest = pd.Series(300 * 1.05 ** (years - 2000), index=years)
    result = calibrate(
        spec_of(USA={"kind": "constant", "g": 0.0}, WLD={"kind": "constant", "g": 0.0}),
        (2000, 2015),
        dataset=dataset_with({"USA": usa, "WLD": usa + rest}),
    )
    assert result.fits["WLD"].params["g"] == pytest.approx(0.05, abs=1e-9)
    assert result.fits["USA"].params["g"] == pytest.approx(0.01, abs=1e-9)


# --- bad windows ----------------------------------------------------------------------------------


def test_window_end_before_start_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="window 2015-2010") as info:
        calibrate("baseline", (2015, 2010))
    assert "1970-2023" in str(info.value)


def test_window_before_china_data_names_country_and_first_year() -> None:
    with pytest.raises(DataError, match="CHN has MVA data for 2004-2023") as info:
        calibrate("baseline", (2000, 2015))
    assert "first year available for CHN: 2004" in str(info.value)
    assert "2000-2015" in str(info.value)


def test_test_window_past_the_data_is_a_data_error() -> None:
    with pytest.raises(DataError, match="window 2016-2030 reaches outside"):
        backtest("baseline", (2004, 2015), (2016, 2030))


def test_test_window_must_follow_fit_window() -> None:
    with pytest.raises(ConfigError, match="must start after the fit window 2004-2015"):
        backtest("baseline", (2004, 2015), (2010, 2023))


def test_fixing_an_unknown_or_missing_parameter() -> None:
    with pytest.raises(ConfigError, match="no parameter 'tau'"):
        fit_growth("constant", YEARS, synthetic("constant", 0.0), fixed={"tau": 5.0})
    with pytest.raises(ConfigError, match="cannot fix 'g0'"):
        calibrate("baseline", (2004, 2015), fix=("g0",))  # CHN's g0 comes from data in the baseline


# --- the shipped baseline -------------------------------------------------------------------------


def test_fragment_feeds_an_ensemble(write_config, shipped_dir: Path) -> None:
    result = calibrate("baseline", (2004, 2023), fix=("g_lr",))
    text = f"extends: {shipped_dir / 'baseline.yaml'}\n" + result.to_yaml()
    run = api.run(write_config("calibrated", text), samples=8)
    assert run.samples["countries.CHN.growth.tau"].between(1, 100).all()
    assert "countries.CHN.growth.g_lr" not in result.fragment()["uncertainties"]
    assert result.fragment()["countries"]["USA"]["growth"] == {
        "kind": "constant",
        "g": round(result.fits["USA"].params["g"], 6),
    }


def test_unidentified_parameter_is_flagged() -> None:
    # 2004-2015 China: a straight decline of growth fits as well as any long-run rate.
    result = calibrate("baseline", (2004, 2015))
    assert result.fits["CHN"].status["g_lr"] == "at bound"
    assert np.isnan(result.fits["CHN"].std_err["g_lr"])
    assert "countries.CHN.growth.g_lr" not in result.fragment()["uncertainties"]
    stuck = re.escape("not identified: CHN g_lr = -0.2 is on its bound")
    with pytest.raises(ConfigError, match=stuck) as info:
        result.to_yaml()
    assert "--fix g_lr" in str(info.value) and "nothing was written" in str(info.value)


def test_cli_calibrate_refuses_a_parameter_on_a_bound(tmp_path: Path) -> None:
    out = tmp_path / "calibrated.yaml"
    cli = CliRunner().invoke(
        app, ["calibrate", "baseline", "--window", "2004", "2015", "--out", str(out)]
    )
    assert cli.exit_code != 0 and not out.exists()
    assert "CHN g_lr" in str(cli.exception) and "--fix g_lr" in str(cli.exception)


def test_cli_calibrate_matches_the_api(tmp_path: Path) -> None:
    out = tmp_path / "calibrated.yaml"
    cli = CliRunner().invoke(
        app,
        ["calibrate", "baseline", "--window", "2004", "2015", "--fix", "g_lr", "--out", str(out)],
    )
    assert cli.exit_code == 0, cli.output
    result = calibrate("baseline", (2004, 2015), fix=("g_lr",))
    assert yaml.safe_load(out.read_text()) == result.fragment()
    for row in result.table.itertuples():
        assert (
            f"{row.estimate:.2f}" if row.parameter == "tau" else f"{row.estimate:.4f}"
        ) in cli.output


def test_cli_backtest_matches_the_api(tmp_path: Path) -> None:
    cli = CliRunner().invoke(
        app,
        [
            "backtest",
            "baseline",
            "--fit",
            "2004",
            "2015",
            "--test",
            "2016",
            "2023",
            "--out",
            str(tmp_path / "backtest"),
        ],
    )
    assert cli.exit_code == 0, cli.output
    expected = backtest("baseline", (2004, 2015), (2016, 2023))
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "backtest" / "backtest.csv"), expected, check_exact=False, rtol=1e-12
    )
    assert (tmp_path / "backtest" / "backtest.png").stat().st_size > 10_000
    for row in expected.itertuples():
        assert f"{row.mape:.2%}" in cli.output


def test_backtest_section_is_one_html_section() -> None:
    html = backtest_section(backtest("baseline", (2004, 2015), (2016, 2023)))
    assert html.startswith("<section") and html.rstrip().endswith("</section>")
    assert html.count("<tr>") == 1 + 4 and "<b>" in html


def test_backtest_writes_under_runs_like_every_other_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["backtest", "baseline"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "runs" / "backtest" / "backtest.csv").is_file()
