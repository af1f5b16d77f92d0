"""Fuzzing: generated configs, claim files, ``--set`` strings, import files and command lines.

Every outcome must be a clean :class:`ScenariosError` (exit code 2 on the command line) or a finite
result; any other exception, exit code or a traceback fails the test. The figures (inputs
generated, clean errors, valid results) are written to ``fuzz_counts.json`` in pytest's base
temporary folder and printed by the last test (``pytest -s`` shows them).
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from scenarios import api
from scenarios.analysis.claims import (
    FUTURE_METRICS,
    future_metric,
    load_claims,
    metric_argument_problems,
    past_metric,
)
from scenarios.cli import main
from scenarios.config.load import load_raw
from scenarios.data import import_file, load_dataset
from scenarios.data.importers import WDI_SERIES
from scenarios.errors import ScenariosError

SHIPPED = Path(str(resources.files("scenarios") / "configs"))
CONFIGS = ["baseline", "nnmi_full45", "china_mic40", "funding_cut"]
CLAIMS = sorted(p.name for p in (SHIPPED / "claims").glob("*.yaml"))
COUNTS: dict[str, dict[str, int]] = {}

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as drawn
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

# Values a careless user or an attacker puts anywhere: wrong types, extremes, path tricks.
EDGE = st.sampled_from(
    [
        None,
        True,
        "",
        ".",
        "..",
        "a/b",
        "../../x",
        "x" * 300,
        "1e29",
        "abc",
        -1,
        0,
        1800,
        2500,
        -100_000_000,
        2**63,
        10**30,
        1e308,
        -1e308,
        float("nan"),
        float("inf"),
        [],
        {},
        [2030, 2100],
        {"x": 1},
    ]
)
VALUES = st.one_of(
    EDGE,
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.text(max_size=20),
    st.lists(st.integers(1900, 2200), max_size=3),
)


def outcome(kind: str, how: str) -> None:
    row = COUNTS.setdefault(kind, {"generated": 0, "clean_error": 0, "valid": 0})
    row["generated"] += 1
    row[how] += 1


def leaves(tree: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value (dict keys and list indices), containers included."""
    if isinstance(tree, dict):
        items = tree.items()
    elif isinstance(tree, list):
        items = enumerate(tree)
    else:
        return [prefix]
    return [prefix] * bool(prefix) + [p for k, v in items for p in leaves(v, (*prefix, k))]


def mutate(tree: dict, data: st.DataObject) -> dict:
    """One to three edits: a number scaled (often still valid), a value replaced, a key dropped or
    an unknown key added."""
    for _ in range(data.draw(st.sampled_from([1, 1, 2, 3]))):
        how = data.draw(st.sampled_from(["scale", "scale", "value", "drop", "add"]))
        paths = leaves(tree)
        numbers = [p for p in paths if type(_at(tree, p)) is float]
        *head, last = data.draw(st.sampled_from(numbers if how == "scale" and numbers else paths))
        parent = _at(tree, tuple(head))
        if how == "scale" and type(parent[last]) is float:
            parent[last] *= data.draw(st.floats(0.5, 1.5))
        elif how in ("scale", "value") or not isinstance(parent, dict):
            parent[last] = data.draw(VALUES)
        elif how == "drop":
            del parent[last]
        else:
            parent[data.draw(st.text(min_size=1, max_size=8))] = data.draw(VALUES)
    return tree


def _at(tree: Any, path: tuple) -> Any:
    for part in path:
        tree = tree[part]
    return tree


_FULL45 = load_raw(SHIPPED / "nnmi_full45.yaml")


