"""The IAMC export as pyam and nomenclature read it: scenarios, aggregates, units, values.

pyam-iamc 4 pins pandas < 3, which the project does not, so pyam often lives in a venv of its
own: the test runs tests/pyam_reader.py with this Python when it has pyam, else with the Python
that SCENARIOS_PYAM_PYTHON names (.ci/run makes one), and skips with the reason otherwise.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from scenarios import api
from scenarios.outputs.iamc import write_iamc

READER = Path(__file__).with_name("pyam_reader.py")


def pyam_python() -> str:
    if importlib.util.find_spec("pyam") and importlib.util.find_spec("nomenclature"):
        return sys.executable
    other = os.environ.get("SCENARIOS_PYAM_PYTHON")
    if not other:
        pytest.skip(
            "pyam-iamc and nomenclature-iamc not installed (they pin pandas < 3); "
            "set SCENARIOS_PYAM_PYTHON to a Python that has them"
        )
    return other


def read_with_pyam(folder: Path) -> dict:
    # iam-units caches pint's parsed definitions by the absolute paths of the environment that
    # first parsed them; a user-wide cache left by a deleted environment breaks the reader
    with tempfile.TemporaryDirectory() as cache:
        done = subprocess.run(
            [pyam_python(), str(READER), str(folder)],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
            env={**os.environ, "IAM_UNITS_CACHE": cache},
        )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("samples", [None, 40])
def test_pyam_reads_the_export(tmp_path, samples):
    run = api.run("nnmi_full45", samples=samples, seed=2)
    write_iamc(run.results, tmp_path, quantiles=(0.05, 0.5, 0.95))
    found = read_with_pyam(tmp_path)
    scenarios = ["nnmi_full45", "nnmi_full45|counterfactual"]
    if samples:
        scenarios += [
            f"nnmi_full45|p{p}{c}" for p in ("05", "50", "95") for c in ("", "|counterfactual")
        ]
    assert found["csv"]["scenarios"] == found["xlsx"]["scenarios"] == sorted(scenarios)
    assert found["csv"]["rows"] == found["xlsx"]["rows"]
    assert found["parents"] == [
        "Expenditure|Federal",
        "Expenditure|Total",
        "Institutes|Active",
        "Institutes|Launched",
    ]
    assert found["check_aggregate"] == dict.fromkeys(found["parents"])  # None: no failure
    assert found["nomenclature"] == "valid"
    assert found["nomenclature_wrong_unit"] != "valid"
    converted = found["convert_unit"]
    assert converted["unit"] == ["billion USD_2015/yr"]
    np.testing.assert_allclose(
        np.array(converted["billion"]) * 1000, converted["million"], rtol=1e-12
    )
    results, values = run.results, found["values"]
    mva = results["mva"].sel(country="USA", year=2035)
    expected = {
        "nnmi_full45|USA|Value Added|Manufacturing|2035": float(mva.median("sample")),
        "nnmi_full45|counterfactual|USA|Value Added|Manufacturing|2035": float(
            results["mva_baseline"].sel(country="USA", year=2035).median("sample")
        ),
        "nnmi_full45|World|Capital Stock|Innovation|2030": float(
            results["innovation_capital"].sel(country="WLD", year=2030).median("sample")
        ),
    }
    if samples:
        expected["nnmi_full45|p95|USA|Value Added|Manufacturing|2035"] = float(
            mva.quantile(0.95, "sample")
        )
    for key, value in expected.items():
        assert values[key] == pytest.approx(value, rel=1e-12), key
