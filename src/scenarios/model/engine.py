"""The vectorized model: arrays over (sample, year) per country and program; loops over years only.

``run_model(spec, inputs, samples)`` returns :class:`ModelOutput`, plain arrays over the model
years (the base year, then every projected year). ``results.to_dataset`` labels them. The arrays
are allocated once and Fortran-ordered (each year's samples contiguous, as the per-year loops
want); each block of samples is computed straight into its rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scenarios.config.schema import Budget, Spec
from scenarios.errors import ConfigError, ModelError, ScenariosError
from scenarios.model.growth import GROWTH, ar1_noise
from scenarios.model.impact import IMPACT, ImpactFn, innovation_capital
from scenarios.model.inputs import WORLD, Inputs
from scenarios.model.money import CURRENCY_ECONOMY, to_constant_usd
from scenarios.model.parameters import Parameters
from scenarios.model.pipeline import PipelineResult, run_pipeline


@dataclass(frozen=True)
class ModelOutput:
    """Model arrays over years base..horizon; country arrays (n, T+1), program arrays (n, T+1)."""

    years: np.ndarray
    mva: dict[str, np.ndarray]
    mva_baseline: dict[str, np.ndarray]
    capital: dict[str, np.ndarray]
    programs: dict[str, PipelineResult]


@dataclass(frozen=True)
class _Budget:
    """A program budget: its segments over the model years and, per sample, an institute's cost
    and the budget's scale."""

    segments: list[
        tuple[np.ndarray, bool, float]
    ]  # (path, paid per institute, the segment's own scale)
    cost: np.ndarray
    scale: np.ndarray
    path: (
        np.ndarray | None
    )  # the segments' sum when none is paid per institute (the same for every sample)

    def fill(self, by_year: np.ndarray, rows: slice, term: np.ndarray) -> None:
        """The budget of samples ``rows`` in constant 2015 USD million, into ``by_year`` (years, samples).

        The same sum as ``zeros + segment * own scale + ...``, segment by segment, times the scale.
        """
        scale = _take(self.scale, rows)
        if self.path is not None:
            np.multiply(self.path[:, None], scale, out=by_year)
            return
        by_year[:] = 0.0
        for path, per_institute, own_scale in self.segments:
            if per_institute:
                np.multiply(path[:, None], _take(self.cost, rows), out=term)
                term *= own_scale
                by_year += term
            else:
                by_year += (path * own_scale)[:, None]
        by_year *= scale


def _take(values: np.ndarray, rows: slice) -> np.ndarray:
    """The values of samples ``rows``: per-sample values sliced, a shared (1,) value as it is."""
    return values if len(values) == 1 else values[rows]


def _segment(
    budget: Budget, deflator: pd.Series, spec: Spec, where: str, years: np.ndarray
) -> tuple[np.ndarray, bool]:
    """One budget segment over ``years``: (path, paid per institute); per institute, the path counts
    institutes, otherwise it is constant 2015 USD million."""
    if budget.institutes_per_year is not None:
        return np.where(
            (years >= budget.start) & (years <= budget.end), budget.institutes_per_year, 0.0
        ), True
    path = to_constant_usd(budget, years, deflator, spec.money.exchange_rates)
    if not np.isfinite(path).all():
        raise ConfigError(
            f"no deflator for dollar_year {budget.dollar_year}",
            path=f"{where}.dollar_year",
            value=budget.dollar_year,
            hint=f"use a year from {int(deflator.index.min())} on",
        )
    return path, False


def budget_path(
    spec: Spec,
    key: str,
    field: str,
    cost: np.ndarray,
    params: Parameters,
    inputs: Inputs,
    years: np.ndarray,
) -> _Budget | None:
    """A program budget (all segments), or None when the program has none."""
    budget = getattr(spec.programs[key], field)
    if budget is None:
        return None
    segments = budget if isinstance(budget, list) else [budget]
    parts = []
    for i, segment in enumerate(segments):
        deflator = inputs.deflators[CURRENCY_ECONOMY[segment.currency]]
        where = f"programs.{key}.{field}" + (f"[{i}]" if isinstance(budget, list) else "")
        own_scale = (
            segment.scale if isinstance(budget, list) else 1.0
        )  # a single budget's scale is a parameter
        parts.append((*_segment(segment, deflator, spec, where, years), own_scale))
    path = None
    if not any(per_institute for _, per_institute, _ in parts):
        path = np.zeros(len(years))
        for segment_path, _, own_scale in parts:
            path = path + segment_path * own_scale
    return _Budget(parts, cost, params.get(f"programs.{key}.{field}.scale", 1.0, shared=True), path)


