"""The point run sits in the middle of its own uncertainty: shipped point values are the medians
of their distributions, `validate` warns when one is not, and an ensemble says where the
deterministic headline falls outside its 25-75 % band."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from scenarios import api
from scenarios.analysis.metrics import point_vs_ensemble
from scenarios.analysis.runs import point_value
from scenarios.analysis.sampling import validate_uncertainties
from scenarios.cli import app
from scenarios.data import load_dataset
from scenarios.model.inputs import build_inputs

# baseline.yaml says why: the MIC budget's one report is a floor; the plateau after the MICs' 2025
# goal is the choice's most likely value (weight 0.5), its median sits on the boundary with 1.75;
# the growth draws learned from the backtest's errors sit below the point, as its forecasts ran high
NOT_CENTRED = {"programs.china_mic.base_funding.scale", "programs.china_mic.plan.pace_after"}
LEARNED = {
    "countries.USA.growth.g",
    "countries.CHN.growth.g0",
    "countries.DEU.growth.g",
    "countries.WLD.growth.g",
}


def _points(name: str) -> tuple[dict, dict]:
    spec = api.load_config(name)
    inputs = build_inputs(spec, load_dataset())
    dists = validate_uncertainties(spec.uncertainties)
    return {p: point_value(spec, inputs, p) for p in dists}, dists


@pytest.mark.parametrize("name", ["baseline", "baseline_2016", "nnmi_full45"])
def test_shipped_point_values_are_their_medians(name: str) -> None:
    points, dists = _points(name)
    for path, dist in dists.items():
        if path not in NOT_CENTRED | LEARNED:
            assert dist.median() == pytest.approx(points[path], rel=0.01), path


@pytest.mark.parametrize("name", ["baseline", "nnmi_full45"])
def test_learned_growth_draws_hold_the_point_in_their_central_half(name: str) -> None:
    points, dists = _points(name)
    for path in LEARNED:
        low, high = dists[path].ppf(np.array([0.25, 0.75]))
        assert low < points[path] < high, path
        assert dists[path].median() < points[path], path  # the backtest's forecasts ran high


def _us_mva() -> pd.Series:
    rows = load_dataset().series.query(
        "iso3 == 'USA' and indicator == 'MVA' and price_basis == 'constant_2015_usd' "
        "and edition == 'UN AMA through2023'"
    )
    return rows.set_index("year")["value_usd_millions"]


def test_the_us_growth_point_is_the_observed_cagr_of_the_last_20_years() -> None:
    """By hand from the embedded series: (MVA 2023 / MVA 2003)^(1/20) - 1."""
    points, _ = _points("baseline")
    mva = _us_mva()
    assert points["countries.USA.growth.g"] == pytest.approx(
        (mva[2023] / mva[2003]) ** (1 / 20) - 1, rel=1e-12
    )
    assert points["countries.USA.growth.g"] == pytest.approx(0.013079, abs=5e-7)


def test_nist_framing_keeps_the_2017_2022_cagr_and_its_guessed_normal() -> None:
    """By hand: (MVA 2022 / MVA 2017)^(1/5) - 1, the mean of the normal; no other growth draws."""
    points, dists = _points("baseline_nist2017")
    mva = _us_mva()
    assert points["countries.USA.growth.g"] == pytest.approx(
        (mva[2022] / mva[2017]) ** 0.2 - 1, rel=1e-12
    )
    assert dists["countries.USA.growth.g"].median() == pytest.approx(0.0184, abs=5e-5)
    assert not LEARNED - {"countries.USA.growth.g"} & set(dists)


def test_shipped_configs_validate_without_warnings(shipped_dir: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(shipped_dir)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_validate_warns_of_an_off_centre_point(write_config) -> None:
    path = write_config(
        "off_centre", "name: off_centre\nextends: baseline.yaml\nimpact: {rho: 0.55}\n"
    )
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output  # a warning, not an error
    text = " ".join(result.output.split())
    assert (
        "warning" in text
        and "impact.rho: the point value 0.55 lies outside the central 50 %" in text
    )
    low, high = validate_uncertainties(
        {"r": {"dist": "pert", "low": 0.1, "mode": 0.15, "high": 0.6}}
    )["r"].ppf(np.array([0.25, 0.75]))
    assert f"({low:.4g} to {high:.4g}" in text


def test_point_vs_ensemble_flags_a_point_outside_the_band() -> None:
    rows = [
        ("x", "m", "USA", 2040, 2040, s, v, "count")
        for s, v in (("p25", 1.0), ("p50", 2.0), ("p75", 3.0))
    ]
    rows += [("x", "n", "USA", 2040, 2040, s, 5.0, "count") for s in ("p25", "p50", "p75")]
    columns = ["scenario", "metric", "country", "start", "end", "statistic", "value", "units"]
    ensemble = pd.DataFrame(rows, columns=columns)
    point = pd.DataFrame(
        [
            ("x", "m", "USA", 2040, 2040, "value", 3.5, "count"),
            ("x", "n", "USA", 2040, 2040, "value", 5.0, "count"),
        ],
        columns=columns,
    )
    table = point_vs_ensemble(ensemble, point).set_index("metric")
    assert table.loc["m", ["point", "p25", "p50", "p75"]].tolist() == [3.5, 1.0, 2.0, 3.0]
    assert table["outside"].to_dict() == {"m": True, "n": False}


def test_an_ensemble_shows_the_point_beside_its_band(write_config, tmp_path: Path) -> None:
    """A point far in the tail (rho 0.55) gives a US gain above the ensemble's band: the terminal
    and the report say so, with both numbers."""
    path = write_config("tail", "name: tail\nextends: nnmi_full45.yaml\nimpact: {rho: 0.55}\n")
    result = CliRunner().invoke(
        app, ["run", str(path), "--samples", "64", "--seed", "2", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    run = api.run(path, samples=64, seed=2)
    gain = run.point.set_index(["metric", "country"]).loc[("delta_mva", "USA")]
    assert gain["outside"] and gain["point"] > gain["p75"]
    point = api.run(path).metrics.query(
        "metric == 'delta_mva' and country == 'USA' and end == 2040"
    )
    assert gain["point"] == point["value"].item()
    text = " ".join(result.output.split())
    assert (
        "falls outside the ensemble's 25-75 % band" in text and "delta_mva USA 2040: point" in text
    )
    report = (tmp_path / "tail" / "report.html").read_text()
    assert "Point run and ensemble" in report and "<b>outside</b>" in report
    assert (
        ">not by 2040<" in report
    )  # the crossover that does not happen, in the key metrics and beside the band


def test_a_deterministic_run_has_no_point_check() -> None:
    assert api.run("baseline").point is None
