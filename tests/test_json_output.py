"""``--json``: one JSON document on stdout with stable keys and units, logs and progress on stderr.

Most commands run in process (typer's CliRunner keeps stdout and stderr apart); the progress test
runs a subprocess whose stderr is a pipe, made to count as a terminal by FORCE_COLOR, as a user's
terminal would be.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from scenarios import api
from scenarios.cli import app
from scenarios.results import MONEY

ENV = {**os.environ, "COLUMNS": "200"}
ENV.pop("FORCE_COLOR", None)


def scenarios(*args: str, cwd, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scenarios", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or ENV,
        timeout=600,
        check=False,
    )


def in_process(*args: str, cwd) -> subprocess.CompletedProcess:
    """The command run by CliRunner in ``cwd``, as a CompletedProcess."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, list(args))
    finally:
        os.chdir(old)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def document(done: subprocess.CompletedProcess, command: str) -> dict:
    assert done.returncode in (0, 2), done.stderr
    body = json.loads(done.stdout)  # the whole of stdout is one document
    assert body["command"] == command and body["format_version"] == 1
    return body


def test_run_json_gives_the_summary_with_units(tmp_path, full45_run):
    done = in_process("run", "nnmi_full45", "--no-plots", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [entry] = document(done, "run")["runs"]
    assert entry["scenario"] == "nnmi_full45" and entry["samples"] == 1
    assert entry["path"] == "runs/nnmi_full45"
    expected = full45_run.summary
    mva = next(r for r in entry["summary"] if r["metric"] == "mva" and r["country"] == "USA")
    want = expected[(expected["metric"] == "mva") & (expected["country"] == "USA")].iloc[0]
    assert mva["value"] == pytest.approx(float(want["value"]), rel=1e-12)
    assert mva["units"] == MONEY
    assert {"metric", "country", "start", "end", "value", "units", "note"} <= set(mva)
    assert "\x1b" not in done.stdout and done.stderr == ""


def test_validate_json_lists_problems_and_exits_2(tmp_path, shipped_dir):
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: baseline\nname: bad\nimpact:\n  rho: high\n")
    done = in_process(
        "validate", str(shipped_dir / "baseline.yaml"), str(bad), "--json", cwd=tmp_path
    )
    assert done.returncode == 2
    body = document(done, "validate")
    assert body["ok"] is False
    good, wrong = body["files"]
    assert good["ok"] is True and good["problem"] is None
    assert wrong["ok"] is False and wrong["file"] == str(bad)
    assert "impact.rho" in wrong["problem"]["message"]
    assert wrong["problem"]["kind"] == "ConfigError"


def test_compare_json_gives_each_difference_with_its_units(tmp_path):
    done = in_process("compare", "baseline", "nnmi_full45", "--json", cwd=tmp_path)
    body = document(done, "compare")
    rows = {(r["metric"], r["country"]): r for r in body["differences"]}
    row = rows[("mva", "USA")]
    assert (row["run"], row["against"]) == ("nnmi_full45", "baseline")
    base = api.load_run(tmp_path / "runs" / "baseline")
    full = api.load_run(tmp_path / "runs" / "nnmi_full45")

    year = row["end"]
    usa = {"country": "USA", "year": year, "sample": 0}
    expected = float(full["mva"].sel(usa) - base["mva"].sel(usa))  # the runs compare wrote
    assert row["difference"] == pytest.approx(expected, rel=1e-9)
    assert row["units"] == MONEY


@pytest.mark.slow
def test_stress_json_stays_clean_while_progress_goes_to_a_terminal(tmp_path):
    args = ("stress", "itif_full45", "-n", "200", "--max-samples", "200", "--json")
    shown = scenarios(*args, cwd=tmp_path, env={**ENV, "FORCE_COLOR": "1"})
    body = document(shown, "stress")
    [claims_file] = body["files"]
    claims = {c["claim"]: c for c in claims_file["claims"]}
    assert claims["full45_closes_gap"]["n"] == 200
    assert 0 <= claims["full45_closes_gap"]["probability"] <= 1
    assert "itif_full45: claims" in shown.stderr  # the progress bar, on stderr
    assert "\x1b" not in shown.stdout
    quiet = scenarios(*args, "--quiet", cwd=tmp_path, env={**ENV, "FORCE_COLOR": "1"})
    assert document(quiet, "stress")["files"][0]["claims"] == claims_file["claims"]
    assert quiet.stderr == ""


@pytest.mark.slow
def test_sensitivity_and_audit_json(tmp_path):
    done = in_process(
        "sensitivity",
        "nnmi_full45",
        "--method",
        "morris",
        "-n",
        "8",
        "--no-plots",
        "--json",
        cwd=tmp_path,
    )
    body = document(done, "sensitivity")
    assert body["method"] == "morris" and body["n"] == 8
    assert {"output", "parameter", "index", "value", "conf", "units"} <= set(body["indices"][0])
    audit = document(in_process("audit", "--json", cwd=tmp_path), "audit")
    assert audit["figures"] and audit["answer"]
    assert all("verdict" in f for f in audit["figures"])
