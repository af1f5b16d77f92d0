"""The package as a user installs it: a wheel (not editable) in a fresh virtual environment."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
SHIPPED = {
    "baseline",
    "nnmi_full45",
    "nnmi_full45_2017",
    "fy2016_level",
    "fraunhofer_parity",
    "funding_cut",
    "china_mic40",
}
DATA_FILES = {
    "series.csv",
    "institutes.csv",
    "fraunhofer.csv",
    "program_facts.csv",
    "impact_parameters.csv",
    "vintage.json",
}


def _run(args: list[str | Path], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    env.update(COLUMNS="200", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout
    )


def _source_copy(target: Path) -> Path:
    """The project's own files, without build leftovers (the build never touches the work tree)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    target.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "setup.cfg", "MANIFEST.in"):
        if (REPO / name).is_file():
            shutil.copy(REPO / name, target / name)
    shutil.copytree(REPO / "src", target / "src", ignore=ignore)
    return target


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REPO / "pyproject.toml").is_file():
        pytest.skip(f"no pyproject.toml at {REPO}: not running from a source checkout")
    tmp = tmp_path_factory.mktemp("install")
    source = _source_copy(tmp / "source")
    wheels = tmp / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", wheels, source], cwd=tmp)
    if built.returncode != 0:
        pytest.skip(
            "pip wheel failed (offline without setuptools/wheel?): " + built.stderr.strip()[-500:]
        )
    (wheel,) = wheels.glob("mfg_scenarios-*.whl")
    env_dir = tmp / "venv"
    made = _run(
        [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", env_dir], cwd=tmp
    )
    assert made.returncode == 0, made.stderr
    python = env_dir / "bin" / "python"
    # the dependencies come from the environment running the tests (which may itself be a venv)
    purelib = _run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp
    )
    parents = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib.stdout.strip()) / "_test_parent_env.pth").write_text("\n".join(parents) + "\n")
    installed = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--no-deps",
            "--no-index",
            "--ignore-installed",
            wheel,
        ],
        cwd=tmp,
    )
    assert installed.returncode == 0, installed.stderr
    return env_dir


def test_installed_package_is_the_wheel_with_its_data(venv: Path, tmp_path: Path) -> None:
    code = (
        "import scenarios, importlib.resources as r; print(scenarios.__file__); "
        "print(*sorted(p.name for p in r.files('scenarios').joinpath('data').iterdir())); "
        "print(*sorted(p.name for p in r.files('scenarios').joinpath('configs').iterdir()))"
    )
    done = _run([venv / "bin" / "python", "-c", code], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    location, data, configs = done.stdout.splitlines()
    assert Path(location).resolve().is_relative_to(venv.resolve()), (
        location
    )  # not the editable source tree
    assert DATA_FILES <= set(data.split())
    assert {f"{name}.yaml" for name in SHIPPED} <= set(configs.split())


def test_installed_command_runs_a_shipped_name_and_a_path(venv: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    command = venv / "bin" / "scenarios"
    by_name = _run(
        [command, "run", "nnmi_full45", "--out", tmp_path / "by_name", "--no-plots"], cwd=elsewhere
    )
    assert by_name.returncode == 0, by_name.stderr
    assert (tmp_path / "by_name" / "nnmi_full45" / "results.nc").is_file()
    by_path = _run(
        [
            command,
            "run",
            REPO / "configs" / "nnmi_full45.yaml",
            "--out",
            tmp_path / "by_path",
            "--no-plots",
            "--quiet",
        ],
        cwd=elsewhere,
    )
    assert by_path.returncode == 0, by_path.stderr
    assert (tmp_path / "by_path" / "nnmi_full45" / "results.nc").is_file()
    assert list(elsewhere.iterdir()) == []  # nothing written to the working directory
