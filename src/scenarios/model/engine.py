"""The vectorized model: arrays over (sample, year) per country and program; loops over years only.

``run_model(spec, inputs, samples)`` returns :class:`ModelOutput`, plain arrays over the model
years (the base year, then every projected year). ``results.to_dataset`` labels them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.config.schema import Budget, Spec
from scenarios.errors import ConfigError, ModelError
from scenarios.model.growth import GROWTH, ar1_shocks
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
    result = run_pipeline(
        budget=budget[:, 1:],
        base_funding=_budget(spec, key, "base_funding", params, inputs, years)[:, 1:],
        cost=p.get("cost_per_institute", 1.0),
        funding_years=np.rint(p.get("funding_years")).astype(int),
        profile=p.raw("profile"),
        match_ratio=p.get("match_ratio"),
        lag=np.rint(p.get("launch_lag")).astype(int),
        cap=cap,
        survival=p.get("survival"),
        founding_years=history.founding_years,
        n_existing=history.n_existing,
        base_year=inputs.base_year,
        years=years[1:],
    )
    base_federal = _budget(spec, key, "base_funding", params, inputs, years)[:, :1]
    match = p.get("match_ratio")[:, None]
    return PipelineResult(
        launched=_prepend(result.launched, 0.0),
        active=_prepend(result.active, history.n_existing),
        spend_federal=np.concatenate([base_federal, result.spend_federal], axis=1),
        spend_total=np.concatenate([base_federal * (1 + match), result.spend_total], axis=1),
    )


def _prepend(values: np.ndarray, first: float) -> np.ndarray:
    return np.concatenate([np.full((len(values), 1), float(first)), values], axis=1)


def _baseline_mva(spec: Spec, country: str, params: Parameters, inputs: Inputs, rng: np.random.Generator) -> np.ndarray:
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
    shocks = params.view(f"countries.{country}.shocks")
    sigma = shocks.get("sigma")
    if np.any(sigma > 0):
        g = g + ar1_shocks(sigma, shocks.get("rho"), g.shape[1], rng)
    level = history.loc[inputs.base_year]
    path = level * np.cumprod(1 + g, axis=1)
    return _prepend(path, level)


def _check_finite_positive(values: np.ndarray, country: str, years: np.ndarray, what: str, hint_path: str) -> None:
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        sample, t = np.argwhere(bad)[0]
        raise ModelError(
            f"{what} of {country} becomes {values[sample, t]:.4g} in {years[t]} (sample {sample})",
            path=hint_path, hint="check the growth rate and impact parameters: MVA must stay positive and finite",
        )


def run_model(spec: Spec, inputs: Inputs, samples: pd.DataFrame | None = None) -> ModelOutput:
    """Project every country and program for each sample.

    Parameters
    ----------
    spec
        The resolved scenario.
    inputs
        From :func:`scenarios.model.inputs.build_inputs`.
    samples
        Sampled parameters (columns are dotted paths), or None for the config's point values.
    """
    params = Parameters(spec.model_dump(), samples)
    years = np.concatenate([[inputs.base_year], inputs.projected_years])
    rng = np.random.default_rng(spec.seed)
    programs = {key: _project_program(spec, key, params, inputs, years) for key in spec.programs}
    impact = params.view("impact")
    if spec.impact.kind not in IMPACT:
        raise ConfigError(f"unknown impact kind {spec.impact.kind!r}", path="impact.kind",
                          value=spec.impact.kind, hint=f"registered: {', '.join(IMPACT)}")
    delta, lag = impact.get("delta"), np.rint(impact.get("lag")).astype(int)
    mva_base, mva, capital = {}, {}, {}
    for country in inputs.countries:
        mva_base[country] = _baseline_mva(spec, country, params, inputs, rng)
        _check_finite_positive(mva_base[country], country, years, "baseline MVA", f"countries.{country}.growth")
        spend = sum(
            (getattr(result, f"spend_{spec.impact.spend}") for key, result in programs.items()
             if spec.programs[key].country == country),
            np.zeros_like(mva_base[country]),
        )
        capital[country] = innovation_capital(spend, delta, lag)
        if spend.any():
            mva[country] = IMPACT[spec.impact.kind](impact, mva_base[country], capital[country], capital[country][:, 0])
        else:
            mva[country] = mva_base[country]
        _check_finite_positive(mva[country], country, years, "MVA", "impact")
    if WORLD in inputs.countries:
        others = [c for c in inputs.countries if c != WORLD]
        for table in (mva_base, mva, capital):
            table[WORLD] = table[WORLD] + sum(table[c] for c in others)
    return ModelOutput(years, mva, mva_base, capital, programs)
