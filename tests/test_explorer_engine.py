"""The explorer's numbers are those of scenarios.api.run for the same setting; its export reproduces them."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import yaml

from scenarios import api
from scenarios.analysis.claims import future_metric, policy_effect
from scenarios.config.labels import describe
from scenarios.errors import ConfigError
from scenarios.outputs.explorer import Explorer, levers_for

N = 200
BUDGET = "programs.manufacturing_usa.new_institute_budget.total"
MATCH = "programs.manufacturing_usa.match_ratio"


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer("nnmi_full45", samples=N)


def _metric(run: api.Run, metric: str, end: int, statistic: str = "p50") -> float:
    m = run.metrics
    row = m[
        (m["metric"] == metric)
        & (m["country"] == "USA")
        & (m["end"] == end)
        & (m["statistic"] == statistic)
    ]
    return float(row["value"].iloc[0])


def _shown(answer, quantity: str, year) -> pd.Series:
    table = answer.headline
    return table[(table["quantity"] == quantity) & (table["year"] == year)].iloc[0]


def test_levers_carry_the_registry_labels(explorer):
    budget = next(lever for lever in explorer.levers if lever.path == BUDGET)
    assert budget.label == describe(BUDGET).label
    assert budget.units == describe(BUDGET).units
    assert budget.start == 1890


def test_budget_lever_gives_the_numbers_of_api_run(explorer):
    answer = explorer.update({**explorer.values(), BUDGET: 1000})
    run = api.run("nnmi_full45", overrides=[f"{BUDGET}=1000"], samples=N, seed=explorer.seed)
    for year in (2035, 2040):
        row = _shown(answer, "USA MVA gain", year)
        for statistic in ("p05", "p50", "p95"):
            assert row[statistic] == pytest.approx(
                _metric(run, "delta_mva", year, statistic), rel=1e-12
            )
    for cost in ("federal", "total"):
        bcr = _shown(answer, f"Benefit-cost ratio, {cost} cost", "to 2040")
        assert bcr["p50"] == pytest.approx(_metric(run, f"bcr_{cost}", 2040), rel=1e-12)


def test_claim_verdict_is_the_share_of_futures_where_it_holds(explorer):
    answer = explorer.update(explorer.values())
    run = api.run("nnmi_full45", samples=N, seed=explorer.seed)
    verdict = next(v for v in answer.verdicts if v.claim.id == "full45_raises_us_mva")
    metric = verdict.claim.metric
    values = policy_effect(
        future_metric(run.results, metric),
        future_metric(run.reference.results, metric),
        metric.change,
    )
    assert verdict.probability == pytest.approx(verdict.claim.holds_if.holds(values).mean())
    assert verdict.low <= verdict.probability <= verdict.high


def test_export_extends_the_start_with_only_the_changed_keys(explorer):
    text = explorer.export({**explorer.values(), BUDGET: 1000, MATCH: 3.0})
    document = yaml.safe_load(text)
    assert document["extends"] == "nnmi_full45.yaml"
    assert document["programs"] == {
        "manufacturing_usa": {"new_institute_budget": {"total": 1000.0}, "match_ratio": 3.0}
    }
    assert set(document["uncertainties"]) == {MATCH}  # the sampled match ratio's distribution moves


def test_exported_config_reproduces_the_explorer(explorer, tmp_path):
    setting = {**explorer.values(), BUDGET: 1200, MATCH: 3.0, "impact.rho": 0.25}
    answer = explorer.update(setting)
    path = tmp_path / "setting.yaml"
    path.write_text(explorer.export(setting))
    run = api.run(path, samples=N)
    assert _shown(answer, "USA MVA gain", 2035)["p50"] == pytest.approx(
        _metric(run, "delta_mva", 2035), rel=1e-12
    )
    shown = answer.bands["mva"][0][2]  # the scenario's median path
    np.testing.assert_allclose(
        shown, run.results["mva"].sel(country="USA").median("sample").values, rtol=1e-12
    )


def test_scenarios_run_on_the_export_gives_the_same_numbers(explorer, tmp_path):
    setting = {**explorer.values(), BUDGET: 800}
    answer = explorer.update(setting)
    path = tmp_path / "setting.yaml"
    path.write_text(explorer.export(setting))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "scenarios",
            "run",
            str(path),
            "--samples",
            str(N),
            "--no-plots",
            "--quiet",
            "--out",
            str(tmp_path / "runs"),
        ],
        check=True,
    )
    metrics = pd.read_csv(tmp_path / "runs" / "nnmi_full45_explore" / "metrics.csv")
    row = metrics[
        (metrics["metric"] == "delta_mva")
        & (metrics["country"] == "USA")
        & (metrics["end"] == 2035)
        & (metrics["statistic"] == "p50")
    ]
    assert _shown(answer, "USA MVA gain", 2035)["p50"] == pytest.approx(
        float(row["value"].iloc[0]), rel=1e-9
    )


def test_out_of_range_value_gives_the_schema_message(explorer):
    answer = explorer.update({**explorer.values(), "programs.manufacturing_usa.survival": 1.5})
    with pytest.raises(ConfigError) as expected:
        api.load_config("nnmi_full45", ["programs.manufacturing_usa.survival=1.5"])
    schema_says = str(expected.value).split(": ", 1)[
        1
    ]  # after the place: the command line, here the page
    assert answer.error.endswith(schema_says)
    assert (
        "programs.manufacturing_usa.survival: Input should be less than or equal to 1"
        in answer.error
    )


def test_unmoved_levers_change_nothing(explorer):
    assert explorer.changes(explorer.values()) == {}
    assert levers_for(explorer.start, {})  # a config's levers need no data to be listed


def test_a_moved_distribution_must_stay_within_the_schema(explorer):
    # the match ratio is sampled from triangular(1.0, 1.3, 4.6), median 2.16: at a median of 1.0
    # its low end would fall below the schema's minimum of 0
    answer = explorer.update({**explorer.values(), MATCH: 1.0})
    assert "uncertainties.programs.manufacturing_usa.match_ratio" in answer.error
    assert "Input should be greater than or equal to 0" in answer.error
    assert explorer.update({**explorer.values(), MATCH: 1.5}).error is None


def test_a_user_config_is_extended_by_its_full_path(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("extends: nnmi_full45\nname: mine\nimpact: {delta: 0.2}\n")
    explorer = Explorer(mine, samples=50)
    text = explorer.export({**explorer.values(), BUDGET: 900})
    assert yaml.safe_load(text)["extends"] == str(mine.resolve())
    out = tmp_path / "elsewhere" / "setting.yaml"
    out.parent.mkdir()
    out.write_text(text)
    answer = explorer.update({**explorer.values(), BUDGET: 900})
    run = api.run(out, samples=50)
    assert _shown(answer, "USA MVA gain", 2035)["p50"] == pytest.approx(
        _metric(run, "delta_mva", 2035), rel=1e-12
    )


@pytest.mark.parametrize(
    ("path", "value"),
    [("programs.manufacturing_usa.survival", 0.6), ("programs.manufacturing_usa.cap", 40)],
)
def test_an_assumption_lever_changes_both_worlds_as_api_run_does(explorer, path, value):
    """Not a policy lever: the scenario and its reference both take it (one world, two policies)."""
    answer = explorer.update({**explorer.values(), path: value})
    run = api.run("nnmi_full45", overrides=[f"{path}={value}"], samples=N, seed=explorer.seed)
    row = _shown(answer, "USA MVA gain", 2035)
    assert row["p50"] == pytest.approx(_metric(run, "delta_mva", 2035), rel=1e-12)
