"""What a plain install needs and what the command line loads before it does any work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numpy", "pandas", "xarray", "scipy", "matplotlib", "dask")

LOADED_AFTER = """
import sys
{code}
print("loaded:", *[m for m in {heavy!r} if m in sys.modules])
"""


def _heavy_modules_loaded(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", LOADED_AFTER.format(code=code, heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()[-1].split()[1:]


def test_importing_the_command_line_loads_no_numerical_library():
    assert _heavy_modules_loaded("import scenarios.cli") == []


@pytest.mark.parametrize(
    "argv", [["--help"], ["run", "--help"], ["run", "--samples", "abc"], ["frobnicate"]]
)
def test_help_and_command_line_errors_load_no_numerical_library(argv):
    code = f"""
sys.argv = ["scenarios", *{argv!r}]
from scenarios.cli import main
try:
    main()
except SystemExit as exc:
    assert exc.code in (0, 2), exc.code
"""
    assert _heavy_modules_loaded(code) == []


def test_the_api_still_loads_on_first_use():
    assert "xarray" in _heavy_modules_loaded("import scenarios; scenarios.run")


def test_every_import_is_a_declared_dependency_and_every_dependency_is_used():
    """deptry reads pyproject.toml: an undeclared import (click, say) or an unused package fails."""
    if not (ROOT / "pyproject.toml").is_file() or not (ROOT / "src" / "scenarios").is_dir():
        pytest.skip("needs the source tree (pyproject.toml and src/), not an installed copy")
    done = subprocess.run(
        [sys.executable, "-m", "deptry", "src"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_imports_run_down_the_layers():
    """import-linter's contract in pyproject.toml: config -> data -> model -> results -> analysis ->
    outputs -> api -> cli; an import up the list fails."""
    if not (ROOT / "pyproject.toml").is_file() or not (ROOT / "src" / "scenarios").is_dir():
        pytest.skip("needs the source tree (pyproject.toml and src/), not an installed copy")
    lint_imports = str(Path(sys.executable).with_name("lint-imports"))  # import-linter's command
    done = subprocess.run([lint_imports], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "1 kept, 0 broken" in done.stdout