@dataclass(frozen=True)
class _Program:
    """One program's budgets and :func:`run_pipeline` arguments over all samples (per-sample
    arguments are (1,) when not sampled)."""

    country: str
    budget: _Budget | None
    base_funding: _Budget | None
    per_sample: dict[str, Any]  # keyword arguments of run_pipeline, arrays over samples
    fixed: dict[str, Any]  # and those shared by every sample


def _program(
    spec: Spec, key: str, params: Parameters, inputs: Inputs, years: np.ndarray
) -> _Program:
    p = params.view(f"programs.{key}")
    history = inputs.programs[key]
    cost = p.get("cost_per_institute", 1.0, shared=True)
    budget = budget_path(spec, key, "new_institute_budget", cost, params, inputs, years)
    if budget is not None and not p.has("cost_per_institute"):
        raise ConfigError(
            "a program with a new_institute_budget needs cost_per_institute",
            path=p.path("cost_per_institute"),
        )
    cap = p.get("cap", np.inf, shared=True)
    base_funding = budget_path(spec, key, "base_funding", cost, params, inputs, years)
    match = p.get("match_ratio", shared=True)
    per_sample = dict(
        cost=cost,
        funding_years=np.rint(p.get("funding_years", shared=True)).astype(int),
        profile=p.raw("profile", shared=True),
        match_ratio=match,
        lag=np.rint(p.get("launch_lag", shared=True)).astype(int),
        cap=cap,
        survival=p.get("survival", shared=True),
    )
    fixed = dict(
        founding_years=history.founding_years,
        n_existing=history.n_existing,
        base_year=inputs.base_year,
        years=years[1:],
        scheduled=(history.scheduled[:, None] == years[None, 1:]).sum(axis=0).astype(float),
    )
    return _Program(spec.programs[key].country, budget, base_funding, per_sample, fixed)


class _Work:
    """Scratch arrays for blocks of samples, one allocation per run reused by every block (fresh
    arrays of a block's size cost more in page faults than the arithmetic done on them)."""

    NAMES = ("budget", "term", "spend", "shocks", "rest of world")

    def __init__(self, n_years: int, n: int) -> None:
        self.buffer = np.empty((len(self.NAMES), n_years, n))

    def __call__(self, name: str, n: int) -> np.ndarray:
        """An (n, n_years) array, each year's samples contiguous, as the previous block left it."""
        return self.buffer[self.NAMES.index(name), :, :n].T


def _project_program(program: _Program, rows: slice, out: PipelineResult, work: _Work) -> None:
    """One program for the samples ``rows``, into ``out`` (those rows, years base..horizon)."""
    n = len(out.launched)
    federal = out.spend_federal
    if program.base_funding is None:
        federal[:] = 0.0
    else:
        program.base_funding.fill(federal.T, rows, work("term", n).T)
    budget = None
    if program.budget is not None:
        budget = work("budget", n)
        program.budget.fill(budget.T, rows, work("term", n).T)
        budget = budget[:, 1:]
    per_sample: dict[str, Any] = {
        name: _take(values, rows) for name, values in program.per_sample.items()
    }
    projected = PipelineResult(
        out.launched[:, 1:], out.active[:, 1:], federal[:, 1:], out.spend_total[:, 1:]
    )
    run_pipeline(
        budget=budget, base_funding=federal[:, 1:], **per_sample, **program.fixed, out=projected
    )
    out.launched[:, 0] = 0.0
    out.active[:, 0] = program.fixed["n_existing"]
    np.multiply(federal[:, 0], 1 + per_sample["match_ratio"], out=out.spend_total[:, 0])


