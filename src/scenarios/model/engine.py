"""The vectorized model: arrays over (sample, year) per country and program; loops over years only.

``run_model(spec, inputs, samples)`` returns :class:`ModelOutput`, plain arrays over the model
years (the base year, then every projected year). ``results.to_dataset`` labels them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.config.schema import Budget, Spec
from scenarios.errors import ConfigError, ModelError, ScenariosError
from scenarios.model.growth import GROWTH, ar1_noise
from scenarios.model.impact import IMPACT, innovation_capital
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


def _segment(budget: Budget, cost: np.ndarray, deflator: pd.Series, spec: Spec, where: str,
             years: np.ndarray) -> np.ndarray:
    """One budget segment in constant 2015 USD million, shape (n, len(years))."""
    if budget.institutes_per_year is not None:
        pace = np.where((years >= budget.start) & (years <= budget.end), budget.institutes_per_year, 0.0)
        return cost[:, None] * pace[None, :]
    path = to_constant_usd(budget, years, deflator, spec.money.exchange_rates)
    if not np.all(np.isfinite(path)):
        raise ConfigError(f"no deflator for dollar_year {budget.dollar_year}", path=f"{where}.dollar_year",
                          value=budget.dollar_year, hint=f"use a year from {int(deflator.index.min())} on")
    return np.broadcast_to(path, (len(cost), len(years)))


def _budget(spec: Spec, key: str, field: str, params: Parameters, inputs: Inputs, years: np.ndarray) -> np.ndarray:
    """A program budget (all segments) in constant 2015 USD million, shape (n, len(years))."""
    budget = getattr(spec.programs[key], field)
    total = np.zeros((params.n, len(years)))
    if budget is None:
        return total
    cost = params.get(f"programs.{key}.cost_per_institute", 1.0)
    segments = budget if isinstance(budget, list) else [budget]
    for i, segment in enumerate(segments):
        deflator = inputs.deflators[CURRENCY_ECONOMY[segment.currency]]
        where = f"programs.{key}.{field}" + (f"[{i}]" if isinstance(budget, list) else "")
        own_scale = segment.scale if isinstance(budget, list) else 1.0  # a single budget's scale is a parameter
        total = total + _segment(segment, cost, deflator, spec, where, years) * own_scale
    return total * params.get(f"programs.{key}.{field}.scale", 1.0)[:, None]


def _project_program(spec: Spec, key: str, params: Parameters, inputs: Inputs, years: np.ndarray) -> PipelineResult:
    p = params.view(f"programs.{key}")
    history = inputs.programs[key]
    budget = _budget(spec, key, "new_institute_budget", params, inputs, years)
    if spec.programs[key].new_institute_budget is not None and not p.has("cost_per_institute"):
        raise ConfigError("a program with a new_institute_budget needs cost_per_institute",
                          path=p.path("cost_per_institute"))
    cap = p.get("cap", np.inf)
    base_funding = _budget(spec, key, "base_funding", params, inputs, years)
    match = p.get("match_ratio")
    result = run_pipeline(
        budget=budget[:, 1:],
        base_funding=base_funding[:, 1:],
        cost=p.get("cost_per_institute", 1.0),
        funding_years=np.rint(p.get("funding_years")).astype(int),
        profile=p.raw("profile"),
        match_ratio=match,
        lag=np.rint(p.get("launch_lag")).astype(int),
        cap=cap,
        survival=p.get("survival"),
        founding_years=history.founding_years,
        n_existing=history.n_existing,
        base_year=inputs.base_year,
        years=years[1:],
        scheduled=np.array([(history.scheduled == y).sum() for y in years[1:]], dtype=float),
    )
    base_federal = base_funding[:, :1]
    return PipelineResult(
        launched=_prepend(result.launched, 0.0),
        active=_prepend(result.active, history.n_existing),
        spend_federal=_prepend(result.spend_federal, base_federal),
        spend_total=_prepend(result.spend_total, base_federal * (1 + match[:, None])),
    )


def _prepend(values: np.ndarray, first: float | np.ndarray) -> np.ndarray:
    """``first`` (a number or an (n, 1) column) followed by ``values``, shape (n, T+1)."""
    out = np.empty((len(values), values.shape[1] + 1))
    out[:, :1] = first
    out[:, 1:] = values
    return out


def _baseline_mva(spec: Spec, country: str, params: Parameters, inputs: Inputs, draws: np.ndarray | None) -> np.ndarray:
    growth_spec = spec.countries[country].growth
    if growth_spec.kind not in GROWTH:
        raise ConfigError(f"unknown growth kind {growth_spec.kind!r}", path=f"countries.{country}.growth.kind",
                          value=growth_spec.kind, hint=f"registered: {', '.join(GROWTH)}")
    history = inputs.mva_history[country]
    full_history = inputs.mva_observed[country].loc[: inputs.base_year]
    if country == WORLD:
        full_history = history
    view = params.view(f"countries.{country}.growth")
    g = GROWTH[growth_spec.kind](view, full_history, inputs.projected_years, inputs.base_year)
    if draws is not None:
        shocks = params.view(f"countries.{country}.shocks")
        g = g + ar1_noise(draws, shocks.get("sigma"), shocks.get("rho"))
    level = history.loc[inputs.base_year]
    path = np.empty((len(g), g.shape[1] + 1))
    path[:, 0] = level
    np.cumprod(1 + g, axis=1, out=path[:, 1:])
    path[:, 1:] *= level
    return path


IMPACT_PARAMETER = {"rate_of_return": "impact.rho", "elasticity": "impact.theta"}  # named in a ModelError


def _check_finite_positive(values: np.ndarray, country: str, years: np.ndarray, what: str, hint_path: str) -> None:
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        sample, t = np.argwhere(bad)[0]
        raise ModelError(
            f"{what} of {country} becomes {values[sample, t]:.4g} in {years[t]} (sample {sample})",
            path=hint_path, hint="check the growth rate and impact parameters: MVA must stay positive and finite",
        )


BLOCK = 8192
"""Samples per block: each block's arrays stay in cache and reuse the same memory."""

