"""The command line, in process (typer's CliRunner) and as a subprocess, and runs on disk."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import SHIPPED
from test_config import BAD, bad_text
from typer.testing import CliRunner

from scenarios import api
from scenarios.cli import app, main
from scenarios.config.load import config_hash
from scenarios.results import MARKER, write_run

RUN_FILES = {MARKER, "results.nc", "metrics.csv", "summary.csv", "manifest.json"}
METRIC_COLUMNS = [
    "scenario",
    "metric",
    "country",
    "start",
    "end",
    "statistic",
    "value",
    "units",
    "long_name",
    "note",
]
ENV = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}  # no wrapping inside rich panels

runner = CliRunner()


def scenarios_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scenarios", *map(str, args)],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=cwd,
        timeout=300,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def check_run_folder(folder: Path, name: str) -> None:
    assert {p.name for p in folder.iterdir()} == RUN_FILES
    manifest = json.loads((folder / "manifest.json").read_text())
    for key in ("config", "config_hash", "seed", "package_version", "data_vintage", "run_seconds"):
        assert key in manifest, key
    assert manifest["config"]["name"] == name
    assert manifest["config_hash"] == config_hash(api.load_config(name))
    assert manifest["seed"] == 20250520
    table = pd.read_csv(folder / "metrics.csv")
    assert list(table.columns) == METRIC_COLUMNS
    assert set(table["statistic"]) == {"value"}
    assert (table["scenario"] == name).all()
    summary = pd.read_csv(folder / "summary.csv")
    assert list(summary.columns) == METRIC_COLUMNS and len(summary) > 0


# --- list ----------------------------------------------------------------------------------------


def test_list_in_process() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    for name in SHIPPED:
        assert name in result.output


def test_list_subprocess(shipped_dir: Path) -> None:
    done = scenarios_cli("list")
    assert done.returncode == 0, done.stderr
    listed = {
        line.split("│")[1].strip()
        for line in done.stdout.splitlines()
        if line.startswith("│") and line.split("│")[1].strip()
    }
    assert set(SHIPPED) <= listed
    assert listed == {p.stem for p in shipped_dir.glob("*.yaml")}


# --- run -----------------------------------------------------------------------------------------


def test_run_in_process_writes_the_run_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", "nnmi_full45", "--out", str(tmp_path), "--no-plots"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "nnmi_full45"
    check_run_folder(folder, "nnmi_full45")
    saved = api.load_run(folder)
    fresh = api.run("nnmi_full45", with_reference=False).results
    for name in ("mva", "institutes_active", "spend_federal", "deflator"):
        xr.testing.assert_allclose(saved[name], fresh[name])
    assert saved["projected"].dtype == bool
    assert saved.attrs["scenario"] == "nnmi_full45" and saved.attrs["base_year"] == 2023
    table = pd.read_csv(folder / "metrics.csv")
    assert {"delta_mva", "bcr_federal", "bcr_total"} <= set(
        table["metric"]
    )  # the reference (baseline) ran too


def test_run_in_process_with_typed_overrides(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "run",
            "baseline",
            "--out",
            str(tmp_path),
            "--no-plots",
            "--quiet",
            "--set",
            "countries.USA.growth.g=0.02",
            "--set",
            "impact.kind=none",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output == ""
    folder = tmp_path / "baseline"
    assert {p.name for p in folder.iterdir()} == RUN_FILES
    ds = api.load_run(folder)
    growth = ds["growth"].sel(sample=0, country="USA", year=ds["projected"])
    np.testing.assert_allclose(growth, 0.02, rtol=1e-12)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["config"]["impact"]["kind"] == "none"
    assert manifest["config"]["countries"]["USA"]["growth"]["g"] == 0.02


def test_run_subprocess(tmp_path: Path) -> None:
    done = scenarios_cli(
        "run", "nnmi_full45", "--out", tmp_path / "runs", "--no-plots", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "nnmi_full45" in done.stdout and "Traceback" not in done.stderr
    check_run_folder(tmp_path / "runs" / "nnmi_full45", "nnmi_full45")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs"]


# --- validate ------------------------------------------------------------------------------------


def test_validate_shipped_configs(shipped_dir: Path) -> None:
    result = runner.invoke(app, ["validate", str(shipped_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.count("ok") == len(list(shipped_dir.glob("*.yaml")))


def flat(text: str) -> str:
    """Terminal output without whitespace and panel borders (rich wraps long lines in panels)."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in "│╭╮╰╯─")


def check_error_output(case: str, text: str) -> None:
    _, key_path, hint = BAD[case]
    assert f"bad_{case}.yaml" in flat(text)
    assert flat(key_path) in flat(text)
    assert flat(hint) in flat(text)


