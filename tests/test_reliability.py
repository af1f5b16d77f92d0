"""Reliability: every bad input gets a clear error, and runs reproduce.

Property-based tests mutate the shipped scenario configs and claim files (wrong types, missing and
extra keys, NaN and infinities, negative money, inverted ranges, years out of range, empty
countries, duplicate YAML keys, huge ensembles, cyclic ``extends``, unknown distributions, bad
``--set`` overrides). Every generated input must either run to finite results or fail with a
:class:`ScenariosError` that names the file and a key path, never another exception type.

The counts of generated bad inputs and clean errors are written to ``reliability_counts.json`` in
pytest's base temporary folder and printed by the last test (run with ``-s`` to see them).
"""

from __future__ import annotations

import copy
import errno
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from scenarios import api
from scenarios.analysis.claims import FUTURE_METRICS, future_metric, load_claims, past_metric
from scenarios.cli import main
from scenarios.config.load import load_raw
from scenarios.data import import_file, load_dataset
from scenarios.errors import ConfigError, DataError, ModelError, OutputError, ScenariosError
from scenarios.results import MARKER, write_run

SHIPPED = Path(str(resources.files("scenarios") / "configs"))
CONFIG_NAMES = sorted(p.stem for p in SHIPPED.glob("*.yaml"))
CLAIM_NAMES = sorted(p.name for p in (SHIPPED / "claims").glob("*.yaml"))
ENSEMBLE = 4  # samples for configs with uncertainties: small, but a real ensemble

# Every generated input, by kind: tried / clean error / ran to finite results.
COUNTS: dict[str, dict[str, int]] = {}

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped configs and claim files, copied into one writable folder."""
    root = tmp_path_factory.mktemp("reliability")
    for path in SHIPPED.glob("*.yaml"):
        shutil.copy(path, root / path.name)
    (root / "claims").mkdir()
    for path in (SHIPPED / "claims").glob("*.yaml"):
        shutil.copy(path, root / "claims" / path.name)
    return root


@pytest.fixture(scope="module")
def full45_results() -> xr.Dataset:
    return api.run("nnmi_full45", samples=ENSEMBLE, with_reference=False).results


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


# --------------------------------------------------------------------------------------------
# helpers: paths in a nested config, writing cases, judging outcomes

_case_ids = iter(range(10**9))


def leaves(tree: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a scalar (dict keys and list indices)."""
    if isinstance(tree, dict):
        return [p for k, v in tree.items() for p in leaves(v, (*prefix, k))]
    if isinstance(tree, list):
        return [p for i, v in enumerate(tree) for p in leaves(v, (*prefix, i))]
    return [prefix]


