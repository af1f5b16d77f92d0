"""The solver against answers known by hand: a budget threshold set by the cost of an institute,
a claim no budget can make hold, monotone probabilities on common random numbers, the grid of
two levers, the error texts, the command line, and stress at the solved value."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from scenarios import ConfigError
from scenarios.analysis.claims import load_claims
from scenarios.analysis.solve import LeverWorlds, solve, solve_grid
from scenarios.analysis.stress import stress
from scenarios.analysis.stress.evaluator import Evaluator, claim_outcome
from scenarios.cli import app

BUDGET = "programs.manufacturing_usa.new_institute_budget.total"
COST = "programs.manufacturing_usa.cost_per_institute"

# One year of budget in 2015 dollars (no price conversion), an institute's cost uniform on
# [50, 150] with point value 100, launched a year after funding: k new institutes by 2030 need a
# budget of k x cost. With k = 5, P(holds) = P(cost <= T / 5) = (T / 5 - 50) / 100: T = 500 at
# P = 0.5 (and in the point run), T = 700 at P = 0.9.
SCENARIO = f"""
name: one_year_budget
extends: baseline.yaml
reference: baseline
programs:
  manufacturing_usa:
    new_institute_budget: {{total: 300, start: 2026, end: 2026, dollar_year: 2015}}
    cost_per_institute: 100
uncertainties:
  {COST}: {{dist: uniform, low: 50, high: 150}}
"""
# 17 institutes at the 2023 base year and SMART USA (2024) make 18 before any new one.
CLAIMS = """
argument: test
source: test
claims:
  - id: five_new_by_2030
    text: Five new institutes by 2030.
    scenario: one_year_budget
    metric: {name: institutes_established, program: manufacturing_usa, year: 2030}
    holds_if: {op: ">=", value: 23}
  - id: past_the_cap
    text: More institutes than the cap of 45 allows.
    scenario: one_year_budget
    metric: {name: institutes_established, program: manufacturing_usa, year: 2030}
    holds_if: {op: ">=", value: 46}
  - id: raises_mva
    text: The budget raises US MVA in 2035 by 0.01 %.
    scenario: one_year_budget
    metric: {name: mva, country: USA, year: 2035, reference: baseline, change: percent}
    holds_if: {op: ">=", value: 0.0001}
  - id: observed
    text: A past claim.
    metric: {name: observed_institutes, program: manufacturing_usa, year: 2022}
    holds_if: {op: ">=", value: 45}