def _baseline_mva(
    spec: Spec,
    country: str,
    params: Parameters,
    inputs: Inputs,
    draws: np.ndarray | None,
    out: np.ndarray,
    work: _Work,
) -> None:
    """Baseline MVA of ``country`` over years base..horizon, into ``out`` (n, T+1)."""
    growth_spec = spec.countries[country].growth
    if growth_spec.kind not in GROWTH:
        raise ConfigError(
            f"unknown growth kind {growth_spec.kind!r}",
            path=f"countries.{country}.growth.kind",
            value=growth_spec.kind,
            hint=f"registered: {', '.join(GROWTH)}",
        )
    view = params.view(f"countries.{country}.growth")
    g = GROWTH[growth_spec.kind](
        view, inputs.growth_histories[country], inputs.projected_years, inputs.base_year
    )
    growth = out[:, 1:]
    if draws is None:
        np.add(g, 1, out=growth)
    else:
        shocks = params.view(f"countries.{country}.shocks")
        np.add(
            g,
            ar1_noise(
                draws, shocks.get("sigma"), shocks.get("rho"), out=work("shocks", len(g))[:, 1:]
            ),
            out=growth,
        )
        growth += 1
    level = inputs.base_mva[country]
    by_year = out.T
    by_year[0] = level
    for t in range(2, len(by_year)):  # np.cumprod over the projected years, a year at a time
        by_year[t] *= by_year[t - 1]
    growth *= level


IMPACT_PARAMETER = {
    "rate_of_return": "impact.rho",
    "elasticity": "impact.theta",
}  # named in a ModelError


def _check_finite_positive(
    values: np.ndarray, country: str, years: np.ndarray, what: str, hint_path: str
) -> None:
    if values.min() > 0 and values.max() < np.inf:  # NaN fails the first test
        return
    bad = ~np.isfinite(values) | (values <= 0)
    sample, t = np.argwhere(bad)[0]
    raise ModelError(
        f"{what} of {country} becomes {values[sample, t]:.4g} in {years[t]} (sample {sample})",
        path=hint_path,
        hint="check the growth rate and impact parameters: MVA must stay positive and finite",
    )


BLOCK = 16384
"""Samples per block: a block's work arrays stay in cache and are reused by the next block."""

RngFor = Callable[[str], np.random.Generator]


@dataclass(frozen=True)
class _Run:
    """Everything a block of samples needs: the inputs, every sample's parameters and the outputs."""

    spec: Spec
    inputs: Inputs
    params: Parameters
    years: np.ndarray
    draws: dict[str, np.ndarray]
    programs: dict[str, _Program]
    impact_fn: ImpactFn
    delta: np.ndarray
    lag: np.ndarray
    out: ModelOutput
    work: _Work


def run_model(
    spec: Spec,
    inputs: Inputs,
    samples: pd.DataFrame | None = None,
    *,
    rng_for: RngFor | None = None,
    block: int = BLOCK,
) -> ModelOutput:
    """Project every country and program for each sample.

    The samples are projected in blocks of ``block`` rows; every number is the same for any
    block size (the model is per sample, and the shocks are drawn up front).

    Parameters
    ----------
    spec
        The resolved scenario.
    inputs
        From :func:`scenarios.model.inputs.build_inputs`.
    samples
        Sampled parameters (columns are dotted paths), or None for the config's point values.
    rng_for
        The generator that draws a country's growth shocks (default: one generator seeded with
        ``spec.seed``, drawn country after country); :mod:`scenarios.analysis.ensemble` passes
        generators positioned inside that same stream for a slice of the samples.
    """
    params = Parameters(spec.model_dump(), samples)
    years = np.concatenate([[inputs.base_year], inputs.projected_years])
    draws = _shock_draws(spec, inputs, params, rng_for)
    programs = {key: _program(spec, key, params, inputs, years) for key in spec.programs}
    impact_fn = _impact_fn(spec)
    impact = params.view("impact")
    delta, lag = (
        impact.get("delta", shared=True),
        np.rint(impact.get("lag", shared=True)).astype(int),
    )
    out = _allocate(inputs.countries, list(spec.programs), params.n, years)
    run = _Run(
        spec,
        inputs,
        params,
        years,
        draws,
        programs,
        impact_fn,
        delta,
        lag,
        out,
        _Work(len(years), min(block, params.n)),
    )
    try:
        for start in range(0, params.n, block):
            _run_block(run, slice(start, min(start + block, params.n)))
    except (
        ScenariosError
    ):  # report the problem exactly as one block would (first country, first sample)
        if params.n <= block:
            raise
        _run_block(dataclasses.replace(run, work=_Work(len(years), params.n)), slice(0, params.n))
    return out