def mappings(tree: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a mapping (including the root)."""
    if isinstance(tree, dict):
        return [prefix] + [p for k, v in tree.items() for p in mappings(v, (*prefix, k))]
    if isinstance(tree, list):
        return [p for i, v in enumerate(tree) for p in mappings(v, (*prefix, i))]
    return []


def keys(tree: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a mapping key (the key itself is the last element)."""
    return [(*m, k) for m in mappings(tree, prefix) for k in get(tree, m)]


def get(tree: Any, path: tuple) -> Any:
    for part in path:
        tree = tree[part]
    return tree


def put(tree: Any, path: tuple, value: Any) -> None:
    get(tree, path[:-1])[path[-1]] = value


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def merged(name: str, workdir: Path) -> dict:
    """A shipped config with its ``extends`` chain merged in: every key present, no parent."""
    return load_raw(workdir / f"{name}.yaml")


def write_case(workdir: Path, data: dict | str, stem: str = "case") -> Path:
    path = workdir / f"{stem}_{next(_case_ids)}.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def count(kind: str, outcome: str) -> None:
    row = COUNTS.setdefault(kind, {"tried": 0, "clean_error": 0, "ran_finite": 0})
    row["tried"] += 1
    if outcome != "tried":
        row[outcome] += 1


def check_clear(exc: ScenariosError, file: Path | None) -> None:
    """A clean error: names the file and at least one key path (or line), in one short message.

    A malformed ``--set``, or a bad value it gives, is a command-line problem: it names ``--set``,
    not the file.
    """
    text = str(exc)
    if file is not None and any(
        p.path != "--set" and "--set" not in (p.file or "") for p in exc.problems
    ):
        assert file.name in text, f"the error does not name the file {file.name}:\n{text}"
    assert any(p.path for p in exc.problems), f"the error names no key path:\n{text}"
    assert "Traceback" not in text and text.count("\n") < 60, text


def assert_finite(run: api.Run, label: str) -> None:
    projected = run.results["projected"]
    for name in ("mva", "mva_baseline"):
        values = run.results[name].sel(year=projected).to_numpy()
        assert np.isfinite(values).all(), (
            f"{label}: {name} has NaN/inf in projected years without an error"
        )
        assert (values > 0).all(), (
            f"{label}: {name} is not positive in projected years without an error"
        )


def attempt(
    kind: str,
    file: Path,
    *,
    overrides: list[str] | None = None,
    samples: int | str | None = "auto",
    strict: bool = True,
    describe: str = "",
) -> ScenariosError | None:
    """Run one generated input; it must run to finite results or raise a clear ScenariosError.

    ``strict``: the input is certainly invalid, so it must be refused.
    """
    label = f"[{kind}] {file.name} {describe} overrides={overrides} samples={samples}"
    try:
        if samples == "auto":
            spec = api.load_config(file, overrides)
            samples = ENSEMBLE if spec.uncertainties else None
        run = api.run(file, overrides=overrides, samples=samples, with_reference=False)
    except ScenariosError as exc:
        check_clear(exc, file)
        count(kind, "clean_error")
        return exc
    except Exception as exc:
        count(kind, "tried")
        text = file.read_text() if file.exists() else ""
        pytest.fail(
            f"{label}: {type(exc).__name__}: {exc}\n{traceback.format_exc()}\n"
            f"--- config ---\n{text}"
        )
    assert_finite(run, label)
    count(kind, "ran_finite")
    if strict:
        pytest.fail(f"{label}: a bad input was accepted\n--- config ---\n{file.read_text()}")
    return None


# --------------------------------------------------------------------------------------------
# the mutations

WRONG_TYPES = ["abc", "", None, True, [], {}, [1, 2], {"x": 1}, "2030", 3.5]
NON_FINITE = [math.nan, math.inf, -math.inf]
MONEY_KEYS = {"total", "annual", "institutes_per_year", "cost_per_institute", "match_ratio"}


configs = st.sampled_from(CONFIG_NAMES)


@FUZZ
@given(name=configs, data=st.data())
def test_wrong_types_missing_and_extra_keys(workdir, name, data):
    config = merged(name, workdir)
    how = data.draw(st.sampled_from(["wrong_type", "missing_key", "extra_key"]))
    if how == "wrong_type":
        path = data.draw(st.sampled_from(leaves(config)))
        value = data.draw(st.sampled_from(WRONG_TYPES))
        put(config, path, value)
        attempt(
            "wrong type", write_case(workdir, config), strict=False, describe=f"{path}={value!r}"
        )
    elif how == "missing_key":
        path = data.draw(st.sampled_from(keys(config)))
        del get(config, path[:-1])[path[-1]]
        attempt("missing key", write_case(workdir, config), strict=False, describe=f"del {path}")
    else:
        # a typo'd key in a model with fixed keys (not a dict of countries, programs or params)
        fixed = [
            p
            for p in mappings(config)
            if p in ((), ("impact",), ("money",), ("metrics",))
            or (len(p) == 2 and p[0] in ("countries", "programs"))
            or (len(p) == 3 and p[0] == "countries" and p[2] == "growth")
            or (
                len(p) in (3, 4)
                and p[0] == "programs"
                and p[2] in ("new_institute_budget", "base_funding")
                and isinstance(get(config, p), dict)
            )
        ]
        parent = data.draw(st.sampled_from(fixed))
        key = data.draw(st.sampled_from(["horizn", "rhoo", "growht", "colour", "Cap", "bogus"]))
        get(config, parent)[key] = 1
        attempt("extra key", write_case(workdir, config), strict=True, describe=f"{parent}+{key}")


@FUZZ
@given(name=configs, data=st.data())
def test_nan_infinity_and_negative_money(workdir, name, data):
    config = merged(name, workdir)
    numbers = [p for p in leaves(config) if is_number(get(config, p))]
    if data.draw(st.booleans()):
        path = data.draw(st.sampled_from(numbers))
        value = data.draw(st.sampled_from(NON_FINITE))
        put(config, path, value)
        file = write_case(workdir, config)
        assert ".nan" in file.read_text() or ".inf" in file.read_text()  # YAML's own spelling
        attempt("NaN / infinity", file, strict=True, describe=f"{path}={value}")
    else:
        money = [
            p
            for p in numbers
            if (p[-1] in MONEY_KEYS and p[0] == "programs")
            or (len(p) > 2 and p[-2] == "per_year")
            or p[:2] == ("money", "exchange_rates")
        ]
        path = data.draw(st.sampled_from(money))
        value = -abs(get(config, path)) - data.draw(st.sampled_from([0.0, 1.0, 1e6]))
        if value == 0:
            value = -1.0
        put(config, path, value)
        attempt(
            "negative money", write_case(workdir, config), strict=True, describe=f"{path}={value}"
        )


def budgets(config: dict) -> list[tuple]:
    out = []
    for key, program in config.get("programs", {}).items():
        for field in ("new_institute_budget", "base_funding"):
            budget = program.get(field)
            segments = budget if isinstance(budget, list) else [budget]
            for i, segment in enumerate(segments):
                if isinstance(segment, dict) and "start" in segment and "end" in segment:
                    out.append(
                        ("programs", key, field, i)
                        if isinstance(budget, list)
                        else ("programs", key, field)
                    )
    return out


@FUZZ
@given(name=configs, data=st.data())
def test_inverted_ranges_and_years_out_of_range(workdir, name, data):
    config = merged(name, workdir)
    how = data.draw(st.sampled_from(["uncertainty", "budget", "years"]))
    if how == "uncertainty":
        ranged = [k for k, v in config["uncertainties"].items() if "low" in v and "high" in v]
        key = data.draw(st.sampled_from(ranged))
        entry = config["uncertainties"][key]
        entry["low"], entry["high"] = (
            entry["high"],
            entry["low"] - data.draw(st.sampled_from([0.0, 0.5])),
        )
        attempt("inverted range", write_case(workdir, config), strict=True, describe=key)
    elif how == "budget":
        path = data.draw(st.sampled_from(budgets(config)))
        budget = get(config, path)
        budget["end"] = budget["start"] - data.draw(st.integers(1, 30))
        attempt("end before start", write_case(workdir, config), strict=True, describe=str(path))
    else:
        base = 2016 if "2016" in name else 2023
        # (value, certainly invalid): metric years and windows past the horizon are skipped by
        # design (one metrics block serves several horizons), so those may run
        choices = {
            ("horizon",): [
                (1800, True),
                (1989, True),
                (2201, True),
                (99999, True),
                (-5, True),
                (base, True),
            ],
            ("history_start",): [(1900, True), (1969, True), (base, True), (base + 7, True)],
            ("base_year",): [(1800, True), (1969, True), (2099, True)],
            ("metrics", "years"): [([1800], False), ([2100], False), ([base - 30], False)],
            ("metrics", "windows"): [
                ([[1800, 1810]], True),
                ([[2030, 2100]], False),
                ([[2035, 2025]], True),
            ],
            # DEU: USA's g is sampled in the ensembles, so its from_data window is not read there
            ("countries", "DEU", "growth", "from_data", "window"): [
                ([1800, 1810], True),
                ([2030, 2040], True),
                ([2022, 2017], True),
            ],
        }
        path = data.draw(st.sampled_from(sorted(choices)))
        value, strict = data.draw(st.sampled_from(choices[path]))
        put(config, path, value)
        attempt(
            "year out of range",
            write_case(workdir, config),
            strict=strict,
            describe=f"{path}={value}",
        )


@FUZZ
@given(name=configs, data=st.data())
def test_empty_countries_duplicate_keys_and_cycles(workdir, name, data):
    how = data.draw(st.sampled_from(["empty_countries", "duplicate_key", "cycle", "unknown_dist"]))
    if how == "empty_countries":
        config = merged(name, workdir)
        config["countries"] = data.draw(st.sampled_from([{}, [], None, "USA", {"USA": None}]))
        attempt(
            "empty countries",
            write_case(workdir, config),
            strict=True,
            describe=repr(config["countries"]),
        )
    elif how == "duplicate_key":
        text = (workdir / f"{name}.yaml").read_text()
        top = [
            line.split(":")[0]
            for line in text.splitlines()
            if line and not line[0].isspace() and not line.startswith("#") and ":" in line
        ]
        key = data.draw(st.sampled_from(top))
        nested = data.draw(st.booleans()) and "programs:" in text
        if nested:  # a repeated key inside a mapping: the first program listed twice
            program = next(
                line
                for line in text.splitlines()[text.splitlines().index("programs:") + 1 :]
                if line.startswith("  ") and not line.strip().startswith("#")
            )
            text = text.replace("programs:\n", f"programs:\n{program}\n    cap: 45\n", 1)
        else:
            value = yaml.safe_dump(yaml.safe_load(text)[key], default_flow_style=True).strip()
            text += f"\n{key}: {value}\n"
        attempt("duplicate YAML key", write_case(workdir, text), strict=True, describe=key)
    elif how == "cycle":
        length = data.draw(st.integers(1, 3))
        stems = [f"cycle_{next(_case_ids)}" for _ in range(length)]
        for i, stem in enumerate(stems):
            parent = stems[(i + 1) % length]
            body = yaml.safe_load((workdir / f"{name}.yaml").read_text())
            body.update(extends=f"{parent}.yaml", name=stem)
            (workdir / f"{stem}.yaml").write_text(yaml.safe_dump(body, sort_keys=False))
        attempt(
            "cyclic extends",
            workdir / f"{stems[0]}.yaml",
            strict=True,
            describe=f"cycle of {length}",
        )
    else:
        config = merged(name, workdir)
        key = data.draw(st.sampled_from(sorted(config["uncertainties"])))
        dist = data.draw(
            st.one_of(
                st.sampled_from(["gaussian", "Uniform", "lognorm", "", "beta-pert", None, 3]),
                st.text(alphabet="abcxyz_", min_size=1, max_size=8),
            )
        )
        if dist in ("uniform", "normal", "beta", "choice", "pert", "triangular", "lognormal"):
            dist = dist + "_x"
        config["uncertainties"][key]["dist"] = dist
        attempt(
            "unknown distribution",
            write_case(workdir, config),
            strict=True,
            describe=f"{key}: {dist!r}",
        )


@FUZZ
@given(name=st.sampled_from([n for n in CONFIG_NAMES if n != "baseline_2016"]), data=st.data())
def test_huge_and_bad_sample_sizes(workdir, name, data):
    samples = data.draw(st.one_of(st.integers(10**8, 10**15), st.integers(-5, 0)))
    file = write_case(workdir, merged(name, workdir))
    exc = attempt(
        "huge / bad sample size", file, samples=samples, strict=True, describe=str(samples)
    )
    assert "--samples" in {p.path for p in exc.problems}, str(exc)


BAD_SYNTAX = [
    "impact.rho",
    "=0.3",
    "",
    " =1",
    "impact.rho.deeper=1",
    "impact..rho=1",
    "nosuchkey=1",
    "impact.rho=[1,2",
    "impact.rho={a: 1}",
    "impact.rho=.nan",
    "impact.rho=-.inf",
    "countries.XXX.growth.g=0.1",
    "countries.USA.growth=0.02",
    "programs=3",
    "countries.USA.growth.kind=exponential",
    "impact.kind=magic",
    "horizon=soon",
    "uncertainties.impact.rho.dist=gauss",
    "programs.manufacturing_usa.cap=-1",
    "programs.manufacturing_usa.survival=1.5",
    "seed=-3",
    "name=has space",
]


@FUZZ
@given(name=configs, data=st.data())
def test_bad_set_overrides(workdir, name, data):
    file = write_case(workdir, merged(name, workdir))
    if data.draw(st.booleans()):
        override = data.draw(st.sampled_from(BAD_SYNTAX))
        attempt("bad --set override", file, overrides=[override], strict=True, describe=override)
    else:  # an existing dotted path, a random value
        config = merged(name, workdir)
        path = data.draw(
            st.sampled_from([p for p in leaves(config) if all(isinstance(k, str) for k in p)])
        )
        value = data.draw(
            st.sampled_from(
                [
                    "abc",
                    "[1, 2]",
                    "{}",
                    "null",
                    ".nan",
                    ".inf",
                    "-1e300",
                    "-1",
                    "0",
                    "1e9",
                    "true",
                    "2x",
                ]
            )
        )
        attempt(
            "random --set override", file, overrides=[f"{'.'.join(path)}={value}"], strict=False
        )


# --------------------------------------------------------------------------------------------
# claim files


def attempt_claim(
    kind: str, file: Path, results: xr.Dataset, dataset, *, strict: bool, describe: str
) -> None:
    label = f"[{kind}] {file.name} {describe}"
    try:
        claims = load_claims(file)
        for claim in claims.claims:
            if claim.scenario is None:
                value = np.asarray(past_metric(dataset, claim.metric))
            elif claim.metric.name in FUTURE_METRICS:
                value = future_metric(results, claim.metric)
            else:
                continue
            if claim.metric.name != "crossover_year":
                assert np.isfinite(value).all(), (
                    f"{label}: claim {claim.id} evaluates to {value} without an error"
                )
    except ScenariosError as exc:
        # errors found while loading name the file; those of evaluating a metric name the metric
        check_clear(
            exc, file if not {p.path for p in exc.problems} & {"metric", "metrics"} else None
        )
        count(kind, "clean_error")
        return
    except Exception as exc:
        count(kind, "tried")
        pytest.fail(
            f"{label}: {type(exc).__name__}: {exc}\n{traceback.format_exc()}\n"
            f"--- file ---\n{file.read_text()}"
        )
    count(kind, "ran_finite")
    if strict:
        pytest.fail(f"{label}: a bad claim file was accepted\n{file.read_text()}")


CLAIM_VALUES = [
    "abc",
    None,
    [],
    {"x": 1},
    math.nan,
    math.inf,
    -1,
    0,
    1e308,
    1800,
    2500,
    "XYZ",
    True,
]


@FUZZ
@given(name=st.sampled_from(CLAIM_NAMES), data=st.data())
def test_claim_files(workdir, full45_results, dataset, name, data):
    claim_file = yaml.safe_load((workdir / "claims" / name).read_text())
    how = data.draw(st.sampled_from(["value", "missing", "extra", "op", "metric", "between"]))
    strict = True
    claim = data.draw(st.sampled_from(claim_file["claims"]))
    if how == "value":
        path = data.draw(st.sampled_from(leaves(claim_file)))
        value = data.draw(st.sampled_from(CLAIM_VALUES))
        put(claim_file, path, value)
        strict = (
            isinstance(value, float)
            and not math.isfinite(value)
            and path[-1] in ("value", "low", "high")
        )
        describe = f"{path}={value!r}"
    elif how == "missing":
        path = data.draw(st.sampled_from(keys(claim_file)))
        del get(claim_file, path[:-1])[path[-1]]
        strict = path[-1] in ("id", "text", "metric", "holds_if", "name", "op", "claims")
        describe = f"del {path}"
    elif how == "extra":
        target = data.draw(st.sampled_from(["claim", "metric", "holds_if"]))
        (claim if target == "claim" else claim[target])["bogus_key"] = 1
        describe = f"{target}+bogus_key"
    elif how == "op":
        claim["holds_if"]["op"] = data.draw(
            st.sampled_from(["=<", "==", "!=", "lt", "", "between"])
        )
        claim["holds_if"].pop("low", None) if claim["holds_if"]["op"] == "between" else None
        describe = f"op={claim['holds_if']['op']}"
    elif how == "metric":
        claim["metric"]["name"] = data.draw(
            st.sampled_from(["gdp", "cagr_gaps", "mva_share", "eval", ""])
        )
        describe = f"metric={claim['metric']['name']}"
    else:
        low, high = sorted(data.draw(st.lists(st.floats(-1, 1), min_size=2, max_size=2)))
        claim["holds_if"] = {"op": "between", "low": high, "high": low}
        strict = True
        describe = f"between {high}..{low}"
    file = workdir / "claims" / f"case_{next(_case_ids)}.yaml"
    file.write_text(yaml.safe_dump(claim_file, sort_keys=False))
    attempt_claim("claim file", file, full45_results, dataset, strict=strict, describe=describe)


def test_claim_about_unknown_country_year_or_program(workdir, full45_results, dataset):
    """Metric arguments that do not exist in the results or data are named, not a KeyError."""
    bad = [
        {"name": "mva", "country": "XYZ", "year": 2035},
        {"name": "mva", "country": "USA", "year": 2500},
        {"name": "institutes_active", "program": "nope", "year": 2030},
        {"name": "cagr_gap", "a": "CHN", "b": "XYZ", "start": 2025, "end": 2035},
        {"name": "cagr", "country": "USA", "start": 1800, "end": 2035},
    ]
    past = [
        {"name": "observed_cagr", "country": "XYZ", "start": 2017, "end": 2022},
        {"name": "observed_growth", "country": "USA", "year": 1800},
    ]
    for metric in bad + past:
        claim = {
            "id": "c",
            "text": "t",
            "source": "s",
            "metric": metric,
            "holds_if": {"op": ">", "value": 0},
        }
        if metric in bad:
            claim["scenario"] = "nnmi_full45"
        file = workdir / "claims" / f"case_{next(_case_ids)}.yaml"
        file.write_text(yaml.safe_dump(claim))
        attempt_claim(
            "claim metric argument",
            file,
            full45_results,
            dataset,
            strict=True,
            describe=str(metric),
        )


# --------------------------------------------------------------------------------------------
# a subset through the command line


def cli(*args: str, cwd: Path, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "scenarios", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def test_bad_inputs_through_the_cli(workdir):
    """A subset of the generated bad inputs, run as ``scenarios run FILE --out DIR --no-plots``."""
    base = merged("nnmi_full45", workdir)
    cases: list[tuple[str, Path, list[str]]] = []

    def case(kind: str, mutate=None, overrides=(), text: str | None = None) -> None:
        config = copy.deepcopy(base)
        if mutate:
            mutate(config)
        cases.append(
            (
                kind,
                write_case(workdir, text if text is not None else config, "cli"),
                list(overrides),
            )
        )

    case("NaN / infinity", lambda c: c["impact"].update(rho=math.nan))
    case(
        "negative money",
        lambda c: c["programs"]["manufacturing_usa"]["new_institute_budget"].update(total=-1890),
    )
    case("inverted range", lambda c: c["uncertainties"]["impact.rho"].update(low=0.6, high=0.1))
    case(
        "end before start",
        lambda c: c["programs"]["manufacturing_usa"]["new_institute_budget"].update(end=2020),
    )

    def three_problems(c: dict) -> None:  # every problem of a file is reported at once
        c["programs"]["manufacturing_usa"].update(cap="forty-five")  # wrong type
        c["impact"].update(rhoo=0.2)  # extra key
        c.update(horizon=2500)  # year out of range

    case("wrong type + extra key + year", three_problems)
    case("bad --set override", overrides=["--set", "countries.USA.growth.gg=0.02"])
    case(
        "duplicate YAML key",
        text=(workdir / "nnmi_full45.yaml").read_text() + "\nreference: baseline\n",
    )
    case("negative MVA (ModelError)", overrides=["--set", "countries.USA.growth.g=-1.5"])
    # in parallel: each is a fresh interpreter
    out = workdir / "cli_runs"
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    procs = []
    for kind, file, overrides in cases:
        try:
            api.run(file, overrides=[o for o in overrides if o != "--set"], with_reference=False)
        except ScenariosError as exc:
            paths = [p.path for p in exc.problems if p.path]
        else:
            pytest.fail(f"{kind}: {file.name} ran in-process")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scenarios",
                "run",
                str(file),
                *overrides,
                "--out",
                str(out),
                "--no-plots",
            ],
            cwd=workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        procs.append((kind, file, overrides, paths, proc))
    for kind, file, overrides, paths, proc in procs:
        stdout, stderr = proc.communicate(timeout=180)
        count(f"CLI: {kind}", "tried")
        assert proc.returncode == 2, f"{kind}: exit {proc.returncode}\n{stderr}"
        assert "Traceback" not in stderr + stdout, stderr
        flat = " ".join(stderr.replace("│", " ").split())
        source = (
            f"--set {overrides[1]}" if kind == "bad --set override" else file.name
        )  # blames the option
        assert source in flat, f"{kind}: the message does not name {source}:\n{stderr}"
        assert all(p in flat for p in paths), (
            f"{kind}: the message does not name all of {paths}:\n{stderr}"
        )
        COUNTS[f"CLI: {kind}"]["clean_error"] += 1
    assert not out.exists() or not any(out.iterdir()), "a failed run left files behind"


# --------------------------------------------------------------------------------------------
# numerical guards


@pytest.mark.parametrize(
    ("override", "where"),
    [
        ("countries.USA.growth.g=-1.5", "countries.USA.growth"),
        ("countries.USA.growth.g=-1.0", "countries.USA.growth"),
        ("countries.DEU.growth.g=1e200", "countries.DEU.growth"),
        ("impact.rho=1e308", "impact.rho"),
        ("impact.rho=-1e6", "impact.rho"),
    ],
)
def test_negative_or_overflowing_mva_is_a_model_error(override, where):
    with pytest.raises(ModelError) as err:
        api.run("nnmi_full45", overrides=[override], with_reference=False)
    assert where in {p.path for p in err.value.problems}, str(err.value)
    assert "nnmi_full45.yaml" in str(err.value)


def test_sampled_parameters_that_break_mva_name_the_parameter(workdir):
    """An ensemble whose range reaches impossible values fails with the sampled path named."""
    config = merged("nnmi_full45", workdir)
    config["uncertainties"]["countries.USA.growth.g"] = {"dist": "uniform", "low": -3, "high": -2}
    config["uncertainties"]["impact.rho"] = {"dist": "uniform", "low": 1e307, "high": 1e308}
    file = write_case(workdir, config)
    with pytest.raises(ModelError) as err:
        api.run(file, samples=8, with_reference=False)
    assert "countries.USA.growth" in {p.path for p in err.value.problems}, str(err.value)
    config["uncertainties"]["countries.USA.growth.g"] = {
        "dist": "uniform",
        "low": 0.01,
        "high": 0.02,
    }
    file = write_case(workdir, config)
    with pytest.raises(ModelError) as err:
        api.run(file, samples=8, with_reference=False)
    assert "impact.rho" in {p.path for p in err.value.problems}, str(err.value)
    assert file.name in str(err.value)


# --------------------------------------------------------------------------------------------
# reproducibility from manifest.json


def _data_variables(ds: xr.Dataset) -> xr.Dataset:
    ds = ds.copy()
    ds.attrs = {}
    return ds


REPRODUCE = [  # (config, ensemble size, seed)
    ("baseline", None, None),
    ("baseline", 200, 3),
    ("nnmi_full45", None, None),  # with its reference scenario (baseline) and the delta metrics
]


def test_run_from_manifest_reproduces_results(tmp_path):
    """``scenarios run --from runs/<name>/manifest.json`` gives identical results.nc (the three
    re-runs side by side, each in its own interpreter)."""
    procs = []
    for i, (config, samples, seed) in enumerate(REPRODUCE):
        first = api.save(
            api.run(config, samples=samples, seed=seed), tmp_path / f"a{i}", plots=False
        )
        manifest = first / "manifest.json"
        record = json.loads(manifest.read_text())
        assert record["seed"] == (seed if seed is not None else record["config"]["seed"])
        assert record["n_samples"] == (samples or 1)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scenarios",
                "run",
                "--from",
                str(manifest),
                "--out",
                str(tmp_path / f"b{i}"),
                "--no-plots",
                "-q",
            ],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "COLUMNS": "400"},
        )
        procs.append((config, first, tmp_path / f"b{i}" / config, proc))
    for config, first, again, proc in procs:
        _, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        a = xr.open_dataset(first / "results.nc", engine="h5netcdf").load()
        b = xr.open_dataset(again / "results.nc", engine="h5netcdf").load()
        xr.testing.assert_identical(_data_variables(a), _data_variables(b))
        assert {k: v for k, v in a.attrs.items() if k != "config_file"} == {
            k: v for k, v in b.attrs.items() if k != "config_file"
        }
        assert (first / "metrics.csv").read_text() == (again / "metrics.csv").read_text()
        if config == "nnmi_full45":
            assert (
                json.loads((first / "manifest.json").read_text())["reference_config"]["name"]
                == "baseline"
            )
            assert "delta_mva" in (again / "metrics.csv").read_text()