def test_validate_folder_with_bad_configs(tmp_path: Path, shipped_dir: Path) -> None:
    shutil.copy(shipped_dir / "baseline.yaml", tmp_path / "baseline.yaml")
    for case in BAD:
        (tmp_path / f"bad_{case}.yaml").write_text(bad_text(case))
    done = scenarios_cli("validate", tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert "ok" in done.stdout and "baseline.yaml" in done.stdout
    errors = done.stderr.split("ConfigError")[1:]
    assert len(errors) == len(BAD)
    for case, text in zip(
        sorted(BAD), errors, strict=True
    ):  # validate goes through the folder in order
        check_error_output(case, text)


# --- bad configs as a user sees them: exit code 2, file, key path and hint, no traceback ---------


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_config_run_through_main(case: str, config_dir: Path, monkeypatch, capsys) -> None:
    path = config_dir / f"bad_{case}.yaml"
    path.write_text(bad_text(case))
    monkeypatch.setattr(
        sys,
        "argv",
        ["scenarios", "run", str(path), "--out", str(config_dir / "runs"), "--no-plots"],
    )
    with pytest.raises(SystemExit) as info:
        main()
    out = capsys.readouterr()
    assert info.value.code == 2
    assert "Traceback" not in out.err + out.out and "ConfigError" in out.err
    check_error_output(case, out.err)
    assert not (config_dir / "runs").exists()


SUBPROCESS_CASES = (
    "unknown_key",
    "yaml_syntax",
    "horizon_before_base",
)  # parse, schema and model-input errors


def test_bad_config_subprocess(config_dir: Path) -> None:
    procs = {}
    for case in SUBPROCESS_CASES:
        path = config_dir / f"bad_{case}.yaml"
        path.write_text(bad_text(case))
        procs[case] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scenarios",
                "run",
                str(path),
                "--out",
                str(config_dir / "runs"),
                "--no-plots",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=ENV,
            cwd=config_dir,
        )
    for case, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 2, (case, err)
        assert "Traceback" not in out + err
        check_error_output(case, err)
    assert not (config_dir / "runs").exists()


def test_failing_run_leaves_the_earlier_run_intact(tmp_path: Path, config_dir: Path) -> None:
    runs = tmp_path / "runs"
    good = runner.invoke(
        app, ["run", str(config_dir / "baseline.yaml"), "--out", str(runs), "--no-plots"]
    )
    assert good.exit_code == 0, good.output
    before = snapshot(runs / "baseline")
    assert set(before) == RUN_FILES
    # same scenario name, fails after validation (in the model inputs)
    bad = config_dir / "baseline_bad.yaml"
    bad.write_text("name: baseline\nextends: baseline.yaml\nhorizon: 2020\n")
    done = scenarios_cli("run", bad, "--out", runs, "--no-plots")
    assert done.returncode == 2 and "baseline_bad.yaml" in done.stderr and "horizon" in done.stderr
    assert snapshot(runs / "baseline") == before
    assert [p.name for p in runs.iterdir()] == ["baseline"]  # no temporary folders left behind


def test_interrupted_write_keeps_the_earlier_run(tmp_path: Path) -> None:
    run_dir = tmp_path / "runs" / "demo"
    write_run(run_dir, {"a.txt": lambda p: p.write_text("old")})

    def fail(path: Path) -> None:
        path.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_run(run_dir, {"a.txt": lambda p: p.write_text("new"), "b.txt": fail})
    assert snapshot(run_dir) == {"a.txt": b"old", MARKER: (run_dir / MARKER).read_bytes()}
    assert [p.name for p in run_dir.parent.iterdir()] == ["demo"]
    write_run(run_dir, {"a.txt": lambda p: p.write_text("new")})
    assert snapshot(run_dir)["a.txt"] == b"new"


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (["bogus"], "No such command 'bogus'"),
        ([], "Usage"),
        (["run", "baseline", "--samples", "abc"], "--samples"),
    ],
)
def test_usage_errors_exit_2_not_internal_error(
    argv: list[str], text: str, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(sys, "argv", ["scenarios", *argv])
    with pytest.raises(SystemExit) as info:
        main()
    out = capsys.readouterr()
    assert info.value.code == 2
    assert text in out.out + out.err
    assert "internal error" not in out.out + out.err


def test_an_ensemble_summary_gives_the_median_and_its_5_to_95_range(tmp_path):
    from scenarios.cli.formatting import format_value as _fmt, with_range as _with_range

    result = CliRunner().invoke(
        app,
        ["run", "nnmi_full45", "-n", "200", "--seed", "1", "--no-plots", "--out", str(tmp_path)],
        env={"COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    assert "median [5 % to 95 %]" in result.output
    metrics = pd.read_csv(tmp_path / "nnmi_full45" / "metrics.csv")
    us_gain = (
        (metrics["metric"] == "delta_mva")
        & (metrics["end"] == 2040)
        & (metrics["country"] == "USA")
    )
    gain = metrics[us_gain].set_index("statistic")["value"]
    units = "USD million, constant 2015 prices"
    expected = _with_range(*(_fmt(gain[s], units, delta=True) for s in ("p50", "p05", "p95")))
    assert expected.endswith("] USD M") and expected in result.output


def test_a_range_says_its_units_once():
    from scenarios.cli.formatting import with_range as _with_range

    assert _with_range("389 USD M", "169 USD M", "870 USD M") == "389 [169 to 870] USD M"
    assert _with_range("2.01%/yr", "0.52%/yr", "3.23%/yr") == "2.01 [0.52 to 3.23] %/yr"
    assert _with_range("42.6", "35", "43.5") == "42.6 [35 to 43.5]"
