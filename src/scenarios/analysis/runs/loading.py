"""A scenario's config loaded with its overrides and checks; its uncertainties; its reference."""

from __future__ import annotations

from pathlib import Path

from scenarios.analysis.sampling import correlation_matrix, validate_uncertainties
from scenarios.config.checks import check_seed, check_spec
from scenarios.config.load import (
    apply_overrides,
    load_raw,
    parse_override,
    resolve_config_path,
    shared_overrides,
    validate,
)
from scenarios.config.schema import Spec
from scenarios.data import Dataset, load_dataset


def load_config(name_or_path: str | Path, overrides: list[str] | None = None) -> Spec:
    """Load a scenario config (a path or a shipped name), apply overrides, validate.

    Raises
    ------
    ConfigError
        Naming the file, key path, bad value and a hint for every problem.
    """
    path = resolve_config_path(name_or_path)
    spec = validate(
        apply_overrides(load_raw(path), overrides or []), file=str(path), overrides=overrides
    )
    check_spec(spec, file=str(path))
    dists = uncertainties_of(spec, str(path))
    if spec.correlations:
        correlation_matrix(spec.correlations, list(dists), file=str(path))
    return spec


def uncertainties_of(spec: Spec, file: str | None) -> dict:
    return validate_uncertainties(spec.uncertainties, file=file)


def held_keys(spec: Spec, overrides: list[str]) -> tuple[str, ...]:
    """The keys of ``overrides`` that ``spec`` samples: an override holds them at its value, so
    an ensemble leaves them out of its draws."""
    keys = [".".join(parse_override(text)[0]) for text in overrides]
    return tuple(key for key in keys if key in spec.uncertainties)


def resolve(
    config: str | Path | Spec,
    overrides: list[str] | None,
    seed: int | None,
    dataset: Dataset | None,
) -> tuple[str, Spec, Dataset]:
    """The config's file name (for messages), its validated spec with any seed override, and the
    dataset it reads."""
    file = str(resolve_config_path(config)) if not isinstance(config, Spec) else "<Spec>"
    if seed is not None:
        check_seed(seed)
    spec = config if isinstance(config, Spec) else load_config(config, overrides)
    if seed is not None:
        spec = spec.model_copy(update={"seed": seed})
    return file, spec, dataset or load_dataset(spec.data.path)


def load_reference(file: str, spec: Spec, overrides: list[str] | None = None) -> Spec | None:
    """The reference scenario of ``spec`` in the same world: its config (beside ``file``, else a
    shipped one) with every override that is not a policy lever, and ``spec``'s seed.

    One world, two policies: an override of an assumption applies to both sides; an override of
    a key in which the scenario differs from its reference (the policy) applies to the scenario
    alone (:func:`scenarios.config.load.shared_overrides`). None when ``spec`` names no reference.
    """
    if not spec.reference:
        return None
    beside = Path(file).parent / f"{spec.reference}.yaml"
    where = beside if beside.exists() else spec.reference
    shared: list[str] = []
    if overrides and file != "<Spec>":  # a Spec given ready-made carries its overrides already
        shared = shared_overrides(overrides, load_config(file), load_config(where))
    return load_config(where, shared).model_copy(update={"seed": spec.seed})