def test_manifest_with_other_data_hash_is_a_config_error(tmp_path):
    result = api.run("baseline", with_reference=False)
    folder = api.save(result, tmp_path, plots=False)
    manifest = folder / "manifest.json"
    record = json.loads(manifest.read_text())
    record["data_hash"] = "0" * 64
    manifest.write_text(json.dumps(record))
    with pytest.raises(ConfigError) as err:
        api.run_from_manifest(manifest)
    assert "data_hash" in {p.path for p in err.value.problems}
    assert "manifest.json" in str(err.value)
    proc = cli(
        "run", "--from", str(manifest), "--out", str(tmp_path / "again"), "--no-plots", cwd=tmp_path
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "data_hash" in proc.stderr


@pytest.mark.parametrize(
    "content", ["{not json", "[]", '{"config": 3}', '{"config": {"name": "x"}}']
)
def test_broken_manifest_is_a_config_error(tmp_path, content):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(content)
    with pytest.raises(ConfigError) as err:
        api.run_from_manifest(manifest)
    assert "manifest.json" in str(err.value)


# --------------------------------------------------------------------------------------------
# nothing the tool did not write is replaced; hostile input is refused fast; every error is clean


def main_exit(monkeypatch, capsys, *argv: str) -> tuple[int, str]:
    """Run the command line in process: (exit code, stdout + stderr on one line)."""
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setattr(sys, "argv", ["scenarios", *argv])
    with pytest.raises(SystemExit) as info:
        main()
    printed = capsys.readouterr()
    text = " ".join((printed.out + printed.err).replace("│", " ").split())
    assert "Traceback" not in text and "internal error" not in text, text
    return info.value.code, text


def extends_baseline(folder: Path, name: str, body: str) -> Path:
    shutil.copy(SHIPPED / "baseline.yaml", folder / "baseline.yaml")
    path = folder / f"{name}.yaml"
    path.write_text(f"extends: baseline.yaml\n{body}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "name", [".", "..", "a/b", "../x", "a\\b", ".hidden", "-x", "x" * 101, "é"]
)
def test_run_name_is_one_safe_folder_name(tmp_path, name):
    with pytest.raises(ConfigError) as err:
        api.load_config("baseline", [f"name={json.dumps(name)}"])
    assert [p.path for p in err.value.problems] == ["name"]
    assert "a run name is one folder name" in str(err.value)
    assert "command-line option --set name=" in str(err.value)


def test_validate_refuses_a_dot_dot_name(tmp_path, monkeypatch, capsys):
    config = extends_baseline(tmp_path, "dots", 'name: ".."')
    code, text = main_exit(monkeypatch, capsys, "validate", str(config))
    assert code == 2 and "dots.yaml: name: a run name is one folder name" in text


def test_only_a_folder_the_tool_wrote_is_replaced(tmp_path, monkeypatch, capsys):
    """A user's folder or file at the run's path is refused with the path and the fix; a run
    folder (it carries the marker) is replaced."""
    config = extends_baseline(tmp_path, "mydocs", "name: mydocs")
    (tmp_path / "mydocs").mkdir()
    (tmp_path / "mydocs" / "thesis.txt").write_text("years of work")
    (tmp_path / "runs").mkdir()
    (tmp_path / "runs" / "mydocs").write_text("a file")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "mydocs").symlink_to(tmp_path / "mydocs")
    for out, what in (
        (tmp_path, "a folder"),
        (tmp_path / "runs", "a file"),
        (tmp_path / "elsewhere", "a file"),
    ):
        code, text = main_exit(
            monkeypatch, capsys, "run", str(config), "--out", str(out), "--no-plots", "-q"
        )
        assert code == 2, text
        assert f"{out / 'mydocs'}: {what} that is not a scenarios run is in the way" in text
        assert "pass --out with another folder, or rename or move it" in text
    assert (tmp_path / "mydocs" / "thesis.txt").read_text() == "years of work"
    assert (tmp_path / "runs" / "mydocs").read_text() == "a file"
    first = api.save(api.run(config, with_reference=False), tmp_path / "fresh", plots=False)
    assert json.loads((first / MARKER).read_text())["written_by"] == "scenarios"
    (first / "results.nc").write_text("stale")
    api.save(api.run(config, with_reference=False), tmp_path / "fresh", plots=False)
    assert (first / "results.nc").read_bytes()[:4] == b"\x89HDF"