"""


@pytest.fixture(scope="module")
def claim_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("solve")
    (folder / "one_year_budget.yaml").write_text(SCENARIO)
    path = folder / "claims.yaml"
    path.write_text(CLAIMS)
    return path


@pytest.fixture(scope="module")
def solved(claim_file):
    return solve(claim_file, "five_new_by_2030", BUDGET, bounds=(0, 2000), samples=1000, refine=4)


def test_budget_threshold_matches_the_cost_distribution(solved):
    by_target = {a.target: a for a in solved.answers}
    assert solved.direction == "smallest"
    assert by_target[0.5].value == pytest.approx(500, rel=0.03)
    assert by_target[0.9].value == pytest.approx(700, rel=0.03)
    assert by_target[0.9].probability >= 0.9 and by_target[0.9].n == 4000
    assert by_target[0.9].ci_low < 0.9 < by_target[0.9].ci_high
    point = by_target[None]
    assert point.found and 500 <= point.value <= 500 + 2000 / 16 / 2**12


def test_the_answer_is_the_empirical_quantile_of_the_futures_it_ran(claim_file, solved):
    # the smallest budget at which 90 % of the 4,000 refining futures fund five institutes:
    # five times the 3,600th smallest cost, to the bisection's precision
    worlds = LeverWorlds(_claim(claim_file, "five_new_by_2030"), claim_file)
    costs = Evaluator(worlds.claim, claim_file, worlds.dataset, world=worlds.world({})).draw(
        4000, 0
    )[COST]
    expected = 5 * np.sort(costs.to_numpy())[3600 - 1]
    found = next(a for a in solved.answers if a.target == 0.9).value
    assert expected <= found <= expected + 2000 / 16 / 2**12


def _claim(claim_file, claim_id):
    return next(c for c in load_claims(claim_file).claims if c.id == claim_id)


def test_no_budget_passes_the_cap_and_the_answer_says_so(claim_file):
    s = solve(claim_file, "past_the_cap", BUDGET, bounds=(0, 20000), samples=200, refine=1)
    assert not any(a.found for a in s.answers)
    assert all(a.value is None and a.probability == 0 for a in s.answers)
    lines = s.sentences()
    assert lines[0].startswith(
        "P >= 0.5: no Manufacturing USA: budget for new institutes in [0, 20,000]"
    )
    assert "P = 0.00 [0.00-0.02] at every value run: the lever does not move it" in lines[0]
    assert s.table()["found"].tolist() == [False, False, False]


def test_probability_is_monotone_on_common_random_numbers(claim_file):
    worlds = LeverWorlds(_claim(claim_file, "raises_mva"), claim_file)
    matrix = Evaluator(worlds.claim, claim_file, worlds.dataset, world=worlds.world({})).draw(
        300, 3
    )
    budgets = np.linspace(0, 3000, 7)
    holds = np.array(
        [claim_outcome(worlds.claim, worlds.evaluators({BUDGET: b})[0], matrix)[1] for b in budgets]
    )
    # every future that holds at a budget holds at every larger one, so P never falls
    assert (np.diff(holds.astype(int), axis=0) >= 0).all()
    p = holds.mean(axis=1)
    assert (np.diff(p) >= 0).all() and p[0] == 0 and 0 < p[-1]


def test_two_levers_give_a_monotone_grid_and_the_frontier(claim_file):
    g = solve_grid(
        claim_file,
        "five_new_by_2030",
        [COST, BUDGET],
        probabilities=[0.9],
        ranges=[(60, 140), (0, 1000)],
        samples=200,
        grid=5,
    )
    table = g.probability_grid()
    assert (np.diff(table.to_numpy(), axis=1) >= 0).all()  # more budget, more often
    frontier = g.table()
    # the lever is held at each cost (it leaves the ensemble): 5 x cost, on the 250-step grid
    point = frontier[frontier["kind"] == "point"].set_index("given")["value"]
    assert point[f"{COST}=60"] == 500 and point[f"{COST}=140"] == 750
    assert set(frontier.columns) >= {"claim", "lever", "target", "value", "found"}
    assert any("held at each value" in w for w in g.warnings)


def test_unknown_lever_lists_the_valid_ones(claim_file):
    with pytest.raises(ConfigError) as error:
        solve(
            claim_file, "five_new_by_2030", "programs.manufacturing_usa.new_institute_budget.totl"
        )
    text = str(error.value)
    assert f"did you mean '{BUDGET}'?" in text
    assert "programs.manufacturing_usa.match_ratio" in text and "--lever" in text


def test_claim_errors_name_the_choices(claim_file):
    with pytest.raises(ConfigError, match="claims in this file: five_new_by_2030, past_the_cap"):
        solve(claim_file, "five_new", BUDGET)
    with pytest.raises(ConfigError, match="about the observed data"):
        solve(claim_file, "observed", BUDGET)
    with pytest.raises(ConfigError, match="low < high"):
        solve(claim_file, "five_new_by_2030", BUDGET, bounds=(10, 1))


def test_stress_at_the_solved_value_reaches_the_target_and_less_below(claim_file, solved):
    value = next(a for a in solved.answers if a.target == 0.9).value
    kwargs = {"samples": 2000, "seed": 11, "max_samples": 2000}
    at = stress(claim_file, overrides=[f"{BUDGET}={value * 1.01}"], **kwargs)[0]
    below = stress(claim_file, overrides=[f"{BUDGET}={value * 0.8}"], **kwargs)[0]
    assert at.claim.id == "five_new_by_2030"
    assert at.probability >= 0.88  # new futures: the target within sampling error
    assert below.probability == pytest.approx((0.8 * value / 5 - 50) / 100, abs=0.04)


def test_cli_writes_solve_csv_plot_and_report(claim_file, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "solve",
            str(claim_file),
            "--claim",
            "five_new_by_2030",
            "--lever",
            BUDGET,
            "--probability",
            "0.9",
            "--range",
            "0",
            "2000",
            "--samples",
            "200",
            "--refine",
            "1",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "solve_five_new_by_2030"
    table = pd.read_csv(folder / "solve.csv")
    assert list(table.columns[:4]) == ["claim", "lever", "kind", "target"]
    assert {"value", "probability", "ci_low", "ci_high", "found"} <= set(table.columns)
    assert (folder / "plots" / "probability.png").stat().st_size > 10_000
    assert "What would it take" in (folder / "report.html").read_text()
    bad = CliRunner().invoke(
        app, ["solve", str(claim_file), "--claim", "five_new_by_2030", "--lever", "x.y"]
    )
    assert isinstance(bad.exception, ConfigError)  # main() prints it and exits 2
    assert "levers of this scenario's programs" in str(bad.exception)