RngFor = Callable[[str], np.random.Generator]


def run_model(spec: Spec, inputs: Inputs, samples: pd.DataFrame | None = None, *,
              rng_for: RngFor | None = None, block: int = BLOCK) -> ModelOutput:
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
        ``spec.seed``, drawn country after country); :mod:`scenarios.ensemble` passes
        generators positioned inside that same stream for a slice of the samples.
    """
    config = spec.model_dump()
    params = Parameters(config, samples)
    years = np.concatenate([[inputs.base_year], inputs.projected_years])
    draws = _shock_draws(spec, inputs, params, rng_for)
    if params.n <= block:
        return _run_block(spec, inputs, params, years, draws)
    try:
        return _run_blocks(spec, inputs, config, samples, years, draws, block)
    except ScenariosError:  # report the problem exactly as one block would (first country, first sample)
        return _run_block(spec, inputs, params, years, draws)


def _shock_draws(spec: Spec, inputs: Inputs, params: Parameters, rng_for: RngFor | None) -> dict[str, np.ndarray]:
    """Standard normal draws (n, T) of every country whose shocks are on, in country order."""
    if rng_for is None:
        shared = np.random.default_rng(spec.seed)
        rng_for = lambda country: shared  # noqa: E731 - one stream, drawn country after country
    draws = {}
    for country in inputs.countries:
        if np.any(params.get(f"countries.{country}.shocks.sigma") > 0):
            draws[country] = rng_for(country).standard_normal((params.n, len(inputs.projected_years)))
    return draws


def _run_blocks(spec: Spec, inputs: Inputs, config: dict, samples: pd.DataFrame | None, years: np.ndarray,
                draws: dict[str, np.ndarray], block: int) -> ModelOutput:
    """Project each block of samples and copy it into the full arrays."""
    n = len(samples)
    out = None
    for start in range(0, n, block):
        rows = slice(start, min(start + block, n))
        part = _run_block(spec, inputs, Parameters(config, samples.iloc[rows]), years,
                          {c: z[rows] for c, z in draws.items()})
        if out is None:
            out = _empty_like(part, n)
        _copy_rows(out, part, rows)
    return out


def _empty_like(part: ModelOutput, n: int) -> ModelOutput:
    def empty(table: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return {key: np.empty((n, *a.shape[1:])) for key, a in table.items()}

    programs = {key: PipelineResult(**empty(vars(r))) for key, r in part.programs.items()}
    return ModelOutput(part.years, empty(part.mva), empty(part.mva_baseline), empty(part.capital), programs)


def _copy_rows(out: ModelOutput, part: ModelOutput, rows: slice) -> None:
    tables = [(out.mva, part.mva), (out.mva_baseline, part.mva_baseline), (out.capital, part.capital)]
    tables += [(vars(out.programs[key]), vars(r)) for key, r in part.programs.items()]
    for whole, piece in tables:
        for key, values in piece.items():
            whole[key][rows] = values


def _impact_fn(spec: Spec):
    if spec.impact.kind not in IMPACT:
        raise ConfigError(f"unknown impact kind {spec.impact.kind!r}", path="impact.kind",
                          value=spec.impact.kind, hint=f"registered: {', '.join(IMPACT)}")
    return IMPACT[spec.impact.kind]


def _run_block(spec: Spec, inputs: Inputs, params: Parameters, years: np.ndarray,
               draws: dict[str, np.ndarray]) -> ModelOutput:
    """The model for one block of samples."""
    programs = {key: _project_program(spec, key, params, inputs, years) for key in spec.programs}
    impact = params.view("impact")
    impact_fn = _impact_fn(spec)
    delta, lag = impact.get("delta"), np.rint(impact.get("lag")).astype(int)
    mva_base, mva, capital = {}, {}, {}
    impact_path = IMPACT_PARAMETER.get(spec.impact.kind, "impact")
    for country in inputs.countries:
        with np.errstate(over="ignore", invalid="ignore"):  # overflow -> inf, reported just below
            mva_base[country] = _baseline_mva(spec, country, params, inputs, draws.get(country))
        _check_finite_positive(mva_base[country], country, years, "baseline MVA", f"countries.{country}.growth")
        spend = sum(
            (getattr(result, f"spend_{spec.impact.spend}") for key, result in programs.items()
             if spec.programs[key].country == country),
            np.zeros_like(mva_base[country]),
        )
        capital[country] = innovation_capital(spend, delta, lag)
        if spend.any():
            with np.errstate(over="ignore", invalid="ignore"):
                mva[country] = impact_fn(impact, mva_base[country], capital[country], capital[country][:, 0])
        else:
            mva[country] = mva_base[country]
        _check_finite_positive(mva[country], country, years, "MVA", impact_path)
    if WORLD in inputs.countries:
        others = [c for c in inputs.countries if c != WORLD]
        for table in (mva_base, mva, capital):
            table[WORLD] = table[WORLD] + sum(table[c] for c in others)
    return ModelOutput(years, mva, mva_base, capital, programs)
