"""Stress-testing one claim (`stress_claim`), or every claim of a claim file (`stress`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from scenarios.analysis.claims import (
    Claim,
    ClaimFile,
    load_claims,
    past_metric,
    resolve_claim_path,
)
from scenarios.analysis.discovery import find_box
from scenarios.analysis.stress.breakevens import breakeven, one_sided
from scenarios.analysis.stress.evaluator import Evaluator, drivers, probability_curve, sample_until
from scenarios.analysis.stress.outcome import ClaimResult
from scenarios.config.checks import check_option, check_seed
from scenarios.data import Dataset, load_dataset
from scenarios.errors import ScenariosError, in_file
from scenarios.progress import steps


def stress_claim(
    claim: Claim,
    claim_file: Path,
    dataset: Dataset,
    *,
    samples: int = 500,
    seed: int = 0,
    ci_width: float = 0.05,
    max_samples: int = 8000,
    n_breakeven: int = 3,
    overrides: list[str] | None = None,
) -> ClaimResult:
    """Stress-test one claim (past claims: a recomputation from the data); ``overrides`` change
    a future claim's world as ``--set`` does (:class:`~scenarios.analysis.stress.ClaimWorld`)."""
    if claim.scenario is None:
        try:
            value = past_metric(dataset, claim.metric)
        except ScenariosError as exc:
            raise in_file(exc, str(claim_file)) from None
        return ClaimResult(claim, np.array([value]), claim.holds_if.holds(np.array([value])))
    evaluator = Evaluator(claim, claim_file, dataset, overrides)
    matrix, values, holds = sample_until(
        claim, evaluator, n=samples, seed=seed, ci_width=ci_width, max_samples=max_samples
    )
    result = ClaimResult(claim, values, holds, matrix, drivers(matrix, values))
    leading = [p for p in result.drivers["parameter"].head(n_breakeven)]
    result.breakevens = [
        breakeven(evaluator, evaluator.dists, p, t, one_sided(claim.holds_if, t))
        for p in leading
        for t in claim.holds_if.thresholds
    ]
    result.box_outcome = "fails" if holds.mean() >= 0.5 else "holds"
    result.box = find_box(matrix, ~holds if result.box_outcome == "fails" else holds)
    if claim.metric.by_year:
        result.curve = probability_curve(claim, evaluator, matrix)
    return result


def stress(
    path: str | Path,
    *,
    samples: int = 500,
    seed: int = 0,
    ci_width: float = 0.05,
    max_samples: int = 8000,
    dataset: Dataset | None = None,
    overrides: list[str] | None = None,
) -> list[ClaimResult]:
    """Stress-test every claim in a claim file.

    ``overrides`` (``dotted.path=value``) change each future claim's scenario as ``--set``
    does: a policy lever the scenario alone, any other key its reference too; a sampled key is
    held at the value.

    Example
    -------
    >>> results = stress("configs/claims/itif_full45.yaml")   # doctest: +SKIP
    >>> print(results[0].verdict)                              # doctest: +SKIP
    """
    check_option(samples, "--samples", minimum=1)
    check_option(max_samples, "--max-samples", minimum=1)
    check_option(ci_width, "--ci-width", minimum=0, maximum=1, integer=False, above=True)
    check_seed(seed)
    path = resolve_claim_path(path)
    claim_file: ClaimFile = load_claims(path)
    dataset = dataset or load_dataset()
    claims = claim_file.claims
    with steps(f"{path.stem}: claims", len(claims)) as advance:
        results = []
        for claim in claims:
            results.append(
                stress_claim(
                    claim,
                    path,
                    dataset,
                    samples=samples,
                    seed=seed,
                    ci_width=ci_width,
                    max_samples=max_samples,
                    overrides=overrides,
                )
            )
            advance()
    return results
