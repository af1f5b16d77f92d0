"""Claim files: found by name, read, validated, each metric checked against those a claim names."""

from __future__ import annotations

import difflib
from pathlib import Path

from pydantic import ValidationError

from scenarios.analysis.claims.future import FUTURE_METRICS
from scenarios.analysis.claims.language import Claim, ClaimFile
from scenarios.analysis.claims.past import PAST_METRICS
from scenarios.config.load import (
    PACKAGED_CONFIGS,
    config_problem,
    names_a_file,
    read_yaml,
    shipped_names,
)
from scenarios.errors import ConfigError


def shipped_claim_files() -> list[str]:
    """Names of the claim files that ship with the package (``scenarios stress NAME``)."""
    return shipped_names(PACKAGED_CONFIGS / "claims")


def resolve_claim_path(name_or_path: str | Path) -> Path:
    """A claim file as given, or the shipped claim file of that name (``itif_full45``)."""
    path = Path(name_or_path)
    if names_a_file(path):
        return path
    if path.name in shipped_claim_files():
        return Path(str(PACKAGED_CONFIGS / "claims" / f"{path.name}.yaml"))
    close = difflib.get_close_matches(path.name, shipped_claim_files(), n=1)
    raise ConfigError(
        "claim file not found",
        file=str(path),
        hint=(f"did you mean '{close[0]}'? " if close else "")
        + f"shipped claim files: {', '.join(shipped_claim_files())} (or a path to your own)",
    )


def load_claims(path: str | Path) -> ClaimFile:
    """Read and validate a claim file (a path, or a shipped claim file's name; a single claim
    mapping or ``claims: [...]``)."""
    path = resolve_claim_path(path)
    data = read_yaml(path, "claim file")
    if "claims" not in data:
        data = {"source": data.get("source", ""), "claims": [data]}
    entries = data.get("claims")
    for claim in (
        entries if isinstance(entries, list) else []
    ):  # anything else: the schema says what is wrong
        if isinstance(claim, dict):
            claim.setdefault("source", data.get("source", ""))
    try:
        claims = ClaimFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            "invalid claim file", problems=[_claim_problem(err, str(path)) for err in exc.errors()]
        ) from None
    first: dict[str, int] = {}
    for i, claim in enumerate(claims.claims):
        if claim.id in first:
            raise ConfigError(
                f"duplicate claim id (first at claims[{first[claim.id]}])",
                file=str(path),
                path=f"claims[{i}].id",
                value=claim.id,
                hint="give every claim its own id",
            )
        first[claim.id] = i
        _check_metric(claim, str(path))
    return claims


def _claim_problem(err: dict, file: str):
    problem = config_problem(err, file)
    if err["type"] == "extra_forbidden":
        problem.hint = None
    return problem


def _check_metric(claim: Claim, file: str) -> None:
    registry = PAST_METRICS if claim.scenario is None else FUTURE_METRICS
    kind = "past (no scenario)" if claim.scenario is None else "future (with a scenario)"
    where = f"claims[{claim.id}].metric"
    if claim.metric.name not in registry:
        raise ConfigError(
            f"unknown metric for a {kind} claim",
            file=file,
            path=f"{where}.name",
            value=claim.metric.name,
            hint=f"choose one of: {', '.join(registry)}",
        )
    missing = [arg for arg in registry[claim.metric.name][1] if getattr(claim.metric, arg) is None]
    if missing:
        raise ConfigError(
            f"metric '{claim.metric.name}' needs {', '.join(missing)}",
            file=file,
            path=f"{where}.{missing[0]}",
        )
    if claim.metric.by_year and not getattr(
        FUTURE_METRICS.get(claim.metric.name, (None,))[0], "yearly", False
    ):
        raise ConfigError(
            "by_year needs a metric with a year",
            file=file,
            path=f"{where}.by_year",
            hint="yearly metrics: mva, mva_ratio, world_share, institutes_active, intensity_index",
        )