def _shock_draws(
    spec: Spec, inputs: Inputs, params: Parameters, rng_for: RngFor | None
) -> dict[str, np.ndarray]:
    """Standard normal draws (n, T) of every country whose shocks are on, in country order."""
    shocked = [
        c
        for c in inputs.countries
        if (params.get(f"countries.{c}.shocks.sigma", shared=True) > 0).any()
    ]
    if rng_for is None:  # one stream, drawn country after country
        shared = np.random.default_rng(spec.seed)
        return {c: shared.standard_normal((params.n, len(inputs.projected_years))) for c in shocked}
    return {c: rng_for(c).standard_normal((params.n, len(inputs.projected_years))) for c in shocked}


def _allocate(countries: list[str], programs: list[str], n: int, years: np.ndarray) -> ModelOutput:
    """Uninitialised outputs for ``n`` samples: Fortran-order (n, T+1) arrays, all in one allocation."""
    arrays = iter(np.empty((3 * len(countries) + 4 * len(programs), len(years), n)))

    def table() -> dict[str, np.ndarray]:
        return {country: next(arrays).T for country in countries}

    tables = table(), table(), table()
    results = {key: PipelineResult(*(next(arrays).T for _ in range(4))) for key in programs}
    return ModelOutput(years, *tables, results)


def _impact_fn(spec: Spec) -> ImpactFn:
    if spec.impact.kind not in IMPACT:
        raise ConfigError(
            f"unknown impact kind {spec.impact.kind!r}",
            path="impact.kind",
            value=spec.impact.kind,
            hint=f"registered: {', '.join(IMPACT)}",
        )
    return IMPACT[spec.impact.kind]


def _run_block(run: _Run, rows: slice) -> None:
    """The model for the samples ``rows``, into their rows of the outputs."""
    spec, inputs, out, work = run.spec, run.inputs, run.out, run.work
    for key, program in run.programs.items():
        result = PipelineResult(*(values[rows] for values in vars(out.programs[key]).values()))
        _project_program(program, rows, result, work)
    params = run.params.rows(rows)
    impact = params.view("impact")
    delta, lag = _take(run.delta, rows), _take(run.lag, rows)
    impact_path = IMPACT_PARAMETER.get(spec.impact.kind, "impact")
    for country in inputs.countries:
        mva_base, mva, capital = (
            out.mva_baseline[country][rows],
            out.mva[country][rows],
            out.capital[country][rows],
        )
        draws = run.draws[country][rows] if country in run.draws else None
        with np.errstate(over="ignore", invalid="ignore"):  # overflow -> inf, reported just below
            _baseline_mva(spec, country, params, inputs, draws, mva_base, work)
        _check_finite_positive(
            mva_base, country, run.years, "baseline MVA", f"countries.{country}.growth"
        )
        spend = work("spend", len(mva))
        spend[:] = 0.0
        for key, program in run.programs.items():
            if program.country == country:
                spend += getattr(out.programs[key], f"spend_{spec.impact.spend}")[rows]
        innovation_capital(spend, delta, lag, out=capital)
        if spend.any():
            with np.errstate(over="ignore", invalid="ignore"):
                mva[:] = run.impact_fn(impact, mva_base, capital, capital[:, 0])
        else:
            mva[:] = mva_base
        _check_finite_positive(mva, country, run.years, "MVA", impact_path)
    if WORLD in inputs.countries:
        _add_rest_of_world(inputs.countries, out, rows, work)


def _add_rest_of_world(countries: list[str], out: ModelOutput, rows: slice, work: _Work) -> None:
    """WLD (the rest of the world) += the sum of the other countries, for each table."""
    for table in (out.mva_baseline, out.mva, out.capital):
        world = table[WORLD][rows]
        total = work("rest of world", len(world))
        total[:] = 0.0
        for country in countries:
            if country != WORLD:
                total += table[country][rows]
        world += total
