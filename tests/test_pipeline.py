"""The institute pipeline kernels against hand calculations, and inside shipped runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from scenarios import api
from scenarios.data import load_dataset
from scenarios.model.pipeline import (
    active_institutes,
    funding_profile,
    launch_institutes,
    new_institute_spend,
    run_pipeline,
)
from scenarios.results import full_series


def launch(budget, cost, room=np.inf, lag=0):
    """launch_institutes for one sample given plain lists/numbers."""
    budget = np.atleast_2d(np.asarray(budget, dtype=float))
    n = budget.shape[0]
    return launch_institutes(
        budget, np.full(n, float(cost)), np.full(n, float(room)), np.full(n, lag)
    )


# --- launch_institutes ---------------------------------------------------------------------------


@pytest.mark.parametrize("cost", [70.0, 0.1, 55.3, 1 / 3, 140.0])
@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
def test_budget_of_exactly_k_costs_launches_k(k: int, cost: float) -> None:
    lump = launch([k * cost, 0, 0], cost)
    assert lump.sum() == k
    assert lump[0, 0] == k
    # the same money spread over ten years adds up with rounding error (0.1 * 3 / 10 ...): still k
    spread = launch([k * cost / 10] * 10, cost)
    assert spread.sum() == k


def test_budget_just_short_of_k_costs_launches_k_minus_1() -> None:
    assert launch([3 * 70 - 0.01], 70).sum() == 2
    assert launch([0.3 - 1e-6], 0.1).sum() == 2


def test_carry_over_hand_sequence() -> None:
    # 100 a year, 70 each: available 100,130,160,120,150,110,140 -> 1,1,2,1,2,1,2 with
    # 30,60,20,50,10,40,0 left over: ten institutes for 700.
    assert_array_equal(launch([100] * 7, 70)[0], [1, 1, 2, 1, 2, 1, 2])


def test_lag_shifts_launches() -> None:
    # commitments as above, launched two years later; the last two commitments land past the horizon
    assert_array_equal(launch([100] * 7, 70, lag=2)[0], [0, 0, 1, 1, 2, 1, 2])
    assert_array_equal(launch([140, 0, 0, 0], 70, lag=3)[0], [0, 0, 0, 2])


def test_never_more_than_the_room() -> None:
    # room 3: 1, 1, then 160 could buy 2 but only 1 fits; the rest of the money stays unused
    assert_array_equal(launch([100] * 7, 70, room=3)[0], [1, 1, 1, 0, 0, 0, 0])
    assert launch([1e6], 70, room=0).sum() == 0
    assert launch([1e6], 70, room=-2).sum() == 0  # already past the cap: nothing, never negative


def test_zero_budget_launches_nothing() -> None:
    assert_array_equal(launch([0.0] * 5, 70), np.zeros((1, 5)))


def test_samples_are_independent_rows() -> None:
    budget = np.array([[100.0] * 7, [100.0] * 7, [0.0] * 7, [140.0] + [0.0] * 6])
    cost = np.array([70.0, 70.0, 70.0, 70.0])
    room = np.array([np.inf, 3.0, np.inf, np.inf])
    lag = np.array([0, 0, 0, 3])
    out = launch_institutes(budget, cost, room, lag)
    assert_array_equal(
        out, [[1, 1, 2, 1, 2, 1, 2], [1, 1, 1, 0, 0, 0, 0], [0] * 7, [0, 0, 0, 2, 0, 0, 0]]
    )


def closed_form(budget: np.ndarray, cost: float, room: float, lag: int) -> np.ndarray:
    """Cumulative launches: min(room, floor(cumulative budget lag years earlier / cost))."""
    committed = np.minimum(room, np.floor(np.cumsum(budget) / cost))
    committed = np.maximum(committed, 0)
    cumulative = np.concatenate([np.zeros(lag), committed])[: len(budget)]
    return cumulative


@settings(max_examples=150, deadline=None)
@given(
    budget=st.lists(st.floats(0, 500, allow_nan=False), min_size=1, max_size=15),
    extra=st.floats(0, 300, allow_nan=False),
    cost=st.floats(0.5, 200, allow_nan=False),
    room=st.integers(0, 50),
    lag=st.integers(0, 3),
)
def test_launch_properties(
    budget: list[float], extra: float, cost: float, room: int, lag: int
) -> None:
    base = np.array(budget)
    more = base.copy()
    more[0] += extra
    ratios = np.cumsum(more) / cost
    ratios0 = np.cumsum(base) / cost
    # stay away from exact multiples, where the closed form and the kernel's tolerance differ
    if np.any(np.abs(ratios - np.round(ratios)) < 1e-6) or np.any(
        np.abs(ratios0 - np.round(ratios0)) < 1e-6
    ):
        return
    got = launch(base, cost, room, lag)[0]
    got_more = launch(more, cost, room, lag)[0]
    assert np.all(got >= 0) and np.all(got == np.round(got))
    assert got.sum() <= room
    assert got_more.sum() >= got.sum()
    assert np.all(np.cumsum(got_more) >= np.cumsum(got))
    assert_array_equal(np.cumsum(got), closed_form(base, cost, room, lag))


# --- funding profile and spend -------------------------------------------------------------------


def test_front_loaded_profile_five_years() -> None:
    w = funding_profile(np.array(["front_loaded"], dtype=object), np.array([5]))
    assert_allclose(w[0], np.array([5, 4, 3, 2, 1]) / 15, rtol=0, atol=1e-15)


def test_flat_profile() -> None:
    w = funding_profile(np.array(["flat"], dtype=object), np.array([4]))
    assert_allclose(w[0], [0.25, 0.25, 0.25, 0.25], rtol=0, atol=1e-15)


def test_mixed_profiles_and_lengths_per_sample() -> None:
    kinds = np.array(["front_loaded", "flat", "front_loaded"], dtype=object)
    w = funding_profile(kinds, np.array([3, 5, 7]))
    assert w.shape == (3, 7)
    assert_allclose(w.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    assert_allclose(w[0], [3 / 6, 2 / 6, 1 / 6, 0, 0, 0, 0], atol=1e-15)
    assert_allclose(w[1], [0.2] * 5 + [0, 0], atol=1e-15)
    assert_allclose(w[2], np.array([7, 6, 5, 4, 3, 2, 1]) / 28, atol=1e-15)


def test_new_institute_spend_one_institute() -> None:
    launched = np.zeros((1, 8))
    launched[0, 0] = 1
    weights = funding_profile(np.array(["front_loaded"], dtype=object), np.array([5]))
    spend = new_institute_spend(launched, np.array([70.0]), weights)
    expected = 70 * np.array([5, 4, 3, 2, 1, 0, 0, 0]) / 15  # 23.33, 18.67, 14, 9.33, 4.67
    assert_allclose(spend[0], expected, rtol=1e-14, atol=1e-12)
    assert spend.sum() == pytest.approx(70.0, rel=1e-14)


def test_new_institute_spend_cohorts_add_up() -> None:
    # two samples: cohorts of 2 (year 0) and 1 (year 2); flat 2-year profile at cost 10 and 30
    launched = np.array([[2.0, 0, 1, 0, 0], [0, 1.0, 0, 0, 0]])
    weights = funding_profile(np.array(["flat", "flat"], dtype=object), np.array([2, 2]))
    spend = new_institute_spend(launched, np.array([10.0, 30.0]), weights)
    assert_allclose(spend, [[10, 10, 5, 5, 0], [0, 15, 15, 0, 0]], atol=1e-12)


# --- active institutes ---------------------------------------------------------------------------


def test_active_institutes_hand_example() -> None:
    # 10 established institutes, two of them still federally funded: they exit in 2025 and 2027.
    # New: 2 launched in 2024, 1 in 2026, 3 funding years (exit 2027 and 2029), survival 0.8.
    years = np.arange(2024, 2032)
    launched = np.zeros((1, 8))
    launched[0, 0], launched[0, 2] = 2, 1
    active = active_institutes(
        launched, np.array([3]), np.array([0.8]), np.array([[2025, 2027]]), 10, years
    )
    #        2024  2025        2026        2027              2028   2029              2030  2031
    hand = [12.0, 12 - 0.2, 13 - 0.2, 13 - 0.2 * 4, 13 - 0.8, 13 - 0.2 * 5, 12.0, 12.0]
    assert_allclose(active[0], hand, rtol=1e-14)


def test_run_pipeline_pending_exits_from_founding_years() -> None:
    # founded 2015 (exit 2020: already survived), 2020 (exit 2025), 2023 (exit 2028); survival 0.5
    years = np.arange(2024, 2031)
    n_years = len(years)
    result = run_pipeline(
        budget=np.zeros((1, n_years)),
        base_funding=np.full((1, n_years), 100.0),
        cost=np.array([70.0]),
        funding_years=np.array([5]),
        profile=np.array(["front_loaded"], dtype=object),
        match_ratio=np.array([1.5]),
        lag=np.array([1]),
        cap=np.array([45.0]),
        survival=np.array([0.5]),
        founding_years=np.array([2015, 2020, 2023]),
        n_existing=3,
        base_year=2023,
        years=years,
    )
    assert_allclose(result.active[0], [3, 2.5, 2.5, 2.5, 2.0, 2.0, 2.0])
    assert_array_equal(result.launched, 0)
    assert_allclose(result.spend_federal, 100.0)
    assert_allclose(result.spend_total, 250.0)  # federal x (1 + match)


# --- the pipeline inside shipped scenarios -------------------------------------------------------


def test_historical_counts_in_the_data() -> None:
    data = load_dataset()
    mic = data.founding_years("china_mic")
    assert mic.size == 33  # seed 001 Appendix A
    assert mic.max() <= 2024
    assert data.founding_years("manufacturing_usa").size == 18


def test_observed_active_institutes_equal_cumulative_foundings(full45_run) -> None:
    ds = full45_run.results
    data = load_dataset()
    observed = np.arange(2010, ds.attrs["base_year"] + 1)
    for program in ("manufacturing_usa", "china_mic"):
        founded = data.founding_years(program)
        hand = [(founded <= y).sum() for y in observed]
        active = full_series(ds, "institutes_active", sample=0, program=program)
        assert_array_equal(active.sel(year=observed).to_numpy(), hand)
        launched = full_series(ds, "institutes_launched", sample=0, program=program)
        launched = launched.sel(year=observed).to_numpy()
        assert_array_equal(launched[1:], [(founded == y).sum() for y in observed[1:]])


def _budget_per_year(deflator_2017: float) -> float:
    # $1,890M in 2017 dollars spread evenly over 2026-2035, in constant 2015 USD
    return 1890 / 10 / deflator_2017


def test_full45_launches_floor_budget_over_cost(full45_run) -> None:
    ds = full45_run.results.isel(sample=0)
    base = full45_run.results.attrs["base_year"]
    deflator = float(ds["deflator"].sel(economy="USA", observed_year=2017))
    existing = int(ds["institutes_active"].sel(program="manufacturing_usa", year=base))
    assert existing == 17  # the 18th (SMART USA) was founded in 2024: a known launch after the base
    cost = 68  # $70M in 2017 dollars at 2015 prices (baseline.yaml)
    expected = min(math.floor(10 * _budget_per_year(deflator) / cost), 45 - existing - 1)
    launched = ds["institutes_launched"].sel(program="manufacturing_usa", year=ds["year"] > base)
    assert launched.sel(year=2024).item() == 1
    assert launched.sum().item() - 1 == expected == 27
    # year by year: commitments each year from 2026 on, launched a year later (hand carry-over)
    available, hand = 0.0, {}
    for year in range(2026, 2036):
        available += _budget_per_year(deflator)
        k = math.floor(available / cost)
        available -= k * cost
        hand[year + 1] = k
    assert {y: launched.sel(year=y).item() for y in hand} == hand


def test_full45_never_exceeds_the_cap() -> None:
    # at $40M an institute the budget would buy 45 more: the cap of 45 (28 new ones) binds
    run = api.run(
        "nnmi_full45",
        overrides=["programs.manufacturing_usa.cost_per_institute=40"],
        with_reference=False,
    )
    ds = run.results.isel(sample=0).sel(program="manufacturing_usa")
    base = run.results.attrs["base_year"]
    deflator = float(ds["deflator"].sel(economy="USA", observed_year=2017))
    assert math.floor(10 * _budget_per_year(deflator) / 40) > 28
    projected = ds["year"] > base
    assert ds["institutes_launched"].sel(year=projected).sum().item() == 28
    assert float(ds["institutes_active"].max()) <= 45
    established = (
        ds["institutes_active"].sel(year=base).item()
        + ds["institutes_launched"].sel(year=projected).cumsum()
    )
    assert float(established.max()) == 45


def test_full45_federal_spend_of_new_institutes_is_launched_times_cost(full45_run) -> None:
    ours = full45_run.results.isel(sample=0).sel(program="manufacturing_usa")
    reference = full45_run.reference.results.isel(sample=0).sel(program="manufacturing_usa")
    projected = ours["year"] > ours.attrs["base_year"]
    extra = (ours["spend_federal"] - reference["spend_federal"]).sel(year=projected)
    # the institute known to launch in 2024 is funded from the base, not the new budget
    launched = ours["institutes_launched"].sel(year=projected).sum().item() - 1
    # the last cohort launches in 2036 and its five funded years end in 2040, the horizon
    assert extra.sum().item() == pytest.approx(launched * 68, rel=1e-12)
    assert float(extra.min()) >= -1e-9
    # the match multiplies: total = federal x (1 + 2.375) until the first new cohort (launched in
    # 2027) exits in 2032; from then on its survivors' own budgets come on top
    # (tests/test_model_components.py checks them by hand)
    matched = ours["spend_federal"] * 3.375
    assert_allclose(
        ours["spend_total"].sel(year=slice(2024, 2031)), matched.sel(year=slice(2024, 2031))
    )
    assert bool((ours["spend_total"] > matched + 1).sel(year=slice(2032, None)).all())


def test_china_mic40_reaches_40_and_stops() -> None:
    # 29 MICs by 2023 and 4 known in 2024 (Appendix A); 7 more in 2025 reach the cap of 40
    ds = (
        api.run("china_mic40", with_reference=False).results.isel(sample=0).sel(program="china_mic")
    )
    active = ds["institutes_active"].sel(year=[2023, 2024, 2025, 2030, 2040]).to_numpy()
    assert_array_equal(active, [29, 33, 40, 40, 40])
    assert ds["institutes_launched"].sel(year=slice(2026, None)).sum().item() == 0
