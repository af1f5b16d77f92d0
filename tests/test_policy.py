"""One world, two policies: overrides apply to a scenario and its reference alike, except the
policy levers (the keys in which the two differ); the manifest, report and terminal name the policy."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from scenarios import api
from scenarios.analysis.blockwise import reference_side
from scenarios.api import load_config
from scenarios.cli import app
from scenarios.config.load import (
    is_lever,
    policy_differences,
    resolve_config_path,
    shared_overrides,
)
from scenarios.data import load_dataset

ASSUMPTIONS = ["impact.rho=0.3", "countries.USA.growth.g=0.03"]
BUDGET = "programs.manufacturing_usa.new_institute_budget"


def test_the_policy_of_nnmi_full45_is_its_new_institute_budget() -> None:
    policy = policy_differences(load_config("nnmi_full45"), load_config("baseline"))
    assert list(policy) == [BUDGET]
    ours, theirs = policy[BUDGET]
    assert (ours["total"], ours["start"], ours["end"], theirs) == (1890, 2026, 2035, None)


def test_policy_keys_of_funding_cut_are_leaves() -> None:
    policy = policy_differences(load_config("funding_cut"), load_config("baseline"))
    assert policy == {
        "programs.manufacturing_usa.base_funding.end": (2025, 2040),
        "programs.manufacturing_usa.survival": (0.8, 0.95),
    }


@pytest.mark.parametrize(
    ("override", "lever"),
    [
        ("impact.rho=0.3", False),
        ("programs.manufacturing_usa.cap=40", False),
        (f"{BUDGET}.total=3000", True),  # below a policy key
        (f"{BUDGET}={{annual: 10, start: 2030, end: 2031}}", True),
        ("programs.manufacturing_usa={}", True),  # above it
    ],
)
def test_an_override_is_a_lever_when_it_touches_a_policy_key(override: str, lever: bool) -> None:
    assert is_lever(override, [BUDGET]) is lever


def test_shared_overrides_keep_the_assumptions_and_drop_the_levers() -> None:
    overrides = [*ASSUMPTIONS, f"{BUDGET}.total=3000"]
    assert (
        shared_overrides(overrides, load_config("nnmi_full45"), load_config("baseline"))
        == ASSUMPTIONS
    )


def _mva_2040(run: api.Run):
    return run.results["mva"].sel(year=2040).isel(sample=0)


@pytest.mark.parametrize("override", ASSUMPTIONS)
def test_an_assumption_changes_both_sides(override: str) -> None:
    """The issue's check: China gains nothing from a US policy, and the US gain equals the
    difference of two explicit runs under the same assumption."""
    run = api.run("nnmi_full45", overrides=[override])
    delta = run.metrics.query("metric == 'delta_mva' and end == 2040").set_index("country")["value"]
    scenario = _mva_2040(api.run("nnmi_full45", overrides=[override], with_reference=False))
    reference = _mva_2040(api.run("baseline", overrides=[override]))
    assert delta["CHN"] == 0
    assert delta["USA"] == pytest.approx(
        float(scenario.sel(country="USA") - reference.sel(country="USA")), rel=1e-12
    )
    assert delta["USA"] > 0
    assert run.reference.spec == load_config("baseline", [override]).model_copy(
        update={"seed": run.spec.seed}
    )


def test_a_lever_changes_the_scenario_alone() -> None:
    run = api.run("nnmi_full45", overrides=[f"{BUDGET}.total=3000", "impact.rho=0.3"])
    assert run.spec.programs["manufacturing_usa"].new_institute_budget.total == 3000
    assert run.reference.spec.programs["manufacturing_usa"].new_institute_budget is None
    assert run.reference.spec.impact.rho == 0.3


def test_ensembles_share_the_draws_and_the_overrides() -> None:
    run = api.run("nnmi_full45", overrides=["countries.CHN.growth.g_lr=0.02"], samples=16, seed=3)
    ref = run.reference.results
    for path in run.samples.columns:
        np.testing.assert_array_equal(run.results[path].values, ref[path].values)
    assert run.reference.spec.countries["CHN"].growth.g_lr == 0.02
    delta = run.metrics.query("metric == 'delta_mva' and country == 'CHN'")["value"]
    assert (delta == 0).all()


def test_an_ensemble_holds_a_sampled_key_that_set_gives_and_keeps_the_other_draws(
    tmp_path,
) -> None:
    """``--set impact.rho=0.3`` on an ensemble that samples rho: every sample runs at 0.3 (the
    deterministic engine on that sample's other draws and rho 0.3 gives the same MVA), and the
    other parameters are the draws of the config as written."""
    free = api.run("nnmi_full45", samples=20, seed=2)
    held = api.run("nnmi_full45", overrides=["impact.rho=0.3"], samples=20, seed=2)
    assert "impact.rho" not in held.samples.columns
    others = free.samples.drop(columns="impact.rho")
    np.testing.assert_array_equal(held.samples.to_numpy(), others.to_numpy())
    one = api.run("nnmi_full45", samples=others.iloc[[7]].assign(**{"impact.rho": 0.3}))

    def us_2040(run, i):
        return float(run.results["mva"].sel(country="USA", year=2040)[i])

    assert us_2040(held, 7) == us_2040(one, 0)
    assert us_2040(free, 7) != us_2040(held, 7)
    assert held.warnings == [
        "impact.rho is held at 0.3 by --set: the ensemble does not draw it (the other "
        "parameters keep the draws of the config as written)"
    ]
    chunked = api.run_ensemble(
        "nnmi_full45", overrides=["impact.rho=0.3"], samples=20, seed=2, chunks=2, out_dir=tmp_path
    )
    assert chunked.warnings == held.warnings
    np.testing.assert_array_equal(chunked.results["mva"].values, held.results["mva"].values)
    replayed = api.run_from_manifest(api.save(held, tmp_path, plots=False) / "manifest.json")
    np.testing.assert_array_equal(replayed.results["mva"].values, held.results["mva"].values)


def test_sensitivity_and_chunked_references_take_the_shared_overrides() -> None:
    spec = load_config("nnmi_full45", ["impact.rho=0.3"])
    side = reference_side(
        spec,
        str(resolve_config_path("nnmi_full45")),
        list(spec.uncertainties),
        load_dataset(),
        overrides=["impact.rho=0.3", f"{BUDGET}.total=3000"],
    )
    assert side.spec.impact.rho == 0.3
    assert side.spec.programs["manufacturing_usa"].new_institute_budget is None


def test_manifest_report_and_terminal_name_the_policy(tmp_path) -> None:
    result = CliRunner().invoke(
        app, ["run", "nnmi_full45", "--set", "impact.rho=0.3", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "policy (what differs from baseline" in result.output
    assert f"{BUDGET}: {{total: 1890.0, start: 2026" in " ".join(result.output.split())
    manifest = json.loads((tmp_path / "nnmi_full45" / "manifest.json").read_text())
    assert (
        manifest["config"]["impact"]["rho"] == manifest["reference_config"]["impact"]["rho"] == 0.3
    )
    assert [row["key"] for row in manifest["policy"]] == [BUDGET]
    report = (tmp_path / "nnmi_full45" / "report.html").read_text()
    assert "The policy: what differs from baseline" in report and BUDGET in report


def test_rerun_from_the_manifest_keeps_the_reference(tmp_path) -> None:
    run = api.run("nnmi_full45", overrides=["countries.USA.growth.g=0.03"])
    path = api.save(run, tmp_path, plots=False)
    again = api.run_from_manifest(path / "manifest.json")
    assert again.reference.spec == run.reference.spec
    assert again.metrics["value"].equals(run.metrics["value"])


def test_chunked_ensembles_apply_the_same_rule(tmp_path) -> None:
    from scenarios.analysis.ensemble import run_chunked

    chunked = run_chunked(
        "nnmi_full45",
        samples=8,
        chunks=2,
        overrides=["countries.CHN.growth.g_lr=0.02"],
        out_dir=tmp_path,
    )
    manifest = json.loads((chunked.path / "manifest.json").read_text())
    assert manifest["reference_config"]["countries"]["CHN"]["growth"]["g_lr"] == 0.02
    assert list(chunked.policy) == [BUDGET]
    delta = chunked.metrics.query("metric == 'delta_mva' and country == 'CHN'")["value"]
    assert (delta == 0).all()


def test_rerun_from_the_manifest_with_an_override_changes_both_sides(tmp_path) -> None:
    path = api.save(api.run("nnmi_full45"), tmp_path, plots=False)
    again = api.run_from_manifest(
        path / "manifest.json", overrides=["impact.rho=0.3", f"{BUDGET}.total=3000"]
    )
    direct = api.run("nnmi_full45", overrides=["impact.rho=0.3", f"{BUDGET}.total=3000"])
    assert again.reference.spec.impact.rho == 0.3
    assert again.reference.spec.programs["manufacturing_usa"].new_institute_budget is None
    assert np.array_equal(
        again.metrics["value"].to_numpy(), direct.metrics["value"].to_numpy(), equal_nan=True
    )
