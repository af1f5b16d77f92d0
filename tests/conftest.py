"""Shared fixtures: the shipped configs copied into a temporary folder, and cached scenario runs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

SHIPPED = (
    "baseline",
    "nnmi_full45",
    "nnmi_full45_2017",
    "fy2016_level",
    "fraunhofer_parity",
    "funding_cut",
    "china_mic40",
)


@pytest.fixture(scope="session")
def shipped_dir() -> Path:
    """The folder of configs inside the installed package (read it, never write to it)."""
    return Path(str(resources.files("scenarios") / "configs"))


@pytest.fixture
def config_dir(tmp_path: Path, shipped_dir: Path) -> Path:
    """A writable copy of the shipped configs."""
    target = tmp_path / "configs"
    target.mkdir()
    for path in shipped_dir.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def write_config(config_dir: Path) -> Callable[[str, str], Path]:
    """``write_config("bad", text)`` writes ``bad.yaml`` beside the copied shipped configs."""

    def write(name: str, text: str) -> Path:
        path = config_dir / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def full45_run():
    """nnmi_full45 (deterministic) with its reference run, shared by the tests that only read it."""
    from scenarios import api

    return api.run("nnmi_full45")
