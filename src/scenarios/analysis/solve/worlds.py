"""A claim's world at any setting of one or two policy levers, and what the solvers share:
the claim chosen from its file, the levers, and the checks of their options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from scenarios.analysis.claims import Claim, load_claims, resolve_claim_path
from scenarios.analysis.runs import load_config
from scenarios.analysis.solve.levers import Lever, lever_of, setting_text
from scenarios.analysis.stress.evaluator import (
    ClaimWorld,
    Evaluator,
    claim_outcome,
    held_keys,
    scenario_path,
)
from scenarios.config.checks import check_option, check_seed, check_spec
from scenarios.config.load import (
    load_raw,
    resolve_config_path,
    set_path,
    shared_overrides,
    validate,
)
from scenarios.config.schema import Spec
from scenarios.data import Dataset, load_dataset
from scenarios.errors import ConfigError


class LeverWorlds:
    """The claim's world at any setting of the levers: the configs are read once; each setting
    is applied as ``--set`` would (:class:`scenarios.analysis.stress.ClaimWorld`)."""

    def __init__(self, claim: Claim, claim_file: Path, dataset: Dataset | None = None) -> None:
        self.claim, self.claim_file = claim, claim_file
        self.file = str(scenario_path(claim.scenario or "", claim_file))
        self.raw = load_raw(resolve_config_path(self.file))
        self.spec = load_config(self.file)
        self.dataset = dataset or load_dataset(self.spec.data.path)
        self.reference_raw: dict[str, Any] | None = None
        self.reference: Spec | None = None
        if claim.metric.reference:
            where = resolve_config_path(scenario_path(claim.metric.reference, claim_file))
            self.reference_raw = load_raw(where)
            self.reference = load_config(where)
        self._cache: dict[tuple, tuple[Evaluator, Evaluator]] = {}
        self._points: dict[tuple, bool] = {}

    def evaluators(self, setting: dict[str, float]) -> tuple[Evaluator, Evaluator]:
        """(ensemble, point run) evaluators of the claim at ``setting`` (lever path -> value)."""
        key = tuple(sorted(setting.items()))
        if key not in self._cache:
            world = self.world(setting)
            ensemble = Evaluator(self.claim, self.claim_file, self.dataset, world=world)
            point = Evaluator(self.claim, self.claim_file, self.dataset, world=world, point=True)
            self._cache[key] = (ensemble, point)
        return self._cache[key]

    def point_holds(self, setting: dict[str, float]) -> bool:
        """Whether the claim holds in the point run at ``setting``."""
        key = tuple(sorted(setting.items()))
        if key not in self._points:
            _, point = self.evaluators(setting)
            one = pd.DataFrame(index=range(1))
            self._points[key] = bool(claim_outcome(self.claim, point, one)[1][0])
        return self._points[key]

    def world(self, setting: dict[str, float]) -> ClaimWorld:
        """The claim's scenario and reference with the levers at ``setting``."""
        texts = [setting_text(path, value) for path, value in setting.items()]
        spec = self._apply(self.raw, setting, self.file, texts)
        reference = None
        if self.reference_raw is not None and self.reference is not None:
            shared = shared_overrides(texts, self.spec, self.reference)
            both = {p: v for p, v in setting.items() if setting_text(p, v) in shared}
            reference = self._apply(self.reference_raw, both, self.file, texts)
        return ClaimWorld(self.file, spec, reference, held_keys(spec, texts))

    @staticmethod
    def _apply(raw: dict[str, Any], setting: dict[str, float], file: str, texts: list[str]) -> Spec:
        data = raw
        for path, value in setting.items():
            data = set_path(data, path.split("."), float(value))
        try:
            spec = validate(data, file=file)
            check_spec(spec, file=file)
        except ConfigError as exc:
            raise ConfigError(
                f"the config refuses a lever value of the range: {exc.problems[0].message}",
                file=file,
                path="--range",
                value=", ".join(texts),
                hint="keep --range within the values the key accepts",
            ) from None
        return spec


def select_claim(claim_file: Path, claim_id: str) -> Claim:
    """The claim ``claim_id`` of a claim file: one with a scenario for a lever to move."""
    claims = load_claims(claim_file).claims
    ids = [c.id for c in claims]
    if claim_id not in ids:
        raise ConfigError(
            "no claim with this id in the claim file",
            file=str(claim_file),
            path="--claim",
            value=claim_id,
            hint=f"claims in this file: {', '.join(ids)}",
        )
    claim = next(c for c in claims if c.id == claim_id)
    if claim.scenario is None:
        future = [c.id for c in claims if c.scenario is not None]
        raise ConfigError(
            "this claim is about the observed data: no policy lever moves it",
            file=str(claim_file),
            path=f"claims[{claim_id}].scenario",
            hint="solve a claim with a scenario: "
            + (", ".join(future) if future else "this file has none"),
        )
    return claim


def check_arguments(
    levers: list[str],
    probabilities: list[float] | tuple[float, ...],
    ranges: list[tuple[float, float]] | None,
    samples: int,
    grid: int,
    seed: int,
) -> None:
    """Refuse bad solver options before anything runs."""
    if len(levers) not in (1, 2):
        raise ConfigError(
            f"solve takes one or two levers, not {len(levers)}",
            path="--lever",
            value=levers,
            hint="one lever gives the value at which the claim holds; two give a grid",
        )
    if ranges is not None and len(ranges) != len(levers):
        raise ConfigError(
            f"{len(ranges)} ranges for {len(levers)} levers",
            path="--range",
            value=[list(r) for r in ranges],
            hint="give one --range LOW HIGH per --lever, in the same order, or none",
        )
    for p in probabilities:
        check_option(p, "--probability", minimum=0, maximum=1, integer=False, above=True)
    check_option(samples, "--samples", minimum=1)
    check_option(grid, "--grid", minimum=3)
    check_seed(seed)


def prepare(
    claim_file: str | Path,
    claim_id: str,
    levers: list[str],
    ranges: list[tuple[float, float]] | None,
    dataset: Dataset | None,
) -> tuple[Claim, Path, LeverWorlds, list[Lever]]:
    """The claim, its file, its world at any lever setting, and the levers."""
    path = resolve_claim_path(claim_file)
    claim = select_claim(path, claim_id)
    worlds = LeverWorlds(claim, path, dataset)
    chosen = [
        lever_of(
            worlds.spec,
            worlds.file,
            lever,
            None if ranges is None else ranges[i],
            i,
            worlds.reference,
        )
        for i, lever in enumerate(levers)
    ]
    if len(chosen) == 2 and chosen[0].path == chosen[1].path:
        raise ConfigError("the two levers are the same", path="--lever", value=levers)
    return claim, path, worlds, chosen
