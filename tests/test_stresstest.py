"""Claims, stress tests and PRIM: planted truths, re-run breakevens, brute-force probabilities."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scenarios import ConfigError
from scenarios.analysis.claims import Claim, Condition, load_claims, wilson_interval
from scenarios.analysis.discovery import find_box
from scenarios.analysis.stress import Evaluator, breakeven, stress, stress_claim
from scenarios.data import load_dataset

CLAIMS = resources.files("scenarios") / "configs" / "claims"
CLAIM_FILE = Path(str(CLAIMS / "itif_full45.yaml"))


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def test_prim_recovers_a_planted_box():
    rng = np.random.default_rng(7)
    x = pd.DataFrame(rng.uniform(size=(3000, 4)), columns=["x1", "x2", "x3", "x4"])
    inside = (x["x1"] < 0.3) & (x["x2"] > 0.6)
    cases = np.where(inside, rng.uniform(size=3000) < 0.95, rng.uniform(size=3000) < 0.02)
    box = find_box(x, cases)
    assert box.coverage > 0.8 and box.density > 0.8, box
    assert set(box.limits.index) == {"x1", "x2"}
    assert box.limits.loc["x1", "max"] == pytest.approx(0.3, abs=0.03)
    assert box.limits.loc["x2", "min"] == pytest.approx(0.6, abs=0.03)
    assert box.describe().startswith("x1 < 0.")


def test_prim_reports_nothing_when_every_future_agrees():
    x = pd.DataFrame({"a": np.linspace(0, 1, 50)})
    assert find_box(x, np.zeros(50, dtype=bool)) is None


def test_wilson_interval_matches_the_textbook_formula():
    # 12 of 100 at 95 %: centre (0.12 + 1.92/100) / (1 + 3.84/100) etc. (Wilson 1927).
    z = 1.959964
    n, k = 100, 12
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    assert wilson_interval(k, n) == pytest.approx((centre - half, centre + half))
    assert wilson_interval(0, 50)[0] == 0.0


def test_conditions():
    assert Condition(op="<=", value=1).holds(np.array([0.5, 1, 2])).tolist() == [True, True, False]
    assert Condition(op="between", low=1, high=2).holds(np.array([0.5, 1.5, np.nan])).tolist() == [
        False,
        True,
        False,
    ]
    with pytest.raises(ValueError, match="low < high"):
        Condition(op="between", low=2, high=1)


def test_every_shipped_claim_file_loads_and_cites_a_source():
    files = sorted(p for p in CLAIMS.iterdir() if p.name.endswith(".yaml"))
    assert len(files) >= 5  # published figures (NIST Table 2, the CAGRs) are in the audit
    for path in files:
        for claim in load_claims(Path(str(path))).claims:
            assert claim.source, claim.id


def test_bad_claim_files_name_the_file_and_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\ntext: t\nsource: s\nscenario: baseline\nmetric: {name: cagr_gapp, a: CHN, b: USA}\n"
        "holds_if: {op: '<=', value: 0.01}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_claims(bad)
    assert (
        "bad.yaml" in str(err.value)
        and "metric.name" in str(err.value)
        and "cagr_gap" in str(err.value)
    )
    bad.write_text(
        "id: x\ntext: t\nsource: s\nmetric: {name: observed_cagr, country: USA, start: 2017, end: 2022}\n"
        "holds_if: {op: '<=', valu: 0.01}\n"
    )
    with pytest.raises(ConfigError, match="valu"):
        load_claims(bad)


def test_past_claims_recompute_published_figures(dataset):
    results = stress(Path(str(CLAIMS / "china_mic40.yaml")), dataset=dataset)
    mics = next(r for r in results if r.claim.id == "mics_33_by_2024")
    # Seed 001, Appendix A lists 33 MICs founded 2016-2024; NIST prints "at least 33".
    assert mics.values[0] == 33
    assert mics.verdict == "holds: recomputed 33 (>= 33); published 33, difference +0"


def _gap_claim() -> Claim:
    return load_claims(CLAIM_FILE).claims[
        0
    ]  # full45_closes_gap: cagr_gap CHN-USA 2025-2035 <= 0.01


def test_probability_agrees_with_an_independent_brute_force_count(dataset):
    claim = _gap_claim()
    result = stress_claim(
        claim, CLAIM_FILE, dataset, samples=400, seed=11, ci_width=1.0, n_breakeven=0
    )
    evaluator = Evaluator(claim, CLAIM_FILE, dataset)
    independent = evaluator(evaluator.draw(4000, seed=12345))
    brute = float((independent <= 0.01).mean())
    # two independent estimates of one probability: they differ by more than 3.3 standard errors of
    # the difference once in a thousand seeds (a 95 % interval would miss once in twenty)
    error = np.sqrt(brute * (1 - brute) * (1 / len(result.values) + 1 / len(independent)))
    assert abs(result.probability - brute) <= 3.3 * error, (result.probability, brute, error)


def test_breakeven_sits_on_the_threshold_when_rerun(dataset):
    claim = _gap_claim()
    evaluator = Evaluator(claim, CLAIM_FILE, dataset)
    found = breakeven(evaluator, evaluator.dists, "countries.USA.growth.g", 0.01)
    assert found.value is not None and found.low < found.value < found.high
    medians = {name: dist.median() for name, dist in evaluator.dists.items()}
    medians["countries.USA.growth.g"] = found.value
    rerun = evaluator(pd.DataFrame({k: [v] for k, v in medians.items()}))[0]
    assert rerun == pytest.approx(0.01, abs=1e-9)


def test_breakeven_reports_never_flipping(dataset):
    claim = _gap_claim()
    evaluator = Evaluator(claim, CLAIM_FILE, dataset)
    found = breakeven(evaluator, evaluator.dists, "impact.delta", 0.01)
    assert found.value is None and "never flips" in found.describe()


def test_by_year_curve_is_monotone_and_ends_at_the_probability(dataset):
    path = Path(str(CLAIMS / "china_mic40.yaml"))
    result = next(
        r for r in stress(path, samples=50, dataset=dataset) if r.claim.id == "mics_40_by_2030"
    )
    curve = result.curve
    assert np.all(np.diff(curve["probability"]) >= 0)
    assert curve["probability"].iloc[-1] == result.probability
    # china_mic_pace: 29 MICs by 2023, 4 known in 2024, then a pace of 3.0-4.0 a year (launch
    # lag 0): 36 in 2025; 40 in 2026 only at a pace of 3.5 or more; 42 or more in 2027.
    by_year = curve.set_index("year")["probability"]
    assert by_year.loc[2025] == 0
    assert 0 < by_year.loc[2026] < 1
    assert by_year.loc[2027] == 1


def test_a_shipped_claim_file_is_found_by_name_and_a_typo_gets_a_claim_hint():
    from scenarios.analysis.claims import resolve_claim_path

    found = resolve_claim_path("itif_full45")
    assert found.name == "itif_full45.yaml" and found.is_file()
    with pytest.raises(ConfigError) as caught:
        resolve_claim_path("itif_ful")
    message = str(caught.value)
    assert "claim file not found" in message and "did you mean 'itif_full45'" in message
    assert "nnmi_full45" not in message  # the hint names claim files, not scenarios


def test_a_yearly_metric_over_history_and_projection_reads_each_year_where_it_lies():
    """``by_year`` claims on MVA and active institutes: the observed value in the past years, the
    model's in the projected ones, per sample, as the results store them."""
    from scenarios import api
    from scenarios.analysis.claims import MetricRef
    from scenarios.analysis.claims.future import future_metric_by_year

    results = api.run("baseline", samples=5, seed=3).results
    years = np.array([2015, 2020, 2023, 2030, 2040])
    mva = future_metric_by_year(results, MetricRef(name="mva", country="USA"), years)
    observed = results["mva_observed"].sel(country="USA", observed_year=[2015, 2020])
    assert mva.shape == (5, 5)
    np.testing.assert_array_equal(mva[:, :2], np.tile(observed.to_numpy(), (5, 1)))
    projected = results["mva"].sel(country="USA", year=[2023, 2030, 2040]).to_numpy()
    np.testing.assert_array_equal(mva[:, 2:], projected)
    active = future_metric_by_year(
        results, MetricRef(name="institutes_active", program="china_mic"), np.array([2018, 2040])
    )
    past = results["institutes_active_observed"].sel(program="china_mic", observed_year=2018)
    assert np.all(active[:, 0] == float(past))
    np.testing.assert_array_equal(
        active[:, 1], results["institutes_active"].sel(program="china_mic", year=2040).to_numpy()
    )