def test_compare_refuses_a_folder_it_did_not_write(tmp_path, full45_run_pair):
    out = tmp_path / "runs"
    out.mkdir()
    (out / "compare_baseline_vs_nnmi_full45").mkdir()
    baseline, full45 = full45_run_pair
    with pytest.raises(OutputError, match="not a scenarios run is in the way"):
        api.compare([baseline, full45], out_dir=out)
    assert list((out / "compare_baseline_vs_nnmi_full45").iterdir()) == []


@pytest.fixture(scope="module")
def full45_run_pair(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("pair")
    return tuple(
        api.save(api.run(n, with_reference=False), root, plots=False)
        for n in ("baseline", "nnmi_full45")
    )


def test_leftovers_of_dead_processes_are_removed_and_folders_follow_the_umask(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(dead.stdout)
    out = tmp_path / "runs"
    out.mkdir()
    stale = [out / f".demo.tmp-{pid}-1a2b", out / f".other.old-{pid}-ffff"]
    alive = [out / f".demo.tmp-{os.getppid()}-1a2b", out / f".demo.tmp-{os.getpid()}-9z"]
    for folder in stale + alive:
        folder.mkdir()
    previous = os.umask(0o022)
    try:
        write_run(out / "demo", {"a.txt": lambda p: p.write_text("a")})
        os.umask(0o077)
        write_run(out / "private", {"a.txt": lambda p: p.write_text("a")})
    finally:
        os.umask(previous)
    assert not any(f.exists() for f in stale)
    assert all(f.exists() for f in alive)
    assert (out / "demo").stat().st_mode & 0o777 == 0o755
    assert (out / "private").stat().st_mode & 0o777 == 0o700


def test_inputs_must_be_regular_files_under_the_size_limit(tmp_path, monkeypatch):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    signal.alarm(20)  # a FIFO opened for reading would block: fail instead of hanging
    try:
        for path in ("/dev/zero", fifo, tmp_path):
            with pytest.raises(ConfigError, match=r"not a regular file|is a folder") as err:
                api.load_config(path)
            assert str(path) in str(err.value)
        with pytest.raises(ConfigError, match="is not a regular file"):
            load_claims(fifo)
        with pytest.raises(DataError, match="is not a regular file"):
            import_file("wdi", fifo, tmp_path / "data")
        extends_dev_zero = tmp_path / "z.yaml"
        extends_dev_zero.write_text("name: z\nextends: /dev/zero\n")
        with pytest.raises(ConfigError) as err:
            api.load_config(extends_dev_zero)
        assert str(err.value).startswith(
            f"{extends_dev_zero}: extends: the 'extends' target is not a regular file"
        )
    finally:
        signal.alarm(0)
    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * 600_000)  # 6 MB
    with pytest.raises(ConfigError, match=r"6\.0 MB, over the 5 MB limit") as err:
        api.load_config(big)
    assert "SCENARIOS_MAX_INPUT_MB" in str(err.value)
    monkeypatch.setenv("SCENARIOS_MAX_INPUT_MB", "10")
    assert api.load_config(
        extends_baseline(tmp_path, "padded", "name: padded\n" + "# padding\n" * 600_000)
    )


def billion_laughs(levels: int) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "laughs:\n  " + "\n  ".join(lines) + f"\ndescription: *l{levels - 1}\n"


def test_yaml_alias_bombs_are_refused_fast(tmp_path):
    config = extends_baseline(tmp_path, "bomb", billion_laughs(9))
    started = time.perf_counter()
    with pytest.raises(ConfigError) as err:
        api.load_config(config)
    assert time.perf_counter() - started < 0.5
    assert "YAML document too large: the document expands to more than 20,000 values" in str(
        err.value
    )
    flow = (
        "["
        + ", ".join(f"&a{i} [{', '.join([f'*a{i - 1}'] * 9) if i else '1'}]" for i in range(9))
        + "]"
    )
    with pytest.raises(ConfigError, match="not a plain value"):
        api.load_config("baseline", [f"description={flow}"])
    assert time.perf_counter() - started < 1


def test_error_output_is_capped(tmp_path):
    config = extends_baseline(
        tmp_path,
        "keys",
        "".join(f"bad_key_{i}: 1\n" for i in range(300)) + "description: [" + "x" * 5000 + "]\n",
    )
    with pytest.raises(ConfigError) as err:
        api.load_config(config)
    text = str(err.value)
    assert len(err.value.problems) == 301
    assert text.endswith("... and 281 more problems")
    assert text.count("unknown key") == 19 and len(text) < 8000
    assert all(len(line) < 240 for line in text.splitlines()), text


@pytest.mark.parametrize(
    ("content", "offset"),
    [
        ("name: caf\xe9\n".encode("latin-1"), "byte 0xe9 at offset 9"),
        (bytes(range(256)), "byte 0x80 at offset 128"),
    ],
)
def test_non_utf8_and_binary_files_are_clean_errors(tmp_path, monkeypatch, capsys, content, offset):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    code, text = main_exit(monkeypatch, capsys, "validate", str(path))
    assert (
        code == 2 and f"bad.yaml: not UTF-8 text ({offset})" in text and "save it as UTF-8" in text
    )
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_claims(path)


@pytest.mark.parametrize("seed", ["-1", str(2**63), "99999999999999999999999"])
def test_out_of_range_seeds_are_user_errors(tmp_path, monkeypatch, capsys, seed):
    code, text = main_exit(
        monkeypatch,
        capsys,
        "run",
        "nnmi_full45",
        "-n",
        "4",
        "--seed",
        seed,
        "--out",
        str(tmp_path),
        "--no-plots",
        "-q",
    )
    assert code == 2 and "--seed: must be a whole number from 0 to 2**63 - 1" in text
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("seed", ["1e29", "100000000000000000000", "-3"])
def test_out_of_range_seed_in_a_config(tmp_path, seed):
    with pytest.raises(ConfigError) as err:
        api.load_config(extends_baseline(tmp_path, "seedy", f"seed: {seed}"))
    assert [p.path for p in err.value.problems] == ["seed"] and "seedy.yaml" in str(err.value)


@pytest.mark.parametrize(
    ("errno_", "hint"),
    [
        (errno.EROFS, "the file system is read-only"),
        (errno.ENOSPC, "free some disk space"),
        (errno.EACCES, "no permission to write there"),
    ],
)
def test_file_system_failures_name_the_folder_and_the_fix(tmp_path, monkeypatch, errno_, hint):
    def fail(path: Path) -> None:
        raise OSError(errno_, os.strerror(errno_), str(path))

    with pytest.raises(OutputError) as err:
        write_run(tmp_path / "runs" / "demo", {"results.nc": fail})
    assert str(err.value).startswith(
        f"{tmp_path / 'runs' / 'demo'}: cannot write here: {os.strerror(errno_)}"
    )
    assert hint in str(err.value)
    assert [p.name for p in (tmp_path / "runs").iterdir()] == []


def test_a_run_that_would_not_fit_on_the_disk_is_refused_before_it_is_computed(
    tmp_path, monkeypatch, capsys
):
    small = api.run("baseline", samples=10)
    per_sample = sum(v.nbytes for v in small.results.data_vars.values() if "sample" in v.dims) / 10
    needed = (100_000 * per_sample + 16e6) / 1e9  # 8 bytes x variables x years, + the margin
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr("scenarios.files.shutil.disk_usage", lambda _: usage._replace(free=10**8))
    monkeypatch.setattr("scenarios.api.run", None)  # computing anything would fail
    code, text = main_exit(
        monkeypatch,
        capsys,
        "run",
        "baseline",
        "--samples",
        "100000",
        "--out",
        str(tmp_path / "runs"),
    )
    assert code == 2
    assert (
        f"100,000 samples' results.nc needs about {needed:.2f} GB of disk; 0.10 GB is free" in text
    )
    assert "--out with a folder on another disk, or use fewer --samples" in text
    assert not (tmp_path / "runs").exists()


def test_a_disk_that_fills_during_the_write_loses_nothing(tmp_path, monkeypatch):
    first = api.save(api.run("baseline"), tmp_path)
    before = (first / "results.nc").read_bytes()

    def disk_full(*args, **kwargs):
        try:
            raise OSError(errno.ENOSPC, "Driver write request failed (a paragraph of HDF5)")
        except OSError:  # HDF5 then fails to close the file: that is what reaches the caller
            raise RuntimeError("Disable slist on flush dest failure failed") from None

    monkeypatch.setattr(xr.Dataset, "to_netcdf", disk_full)
    monkeypatch.setattr("scenarios.netcdf.UNCLOSABLE", [])
    hooks = sys.excepthook, sys.unraisablehook
    with pytest.raises(OutputError) as err:
        api.save(api.run("baseline"), tmp_path)
    assert str(err.value).startswith(f"{first}: cannot write here: No space left on device")
    assert (first / "results.nc").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["baseline"]  # no temporary folder left
    assert (sys.excepthook, sys.unraisablehook) == hooks


def test_missing_output_folders_are_clean_errors(tmp_path, monkeypatch, capsys):
    (tmp_path / "afile").write_text("x")
    code, text = main_exit(
        monkeypatch,
        capsys,
        "run",
        "baseline",
        "--out",
        str(tmp_path / "afile" / "runs"),
        "--no-plots",
        "-q",
    )
    assert code == 2 and "cannot write here: Not a directory" in text and "afile" in text
    code, text = main_exit(
        monkeypatch,
        capsys,
        "calibrate",
        "baseline",
        "--fix",
        "g_lr",
        "--out",
        "/nonexistent/dir/out.yaml",
    )
    assert (
        code == 2
        and "/nonexistent/dir/out.yaml: cannot write here: No such file or directory" in text
    )
    assert "a folder on the way does not exist" in text


def test_compare_refuses_truncated_and_unfinished_runs(
    tmp_path, full45_run_pair, monkeypatch, capsys
):
    baseline, full45 = full45_run_pair
    truncated = tmp_path / "truncated"
    shutil.copytree(full45, truncated)
    (truncated / "results.nc").write_bytes((full45 / "results.nc").read_bytes()[:5000])
    unfinished = tmp_path / ".nnmi_full45.tmp-4194999-0a1b"
    shutil.copytree(truncated, unfinished)
    for folder, message in (
        (truncated, "cannot read results.nc: truncated or not NetCDF"),
        (unfinished, "an unfinished run, left by a process that was stopped"),
    ):
        code, text = main_exit(
            monkeypatch,
            capsys,
            "compare",
            str(baseline),
            str(folder),
            "--out",
            str(tmp_path / "out"),
        )
        assert code == 2 and message in text and str(folder) in text
    assert not (tmp_path / "out").exists()


def test_metric_years_out_of_range_are_errors_or_warnings(tmp_path):
    with pytest.raises(ConfigError) as err:
        api.load_config(extends_baseline(tmp_path, "years", "metrics: {years: [1800, 2500]}"))
    assert [p.path for p in err.value.problems] == ["metrics.years.0", "metrics.years.1"]
    run = api.run("baseline", overrides=["metrics.years=[2030, 2100]"], with_reference=False)
    assert run.warnings == ["metrics.years: 2100 is not a projected year (2024-2040): not reported"]


def test_budget_years_are_bounded(tmp_path):
    with pytest.raises(ConfigError) as err:
        api.load_config(
            "nnmi_full45", ["programs.manufacturing_usa.new_institute_budget.start=-100000000"]
        )
    assert [p.path for p in err.value.problems] == [
        "programs.manufacturing_usa.new_institute_budget.start"
    ]
    assert "greater than or equal to 1900" in str(err.value)


def test_data_path_without_a_series_file_is_an_error(tmp_path):
    with pytest.raises(DataError, match=r"not a dataset folder: it has none of series\.csv") as err:
        api.run("baseline", overrides=[f"data.path={tmp_path}"], with_reference=False)
    assert "scenarios data import" in str(err.value)


WDI_HEADER = "Country Name,Country Code,Series Name,Series Code,2020 [YR2020],2021 [YR2021]\n"


@pytest.mark.parametrize(
    ("row", "message", "where"),
    [
        (
            "United States,USA,m,NV.IND.MANF.KD,-5,7\n",
            "MVA and GDP must be positive",
            "row 2, column E",
        ),
        ("United States,USA,m,NV.IND.MANF.KD,5,inf\n", "not a finite number", "row 2, column F"),
        (
            "Somewhere,../../x,m,NV.IND.MANF.KD,5,7\n",
            "not a country code: three capital letters A-Z",
            "row 2, column B",
        ),
    ],
)
def test_wdi_import_refuses_values_and_codes_it_cannot_store(tmp_path, row, message, where):
    file = tmp_path / "wdi.csv"
    file.write_text(WDI_HEADER + row)
    with pytest.raises(DataError) as err:
        import_file("wdi", file, tmp_path / "data")
    assert str(err.value).startswith(f"{file}: {where}") and message in str(err.value)
    assert not (tmp_path / "data" / "series.csv").exists()


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (["run", "baseline", "--method", "bogus"], "--method: unknown ensemble design 'bogus'"),
        (
            ["calibrate", "baseline", "--fix", "nonexistent_param"],
            "--fix: not a parameter of this config's growth",
        ),
        (
            ["calibrate", "baseline", "--bootstrap", "-3"],
            "--bootstrap: must be a whole number >= 0",
        ),
        (
            ["stress", "STRESS", "--max-samples", "-1", "--ci-width", "0"],
            "--max-samples: must be a whole number >= 1",
        ),
        (["stress", "STRESS", "--ci-width", "0"], "--ci-width: must be a number > 0 and <= 1"),
    ],
)
def test_options_out_of_range_are_errors(tmp_path, monkeypatch, capsys, argv, text):
    argv = [str(SHIPPED / "claims" / "nist_germany_20x.yaml") if a == "STRESS" else a for a in argv]
    code, printed = main_exit(
        monkeypatch,
        capsys,
        *argv,
        *(["--no-plots"] if argv[0] == "run" else []),
        *(["--out", str(tmp_path)] if argv[0] != "calibrate" else []),
    )
    assert code == 2 and text in printed, printed
    assert not any(tmp_path.iterdir())


