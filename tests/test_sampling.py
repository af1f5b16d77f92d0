"""Distributions, unit-cube designs and rank correlation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, strategies as st
from scipy import stats

from scenarios.analysis.sampling import (
    DESIGNS,
    DISTRIBUTIONS,
    Choice,
    Uniform,
    check_positive,
    correlation_matrix,
    sample,
    unit_sample,
    validate_uncertainties,
)
from scenarios.errors import ConfigError

COST = "programs.manufacturing_usa.cost_per_institute"
MATCH = "programs.manufacturing_usa.match_ratio"
CONFIG = {
    COST: {"dist": "uniform", "low": 55, "high": 140},
    MATCH: {"dist": "triangular", "low": 1.0, "mode": 1.3, "high": 4.6},
    "impact.rho": {"dist": "normal", "mean": 0.3, "sd": 0.1, "low": 0.0, "high": 1.0},
    "impact.delta": {"dist": "lognormal", "median": 0.15, "sigma": 0.3},
    "countries.CHN.growth.tau": {"dist": "pert", "low": 5, "mode": 12, "high": 25},
    "impact.theta": {"dist": "beta", "a": 2, "b": 5, "low": 0.0, "high": 0.2},
    "programs.manufacturing_usa.profile": {
        "dist": "choice",
        "values": ["front_loaded", "flat"],
        "weights": [0.7, 0.3],
    },
}
Q = np.array([0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999])


@pytest.fixture
def dists():
    return validate_uncertainties(CONFIG)


# --- distributions ---------------------------------------------------------------------------


def test_registry_matches_config_names(dists):
    assert set(DISTRIBUTIONS) == {d.dist for d in dists.values()}


def test_uniform_hand_checked(dists):
    d = dists[COST]
    assert d.ppf(np.array([0.0, 0.5, 1.0])).tolist() == [55.0, 97.5, 140.0]
    assert d.median() == 97.5
    assert d.bounds() == (55.0, 140.0)


def test_triangular_median_formula(dists):
    # mode below the midpoint: median = high - sqrt((high - low) (high - mode) / 2)
    expected = 4.6 - np.sqrt((4.6 - 1.0) * (4.6 - 1.3) / 2)
    assert dists[MATCH].median() == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(dists[MATCH].ppf(Q), stats.triang(0.3 / 3.6, 1.0, 3.6).ppf(Q))


@pytest.mark.parametrize(
    ("path", "frozen"),
    [
        ("impact.rho", stats.truncnorm(-3.0, 7.0, loc=0.3, scale=0.1)),
        ("impact.delta", stats.lognorm(s=0.3, scale=0.15)),
        ("countries.CHN.growth.tau", stats.beta(1 + 4 * 7 / 20, 1 + 4 * 13 / 20, 5, 20)),
        ("impact.theta", stats.beta(2, 5, loc=0.0, scale=0.2)),
    ],
)
def test_ppf_equals_scipy(dists, path, frozen):
    np.testing.assert_allclose(dists[path].ppf(Q), frozen.ppf(Q), rtol=1e-12)
    assert dists[path].median() == pytest.approx(frozen.median(), rel=1e-12)


def test_lognormal_median_and_unbounded_bounds(dists):
    d = dists["impact.delta"]
    assert d.median() == pytest.approx(0.15)
    assert d.bounds() == pytest.approx(stats.lognorm(s=0.3, scale=0.15).ppf([0.001, 0.999]))


def test_untruncated_normal_bounds_cut_tails():
    (d,) = validate_uncertainties({"x": {"dist": "normal", "mean": 2, "sd": 0.5}}).values()
    assert d.bounds() == pytest.approx(stats.norm(2, 0.5).ppf([0.001, 0.999]))
    assert d.ppf(np.array([0.5]))[0] == 2


def test_choice_follows_cumulative_weights(dists):
    d = dists["programs.manufacturing_usa.profile"]
    out = d.ppf(np.array([0.0, 0.69, 0.71, 0.999999]))
    assert out.dtype == object
    assert out.tolist() == ["front_loaded", "front_loaded", "flat", "flat"]
    assert d.median() == "front_loaded"
    numeric = Choice(dist="choice", values=[3, 1, 2])
    assert numeric.ppf(np.array([0.1, 0.5, 0.9])).tolist() == [3, 1, 2]
    assert numeric.bounds() == (1, 3)


@given(
    low=st.floats(-1e6, 1e6),
    width=st.floats(1e-3, 1e6),
    u=st.lists(st.floats(0, 1), min_size=2, max_size=20),
)
def test_ppf_monotone_within_bounds(low, width, u):
    d = Uniform(dist="uniform", low=low, high=low + width)
    u = np.sort(u)
    x = d.ppf(u)
    assert np.all(np.diff(x) >= 0)
    assert np.all((x >= d.bounds()[0]) & (x <= d.bounds()[1]))


# --- validation messages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "path", "text"),
    [
        (
            {"dist": "uniform", "low": 140, "high": 55},
            "uncertainties.p.high",
            "high (55) must be greater than low (140)",
        ),
        (
            {"dist": "triangular", "low": 1, "mode": 5, "high": 4.6},
            "uncertainties.p.mode",
            "mode (5) must lie within [low, high] = [1, 4.6]",
        ),
        ({"dist": "normal", "mean": 0.3, "sd": 0}, "uncertainties.p.sd", "sd must be > 0"),
        (
            {"dist": "lognormal", "median": 0.15, "sigma": -1},
            "uncertainties.p.sigma",
            "sigma must be > 0",
        ),
        (
            {"dist": "choice", "values": ["a", "b"], "weights": [0.7, 0.2]},
            "uncertainties.p.weights",
            "sum to 1",
        ),
        (
            {"dist": "choice", "values": ["a", "b"], "weights": [1.0]},
            "uncertainties.p.weights",
            "1 weights for 2 values",
        ),
        (
            {"dist": "unifrom", "low": 1, "high": 2},
            "uncertainties.p.dist",
            "did you mean 'uniform'?",
        ),
        ({"low": 1, "high": 2}, "uncertainties.p.dist", "add dist: one of uniform"),
        (
            {"dist": "uniform", "lo": 1, "high": 2},
            "uncertainties.p.lo",
            "did you mean 'low'? valid fields: low, high",
        ),
        ({"dist": "uniform", "high": 2}, "uncertainties.p.low", "missing required field 'low'"),
        ({"dist": "uniform", "low": "x", "high": 2}, "uncertainties.p.low", "valid number"),
        ({"dist": "uniform", "low": float("inf"), "high": 2}, "uncertainties.p.low", "finite"),
        (55, "uncertainties.p.dist", "{dist: uniform, low: 55, high: 140}"),
    ],
)
def test_validation_names_path_and_field(spec, path, text):
    with pytest.raises(ConfigError) as info:
        validate_uncertainties({"p": spec}, file="nnmi.yaml")
    message = str(info.value)
    assert f"nnmi.yaml: {path}" in message
    assert text in message


def test_validation_lists_every_problem_with_value_and_hint():
    raw = {
        "a": {"dist": "uniform", "low": 2, "high": 1},
        "b": {"dist": "normal", "mean": 0, "sd": -1},
    }
    with pytest.raises(ConfigError) as info:
        validate_uncertainties(raw)
    problems = info.value.problems
    assert [p.path for p in problems] == ["uncertainties.a.high", "uncertainties.b.sd"]
    assert problems[0].value == 1 and problems[0].hint.startswith("swap low and high")


def test_check_positive_names_the_path(dists):
    check_positive(dists, [COST, MATCH, "impact.delta", "not.uncertain"])
    with pytest.raises(ConfigError, match=r"uncertainties\.impact\.rho: must be positive"):
        check_positive(dists, ["impact.rho"])  # truncated at low: 0
    free = validate_uncertainties({"g": {"dist": "normal", "mean": 5, "sd": 1}})
    with pytest.raises(ConfigError, match="unbounded below"):
        check_positive(free, ["g"])


# --- designs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", list(DESIGNS))
def test_seed_reproducible_and_seed_zero_is_a_seed(dists, method):
    a = sample(dists, 64, method=method, seed=0)
    pd.testing.assert_frame_equal(a, sample(dists, 64, method=method, seed=0))
    assert not a.equals(sample(dists, 64, method=method, seed=1))
    assert not a.equals(sample(dists, 64, method=method, seed=None))
    assert list(a.columns) == list(CONFIG)
    assert a[COST].between(55, 140).all()


def test_generator_seed_is_used_as_is():
    a = unit_sample(8, 2, seed=np.random.default_rng(5))
    np.testing.assert_array_equal(a, unit_sample(8, 2, seed=5))


def test_lhs_stratifies_each_column():
    u = unit_sample(50, 3, method="lhs", seed=2)
    for column in u.T:
        assert sorted(np.floor(column * 50).astype(int)) == list(range(50))


def test_design_errors():
    with pytest.raises(ConfigError, match="use n=512 or n=1024"):
        unit_sample(1000, 2, method="sobol")
    with pytest.raises(ConfigError, match="choose one of: random, lhs, sobol"):
        unit_sample(10, 2, method="halton")


def test_monte_carlo_marginal_matches_distribution(dists):
    x = sample(dists, 4096, method="sobol", seed=3)[MATCH]
    assert stats.kstest(x, stats.triang(0.3 / 3.6, 1.0, 3.6).cdf).pvalue > 0.05


# --- correlation -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["random", "lhs"])
def test_rank_correlation_achieved_and_marginals_kept(dists, method):
    pairs = [[COST, MATCH, -0.4], ["impact.rho", "countries.CHN.growth.tau", 0.6]]
    plain = sample(dists, 4000, method=method, seed=11)
    corr = sample(dists, 4000, method=method, seed=11, correlation=pairs)
    rho = corr.corr(method="spearman", numeric_only=True)
    assert rho.loc[COST, MATCH] == pytest.approx(-0.4, abs=0.05)
    assert rho.loc["impact.rho", "countries.CHN.growth.tau"] == pytest.approx(0.6, abs=0.05)
    assert abs(rho.loc[COST, "impact.rho"]) < 0.05
    for column in plain:  # Iman-Conover only reorders: identical sorted values
        assert sorted(plain[column]) == sorted(corr[column])
    pd.testing.assert_series_equal(plain["impact.delta"], corr["impact.delta"])


def test_correlation_matrix_is_symmetric_with_zeros():
    m = correlation_matrix([["a", "c", 0.5]], ["a", "b", "c"])
    np.testing.assert_array_equal(m, [[1, 0, 0.5], [0, 1, 0], [0.5, 0, 1]])


def test_inconsistent_correlations_name_pairs_and_nearest_value():
    pairs = [["a", "b", 0.9], ["b", "c", 0.9], ["a", "c", -0.9], ["c", "d", 0.1]]
    with pytest.raises(ConfigError, match="not positive definite") as info:
        correlation_matrix(pairs, ["a", "b", "c", "d"], file="x.yaml")
    paths = [p.path for p in info.value.problems]
    assert paths == ["correlations[0]", "correlations[1]", "correlations[2]"]
    hint = info.value.problems[2].hint
    assert hint.startswith("nearest valid value with the other pairs unchanged: 0.")
    fixed = float(hint.rsplit(" ", 1)[1])
    correlation_matrix([*pairs[:2], ["a", "c", fixed], pairs[3]], ["a", "b", "c", "d"])


@pytest.mark.parametrize(
    ("pairs", "text"),
    [
        (
            [["a", "bb", 0.2]],
            "'bb' is not an uncertain parameter\n  got: ['a', 'bb', 0.2]\n"
            "  hint: did you mean 'b'?",
        ),
        ([["a", "b", 1.0]], "strictly between -1 and 1"),
        ([["a", "a", 0.3]], "cannot be correlated with itself"),
        ([["a", "b", 0.3], ["b", "a", 0.2]], "pair b ~ a is also listed at correlations[0]"),
        ([["a", "b"]], "expected [path_a, path_b, rank_correlation]"),
    ],
)
def test_correlation_entry_errors(pairs, text):
    with pytest.raises(ConfigError) as info:
        correlation_matrix(pairs, ["a", "b", "c"])
    assert text in str(info.value)


def _bits(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=float).view(np.uint64)


def test_large_samples_transform_as_one_call_per_column():
    """Past one chunk the ppf runs in chunks on threads: the values are those of one ppf call per
    column, bit for bit (PERT, triangular, lognormal, numeric and categorical choices)."""
    from scenarios.analysis.sampling.designs import PPF_CHUNK, to_params

    dists = validate_uncertainties(
        {
            "impact.rho": {"dist": "pert", "low": 0.1, "mode": 0.15, "high": 0.6},
            MATCH: {"dist": "triangular", "low": 1.0, "mode": 1.85, "high": 4.6},
            "impact.delta": {"dist": "lognormal", "median": 0.15, "sigma": 0.3},
            "countries.USA.growth.g": {"dist": "choice", "values": [-0.01, 0.0, 0.02]},
        }
    )
    n = 2 * PPF_CHUNK + 5
    u = np.random.default_rng(4).random((n, len(dists)))
    frame = to_params(dists, u)
    assert list(frame.columns) == list(dists) and len(frame) == n
    for k, (path, dist) in enumerate(dists.items()):
        assert np.array_equal(_bits(frame[path].to_numpy()), _bits(dist.ppf(u[:, k])))
    profile = validate_uncertainties(
        {"programs.m.profile": {"dist": "choice", "values": ["flat", "front_loaded"]}}
    )
    mixed = to_params({**dists, **profile}, np.random.default_rng(5).random((n, len(dists) + 1)))
    assert mixed["programs.m.profile"].isin(["flat", "front_loaded"]).all()
    assert mixed["impact.rho"].dtype == float


def test_iman_conover_reorders_as_the_ranks_of_the_scores():
    """Above the threaded size the reordering equals the textbook one: each column's sorted values
    taken at the ranks (argsort of argsort) of the correlated scores."""
    from scenarios.analysis.sampling.correlation import (
        THREADED_FROM,
        _pearson,
        impose_rank_correlation,
    )

    n, target = THREADED_FROM + 3, np.array([[1.0, 0.54], [0.54, 1.0]])
    u = np.random.default_rng(6).random((n, 2))
    rng = np.random.default_rng(9)
    scores = stats.norm.ppf(np.arange(1, n + 1) / (n + 1))
    s = np.column_stack([rng.permutation(scores) for _ in range(2)])
    t = s @ np.linalg.inv(np.linalg.cholesky(np.corrcoef(s, rowvar=False))).T
    t = t @ np.linalg.cholesky(_pearson(target)).T
    expected = np.take_along_axis(np.sort(u, axis=0), t.argsort(axis=0).argsort(axis=0), axis=0)
    got = impose_rank_correlation(u, target, seed=9)
    assert np.array_equal(_bits(got), _bits(expected))
    assert stats.spearmanr(got[:, 0], got[:, 1])[0] == pytest.approx(0.54, abs=0.01)
