"""The scenario configs that ship with the package, found by name."""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path

PACKAGED_CONFIGS = resources.files("scenarios") / "configs"


def config_hint(path: Path) -> str | None:
    names = available_configs()
    close = difflib.get_close_matches(path.stem, names, n=1)
    if close:
        return f"did you mean '{close[0]}'? Shipped configs: {', '.join(names)}"
    return f"shipped configs: {', '.join(names)} (run 'scenarios list')"


def available_configs() -> list[str]:
    """Names of the scenario configs that ship with the package."""
    return sorted(
        p.name.removesuffix(".yaml") for p in PACKAGED_CONFIGS.iterdir() if p.name.endswith(".yaml")
    )


def resolve_config_path(name_or_path: str | Path) -> Path:
    """A path as given, or the packaged config of that name (``nnmi_full45``)."""
    path = Path(name_or_path)
    if path.exists() or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        return path
    packaged = PACKAGED_CONFIGS / f"{path.name}.yaml"
    return Path(str(packaged))
