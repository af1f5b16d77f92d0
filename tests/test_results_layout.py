"""The results dataset over the engine's arrays: sampled variables from the base year on, views
of the engine's memory; the history once per (country or program, observed year)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from scenarios import api
from scenarios.analysis.metrics.measures import cagr
from scenarios.data import load_dataset
from scenarios.model.engine import run_model
from scenarios.model.inputs import build_inputs
from scenarios.results import at_year, full_series, series_years, to_dataset


@pytest.fixture(scope="module")
def labelled():
    spec = api.load_config("nnmi_full45")
    inputs = build_inputs(spec, load_dataset())
    matrix = api.draw_samples(spec, 50, seed=3)
    output = run_model(spec, inputs, matrix)
    return output, to_dataset(spec, inputs, output, matrix), inputs


def test_sampled_variables_are_views_of_the_engines_arrays(labelled):
    output, ds, inputs = labelled
    assert ds["year"].to_numpy().tolist() == list(range(inputs.base_year, 2041))
    for c, country in enumerate(inputs.countries):
        assert np.shares_memory(ds["mva"].values, output.mva[country])
        assert_array_equal(ds["mva"].values[:, c], output.mva[country])
        assert_array_equal(ds["innovation_capital"].values[:, c], output.capital[country])
    for p, key in enumerate(ds["program"].to_numpy()):
        assert np.shares_memory(ds["spend_total"].values, output.programs[key].spend_total)
        assert_array_equal(ds["spend_total"].values[:, p], output.programs[key].spend_total)
    assert ds["mva"].nbytes == 50 * 4 * 18 * 8  # no history per sample


def test_full_series_puts_the_observed_history_before_the_model(labelled):
    _, ds, inputs = labelled
    base = inputs.base_year
    assert series_years(ds).tolist() == list(range(2010, 2041))
    usa = full_series(ds, "mva", country="USA")
    assert usa.dims == ("sample", "year") and usa.shape == (50, 31)
    observed = inputs.mva_observed["USA"]
    for year in (2010, 2016, base - 1):  # the same data in every sample
        assert_array_equal(usa.sel(year=year), np.full(50, observed[year]))
    assert_array_equal(usa.sel(year=slice(base, None)), ds["mva"].sel(country="USA"))
    assert bool(usa["projected"].sel(year=base + 1)) and not bool(usa["projected"].sel(year=base))
    spend = full_series(ds, "spend_federal", program="manufacturing_usa")
    assert np.isnan(spend.sel(year=slice(None, base - 1))).all()  # spend is not observed before
    active = full_series(ds, "institutes_active", program="manufacturing_usa").sel(year=2015)
    founded = load_dataset().founding_years("manufacturing_usa")
    assert_array_equal(active, np.full(50, (founded <= 2015).sum()))


def test_growth_of_the_base_year_from_the_observation_before_it(labelled):
    _, ds, inputs = labelled
    observed = inputs.mva_observed["CHN"]
    base = inputs.base_year
    by_hand = observed[base] / observed[base - 1] - 1
    assert_allclose(ds["growth"].sel(country="CHN", year=base), by_hand, rtol=1e-15)
    history = full_series(ds, "growth", country="CHN", sample=0).sel(year=2012)
    assert history.item() == pytest.approx(observed[2012] / observed[2011] - 1, rel=1e-15)


def test_a_window_that_starts_in_the_history_reads_the_observation(labelled):
    _, ds, inputs = labelled
    start = inputs.mva_observed["USA"][2015]
    end = ds["mva"].sel(country="USA", year=2035).to_numpy()
    by_hand = (end / start) ** (1 / 20) - 1
    assert_allclose(cagr(ds, 2015, 2035).sel(country="USA"), by_hand, rtol=1e-15)
    both = at_year(ds, "mva", [2015, 2035], country="USA")
    assert_array_equal(both.sel(year=2035), end)
