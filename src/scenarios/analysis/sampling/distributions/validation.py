"""A config's ``uncertainties`` mapping -> distributions, with a problem per bad entry."""

from __future__ import annotations

import difflib

import numpy as np
from pydantic import (
    TypeAdapter,
    ValidationError,
)

from scenarios.analysis.sampling.distributions.families import DISTRIBUTIONS, Distribution
from scenarios.errors import ConfigError, Problem

_ADAPTER: TypeAdapter[Distribution] = TypeAdapter(Distribution)


def _fields(dist: str) -> list[str]:
    cls = DISTRIBUTIONS[dist]
    return [f.alias or name for name, f in cls.model_fields.items() if name != "dist"]


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def _problem(key: str, error: dict, file: str | None) -> Problem:
    """Turn one pydantic error into a Problem with path, value and fix."""
    kind, loc, raw = error["type"], error["loc"], error["input"]
    dist, field = (str(loc[0]), ".".join(map(str, loc[1:]))) if loc else (None, "dist")
    path = f"uncertainties.{key}" + (f".{field}" if field else "")
    names = ", ".join(DISTRIBUTIONS)
    if kind == "union_tag_invalid":
        tag = error["ctx"]["tag"]
        return Problem(
            f"unknown distribution '{tag}'",
            file,
            path,
            tag,
            f"{did_you_mean(tag, list(DISTRIBUTIONS))}choose one of: {names}",
        )
    if kind == "union_tag_not_found":
        return Problem("missing 'dist'", file, path, None, f"add dist: one of {names}")
    if kind in ("model_attributes_type", "dict_type"):
        return Problem(
            "expected a mapping of distribution fields",
            file,
            path,
            raw,
            "write it like {dist: uniform, low: 55, high: 140}",
        )
    fields = _fields(dist) if dist in DISTRIBUTIONS else []
    if kind == "missing":
        return Problem(
            f"missing required field '{field}'",
            file,
            path,
            None,
            f"a {dist} distribution takes: {', '.join(fields)}",
        )
    if kind == "extra_forbidden":
        return Problem(
            f"unknown field '{field}' for a {dist} distribution",
            file,
            path,
            raw,
            f"{did_you_mean(field, fields)}valid fields: {', '.join(fields)}",
        )
    hint = (error.get("ctx") or {}).get("hint", f"use a finite number for {field}")
    return Problem(error["msg"], file, path, raw, hint)


def validate_uncertainties(raw: dict, *, file: str | None = None) -> dict[str, Distribution]:
    """Validate the ``uncertainties:`` mapping of a config.

    Parameters
    ----------
    raw : dict
        Dotted parameter path -> mapping with a ``dist`` key and that distribution's fields.
    file : str, optional
        Config file name, quoted in error messages.

    Returns
    -------
    dict
        Dotted path -> distribution model, in the order given.

    Raises
    ------
    ConfigError
        Listing every problem with its key path (``uncertainties.<path>.<field>``), the bad
        value and a hint.

    Examples
    --------
    >>> d = validate_uncertainties({"impact.rho": {"dist": "uniform", "low": 0.1, "high": 0.6}})
    >>> d["impact.rho"].median()
    0.35
    """
    if not isinstance(raw, dict):
        raise ConfigError(
            "expected a mapping of parameter path -> distribution",
            file=file,
            path="uncertainties",
            value=raw,
            hint="write one line per path: impact.rho: {dist: uniform, ...}",
        )
    out: dict[str, Distribution] = {}
    problems: list[Problem] = []
    for key, spec in raw.items():
        try:
            out[key] = _ADAPTER.validate_python(spec)
        except ValidationError as exc:
            problems.extend(_problem(key, error, file) for error in exc.errors())
    if problems:
        raise ConfigError("invalid uncertainties", problems=problems)
    return out


def check_positive(
    dists: dict[str, Distribution], paths: list[str], *, file: str | None = None
) -> None:
    """Check that parameters which must be positive cannot be drawn at or below zero.

    Parameters
    ----------
    dists : dict
        Dotted path -> distribution.
    paths : list of str
        Paths that must stay > 0 (costs, ratios, rates); paths not in ``dists`` are skipped.
    file : str, optional
        Config file name, quoted in error messages.

    Raises
    ------
    ConfigError
        Naming each path whose distribution reaches zero, a negative value, or is unbounded
        below (an untruncated normal).
    """
    problems = []
    for path in (p for p in paths if p in dists):
        dist = dists[path]
        lo = dist.bounds()[0]
        unbounded = dist.ppf(np.zeros(1))[0] == -np.inf
        if not isinstance(lo, (int, float)) or lo <= 0 or unbounded:
            reach = "is unbounded below" if unbounded else f"reaches {lo!r}"
            problems.append(
                Problem(
                    f"must be positive, but its distribution {reach}",
                    file,
                    f"uncertainties.{path}",
                    dist.model_dump(by_alias=True),
                    "raise low above 0, truncate a normal with low: (a positive value), "
                    "or use a lognormal",
                )
            )
    if problems:
        raise ConfigError("parameters must be positive", problems=problems)
