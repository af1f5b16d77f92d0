"""The vectorized model: arrays over (sample, year) per country and program; loops over years only.

``run_model(spec, inputs, samples)`` returns :class:`ModelOutput`, plain arrays over the model
years (the base year, then every projected year). ``results.to_dataset`` labels them. The arrays
are allocated once and Fortran-ordered (each year's samples contiguous, as the per-year loops
want); each block of samples is computed straight into its rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scenarios.config.schema import Spec
from scenarios.errors import ConfigError, ModelError, ScenariosError
from scenarios.model.budgets import take
from scenarios.model.growth import GROWTH, ar1_noise
from scenarios.model.impact import IMPACT, ImpactFn, impact_keywords, innovation_capital
from scenarios.model.inputs import WORLD, Inputs
from scenarios.model.parameters import Parameters, ParameterView
from scenarios.model.pipeline import PipelineResult
from scenarios.model.programs import ProgramRun, Work, program_run, project_program


@dataclass(frozen=True)
class ModelOutput:
    """Model arrays over years base..horizon; country arrays (n, T+1), program arrays (n, T+1)."""

    years: np.ndarray
    mva: dict[str, np.ndarray]
    mva_baseline: dict[str, np.ndarray]
    capital: dict[str, np.ndarray]
    programs: dict[str, PipelineResult]
    n: int


def _baseline_mva(
    spec: Spec,
    country: str,
    params: Parameters,
    inputs: Inputs,
    draws: np.ndarray | None,
    out: np.ndarray,
    work: Work,
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
    noise = None
    if draws is not None:
        shocks = params.view(f"countries.{country}.shocks")
        noise = ar1_noise(
            draws, shocks.get("sigma"), shocks.get("rho"), out=work("shocks", len(out))[:, 1:]
        )
    rows = work("row", len(out)).T
    _compound(np.broadcast_to(g, out[:, 1:].shape), noise, inputs.base_mva[country], out, rows)


def _compound(
    growth: np.ndarray, noise: np.ndarray | None, level: float, out: np.ndarray, rows: np.ndarray
) -> None:
    """MVA from growth rates (n, T) (plus ``noise``), into ``out`` (n, T+1): ``level`` in the base
    year, then ``level`` times the product of the factors 1 + g (+ noise) of years 1..t, a year at
    a time (the products of ``np.cumprod``); ``rows`` holds two work rows."""
    factor, running = rows[0], rows[1]
    by_year = out.T
    by_year[0] = level
    for t, g in enumerate(growth.T, start=1):
        if noise is None:
            np.add(g, 1, out=factor)
        else:
            np.add(g, noise.T[t - 1], out=factor)
            factor += 1
        if t == 1:
            running[:] = factor
        else:
            running *= factor
        np.multiply(running, level, out=by_year[t])


IMPACT_PARAMETER = {
    "rate_of_return": "impact.rho",
    "elasticity": "impact.theta",
    "diffusion": "impact.diffusion",
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


class Memory:
    """Memory for :func:`run_model`'s outputs and scratch arrays, kept for the next call given it.

    A caller that runs many blocks of samples one after another (a sensitivity design, a stress
    batch) passes the same ``Memory`` to every call: the arrays are allocated and paged in once,
    not once a block. Each call overwrites the outputs of the previous one.
    """

    def __init__(self) -> None:
        self._outputs = np.empty((0, 0, 0))
        self._work: Work | None = None

    def outputs(self, count: int, n_years: int, n: int) -> np.ndarray:
        """A (count, n_years, n) array, a view of the kept one when it is large enough."""
        kept = self._outputs
        if kept.shape[0] != count or kept.shape[1] != n_years or kept.shape[2] < n:
            self._outputs = kept = np.empty((count, n_years, n))
        return kept[:, :, :n]

    def work(self, n_years: int, n: int) -> Work:
        """Scratch arrays for blocks of up to ``n`` samples."""
        if self._work is None or not self._work.fits(n_years, n):
            self._work = Work(n_years, n)
        return self._work


@dataclass(frozen=True)
class _Run:
    """Everything a block of samples needs: the inputs, every sample's parameters and the outputs."""

    spec: Spec
    inputs: Inputs
    countries: list[str]
    params: Parameters
    years: np.ndarray
    draws: dict[str, np.ndarray]
    programs: dict[str, ProgramRun]
    impact_fn: ImpactFn
    impact_keywords: frozenset[str]
    delta: np.ndarray
    lag: np.ndarray
    out: ModelOutput
    work: Work


