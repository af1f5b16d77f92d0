"""Execute the tutorial notebooks top to bottom, as a new analyst would on a fresh clone.

Each notebook ends with a cell that asserts the headline numbers it shows (recomputed
independently inside the notebook), so a notebook that has gone stale against the model fails
here. Notebooks run in a temporary working directory, so their ``runs/`` and data folders land
there. Sample sizes inside the notebooks are small to keep this fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the notebooks, executed end to end

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 120  # seconds per cell


def test_notebooks_exist():
    names = [p.name for p in NOTEBOOKS]
    assert names == [
        "01_quickstart.ipynb",
        "02_sensitivity.ipynb",
        "03_stress_test.ipynb",
        "04_add_a_country_or_component.ipynb",
        "05_what_would_it_take.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: clear the outputs before committing"
            )


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # jupyter_client/zmq internals, not ours
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_its_assertions_hold(path: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    last = notebook.cells[-1]
    assert last.cell_type == "code" and "assert" in last.source, (
        "the last cell asserts the headline numbers"
    )
    printed = "".join(o.get("text", "") for o in last.outputs if o.get("output_type") == "stream")
    assert "all headline checks pass" in printed
