"""The scenario configs that ship with the package, found by name."""

from __future__ import annotations

import difflib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGED_CONFIGS = resources.files("scenarios") / "configs"


def config_hint(path: Path) -> str | None:
    names = available_configs()
    close = difflib.get_close_matches(path.stem, names, n=1)
    if close:
        return f"did you mean '{close[0]}'? Shipped configs: {', '.join(names)}"
    return f"shipped configs: {', '.join(names)} (run 'scenarios list')"


def shipped_names(folder: Traversable = PACKAGED_CONFIGS) -> list[str]:
    """Names of the YAML files that ship in `folder` (the scenario configs, or their claims/)."""
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def names_a_file(name_or_path: str | Path) -> bool:
    """Whether the text names a file (it exists, ends in .yaml or .yml, or has a folder) rather
    than something shipped by name."""
    path = Path(name_or_path)
    return path.exists() or path.suffix in (".yaml", ".yml") or len(path.parts) > 1


def available_configs() -> list[str]:
    """Names of the scenario configs that ship with the package."""
    return shipped_names(PACKAGED_CONFIGS)


def resolve_config_path(name_or_path: str | Path) -> Path:
    """A path as given, or the packaged config of that name (``nnmi_full45``)."""
    path = Path(name_or_path)
    if names_a_file(path):
        return path
    packaged = PACKAGED_CONFIGS / f"{path.name}.yaml"
    return Path(str(packaged))