def test_duplicate_claim_ids_are_an_error(tmp_path):
    claim = (
        "- {id: same, text: t, source: s, metric: {name: observed_cagr, country: USA, start: 2010, "
        "end: 2020}, holds_if: {op: '>', value: 0}}\n"
    )
    file = tmp_path / "dup.yaml"
    file.write_text("claims:\n" + claim * 2)
    with pytest.raises(ConfigError) as err:
        load_claims(file)
    assert str(err.value).startswith(
        f"{file}: claims[1].id: duplicate claim id (first at claims[0])"
    )


def test_edited_manifest_is_refused_by_run_from(tmp_path):
    folder = api.save(api.run("baseline", with_reference=False), tmp_path, plots=False)
    manifest = folder / "manifest.json"
    record = json.loads(manifest.read_text())
    record["config"]["impact"]["rho"] = 0.9
    manifest.write_text(json.dumps(record))
    with pytest.raises(ConfigError) as err:
        api.run_from_manifest(manifest)
    assert [p.path for p in err.value.problems] == ["config_hash"]
    assert "does not match its config_hash: it was edited after the run" in str(err.value)


def test_a_bad_set_value_blames_the_command_line(monkeypatch, capsys):
    code, text = main_exit(
        monkeypatch, capsys, "run", "baseline", "--set", "impact.rho=abc", "--no-plots"
    )
    assert code == 2
    assert (
        "command-line option --set impact.rho=abc: impact.rho: Input should be a valid number"
        in text
    )
    assert "baseline.yaml" not in text