def test_stress_figures_drawn_in_two_processes_are_the_files_of_one(tmp_path):
    from scenarios import api
    from scenarios.outputs.plotting.saving import save_figures
    from scenarios.outputs.stress import _figures

    every = _figures(api.stress("itif_full45", samples=60, max_samples=60), note="a note")
    kinds = ("probabilities", "_breakeven_0", "_prim_tradeoff", "_prim_box", "_by_year")
    jobs = [next(job for job in every if job[0].endswith(kind)) for kind in kinds]  # one of each
    written = {}
    for processes in (1, 2):
        folder = tmp_path / str(processes)
        folder.mkdir()
        save_figures([(draw, folder / f"{name}.png") for name, draw in jobs], processes, dict)
        written[processes] = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert written[1] == written[2]
    assert set(written[1]) == {f"{name}.png" for name, _ in jobs}


def test_a_claim_projects_only_the_countries_its_metric_reads(dataset, monkeypatch):
    """The CHN-USA gap claim runs China and the USA alone, with the numbers of every country's run."""
    from scenarios.analysis.stress import evaluator as module

    claim = _gap_claim()
    some = Evaluator(claim, CLAIM_FILE, dataset)
    monkeypatch.setattr(module, "countries_read", lambda refs: None)
    every = Evaluator(claim, CLAIM_FILE, dataset)
    assert (some.main.countries, every.main.countries) == (["USA", "CHN"], None)
    samples = some.draw(50, seed=3)
    assert np.array_equal(some(samples), every(samples))
