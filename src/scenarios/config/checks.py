"""Checks that need more than one key: uncertainty paths, flagged unknowns, reference scenario."""

from __future__ import annotations

import difflib
import fnmatch
import numbers

from scenarios.config.schema import MAX_SEED, Spec
from scenarios.errors import ConfigError, Problem

# Parameters the model reads per sample (``*`` is one key: a country code, a program name).
SAMPLEABLE = (
    "countries.*.growth.g",
    "countries.*.growth.g0",
    "countries.*.growth.g_lr",
    "countries.*.growth.tau",
    "countries.*.growth.params.*",
    "countries.*.shocks.sigma",
    "countries.*.shocks.rho",
    "programs.*.cost_per_institute",
    "programs.*.funding_years",
    "programs.*.profile",
    "programs.*.match_ratio",
    "programs.*.launch_lag",
    "programs.*.cap",
    "programs.*.survival",
    "programs.*.sustainment",
    "programs.*.plan.target",
    "programs.*.plan.pace_after",
    "programs.*.new_institute_budget.scale",
    "programs.*.base_funding.scale",
    "impact.rho",
    "impact.theta",
    "impact.delta",
    "impact.lag",
    "impact.diffusion.external",
    "impact.diffusion.per_institute",
    "impact.diffusion.imitation",
    "impact.diffusion.productivity",
    "impact.diffusion.adoption.*",
    "impact.params.*",
)


def _concrete_paths(spec: Spec) -> list[str]:
    """Every sampleable path that exists in this spec (for 'did you mean')."""
    keys = {"countries": list(spec.countries), "programs": list(spec.programs)}
    paths = []
    for pattern in SAMPLEABLE:
        head, _, rest = pattern.partition(".*.")
        if rest and head in keys:
            paths += [f"{head}.{k}.{rest}" for k in keys[head]]
        else:
            paths.append(pattern)
    return paths


def uncertainty_path_problems(spec: Spec, file: str | None = None) -> list[Problem]:
    """Problems with the keys of ``uncertainties`` and ``correlations``."""
    problems = []
    known = _concrete_paths(spec)
    for path in spec.uncertainties:
        if any(fnmatch.fnmatchcase(path, p) for p in known):
            continue
        close = difflib.get_close_matches(path, known, n=1, cutoff=0.6)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else "uncertain parameters: " + ", ".join(SAMPLEABLE)
        )
        problems.append(
            Problem(
                "not a parameter the model samples (or not in this scenario)",
                file,
                f"uncertainties.{path}",
                None,
                hint,
            )
        )
    for i, (a, b, rho) in enumerate(spec.correlations):
        for path in (a, b):
            if path not in spec.uncertainties:
                problems.append(
                    Problem(
                        f"{path} has no entry in 'uncertainties'",
                        file,
                        f"correlations[{i}]",
                        path,
                        "correlate only uncertain parameters",
                    )
                )
        if not -1 < rho < 1:
            problems.append(
                Problem(
                    "a rank correlation must be between -1 and 1 (exclusive)",
                    file,
                    f"correlations[{i}]",
                    rho,
                    None,
                )
            )
    return problems


def unknown_flag_problems(spec: Spec, file: str | None = None) -> list[Problem]:
    """A figure flagged ``unknown`` must carry a range in ``uncertainties``: never a silent point value."""
    problems = []
    for key, program in spec.programs.items():
        for name in program.unknown:
            path = f"programs.{key}.{name}"
            if path not in spec.uncertainties:
                problems.append(
                    Problem(
                        "flagged unknown but has no range in 'uncertainties'",
                        file,
                        f"programs.{key}.unknown",
                        name,
                        f"add 'uncertainties: {{{path}: {{dist: uniform, low: ..., high: ...}}}}'",
                    )
                )
    return problems


def currency_problems(spec: Spec, file: str | None = None) -> list[Problem]:
    """Every currency a budget is stated in needs an exchange rate in ``money.exchange_rates``."""
    problems = []
    for key, program in spec.programs.items():
        for name in ("new_institute_budget", "base_funding"):
            budgets = getattr(program, name) or []
            for budget in budgets if isinstance(budgets, list) else [budgets]:
                if budget.currency not in spec.money.exchange_rates:
                    problems.append(
                        Problem(
                            f"no exchange rate for {budget.currency}",
                            file,
                            f"programs.{key}.{name}.currency",
                            budget.currency,
                            f"add 'money: {{exchange_rates: {{{budget.currency}: ...}}}}' "
                            "(USD per unit)",
                        )
                    )
    return problems


def check_spec(spec: Spec, file: str | None = None) -> None:
    """Raise one :class:`ConfigError` listing every cross-key problem."""
    problems = (
        uncertainty_path_problems(spec, file)
        + unknown_flag_problems(spec, file)
        + currency_problems(spec, file)
    )
    for key, program in spec.programs.items():
        if program.country not in spec.countries:
            problems.append(
                Problem(
                    f"program country {program.country!r} is not among the modelled countries",
                    file,
                    f"programs.{key}.country",
                    program.country,
                    f"modelled: {', '.join(spec.countries)}",
                )
            )
    if problems:
        raise ConfigError("invalid config", problems=problems)


def metric_year_warnings(spec: Spec, base_year: int) -> list[str]:
    """Metric years and windows the run does not reach: they are skipped, and said so."""
    warnings = [
        f"metrics.years: {year} is not a projected year ({base_year + 1}-{spec.horizon}): not reported"
        for year in spec.metrics.years
        if not base_year < year <= spec.horizon
    ]
    warnings += [
        f"metrics.windows: [{start}, {end}] ends past the horizon ({spec.horizon}): not reported"
        for start, end in spec.metrics.windows
        if end > spec.horizon
    ]
    return warnings


def check_option(
    value: object,
    option: str,
    *,
    minimum: float,
    maximum: float | None = None,
    integer: bool = True,
    above: bool = False,
) -> None:
    """A numeric command-line option (or its API argument) within range; ``above``: > minimum."""
    valid = False
    if isinstance(value, numbers.Integral if integer else numbers.Real) and not isinstance(
        value, bool
    ):
        number = float(value)
        valid = (number > minimum if above else number >= minimum) and (
            maximum is None or number <= maximum
        )
    if not valid:
        rule = f"{'>' if above else '>='} {minimum:g}" + (
            "" if maximum is None else f" and <= {maximum:g}"
        )
        raise ConfigError(
            f"must be {'a whole number' if integer else 'a number'} {rule}",
            path=option,
            value=value,
            hint=f"e.g. {option} {int(minimum) + 1 if integer else 0.05}",
        )


def check_seed(seed: object, option: str = "--seed") -> None:
    """A seed is a whole number from 0 to 2**63 - 1 (stored as int64 in results.nc)."""
    if (
        isinstance(seed, numbers.Integral)
        and not isinstance(seed, bool)
        and 0 <= int(seed) <= MAX_SEED
    ):
        return
    raise ConfigError(
        "must be a whole number from 0 to 2**63 - 1",
        path=option,
        value=seed,
        hint=f"e.g. {option} 1",
    )
