"""Each program over the model years: its budgets, its stated plan and its pipeline, per block of
samples.

A program's launches come from rules the config states: a ``new_institute_budget`` (money, or an
institute pace), a ``plan`` (a target count by a year, then a pace), and the known launches in the
data. Nothing else adds institutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from scenarios.config.schema import Spec
from scenarios.errors import ConfigError
from scenarios.model.budgets import Funding, budget_path, take
from scenarios.model.inputs import Inputs, ProgramHistory
from scenarios.model.parameters import Parameters, ParameterView
from scenarios.model.pipeline import PipelineResult, run_pipeline


@dataclass(frozen=True)
class PlanPath:
    """A stated plan as institutes to launch each model year: ``target`` institutes by year ``by``,
    spread evenly over the years after the last known launch, then ``pace_after`` a year."""

    target: np.ndarray  # per sample, or (1,)
    pace_after: np.ndarray
    known: float  # institutes existing or known to launch (data)
    during: np.ndarray  # (T+1,): 1 / (number of target years) in each target year, else 0
    after: np.ndarray  # (T+1,): 1 in the years after ``by``, else 0

    def fill(self, out: np.ndarray, rows: slice, term: np.ndarray) -> None:
        """Institutes the plan launches for samples ``rows``, into ``out`` (samples, years), a year
        at a time; ``term`` is a work row. The pace is added in the years after ``by`` only (in
        the others it adds pace x 0: nothing, for any finite pace)."""
        remaining = np.maximum(take(self.target, rows) - self.known, 0.0)
        pace = take(self.pace_after, rows)
        for by_year, during, after in zip(out.T, self.during, self.after, strict=True):
            np.multiply(remaining, during, out=by_year)
            if after:
                np.multiply(pace, after, out=term)
                by_year += term


def plan_path(
    p: ParameterView, history: ProgramHistory, base_year: int, years: np.ndarray
) -> PlanPath | None:
    """The program's plan over ``years`` (base year first), or None when it states none."""
    if p.parameters.config_value(p.path("plan")) is None:
        return None
    by = int(p.parameters.config_value(p.path("plan.by")))
    first = max([base_year, *history.scheduled.tolist()]) + 1
    target_years = (years >= first) & (years <= by)
    during = target_years / max(int(target_years.sum()), 1)
    return PlanPath(
        target=p.get("plan.target", shared=True),
        pace_after=p.get("plan.pace_after", shared=True),
        known=float(history.n_existing + len(history.scheduled)),
        during=during,
        after=(years > by).astype(float),
    )


@dataclass(frozen=True)
class ProgramRun:
    """One program's budgets, plan and :func:`run_pipeline` arguments over all samples (per-sample
    arguments are (1,) when not sampled)."""

    country: str
    budget: Funding | None
    base_funding: Funding | None
    plan: PlanPath | None
    per_sample: dict[str, Any]  # keyword arguments of run_pipeline, arrays over samples
    fixed: dict[str, Any]  # and those shared by every sample


def program_run(
    spec: Spec, key: str, params: Parameters, inputs: Inputs, years: np.ndarray
) -> ProgramRun:
    """Program ``key`` of ``spec`` ready to project, for every sample of ``params``."""
    p = params.view(f"programs.{key}")
    history = inputs.programs[key]
    cost = p.get("cost_per_institute", 1.0, shared=True)
    budget = budget_path(spec, key, "new_institute_budget", cost, params, inputs, years)
    plan = plan_path(p, history, inputs.base_year, years)
    if (budget is not None or plan is not None) and not p.has("cost_per_institute"):
        raise ConfigError(
            "a program with a new_institute_budget or a plan needs cost_per_institute",
            path=p.path("cost_per_institute"),
        )
    per_sample = dict(
        cost=cost,
        funding_years=np.rint(p.get("funding_years", shared=True)).astype(int),
        profile=p.raw("profile", shared=True),
        match_ratio=p.get("match_ratio", shared=True),
        lag=np.rint(p.get("launch_lag", shared=True)).astype(int),
        cap=p.get("cap", np.inf, shared=True),
        survival=p.get("survival", shared=True),
        sustainment=p.get("sustainment", 0.0, shared=True),
    )
    fixed = dict(
        founding_years=history.founding_years,
        n_existing=history.n_existing,
        base_year=inputs.base_year,
        years=years[1:],
        scheduled=(history.scheduled[:, None] == years[None, 1:]).sum(axis=0).astype(float),
    )
    base_funding = budget_path(spec, key, "base_funding", cost, params, inputs, years)
    return ProgramRun(spec.programs[key].country, budget, base_funding, plan, per_sample, fixed)


class Work:
    """Scratch arrays for blocks of samples, one allocation per run reused by every block (fresh
    arrays of a block's size cost more in page faults than the arithmetic done on them)."""

    NAMES = ("budget", "term", "spend", "shocks", "rest of world", "institutes", "row")

    def __init__(self, n_years: int, n: int) -> None:
        self.buffer = np.empty((len(self.NAMES), n_years, n))

    def fits(self, n_years: int, n: int) -> bool:
        """Whether these arrays serve blocks of ``n`` samples over ``n_years``."""
        return self.buffer.shape[1] == n_years and self.buffer.shape[2] >= n

    def __call__(self, name: str, n: int) -> np.ndarray:
        """An (n, n_years) array, each year's samples contiguous, as the previous block left it."""
        return self.buffer[self.NAMES.index(name), :, :n].T


def _new_institute_budget(
    program: ProgramRun, rows: slice, n: int, work: Work
) -> np.ndarray | None:
    """The budget for new institutes of samples ``rows`` (years base..horizon): the program's
    budget plus its plan's institutes at their cost; None when it has neither."""
    if program.budget is None and program.plan is None:
        return None
    budget = work("budget", n)
    if program.budget is None:
        budget[:] = 0.0
    else:
        program.budget.fill(budget.T, rows, work("term", n).T)
    if program.plan is not None:
        term = work("term", n)
        program.plan.fill(term, rows, work("row", n)[:, 0])
        term *= take(program.per_sample["cost"], rows)[:, None]
        budget += term
    return budget


def project_program(program: ProgramRun, rows: slice, out: PipelineResult, work: Work) -> None:
    """One program for the samples ``rows``, into ``out`` (those rows, years base..horizon)."""
    n = len(out.launched)
    federal = out.spend_federal
    if program.base_funding is None:
        federal[:] = 0.0
    else:
        program.base_funding.fill(federal.T, rows, work("term", n).T)
    budget = _new_institute_budget(program, rows, n, work)
    per_sample: dict[str, Any] = {
        name: take(values, rows) for name, values in program.per_sample.items()
    }
    projected = PipelineResult(
        out.launched[:, 1:], out.active[:, 1:], federal[:, 1:], out.spend_total[:, 1:]
    )
    run_pipeline(
        budget=None if budget is None else budget[:, 1:],
        base_funding=federal[:, 1:],
        **per_sample,
        **program.fixed,
        out=projected,
    )
    out.launched[:, 0] = 0.0
    out.active[:, 0] = program.fixed["n_existing"]
    np.multiply(federal[:, 0], 1 + per_sample["match_ratio"], out=out.spend_total[:, 0])