def run_model(
    spec: Spec,
    inputs: Inputs,
    samples: pd.DataFrame | None = None,
    *,
    rng_for: RngFor | None = None,
    block: int = BLOCK,
    memory: Memory | None = None,
    countries: Sequence[str] | None = None,
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
    memory
        Where the outputs and scratch arrays live (default: new arrays). The outputs of the
        previous call given the same ``memory`` are overwritten.
    countries
        The countries to project (default: all of ``inputs``): a caller that reads a few
        countries' results asks for those. WLD is the rest of the world plus the others, so
        asking for it projects every country. Every program is projected.
    """
    params = Parameters(spec.model_dump(), samples)
    years = np.concatenate([[inputs.base_year], inputs.projected_years])
    projected = _projected(inputs.countries, countries)
    draws = _shock_draws(spec, inputs, params, rng_for, projected)
    programs = {key: program_run(spec, key, params, inputs, years) for key in spec.programs}
    impact_fn = _impact_fn(spec)
    impact = params.view("impact")
    delta, lag = (
        impact.get("delta", shared=True),
        np.rint(impact.get("lag", shared=True)).astype(int),
    )
    memory = memory or Memory()
    out = _allocate(projected, list(spec.programs), params.n, years, memory)
    run = _Run(
        spec,
        inputs,
        projected,
        params,
        years,
        draws,
        programs,
        impact_fn,
        impact_keywords(impact_fn),
        delta,
        lag,
        out,
        memory.work(len(years), min(block, params.n)),
    )
    try:
        for start in range(0, params.n, block):
            _run_block(run, slice(start, min(start + block, params.n)))
    except (
        ScenariosError
    ):  # report the problem exactly as one block would (first country, first sample)
        if params.n <= block:
            raise
        _run_block(dataclasses.replace(run, work=Work(len(years), params.n)), slice(0, params.n))
    return out


def _projected(every: list[str], asked: Sequence[str] | None) -> list[str]:
    """The countries to project, in model order: those asked, or all of them."""
    if asked is None or WORLD in asked:
        return list(every)
    unknown = sorted(set(asked) - set(every))
    if unknown:
        raise ConfigError(
            f"the scenario has no country {unknown[0]!r}",
            path="countries",
            value=unknown[0],
            hint=f"countries: {', '.join(every)}",
        )
    return [c for c in every if c in asked]


def _shock_draws(
    spec: Spec, inputs: Inputs, params: Parameters, rng_for: RngFor | None, projected: list[str]
) -> dict[str, np.ndarray]:
    """Standard normal draws (n, T) of every projected country whose shocks are on; each
    country's draws are the same whichever others are projected."""
    shape = (params.n, len(inputs.projected_years))
    shocked = [
        c
        for c in inputs.countries
        if (params.get(f"countries.{c}.shocks.sigma", shared=True) > 0).any()
    ]
    if rng_for is None:  # one stream, drawn country after country
        shared = np.random.default_rng(spec.seed)
        draws = {c: shared.standard_normal(shape) for c in shocked}
        return {c: draws[c] for c in shocked if c in projected}
    return {c: rng_for(c).standard_normal(shape) for c in shocked if c in projected}


def _allocate(
    countries: list[str], programs: list[str], n: int, years: np.ndarray, memory: Memory
) -> ModelOutput:
    """Uninitialised outputs for ``n`` samples: (n, T+1) arrays, each year's samples contiguous,
    all in one allocation."""
    arrays = iter(memory.outputs(3 * len(countries) + 4 * len(programs), len(years), n))

    def table() -> dict[str, np.ndarray]:
        return {country: next(arrays).T for country in countries}

    tables = table(), table(), table()
    results = {key: PipelineResult(*(next(arrays).T for _ in range(4))) for key in programs}
    return ModelOutput(years, *tables, results, n)


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
        project_program(program, rows, result, work)
    params = run.params.rows(rows)
    impact = params.view("impact")
    delta, lag = take(run.delta, rows), take(run.lag, rows)
    impact_path = IMPACT_PARAMETER.get(spec.impact.kind, "impact")
    for country in run.countries:
        mva_base, mva = out.mva_baseline[country][rows], out.mva[country][rows]
        draws = run.draws[country][rows] if country in run.draws else None
        with np.errstate(over="ignore", invalid="ignore"):  # overflow -> inf, reported just below
            _baseline_mva(spec, country, params, inputs, draws, mva_base, work)
        _check_finite_positive(
            mva_base, country, run.years, "baseline MVA", f"countries.{country}.growth"
        )
        _project_impact(run, impact, country, rows, delta, lag)
        _check_finite_positive(mva, country, run.years, "MVA", impact_path)
    if WORLD in run.countries:
        _add_rest_of_world(run.countries, out, rows, work)


def _program_total(
    run: _Run, country: str, rows: slice, field: str, into: np.ndarray
) -> np.ndarray:
    """``field`` summed over the programs of ``country`` for samples ``rows`` (read only): the one
    program's own rows, or their sum in ``into`` (zeros when the country has no program)."""
    arrays = [
        getattr(run.out.programs[key], field)[rows]
        for key, program in run.programs.items()
        if program.country == country
    ]
    if len(arrays) == 1:
        return arrays[0]
    into[:] = 0.0
    for values in arrays:
        into += values
    return into


def _project_impact(
    run: _Run,
    impact: ParameterView,
    country: str,
    rows: slice,
    delta: np.ndarray,
    lag: np.ndarray,
) -> None:
    """Innovation capital and MVA of ``country`` for samples ``rows``, from its baseline MVA."""
    mva_base, mva, capital = (
        table[country][rows] for table in (run.out.mva_baseline, run.out.mva, run.out.capital)
    )
    if _no_capital(run, country, delta):
        capital[:] = 0.0
        mva[:] = mva_base
        return
    field = f"spend_{run.spec.impact.spend}"
    spend = _program_total(run, country, rows, field, run.work("spend", len(mva)))
    innovation_capital(spend, delta, lag, out=capital)
    keywords: dict[str, Any] = {}
    if "institutes" in run.impact_keywords:
        into = run.work("institutes", len(mva))
        keywords["institutes"] = _program_total(run, country, rows, "active", into)
    if "country" in run.impact_keywords:
        keywords["country"] = country
    if "out" in run.impact_keywords:
        keywords["out"] = mva
    if _any(spend) or _any(keywords.get("institutes", spend)):
        with np.errstate(over="ignore", invalid="ignore"):
            result = run.impact_fn(impact, mva_base, capital, capital[:, 0], **keywords)
        if result is not mva:
            mva[:] = result
    else:
        mva[:] = mva_base


def _any(values: np.ndarray) -> bool:
    """Whether any value is nonzero (the base year's row first: it settles most cases at once)."""
    return bool(values[:, 0].any() or values.any())


def _no_capital(run: _Run, country: str, delta: np.ndarray) -> bool:
    """Whether ``country`` has no program, so that its capital is 0.0 in every year (zero spend
    over a depreciation rate in (0, 1]) and its MVA its baseline."""
    if any(program.country == country for program in run.programs.values()):
        return False
    return bool(((delta > 0) & (delta <= 1)).all())


def _add_rest_of_world(countries: list[str], out: ModelOutput, rows: slice, work: Work) -> None:
    """WLD (the rest of the world) += the sum of the other countries, for each table."""
    others = [country for country in countries if country != WORLD]
    for table in (out.mva_baseline, out.mva, out.capital):
        world = table[WORLD][rows]
        total = work("rest of world", len(world))
        if others:  # 0.0 + the first country: the sum from zero, one pass fewer
            np.add(table[others[0]][rows], 0.0, out=total)
        else:
            total[:] = 0.0
        for country in others[1:]:
            total += table[country][rows]
        world += total
