"""A future claim's metric over sampled futures: evaluator, adaptive sampling, drivers, curve."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats

from scenarios.analysis import blockwise
from scenarios.analysis.claims import (
    Claim,
    future_metric,
    metric_argument_problems,
    policy_effect,
    wilson_interval,
)
from scenarios.analysis.runs import draw_samples, load_config, uncertainties_of
from scenarios.config.load import PACKAGED_CONFIGS, available_configs
from scenarios.data import Dataset
from scenarios.errors import ConfigError, ScenariosError, in_file


def _scenario_path(name: str, claim_file: Path) -> Path | str:
    for folder in (claim_file.parent, claim_file.parent.parent):
        candidate = folder / f"{name}.yaml"
        if candidate.exists():
            return candidate
    if (PACKAGED_CONFIGS / f"{name}.yaml").is_file():
        return name
    raise ConfigError(
        f"scenario {name!r} not found",
        file=str(claim_file),
        path="scenario",
        value=name,
        hint=f"shipped scenarios: {', '.join(available_configs())}",
    )


class Evaluator:
    """Evaluates one future claim's metric for a parameter matrix (scenario and reference runs,
    a block of rows at a time: :func:`scenarios.analysis.blockwise.evaluate`)."""

    def __init__(self, claim: Claim, claim_file: Path, dataset: Dataset) -> None:
        self.claim = claim
        self.file = str(_scenario_path(claim.scenario, claim_file))
        self.spec = load_config(self.file)
        self.dists = uncertainties_of(self.spec, None)
        columns = list(self.dists)  # the columns of every matrix drawn or built from dists
        reference = claim.metric.reference
        try:
            self.main = blockwise.Side.of(self.spec, dataset, columns)
            self.reference = None
            if reference:  # run with the scenario's seed: the same shocks, as in api.run
                spec = load_config(_scenario_path(reference, claim_file))
                self.reference = blockwise.Side.of(
                    spec.model_copy(update={"seed": self.spec.seed}), dataset, columns
                )
        except ScenariosError as exc:
            raise in_file(exc, self.file) from None
        self.years = self.main.inputs.years
        inputs = self.main.inputs
        problems = metric_argument_problems(
            claim,
            {
                "country": list(inputs.countries),
                "year": list(self.years),
                "program": list(self.spec.programs),
            },
            str(claim_file),
        )
        if problems:
            raise ConfigError(
                "the claim's metric asks for values its scenario does not have", problems=problems
            )

    def _reduce(self, years: np.ndarray | None) -> blockwise.Reduce:
        metric = self.claim.metric

        def one(results: xr.Dataset, base: xr.Dataset | None, year: int | None) -> np.ndarray:
            values = future_metric(results, metric, year)
            if base is not None:
                values = policy_effect(values, future_metric(base, metric, year), metric.change)
            return values

        def reduce(results: xr.Dataset, base: xr.Dataset | None) -> dict[str, np.ndarray]:
            if years is None:
                return {"values": one(results, base, None)}
            return {
                "values": np.stack(
                    np.broadcast_arrays(*[one(results, base, int(y)) for y in years]), axis=1
                )
            }

        return reduce

    def __call__(self, samples: pd.DataFrame, years: np.ndarray | None = None) -> np.ndarray:
        """The metric per sample, shape (n,); with ``years``, in each of them, shape (n, len(years))."""
        try:
            label = f"{self.claim.id}: futures"
            values = blockwise.evaluate(
                self.main, self.reference, samples, self._reduce(years), label=label
            )
            return values["values"]
        except ScenariosError as exc:
            raise in_file(exc, self.file) from None

    def years_until(self, year: int) -> np.ndarray:
        """The result years up to ``year`` (the span of a ``by_year`` claim)."""
        return self.years[self.years <= year]

    def draw(self, n: int, seed: int) -> pd.DataFrame:
        return draw_samples(self.spec, n, seed=seed)


def _holds(
    claim: Claim, evaluator: Evaluator, samples: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    if not claim.metric.by_year:
        values = evaluator(samples)
        return values, claim.holds_if.holds(values)
    yearly = evaluator(samples, evaluator.years_until(claim.metric.year))
    return yearly[:, -1], claim.holds_if.holds(yearly).any(axis=1)


def sample_until(
    claim: Claim, evaluator: Evaluator, *, n: int, seed: int, ci_width: float, max_samples: int
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Draw batches of ``n`` futures until the Wilson interval is narrower than ``ci_width``."""
    frames, values, holds = [], [], []
    batch = 0
    while True:
        samples = evaluator.draw(n, seed + batch)
        v, h = _holds(claim, evaluator, samples)
        frames.append(samples)
        values.append(v)
        holds.append(h)
        batch += 1
        all_holds = np.concatenate(holds)
        low, high = wilson_interval(int(all_holds.sum()), len(all_holds))
        if high - low <= ci_width or len(all_holds) + n > max_samples:
            break
    return pd.concat(frames, ignore_index=True), np.concatenate(values), np.concatenate(holds)


def drivers(samples: pd.DataFrame, values: np.ndarray) -> pd.DataFrame:
    """Spearman rank correlation of the claim's metric with each sampled assumption."""
    rows = []
    for name in samples.select_dtypes("number").columns:
        x = samples[name].to_numpy()
        if np.ptp(x) == 0 or np.ptp(values) == 0:
            continue
        rho = stats.spearmanr(x, values).statistic
        rows.append((name, float(rho)))
    table = pd.DataFrame(rows, columns=["parameter", "spearman"])
    return table.reindex(table["spearman"].abs().sort_values(ascending=False).index).reset_index(
        drop=True
    )


def probability_curve(claim: Claim, evaluator: Evaluator, samples: pd.DataFrame) -> pd.DataFrame:
    """P(condition met by year y) for each year up to the claim's year."""
    years = evaluator.years_until(claim.metric.year)
    met = claim.holds_if.holds(evaluator(samples, years))
    by_year = np.maximum.accumulate(met, axis=1).mean(axis=0)
    return pd.DataFrame({"year": years, "probability": by_year})
