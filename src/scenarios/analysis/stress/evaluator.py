"""A future claim's metric over sampled futures: its scenario and reference in one world
(:class:`ClaimWorld`, with ``--set`` overrides), the metric per sample (:class:`Evaluator`),
whether the claim holds (:func:`claim_outcome`), adaptive sampling, drivers and the by-year curve.
Stress tests and the solver build on these."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats

from scenarios.analysis import blockwise
from scenarios.analysis.claims import (
    Claim,
    countries_read,
    future_metric,
    future_metric_by_year,
    metric_argument_problems,
    policy_effect,
    wilson_interval,
)
from scenarios.analysis.runs import draw_samples, held_keys, load_config, uncertainties_of
from scenarios.config.load import (
    PACKAGED_CONFIGS,
    available_configs,
    shared_overrides,
)
from scenarios.config.schema import Spec
from scenarios.data import Dataset
from scenarios.errors import ConfigError, ScenariosError, in_file


def scenario_path(name: str, claim_file: Path) -> Path | str:
    """A claim's scenario: beside the claim file, one folder up, else a shipped config."""
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


@dataclass(frozen=True)
class ClaimWorld:
    """A future claim's scenario and the reference its metric names, in one world.

    ``held`` are the overridden keys that the scenario samples: an override holds them at its
    value, so they leave the ensemble (see :meth:`Evaluator.draw`).
    """

    file: str
    spec: Spec
    reference: Spec | None
    held: tuple[str, ...] = ()

    @classmethod
    def of(cls, claim: Claim, claim_file: Path, overrides: list[str] | None = None) -> ClaimWorld:
        """The claim's scenario with ``overrides`` (``dotted.path=value``) and its reference with
        those that are not policy levers (:func:`scenarios.config.load.shared_overrides`)."""
        overrides = overrides or []
        file = str(scenario_path(claim.scenario, claim_file))
        spec = load_config(file, overrides)
        reference = None
        if claim.metric.reference:
            where = scenario_path(claim.metric.reference, claim_file)
            shared = shared_overrides(overrides, load_config(file), load_config(where))
            reference = load_config(where, shared)
        return cls(file, spec, reference, held_keys(spec, overrides))


class Evaluator:
    """Evaluates one future claim's metric for a parameter matrix (scenario and reference runs,
    a block of rows at a time: :func:`scenarios.analysis.blockwise.evaluate`).

    ``overrides`` change the claim's world as ``--set`` does; ``world`` gives it ready-made.
    ``point`` evaluates the point run instead (the config's values; a matrix of one empty row).
    """

    def __init__(
        self,
        claim: Claim,
        claim_file: Path,
        dataset: Dataset,
        overrides: list[str] | None = None,
        *,
        world: ClaimWorld | None = None,
        point: bool = False,
    ) -> None:
        world = world or ClaimWorld.of(claim, claim_file, overrides)
        self.claim = claim
        self.file = world.file
        self.spec = world.spec
        self.held = world.held
        self.dists = {
            k: v for k, v in uncertainties_of(self.spec, None).items() if k not in world.held
        }
        # the columns of every matrix drawn or built from dists; none for the point run
        columns = [] if point else list(self.dists)
        read = countries_read([claim.metric])  # the engine projects only these
        countries = None if read is None else [c for c in self.spec.countries if c in read]
        try:
            self.main = blockwise.Side.of(self.spec, dataset, columns, countries)
            self.reference = None
            if (
                world.reference is not None
            ):  # run with the scenario's seed: the same shocks, as in api.run
                self.reference = blockwise.Side.of(
                    world.reference.model_copy(update={"seed": self.spec.seed}),
                    dataset,
                    columns,
                    countries,
                )
        except ScenariosError as exc:
            raise in_file(exc, self.file) from None
        self.years = self.main.inputs.years
        self.base_year = int(self.main.inputs.base_year)
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

        def of(results: xr.Dataset) -> np.ndarray:
            if years is None:
                return future_metric(results, metric)
            return future_metric_by_year(results, metric, years)

        def reduce(results: xr.Dataset, base: xr.Dataset | None) -> dict[str, np.ndarray]:
            values = of(results)
            if base is not None:
                values = policy_effect(values, of(base), metric.change)
            return {"values": values}

        return reduce

    def __call__(self, samples: pd.DataFrame, years: np.ndarray | None = None) -> np.ndarray:
        """The metric per sample, shape (n,); with ``years``, in each of them, shape (n, len(years))."""
        try:
            label = f"{self.claim.id}: futures"
            values = blockwise.evaluate(
                self.main,
                self.reference,
                samples,
                self._reduce(years),
                label=label,
            )
            return values["values"]
        except ScenariosError as exc:
            raise in_file(exc, self.file) from None

    def years_until(self, year: int) -> np.ndarray:
        """The result years up to ``year`` (the span of a ``by_year`` claim)."""
        return self.years[self.years <= year]

    def draw(self, n: int, seed: int) -> pd.DataFrame:
        """``n`` futures of the scenario's uncertainties, without the held keys (the other
        columns are those of the same draw without overrides: common random numbers)."""
        return draw_samples(self.spec, n, seed=seed).drop(columns=list(self.held))


def claim_outcome(
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
        v, h = claim_outcome(claim, evaluator, samples)
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