def finite_run(run: api.Run) -> None:
    projected = run.results["year"] > run.results.attrs["base_year"]
    for name in ("mva", "mva_baseline", "growth"):
        values = run.results[name].sel(year=projected).to_numpy()
        assert np.isfinite(values).all(), f"{name} is not finite without an error"
    # an intensity index against a country without program spend is inf by definition (funding_cut);
    # an empty value with a note ("not by 2040") is a crossover that does not happen
    metrics = run.metrics[
        (run.metrics["metric"] != "intensity_index") & (run.metrics["note"] == "")
    ]
    assert np.isfinite(metrics["value"].to_numpy(dtype=float)).all(), "a metric is not finite"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def full45():
    return api.run("nnmi_full45", with_reference=False).results


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Shipped configs and claim files beside the generated ones, and two finished runs."""
    root = tmp_path_factory.mktemp("fuzz")
    for path in SHIPPED.glob("*.yaml"):
        shutil.copy(path, root / path.name)
    shutil.copytree(SHIPPED / "claims", root / "claims")
    runs = root / "runs"
    for name in ("baseline", "funding_cut"):
        api.save(api.run(name, with_reference=False), runs, plots=False)
    broken = runs / "broken"
    shutil.copytree(runs / "funding_cut", broken)
    (broken / "results.nc").write_bytes((broken / "results.nc").read_bytes()[:4000])
    shutil.copytree(runs / "funding_cut", runs / ".funding_cut.tmp-4194999-dead")
    return root


def write(folder: Path, stem: str, text: str) -> Path:
    path = folder / f"{stem}_{len(list(folder.glob(stem + '_*')))}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@FUZZ
@given(name=st.sampled_from(CONFIGS), data=st.data())
def test_generated_configs(folder, dataset, name, data):
    config = mutate(load_raw(folder / f"{name}.yaml"), data)
    file = write(folder, "config", yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    try:
        run = api.run(file, with_reference=False, dataset=dataset)
    except ScenariosError as exc:
        assert file.name in str(exc), str(exc)
        outcome("config", "clean_error")
        return
    finite_run(run)
    outcome("config", "valid")


@FUZZ
@given(name=st.sampled_from(CLAIMS), data=st.data())
def test_generated_claim_files(folder, dataset, full45, name, data):
    claims = mutate(yaml.safe_load((folder / "claims" / name).read_text()), data)
    file = write(folder / "claims", "claim", yaml.safe_dump(claims, sort_keys=False))
    try:
        for claim in load_claims(file).claims:
            if claim.scenario is None:
                value = past_metric(dataset, claim.metric)
            elif claim.metric.name in FUTURE_METRICS:  # the scenario's results: as in stress
                known = {
                    "country": list(full45["country"].values),
                    "year": list(full45["year"].values),
                    "program": list(full45["program"].values),
                }
                problems = metric_argument_problems(claim, known, str(file))
                if problems:
                    raise ScenariosError("bad claim", problems=problems)
                value = future_metric(full45, claim.metric)
            assert np.isfinite(value).all() or claim.metric.name == "crossover_year", value
    except ScenariosError as exc:
        assert file.name in str(exc) or "metric" in str(exc), str(exc)
        outcome("claim file", "clean_error")
        return
    outcome("claim file", "valid")


NUMBERS = {
    ".".join(map(str, p)): v
    for p, v in ((p, _at(_FULL45, p)) for p in leaves(_FULL45))
    if type(v) is float
}
PATHS = st.sampled_from([".".join(map(str, p)) for p in leaves(_FULL45)])
SET_STRINGS = st.one_of(
    st.builds(
        lambda path, factor: f"{path}={NUMBERS[path] * factor!r}",
        st.sampled_from(sorted(NUMBERS)),
        st.floats(0.5, 1.5),
    ),
    st.builds(
        "{}={}".format,
        PATHS,
        VALUES.map(lambda v: yaml.safe_dump(v).removesuffix("\n...\n").strip()),
    ),
    st.builds("{}={}".format, st.text(max_size=15), st.text(max_size=15)),
    st.text(max_size=30),
)


@FUZZ
@given(text=SET_STRINGS)
def test_generated_set_strings(dataset, text):
    try:
        run = api.run("nnmi_full45", overrides=[text], with_reference=False, dataset=dataset)
    except ScenariosError as exc:
        assert "--set" in str(exc) or "nnmi_full45.yaml" in str(exc), str(exc)
        outcome("--set", "clean_error")
        return
    finite_run(run)
    outcome("--set", "valid")


CELLS = st.one_of(
    st.sampled_from(["..", "", "inf", "-inf", "nan", "-5", "0", "1e400", "abc", "1,5"]),
    st.floats().map(repr),
    st.integers(-(10**15), 10**15).map(str),
)
WDI_ROW = st.tuples(
    st.text(max_size=8),
    st.one_of(st.sampled_from(["USA", "CHN", "WLD"]), st.text(max_size=4)),
    st.sampled_from([*WDI_SERIES, "XX.YY", ""]),
    st.lists(CELLS, min_size=0, max_size=3),
)


@FUZZ
@given(rows=st.lists(WDI_ROW, max_size=4), data=st.data())
def test_generated_import_files(tmp_path_factory, rows, data):
    root = tmp_path_factory.mktemp("import")
    file = root / "wdi.csv"
    with file.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "Country Name",
                "Country Code",
                "Series Name",
                "Series Code",
                "2020 [YR2020]",
                "2021 [YR2021]",
                "2022 [YR2022]",
            ]
        )
        for name, code, series, cells in rows:
            out.writerow([name, code, "s", series, *cells])
    try:
        import_file("wdi", file, root / "data")
    except ScenariosError as exc:
        assert "wdi.csv" in str(exc), str(exc)
        outcome("import file", "clean_error")
        return
    imported = load_dataset(
        root / "data"
    ).series  # what was stored loads again, positive and finite
    assert (imported["value_usd_millions"] > 0).all() and imported["iso3"].str.fullmatch(
        "[A-Z]{3}"
    ).all()
    outcome("import file", "valid")


SEEDS = ["-1", "0", "7", str(2**63), "99999999999999999999999", "x"]
OPTIONS = {  # command -> options that are fine, wrong or hostile; a command line draws zero to two
    ("validate",): [
        ["config_0.yaml"],
        ["baseline.yaml"],
        ["/dev/zero"],
        ["claims"],
        ["--set", "name=.."],
    ],
    ("run", "funding_cut", "--no-plots", "-q", "--out", "out"): [
        ["-n", "0"],
        ["-n", "-3"],
        ["-n", "3"],
        ["--method", "bogus"],
        ["--method", "lhs"],
        ["--set", "name=.."],
        ["--set", "impact.rho=abc"],
        ["--set", "impact.rho=0.3"],
        ["--out", "runs/baseline/results.nc"],
        ["--set", "metrics.years=[1800]"],
        ["--out", "/proc/nonexistent/x"],
        *(["--seed", s] for s in SEEDS),
    ],
    ("calibrate", "baseline"): [
        ["--bootstrap", "-3"],
        ["--bootstrap", "2"],
        ["--fix", "nonexistent_param"],
        ["--fix", "g_lr"],
        ["--out", "/nonexistent/o.yaml"],
        ["--out", "calibrated.yaml"],
        ["--window", "2015", "2004"],
        ["--out", "runs"],
        *(["--seed", s] for s in SEEDS),
    ],
    ("compare", "runs/baseline", "--out", "out"): [
        ["runs/funding_cut"],
        ["runs/broken"],
        ["/dev/zero"],
        ["runs/.funding_cut.tmp-4194999-dead"],
        ["runs/nonexistent"],
    ],
    ("stress", "claims/nist_germany_20x.yaml", "--out", "out"): [
        ["--max-samples", "-1"],
        ["--ci-width", "0"],
        ["--ci-width", "2"],
        ["--samples", "0"],
        ["--ci-width", "0.2"],
        *(["--seed", s] for s in SEEDS),
    ],
    (
        "solve",
        "itif_full45",
        "--claim",
        "full45_completes_network",
        "--lever",
        "programs.manufacturing_usa.new_institute_budget.total",
        "--samples",
        "20",
        "--grid",
        "3",
        "--refine",
        "1",
        "--out",
        "out",
    ): [
        ["--probability", "0"],
        ["--probability", "2"],
        ["--probability", "0.9"],
        ["--range", "5", "1"],
        ["--range", "-5", "10"],
        ["--range", "0", "1e12"],
        ["--lever", "programs.manufacturing_usa.cap"],
        ["--lever", "bogus.path"],
        ["--claim", "nope"],
        ["--grid", "2"],
        ["--samples", "0"],
        *(["--seed", s] for s in SEEDS),
    ],
    ("data", "import"): [
        ["wdi", "/dev/zero"],
        ["bogus", "baseline.yaml"],
        ["wdi", "baseline.yaml"],
        ["un", "claims"],
    ],
    (): [["bogus"], ["run"], ["--seed"], ["-n", "-1"], ["--out"]],
}
COMMANDS = st.sampled_from(sorted(OPTIONS)).flatmap(
    lambda head: st.lists(st.sampled_from(OPTIONS[head]), max_size=2).map(
        lambda tail: [*head, *(word for option in tail for word in option)]
    )
)


@settings(FUZZ, max_examples=30)
@given(argv=COMMANDS)
def test_generated_command_lines(folder, monkeypatch, capsys, argv):
    monkeypatch.chdir(folder)
    monkeypatch.setattr(sys, "argv", ["scenarios", *argv])
    with pytest.raises(SystemExit) as info:
        main()
    printed = capsys.readouterr()
    text = printed.out + printed.err
    assert info.value.code in (0, 2), f"{argv}: exit {info.value.code}\n{text}"
    assert "Traceback" not in text and "internal error" not in text, f"{argv}\n{text}"
    outcome("command line", "valid" if info.value.code == 0 else "clean_error")


def test_zz_fuzz_figures(tmp_path_factory):
    """The figures of this file's generated inputs: every one a clean error or a valid result."""
    if not COUNTS:
        pytest.skip("no generated inputs ran in this session")
    total = {
        k: sum(row[k] for row in COUNTS.values()) for k in ("generated", "clean_error", "valid")
    }
    total["anything_else"] = total["generated"] - total["clean_error"] - total["valid"]
    path = tmp_path_factory.getbasetemp() / "fuzz_counts.json"
    path.write_text(json.dumps({"total": total, "by_kind": COUNTS}, indent=2))
    print(f"\nfuzz figures ({path}):")
    for kind, row in sorted(COUNTS.items()):
        print(
            f"  {kind:14s} generated {row['generated']:4d}  clean error {row['clean_error']:4d}  "
            f"valid {row['valid']:4d}"
        )
    print(
        f"  {'TOTAL':14s} generated {total['generated']:4d}  clean error {total['clean_error']:4d}  "
        f"valid {total['valid']:4d}  anything else {total['anything_else']}"
    )
    assert total["anything_else"] == 0
