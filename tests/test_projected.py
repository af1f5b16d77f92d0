"""The lean results of a block (projected_dataset) against the whole results (to_dataset)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from scenarios import api
from scenarios.analysis.claims import MetricRef
from scenarios.analysis.projected import FIELDS, projected_dataset, reads_history
from scenarios.analysis.runs.execute import draw_samples
from scenarios.analysis.sensitivity.run import EngineOutputs, key_outputs, parse_output
from scenarios.data import load_dataset
from scenarios.model.engine import run_model
from scenarios.model.inputs import build_inputs
from scenarios.results import to_dataset

SHIPPED = sorted(p.stem for p in Path(str(resources.files("scenarios") / "configs")).glob("*.yaml"))
EVERY_METRIC = [
    "name=mva_ratio,a=CHN,b=USA,year=2030",
    "name=world_share,country=USA,year=2035",
    "name=institutes_established,program=manufacturing_usa,year=2030",
    "name=intensity_index,program=china_mic,year=2030",
    "name=cagr,country=DEU,start=2030,end=2040",
    "name=spend_federal_cumulative,program=china_mic",
    "name=crossover_year,a=DEU,b=USA",
]


@pytest.mark.parametrize("name", SHIPPED)
def test_projected_years_equal_the_whole_results_bit_for_bit(name):
    spec = api.load_config(name)
    inputs = build_inputs(spec, load_dataset(spec.data.path))
    samples = draw_samples(spec, 40, seed=1)
    output = run_model(spec, inputs, samples)
    whole = to_dataset(spec, inputs, output, samples)
    lean = projected_dataset(spec, inputs, output)
    assert lean["year"].values.tolist() == list(range(inputs.base_year, spec.horizon + 1))
    from_base = whole.sel(year=lean["year"])
    for variable in ["mva", *FIELDS]:
        assert lean[variable].dims == whole[variable].dims
        np.testing.assert_array_equal(lean[variable].values, from_base[variable].values)
    assert lean["projected"].values.tolist() == from_base["projected"].values.tolist()


@pytest.mark.parametrize("name", ["nnmi_full45", "china_mic40", "baseline_diffusion"])
def test_sensitivity_outputs_equal_those_of_the_whole_results(name):
    """Every kind of metric, its policy effect and the yearly paths, as with to_dataset."""
    spec = api.load_config(name)
    refs = [*key_outputs(spec), *map(parse_output, EVERY_METRIC)]
    engine = EngineOutputs(spec, name, refs, load_dataset(spec.data.path))
    assert engine._labels is projected_dataset
    samples = draw_samples(spec, 300, seed=2)[list(spec.uncertainties)]
    lean = engine(samples)
    engine._labels = to_dataset
    whole = engine(samples)
    for lean_part, whole_part in zip(lean, whole, strict=True):
        assert list(lean_part) == list(whole_part)
        for key, values in lean_part.items():
            np.testing.assert_array_equal(values, whole_part[key], err_msg=key)


def test_an_output_before_the_base_year_reads_the_whole_results():
    spec = api.load_config("nnmi_full45")
    past = MetricRef(name="mva", country="USA", year=2015)
    assert reads_history([past], 2023)
    assert not reads_history(key_outputs(spec), 2023)
    assert reads_history(key_outputs(spec), 2023, by_year=True)
    engine = EngineOutputs(spec, "nnmi_full45", [past], load_dataset(spec.data.path))
    assert engine._labels is to_dataset
