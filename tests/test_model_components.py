"""The model components of post-exit sustainment, a stated institute plan and technology diffusion,
checked against hand calculations and closed forms, and end to end from the API and the CLI."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.integrate import solve_ivp
from typer.testing import CliRunner

from scenarios import api
from scenarios.cli import app, main
from scenarios.errors import ConfigError
from scenarios.model.diffusion import adoption_path, bass_step, diffusion
from scenarios.model.parameters import Parameters
from scenarios.model.pipeline import run_pipeline

ONE = np.ones(1)


def _pipeline(sustainment: float, survival: float) -> dict[str, np.ndarray]:
    years = np.arange(2024, 2032)
    budget = np.zeros((1, len(years)))
    budget[0, 0] = 100.0  # exactly one institute at cost 100, launched in 2024 (lag 0)
    out = run_pipeline(
        budget=budget,
        base_funding=np.zeros((1, len(years))),
        cost=100 * ONE,
        funding_years=np.array([2]),
        profile=np.array(["flat"], dtype=object),
        match_ratio=1.0 * ONE,
        lag=np.array([0]),
        cap=np.inf * ONE,
        survival=survival * ONE,
        founding_years=np.array([]),
        n_existing=0,
        base_year=2023,
        years=years,
        sustainment=sustainment * ONE,
    )
    return {k: v[0] for k, v in vars(out).items()}


def test_a_survivor_keeps_its_operating_budget_after_federal_exit() -> None:
    # Federal $50M in 2024 and 2025 (flat over 2 years), matched 1:1: total $100M a year. The
    # institute exits federal funding in 2026; with survival 0.9 and $10M a year of its own, the
    # expected non-federal operating spend is 0.9 x 10 = $9M a year from 2026 on.
    out = _pipeline(sustainment=10.0, survival=0.9)
    assert_allclose(out["spend_federal"], [50, 50, 0, 0, 0, 0, 0, 0])
    assert_allclose(out["spend_total"], [100, 100, 9, 9, 9, 9, 9, 9])
    assert_allclose(out["active"], [1, 1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])
    without = _pipeline(sustainment=0.0, survival=0.9)
    assert_allclose(without["spend_total"], [100, 100, 0, 0, 0, 0, 0, 0])


def test_nnmi_full45_sustainment_adds_survivors_budgets_to_total_spend() -> None:
    ds = api.run("nnmi_full45", with_reference=False).results.isel(sample=0)
    usa = ds.sel(program="manufacturing_usa")
    projected = ds["year"] > 2023
    launched = usa["institutes_launched"].where(projected, 0.0).to_numpy()
    scheduled = np.isin(ds["year"].to_numpy(), [2024]) * 1.0  # SMART USA, funded from the base
    funded = launched - scheduled
    # each funded cohort exits after 5 years and survives with probability 0.95, keeping $17M a year
    exited = np.concatenate([np.zeros(5), np.cumsum(funded)[:-5]])
    expected = 0.95 * 17.0 * exited
    total, federal = usa["spend_total"].to_numpy(), usa["spend_federal"].to_numpy()
    assert funded.sum() == 27 and exited[-1] > 0
    assert_allclose((total - federal * 3.375)[projected.to_numpy()], expected[projected.to_numpy()])


def test_mics_follow_the_plan_then_plateau() -> None:
    active = (
        api.run("baseline", with_reference=False)
        .results.isel(sample=0)
        .sel(program="china_mic")["institutes_active"]
    )
    # 29 MICs by 2023, 4 known in 2024 (seed 001 Appendix A), 7 more in 2025 to meet the goal of 40
    assert_array_equal(
        active.sel(year=[2023, 2024, 2025, 2026, 2030, 2040]), [29, 33, 40, 40, 40, 40]
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # a pace of 2 a year after 2025: 40 + 2 (t - 2025)
        (["programs.china_mic.plan.pace_after=2"], [40, 42, 50, 70]),
        # a new target of 45 by 2030 from 33 known: 12 over the six years 2025-2030, 2 a year
        (
            ["programs.china_mic.plan.target=45", "programs.china_mic.plan.by=2030"],
            [35, 37, 45, 45],
        ),
        # a pace of 1.5 a year: whole centres, the fraction carried over (floor(1.5 (t - 2025)))
        (["programs.china_mic.plan.pace_after=1.5"], [40, 41, 47, 62]),
    ],
)
def test_plan_pace_and_new_target_by_hand(overrides: list[str], expected: list[float]) -> None:
    ds = api.run("baseline", overrides=overrides, with_reference=False).results.isel(sample=0)
    active = ds.sel(program="china_mic")["institutes_active"]
    assert_array_equal(active.sel(year=[2025, 2026, 2030, 2040]), expected)


def test_logistic_closed_form_without_institutes() -> None:
    adoption_0, q = np.array([0.324, 0.04]), np.array([0.38])
    years = np.arange(18)
    path = adoption_path(adoption_0, np.zeros((2, len(years))), np.zeros(1), np.array([0.01]), q)
    closed = 1 / (1 + (1 - adoption_0[:, None]) / adoption_0[:, None] * np.exp(-q * years))
    assert_allclose(path, closed, rtol=1e-13)


def test_bass_step_solves_the_ode_exactly() -> None:
    p, q, a0 = 0.03, 0.38, 0.2
    solution = solve_ivp(lambda t, a: (p + q * a) * (1 - a), (0, 1), [a0], rtol=1e-12, atol=1e-14)
    stepped = bass_step(np.array([a0]), np.array([p]), np.array([q]), out=np.empty(1))
    assert stepped[0] == pytest.approx(solution.y[0, -1], rel=1e-10)


def _diffusion_params(**values: float) -> Parameters:
    config = {
        "impact": {
            "diffusion": {
                "adoption": {"USA": 0.3},
                "external": 0.02,
                "per_institute": 0.001,
                "imitation": 0.4,
                "productivity": 0.02,
                **values,
            }
        }
    }
    return Parameters(config)


def test_diffusion_by_hand_and_zero_without_a_change_in_institutes() -> None:
    p = _diffusion_params().view("impact")
    base = np.array([[100.0, 110.0, 120.0]])
    constant = np.full((1, 3), 18.0)
    unchanged = diffusion(p, base, base, base[:, 0], institutes=constant, country="USA")
    assert_array_equal(unchanged, base)
    institutes = np.array([[18.0, 28.0, 28.0]])
    mva = diffusion(p, base, base, base[:, 0], institutes=institutes, country="USA")

    # one year by hand: (A + c)/(1 - A) grows by exp(p + q), c = p/q
    def step(a: float, p_: float) -> float:
        x = (a + p_ / 0.4) / (1 - a) * np.exp(p_ + 0.4)
        return (x - p_ / 0.4) / (1 + x)

    with_new, held = step(0.3, 0.02 + 0.028), step(0.3, 0.02 + 0.018)
    assert mva[0, 0] == 100.0
    assert mva[0, 1] == pytest.approx(110 * (1 + 0.02 * (with_new - held)), rel=1e-12)
    with_new2, held2 = step(with_new, 0.048), step(held, 0.038)
    factor = (1 + 0.02 * (with_new - held)) * (1 + 0.02 * (with_new2 - held2))
    assert mva[0, 2] == pytest.approx(120 * factor, rel=1e-12)


def test_diffusion_needs_an_adoption_share_in_range() -> None:
    base = np.ones((1, 3))
    institutes = np.array([[1.0, 2.0, 3.0]])
    with pytest.raises(ConfigError, match=r"impact\.diffusion\.adoption\.CHN"):
        diffusion(
            _diffusion_params().view("impact"),
            base,
            base,
            base[:, 0],
            institutes=institutes,
            country="CHN",
        )


def test_diffusion_run_next_to_rate_of_return() -> None:
    diffusion_run = api.run("nnmi_full45_diffusion")
    assert diffusion_run.spec.impact.kind == "diffusion"
    gain = diffusion_run.results["mva"] - diffusion_run.reference.results["mva"]
    usa = gain.sel(country="USA").isel(sample=0)
    assert float(usa.sel(year=2025)) == 0.0  # no new institute yet
    assert float(usa.sel(year=2030)) > 0 and float(usa.sel(year=2040)) > float(usa.sel(year=2030))
    # China's MICs change the same way in both worlds: no gain for China from the US policy
    assert_allclose(gain.sel(country="CHN").to_numpy(), 0.0, atol=1e-6)


def test_diffusion_ensemble_rows_equal_their_point_runs() -> None:
    ensemble = api.run("nnmi_full45_diffusion", samples=6, with_reference=False)
    sampled = [str(v) for v in ensemble.results.data_vars if str(v).startswith("impact.")]
    assert "impact.diffusion.productivity" in sampled
    for i in (0, 5):
        row = ensemble.results.isel(sample=i)
        overrides = [
            f"{path}={float(row[path])!r}"
            for path in ensemble.results.data_vars
            if "." in str(path)
        ]
        point = api.run("nnmi_full45_diffusion", overrides=overrides, with_reference=False)
        assert_allclose(
            point.results["mva"].isel(sample=0).to_numpy(), row["mva"].to_numpy(), rtol=1e-12
        )


@pytest.mark.slow
def test_diffusion_sensitivity_ranks_its_parameters() -> None:
    result = api.sensitivity("nnmi_full45_diffusion", method="sobol", n=64, seed=1)
    frame = result.to_frame()
    assert "impact.diffusion.productivity" in set(frame["parameter"])


def test_cli_runs_the_diffusion_config(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["run", "nnmi_full45_diffusion", "--out", str(tmp_path), "--no-plots"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "nnmi_full45_diffusion" / "results.nc").is_file()


@pytest.mark.parametrize(
    ("config", "setting", "named"),
    [
        (
            "nnmi_full45_diffusion",
            "impact.diffusion.adoption.USA=1.5",
            "impact.diffusion.adoption.USA",
        ),
        ("nnmi_full45_diffusion", "impact.diffusion.imitation=0", "impact.diffusion.imitation"),
        ("baseline", "impact.kind=diffusion", "impact.diffusion.adoption.USA"),
        ("nnmi_full45", "programs.manufacturing_usa.sustainment=-5", "sustainment"),
        ("baseline", "programs.china_mic.plan.pace_after=-1", "plan.pace_after"),
        ("baseline", "programs.china_mic.plan.by=twenty", "plan.by"),
    ],
)
def test_cli_names_the_bad_key(
    tmp_path: Path, config: str, setting: str, named: str, monkeypatch, capsys
) -> None:
    argv = ["scenarios", "run", config, "--set", setting, "--out", str(tmp_path), "--no-plots"]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as info:
        main()
    out = capsys.readouterr()
    assert info.value.code == 2
    assert "Traceback" not in out.err + out.out and "ConfigError" in out.err
    assert named in " ".join(out.err.split()), out.err
    assert not (tmp_path / config).exists()