@pytest.mark.parametrize(
    ("metric", "key", "message"),
    [
        ("{name: mva, country: ATL, year: 2035}", "metric.country", "has no country 'ATL'"),
        ("{name: mva, country: USA, year: 2150}", "metric.year", "has no year 2150"),
    ],
)
def test_claim_errors_name_the_claim_file_and_key(
    tmp_path, monkeypatch, capsys, metric, key, message
):
    file = tmp_path / "claim.yaml"
    file.write_text(
        f"id: c1\ntext: t\nsource: s\nscenario: nnmi_full45\nmetric: {metric}\n"
        "holds_if: {op: '>', value: 0}\n"
    )
    code, text = main_exit(monkeypatch, capsys, "stress", str(file), "--out", str(tmp_path / "out"))
    assert code == 2 and f"{file}: claims[c1].{key}: the scenario 'nnmi_full45' {message}" in text
    assert "nearest" not in text and "nnmi_full45.yaml" not in text


# --------------------------------------------------------------------------------------------
# the counts (keep this test last in the file)


def test_zz_report_counts(tmp_path_factory):
    """Write and print how many generated bad inputs were tried and how many gave a clean error."""
    if not COUNTS:
        pytest.skip("no generated inputs ran in this session")
    total = {
        key: sum(row[key] for row in COUNTS.values())
        for key in ("tried", "clean_error", "ran_finite")
    }
    report = {"total": total, "by_kind": COUNTS}
    path = tmp_path_factory.getbasetemp() / "reliability_counts.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"\nreliability counts ({path}):")
    for kind, row in sorted(COUNTS.items()):
        print(
            f"  {kind:34s} tried {row['tried']:4d}  clean error {row['clean_error']:4d}  "
            f"ran finite {row['ran_finite']:4d}"
        )
    print(
        f"  {'TOTAL':34s} tried {total['tried']:4d}  clean error {total['clean_error']:4d}  "
        f"ran finite {total['ran_finite']:4d}"
    )
    assert total["tried"] == total["clean_error"] + total["ran_finite"]
