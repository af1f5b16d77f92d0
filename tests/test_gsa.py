"""The SALib adapter, checked against the analytic Ishigami indices and SALib itself."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from SALib.analyze import sobol as sobol_analyze
from scipy import stats

from scenarios.analysis.sampling import validate_uncertainties
from scenarios.analysis.sensitivity import (
    METHODS,
    SOBOL_SECOND_ORDER,
    ConvergenceWarning,
    analyze,
    design,
    one_at_a_time,
    over_time,
    over_time_of,
    sensitivity,
    to_frame,
)
from scenarios.analysis.sensitivity.testing_models import (
    ISHIGAMI_S1,
    ISHIGAMI_ST,
    ishigami,
    ishigami_indices,
    ishigami_uncertainties,
)
from scenarios.errors import ConfigError, ModelError

PARAMS = ["x1", "x2", "x3"]


def evaluate(params: pd.DataFrame) -> dict[str, np.ndarray]:
    return {"y": ishigami(params[PARAMS])}


@pytest.fixture(scope="module")
def sobol_result():
    return sensitivity(ishigami_uncertainties(), evaluate, "sobol", 2048, seed=1)


@pytest.fixture(scope="module")
def sobol2_result():
    return sensitivity(ishigami_uncertainties(), evaluate, "sobol", 2048, seed=1, second_order=True)


def test_analytic_constants():
    exact = ishigami_indices()
    np.testing.assert_allclose(exact["S1"], ISHIGAMI_S1, atol=5e-5)
    np.testing.assert_allclose(exact["ST"], ISHIGAMI_ST, atol=5e-5)


@pytest.mark.parametrize(("index", "expected"), [("S1", ISHIGAMI_S1), ("ST", ISHIGAMI_ST)])
def test_ishigami_sobol_within_confidence(sobol_result, index, expected):
    # Tolerance: 1.5 x the 95 % bootstrap half-width, floored at 0.01 absolute.
    ds = sobol_result.indices.sel(output="y")
    error = np.abs(ds[index].to_numpy() - expected)
    assert np.all(error <= np.maximum(1.5 * ds[f"{index}_conf"].to_numpy(), 0.01)), error


@pytest.mark.parametrize("second_order", [False, True])
def test_adapter_equals_direct_salib_call(sobol_result, sobol2_result, second_order):
    result = sobol2_result if second_order else sobol_result
    params, problem = design(
        ishigami_uncertainties(), "sobol", 2048, seed=1, second_order=second_order
    )
    assert len(params) == 2048 * (2 * 3 + 2 if second_order else 3 + 2)
    pd.testing.assert_frame_equal(params, result.params)
    direct = sobol_analyze.analyze(
        problem, result.outputs["y"], calc_second_order=second_order, seed=7
    )
    ds = result.indices.sel(output="y")
    for index in ("S1", "ST", "S2") if second_order else ("S1", "ST"):
        np.testing.assert_array_equal(ds[index].to_numpy(), direct[index])
    assert ("S2" in ds) == second_order


@pytest.mark.parametrize("second_order", [False, True])
def test_sobol_analyzer_equals_salib_bit_for_bit(second_order):
    # Five parameters with interactions; the bootstrap half-widths are SALib's too, not only
    # the indices (the adapter gathers each resampled block once instead of once per index).
    problem = {"num_vars": 5, "names": list("abcde"), "bounds": [[0.0, 1.0]] * 5}
    spec = SOBOL_SECOND_ORDER if second_order else METHODS["sobol"]
    X = spec.sample(dict(problem), 256, np.random.default_rng(3))
    y = ishigami(pd.DataFrame(X[:, :3] * 2 * np.pi - np.pi)) + X[:, 3] * X[:, 4] + 0.5 * X[:, 4]
    ours = spec.analyze(dict(problem), X, y, 11, 0.9, 50)
    direct = sobol_analyze.analyze(
        problem, y, calc_second_order=second_order, seed=11, conf_level=0.9, num_resamples=50
    )
    for index in spec.indices:
        np.testing.assert_array_equal(ours[index], direct[index])


@pytest.mark.parametrize("second_order", [False, True])
def test_saltelli_design_equals_salib_sample_value_for_value(second_order):
    from SALib.sample import sobol as sobol_sample

    from scenarios.analysis.sensitivity.sobol import saltelli

    problem = {"num_vars": 4, "names": list("abcd"), "bounds": [[0.0, 1.0]] * 4}
    ours = saltelli(problem, 256, np.random.default_rng(8), second_order)
    theirs = sobol_sample.sample(
        problem, 256, calc_second_order=second_order, seed=np.random.default_rng(8)
    )
    np.testing.assert_array_equal(ours, theirs)


def test_sobol_many_outputs_at_once_equal_salib_output_by_output():
    # S1 and ST bit for bit; the bootstrap sums the same resamples in another order (counts
    # times values), so its half-widths agree to rounding.
    problem = {"num_vars": 5, "names": list("abcde"), "bounds": [[0.0, 1.0]] * 5}
    X = METHODS["sobol"].sample(dict(problem), 512, np.random.default_rng(3))
    x = pd.DataFrame(X[:, :3] * 2 * np.pi - np.pi)
    Y = np.stack([ishigami(x) + X[:, 3] * X[:, 4], X[:, 4] ** 2, np.exp(X[:, 0]) * X[:, 1]])
    ours = METHODS["sobol"].analyze_many(dict(problem), X, Y, 11, 0.9, 50)
    for row, y in enumerate(Y):
        direct = sobol_analyze.analyze(
            problem, y, calc_second_order=False, seed=11, conf_level=0.9, num_resamples=50
        )
        for index in ("S1", "ST"):
            np.testing.assert_array_equal(ours[index][row], direct[index])
            np.testing.assert_allclose(
                ours[f"{index}_conf"][row], direct[f"{index}_conf"], rtol=0, atol=1e-13
            )


def test_ishigami_second_order_within_confidence(sobol2_result):
    # The only interaction is x1-x3: S13 = V13 / V = ST3 (S3 = 0); the other pairs are 0.
    ds = sobol2_result.indices.sel(output="y")
    expected = np.array([[np.nan, 0.0, ISHIGAMI_ST[2]], [np.nan, np.nan, 0.0]])
    got, conf = ds["S2"].to_numpy()[:2], ds["S2_conf"].to_numpy()[:2]
    pairs = ~np.isnan(expected)
    error = np.abs(got[pairs] - expected[pairs])
    assert np.all(error <= np.maximum(1.5 * conf[pairs], 0.01)), error


def test_second_order_design_checks_convergence_on_its_first_order_rows(sobol2_result):
    # The checkpoints drop the BA rows: S1 and ST equal SALib's first-order analysis of the
    # remaining rows (A, AB_1..AB_d, B of each block).
    conv = sobol2_result.convergence.query("n == 512")
    rows = np.concatenate([np.r_[0:4, 7] + 8 * b for b in range(512)])
    problem = design(ishigami_uncertainties(), "sobol", 4, seed=0)[1]
    direct = sobol_analyze.analyze(
        problem, sobol2_result.outputs["y"][rows], calc_second_order=False, seed=7, num_resamples=10
    )
    for index in ("S1", "ST"):
        np.testing.assert_array_equal(conv.query("index == @index")["value"], direct[index])


def test_ishigami_converges_at_large_n(sobol_result):
    assert sobol_result.converged.tolist() == [True]
    conv = sobol_result.convergence
    assert sorted(conv["n"].unique()) == [512, 1024, 2048]
    assert set(conv["index"]) == {"S1", "ST"}


def test_convergence_warning_for_tiny_n():
    with pytest.warns(ConvergenceWarning, match="increase n"):
        result = sensitivity(ishigami_uncertainties(), evaluate, "sobol", 16, seed=1)
    assert result.converged.tolist() == [False]


def test_morris_ranks_x1_x2_above_x3():
    result = sensitivity(
        ishigami_uncertainties(), evaluate, "morris", 400, seed=2, check_convergence=False
    )
    mu_star = result.indices["mu_star"].sel(output="y").to_series()
    assert min(mu_star["x1"], mu_star["x2"]) > mu_star["x3"]


@pytest.mark.parametrize(
    ("method", "n", "index"),
    [
        ("fast", 256, "S1"),
        ("rbd_fast", 512, "S1"),
        ("delta", 128, "delta"),
        ("pawn", 512, "median"),
    ],
)
def test_other_methods_give_finite_indices(method, n, index):
    result = sensitivity(
        ishigami_uncertainties(), evaluate, method, n, seed=3, check_convergence=False
    )
    ds = result.indices
    assert set(METHODS[method].indices) == set(ds.data_vars)
    assert np.isfinite(ds[index].sel(output="y", parameter="x1").item())
    assert ds.attrs["method"] == method and ds.attrs["n"] == n


def test_seed_reproducible_and_seed_zero_is_a_seed():
    runs = [
        sensitivity(
            ishigami_uncertainties(), evaluate, "sobol", 256, seed=s, check_convergence=False
        )
        for s in (0, 0, 1)
    ]
    xr.testing.assert_identical(runs[0].indices, runs[1].indices)
    assert not runs[0].params.equals(runs[2].params)


def test_design_respects_non_uniform_distributions():
    dists = validate_uncertainties(
        {"m": {"dist": "triangular", "low": 1, "mode": 1.3, "high": 4.6}}
    )
    params, problem = design(dists, "sobol", 1024, seed=0)
    assert problem["bounds"] == [[0.0, 1.0]]
    assert stats.kstest(params["m"], stats.triang(0.3 / 3.6, 1, 3.6).cdf).pvalue > 0.05


def test_morris_levels_stay_finite_for_unbounded_distributions():
    dists = validate_uncertainties(
        {
            "g": {"dist": "normal", "mean": 0, "sd": 1},
            "d": {"dist": "lognormal", "median": 0.15, "sigma": 0.3},
        }
    )
    params, _ = design(dists, "morris", 20, seed=0)
    assert np.isfinite(params.to_numpy()).all() and (params["d"] > 0).all()
    assert params["g"].min() == pytest.approx(stats.norm.ppf(0.001))


def test_constant_and_nan_outputs_get_nan_and_a_note():
    def model(p):
        y = ishigami(p[PARAMS])
        return {"y": y, "flat": np.full(len(p), 45.0), "broken": np.where(y > 5, np.nan, y)}

    result = sensitivity(
        ishigami_uncertainties(), model, "sobol", 64, seed=0, check_convergence=False
    )
    ds = result.indices
    assert np.isnan(ds["ST"].sel(output="flat")).all()
    assert "output is constant (45)" in ds["note"].sel(output="flat").item()
    assert "not finite" in ds["note"].sel(output="broken").item()
    assert np.isfinite(ds["ST"].sel(output="y")).all()


def test_an_event_seen_only_in_mixed_rows_gets_nan_indices_without_warnings():
    # d = 2, n = 4: rows A, AB1, AB2, B per base sample; the output is 1 in one AB row only, so
    # it does not vary over A and B and Sobol's estimators have no variance to divide by.
    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0.0, 1.0]] * 2}
    rare = np.zeros(16)
    rare[5] = 1.0
    smooth = np.arange(16.0) ** 2
    X = np.zeros((16, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = METHODS["sobol"].analyze_many(problem, X, np.stack([rare, smooth]), 1, 0.95, 20)
    for index in ("S1", "ST", "S1_conf", "ST_conf"):
        assert np.isnan(ours[index][0]).all()
        assert np.isfinite(ours[index][1]).all()


def test_to_frame_is_tidy(sobol2_result):
    frame = to_frame(sobol2_result.indices)
    assert list(frame.columns) == ["output", "parameter", "index", "value", "conf"]
    assert len(frame) == 3 + 3 + 3  # S1, ST and the three pairs of S2
    assert frame.query("index == 'S2'")["parameter"].tolist() == ["x1:x2", "x1:x3", "x2:x3"]


def test_over_time_has_year_dimension():
    years = [2023, 2024, 2025]

    def paths(p):
        y = ishigami(p[PARAMS])
        return {"y": np.column_stack([np.full(len(p), 1.0), y, 2 * y])}

    ds = over_time(ishigami_uncertainties(), paths, years, "sobol", 256, seed=0)
    assert ds["S1"].dims == ("output", "parameter", "year")
    assert np.isnan(ds["S1"].sel(year=2023)).all()  # observed year: the same in every sample
    # Scaling an output leaves its indices unchanged.
    np.testing.assert_allclose(ds["S1"].sel(year=2024), ds["S1"].sel(year=2025), atol=1e-12)


def test_one_at_a_time_tornado():
    dists = validate_uncertainties(
        {
            "a": {"dist": "uniform", "low": 0, "high": 10},
            "b": {"dist": "uniform", "low": 0, "high": 1},
            "c": {"dist": "choice", "values": ["lo", "hi"]},
        }
    )
    calls = []

    def model(p):
        calls.append(len(p))
        return {"y": 2 * p["a"].to_numpy() - 30 * p["b"].to_numpy() + (p["c"] == "hi")}

    table = one_at_a_time(dists, model)
    assert calls == [7]
    assert table["parameter"].tolist() == ["b", "a", "c"]
    b = table.iloc[0]
    # Centre: a = 5, b = 0.5, and c at its median, "hi" (ppf(0.5) of a 50/50 choice).
    assert b["low_value"] == pytest.approx(0.05) and b["y_center"] == pytest.approx(-4)
    assert b["swing"] == pytest.approx(30 * 0.9)


def test_errors_name_the_fix():
    with pytest.raises(ConfigError, match="choose one of: sobol, morris, fast, rbd_fast, delta"):
        design(ishigami_uncertainties(), "sobel", 64)
    with pytest.raises(ConfigError, match="use n=512 or n=1024"):
        design(ishigami_uncertainties(), "sobol", 1000)
    params, problem = design(ishigami_uncertainties(), "sobol", 8, seed=0)
    with pytest.raises(ModelError, match="has 3 values for 40 design rows"):
        analyze(problem, params, {"y": np.zeros(3)}, "sobol")
    with pytest.raises(ConfigError, match="second-order indices are computed by the sobol"):
        design(ishigami_uncertainties(), "morris", 8, second_order=True)


def test_salib_global_state_is_not_leaked():
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    filters = list(warnings.filters)
    sensitivity(ishigami_uncertainties(), evaluate, "fast", 256, seed=0, check_convergence=False)
    np.testing.assert_array_equal(np.random.get_state()[1], state)  # noqa: NPY002
    assert warnings.filters == filters


def test_evaluate_must_return_one_value_per_row():
    with pytest.raises(ModelError, match="has 1 values for 7 parameter rows"):
        one_at_a_time(ishigami_uncertainties(), lambda p: {"y": 1.0})


@pytest.mark.parametrize(("method", "n"), [("sobol", 256), ("fast", 128), ("delta", 256)])
def test_over_time_of_an_analysis_equals_over_time(method, n):
    """The yearly indices of an analysis' own design equal those of a fresh over_time draw."""
    years = [2030, 2031]

    def paths(p):
        y = ishigami(p[PARAMS])
        return {"y": np.column_stack([y, y**2])}

    dists = ishigami_uncertainties()
    result = sensitivity(
        dists, lambda p: {"y": ishigami(p[PARAMS])}, method, n, seed=4, check_convergence=False
    )
    drawn = over_time(dists, paths, years, method, n, seed=4)
    xr.testing.assert_identical(over_time_of(result, paths(result.params), years, method), drawn)
