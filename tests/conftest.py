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


UN_AMA_CONSTANT = (
    Path(__file__).resolve().parents[2]
    / "shared/data/un_ama_mva_gdp_all_countries_constant_2015_usd_through2023.csv"
)


@pytest.fixture(scope="session")
def un_backtest():
    """The rolling backtest of every country in the UN AMA constant-price extract in
    ../shared/data, run once for the session; skips when the extract is absent."""
    if not UN_AMA_CONSTANT.exists():
        pytest.skip("needs ../shared/data (UN AMA extract)")
    from scenarios.analysis.calibration.skill import load_panel, rolling_backtest

    return rolling_backtest(load_panel(UN_AMA_CONSTANT))
