"""The claims that name a scenario, judged on the explorer's ensemble: probability and interval."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from scenarios.analysis.claims import (
    Claim,
    future_metric,
    load_claims,
    policy_effect,
    wilson_interval,
)
from scenarios.config.load import PACKAGED_CONFIGS
from scenarios.results import series_years


@dataclass(frozen=True)
class Verdict:
    """A claim's probability over the ensemble, with its 95 % Wilson interval."""

    claim: Claim
    probability: float
    low: float
    high: float
    n: int

    def describe(self) -> str:
        return f"holds in {self.probability:.0%} [{self.low:.0%}-{self.high:.0%}] of {self.n:,} futures"


def claim_files(config_file: str | Path) -> list[Path]:
    """Claim files beside the config (``claims/``) and the shipped ones, first of a name wins."""
    folders = [Path(config_file).parent / "claims", Path(str(PACKAGED_CONFIGS)) / "claims"]
    found: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            found.setdefault(path.name, path)
    return list(found.values())


def claims_for(scenario: str, reference: str | None, config_file: str | Path) -> list[Claim]:
    """Claims about ``scenario`` whose metric needs no scenario other than its ``reference``."""
    claims = [c for path in claim_files(config_file) for c in load_claims(path).claims]
    return [c for c in claims if c.scenario == scenario and c.metric.reference in (None, reference)]


def _values(
    claim: Claim, results: xr.Dataset, reference: xr.Dataset, year: int | None
) -> np.ndarray:
    values = future_metric(results, claim.metric, year)
    if claim.metric.reference:
        values = policy_effect(
            values, future_metric(reference, claim.metric, year), claim.metric.change
        )
    return values


def judge(claim: Claim, results: xr.Dataset, reference: xr.Dataset) -> Verdict:
    """The claim over the ensemble (``by_year``: met in any year up to the claim's year)."""
    if claim.metric.by_year:
        years = [int(y) for y in series_years(results) if y <= claim.metric.year]
        met = np.stack(
            [claim.holds_if.holds(_values(claim, results, reference, y)) for y in years], axis=1
        )
        holds = met.any(axis=1)
    else:
        holds = claim.holds_if.holds(_values(claim, results, reference, None))
    low, high = wilson_interval(int(holds.sum()), len(holds))
    return Verdict(claim, float(holds.mean()), low, high, len(holds))
