"""The engine-facing sensitivity layer: outputs, one engine call per design, the run folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml
from SALib.analyze import sobol as sobol_analyze
from typer.testing import CliRunner

from scenarios import api, register_growth
from scenarios.analysis.sensitivity.run import output_name, parse_output, run_sensitivity
from scenarios.analysis.sensitivity.testing_models import ISHIGAMI_S1, ISHIGAMI_ST, ishigami
from scenarios.cli import app
from scenarios.config.load import resolve_config_path
from scenarios.data import load_dataset
from scenarios.errors import ConfigError
from scenarios.model.growth import GROWTH

C = 1e-3  # growth = C * ishigami(x): MVA stays positive and, in the first projected year, affine
PARAMS = [f"countries.USA.growth.params.x{i}" for i in (1, 2, 3)]


@pytest.fixture(scope="module")
def ishigami_run(tmp_path_factory, shipped_dir):
    """A user growth component "ishigami" for the USA, its three params sampled U(-pi, pi)."""

    @register_growth("ishigami")
    def growth(params, history, years, base_year):
        x = np.column_stack([params.get(f"params.x{i}") for i in (1, 2, 3)])
        return np.repeat(C * ishigami(x)[:, None], len(years), axis=1)

    folder = tmp_path_factory.mktemp("ishigami")
    parent = yaml.safe_load((shipped_dir / "baseline.yaml").read_text())
    parent.pop("uncertainties")  # only the Ishigami inputs are uncertain, so the MIC budgets
    parent.pop("correlations")
    parent["programs"]["china_mic"].pop("unknown")  # lose their "unknown: needs a range" flag
    (folder / "baseline.yaml").write_text(yaml.safe_dump(parent))
    uniform = {"dist": "uniform", "low": -np.pi, "high": np.pi}
    config = {
        "name": "ishigami",
        "extends": "baseline.yaml",
        "countries": {
            "USA": {"growth": {"kind": "ishigami", "params": {"x1": 0, "x2": 0, "x3": 0}}}
        },
        "uncertainties": dict.fromkeys(PARAMS, uniform),
    }
    path = folder / "ishigami.yaml"
    path.write_text(yaml.safe_dump(config))
    try:
        first_year = api.run(path).results.attrs["base_year"] + 1
        output = f"name=mva,country=USA,year={first_year}"
        yield (
            run_sensitivity(path, "sobol", 2048, seed=7, outputs=[output], over_time=False),
            output_name(parse_output(output)),
        )
    finally:
        del GROWTH["ishigami"]


def test_user_component_reproduces_ishigami_indices(ishigami_run):
    run, output = ishigami_run
    ds = run.indices.sel(output=output)
    # Tolerance: the 95 % bootstrap half-width, floored at 0.01 (S1 of x3 is exactly 0).
    for index, exact in (("S1", ISHIGAMI_S1), ("ST", ISHIGAMI_ST)):
        error = np.abs(ds[index].to_numpy() - exact)
        assert np.all(error <= np.maximum(ds[f"{index}_conf"].to_numpy(), 0.01)), (index, error)


def test_engine_indices_equal_direct_salib_call(ishigami_run):
    run, output = ishigami_run
    y = run.analysis.outputs[output]
    x = run.analysis.params[PARAMS].to_numpy()
    slope, intercept = np.polyfit(ishigami(x), y, 1)
    np.testing.assert_allclose(y, intercept + slope * ishigami(x), rtol=1e-9)  # affine
    problem = {"num_vars": 3, "names": PARAMS, "bounds": [[-np.pi, np.pi]] * 3}
    direct = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=1)
    ds = run.indices.sel(output=output)
    for index in ("S1", "ST"):
        np.testing.assert_allclose(ds[index].to_numpy(), direct[index], rtol=1e-12)


def test_reproducible_by_seed():
    a, b, c = (run_sensitivity("nnmi_full45", "sobol", 16, seed=s) for s in (5, 5, 6))
    xr.testing.assert_identical(a.indices, b.indices)
    xr.testing.assert_identical(a.over_time, b.over_time)
    pd.testing.assert_frame_equal(a.tornado, b.tornado)
    assert not a.indices["ST"].equals(c.indices["ST"])


def test_a_crossover_in_no_sample_is_noted_as_never(write_config):
    # Without the learned growth draws (whose tails let the US overtake China in a rare future)
    fixed = "".join(
        f"  countries.{c}.growth.{g}: null\n"
        for c, g in (("USA", "g"), ("CHN", "g0"), ("DEU", "g"), ("WLD", "g"))
    )
    path = write_config(
        "full45_fixed_growth",
        f"name: full45_fixed_growth\nextends: nnmi_full45.yaml\nuncertainties:\n{fixed}",
    )
    result = run_sensitivity(path, "sobol", 16, seed=5)
    never = result.indices["note"].sel(output="crossover_year USA-CHN").item()
    assert never.startswith("not by 2040 in any sample") and "2041" not in never


def test_ensemble_sample_equals_deterministic_run():
    ensemble = api.run("nnmi_full45", samples=6, seed=11, with_reference=False)
    i = 4
    overrides = [
        f"{p}={ensemble.results[p].sel(sample=i).item()!r}" for p in ensemble.samples.columns
    ]
    single = api.run("nnmi_full45", overrides=overrides, with_reference=False)
    xr.testing.assert_allclose(
        ensemble.results["mva"].isel(sample=i, drop=True),
        single.results["mva"].isel(sample=0, drop=True),
    )


def test_cli_writes_the_api_indices(tmp_path: Path):
    args = ["-n", "16", "--seed", "2", "--output", "name=mva,country=DEU,year=2030"]
    result = CliRunner().invoke(app, ["sensitivity", "nnmi_full45", *args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "have not converged" in result.output  # the warning line at this small n
    folder = tmp_path / "nnmi_full45_sensitivity"
    written = pd.read_csv(folder / "indices.csv")
    same = api.sensitivity("nnmi_full45", n=16, seed=2, outputs=["name=mva,country=DEU,year=2030"])
    pd.testing.assert_frame_equal(written, same.to_frame(), check_exact=False, rtol=1e-12)
    assert "mva DEU 2030" in set(written["output"])
    for name in ("sensitivity.nc", "convergence.csv", "over_time.nc", "report.html"):
        assert (folder / name).is_file(), name
    assert "Sensitivity analysis" in (folder / "report.html").read_text()
    xr.testing.assert_allclose(xr.load_dataset(folder / "sensitivity.nc")["ST"], same.indices["ST"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name=mva,country=JPN", "metric 'mva' needs year"),
        ("name=gdp,country=JPN,year=2030", "unknown metric 'gdp'"),
        ("mva", "an output is name=METRIC,key=value"),
    ],
)
def test_bad_output_names_the_fix(text, message):
    with pytest.raises(ConfigError, match=message):
        parse_output(text)


def test_output_against_another_scenario_is_refused():
    with pytest.raises(ConfigError, match="another scenario than this config's reference"):
        run_sensitivity(
            "nnmi_full45",
            "sobol",
            16,
            outputs=["name=mva,country=USA,year=2030,reference=funding_cut"],
        )


def test_a_key_set_by_an_override_is_held_out_of_the_analysis(tmp_path):
    """``--set impact.rho=0.3`` analyses the others with rho at 0.3: the same indices as a config
    that fixes rho at 0.3 and drops its uncertainty (outputs of the scenario alone)."""
    from importlib import resources

    shipped = Path(str(resources.files("scenarios") / "configs"))
    child = tmp_path / "fixed_rho.yaml"
    child.write_text(
        f"extends: {shipped / 'nnmi_full45.yaml'}\nname: fixed_rho\nimpact:\n  rho: 0.3\n"
        "uncertainties:\n  impact.rho: null\n"
    )
    held = run_sensitivity(
        "nnmi_full45", "sobol", 64, overrides=["impact.rho=0.3"], over_time=False
    )
    fixed = run_sensitivity(child, "sobol", 64, over_time=False)
    assert "impact.rho" not in held.dists and list(held.dists) == list(fixed.dists)
    assert "impact.rho is held by --set: it is left out of the analysis" in held.warnings
    for output in ("mva USA 2035", "cagr_gap CHN-USA 2025-2035"):
        np.testing.assert_array_equal(
            held.indices["S1"].sel(output=output).values,
            fixed.indices["S1"].sel(output=output).values,
        )
    medians = [f"{k}={float(d.ppf(np.array([0.5]))[0])}" for k, d in held.dists.items()]
    with pytest.raises(ConfigError, match="holds every uncertain parameter"):
        run_sensitivity("nnmi_full45", "sobol", 64, overrides=[*medians, "impact.rho=0.3"])


def test_the_engine_projects_only_the_countries_the_outputs_read(monkeypatch):
    """Key outputs and yearly paths read the USA and China: the other countries are not run, and
    no number changes; a world share reads every country."""
    from scenarios.analysis.sensitivity import engine_outputs as module

    spec = api.load_config("nnmi_full45")
    file, dataset = str(resolve_config_path("nnmi_full45")), load_dataset()
    refs = module.key_outputs(spec)
    some = module.EngineOutputs(spec, file, refs, dataset)
    monkeypatch.setattr(module, "countries_read", lambda refs: None)
    every = module.EngineOutputs(spec, file, refs, dataset)
    assert (some.main.countries, some.reference.countries) == (["USA", "CHN"], ["USA", "CHN"])
    assert every.main.countries is None
    params = api.draw_samples(spec, 64)[list(spec.uncertainties)]
    (values, paths), (all_values, all_paths) = some(params), every(params)
    for name in all_values:
        np.testing.assert_array_equal(values[name], all_values[name])
    for name in all_paths:
        np.testing.assert_array_equal(paths[name], all_paths[name])
    monkeypatch.undo()
    share = parse_output("name=world_share,country=USA,year=2030")
    assert module.EngineOutputs(spec, file, [*refs, share], dataset).main.countries is None
