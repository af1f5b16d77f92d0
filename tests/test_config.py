"""Config loading (extends, --set, names and paths) and every kind of bad input as a ConfigError."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import SHIPPED

from scenarios import api
from scenarios.config.load import (
    apply_overrides,
    config_hash,
    deep_merge,
    load_raw,
    parse_override,
)
from scenarios.errors import ConfigError

# --- extends and overrides -----------------------------------------------------------------------


def test_deep_merge_child_wins_and_dicts_merge() -> None:
    parent = {"a": 1, "d": {"x": 1, "y": {"p": 1, "q": 2}}, "l": [1, 2]}
    child = {"a": 2, "d": {"y": {"q": 3}, "z": 4}, "l": [9]}
    assert deep_merge(parent, child) == {
        "a": 2,
        "d": {"x": 1, "y": {"p": 1, "q": 3}, "z": 4},
        "l": [9],
    }
    assert parent["d"]["y"] == {"p": 1, "q": 2}  # inputs are not modified


def test_extends_merges_parent_and_child(write_config) -> None:
    path = write_config(
        "child",
        "name: child\nextends: baseline.yaml\nhorizon: 2035\n"
        "programs:\n  manufacturing_usa:\n    cap: 40\n"
        "impact: {rho: 0.3}\n",
    )
    spec = api.load_config(path)
    parent = api.load_config(path.parent / "baseline.yaml")
    assert spec.name == "child" and spec.horizon == 2035
    usa = spec.programs["manufacturing_usa"]
    assert usa.cap == 40
    assert usa.label == "Manufacturing USA" and usa.cost_per_institute == 68  # kept from the parent
    assert spec.impact.rho == 0.3 and spec.impact.delta == parent.impact.delta == 0.1775
    assert spec.countries == parent.countries
    assert spec.seed == parent.seed == 20250520


def test_extends_chain_two_levels(write_config) -> None:
    write_config(
        "middle", "name: middle\nextends: baseline.yaml\nimpact: {rho: 0.4}\nhorizon: 2036\n"
    )
    path = write_config("leaf", "name: leaf\nextends: middle.yaml\nimpact: {delta: 0.2}\n")
    spec = api.load_config(path)
    assert (spec.impact.rho, spec.impact.delta, spec.horizon) == (0.4, 0.2, 2036)


def test_extends_cycle_is_an_error(write_config) -> None:
    write_config("one", "name: one\nextends: two.yaml\n")
    path = write_config("two", "name: two\nextends: one.yaml\n")
    with pytest.raises(ConfigError, match="cyclic 'extends'"):
        api.load_config(path)


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ("countries.USA.growth.g=0.02", ["countries", "USA", "growth", "g"], 0.02),
        ("seed=7", ["seed"], 7),
        ("impact.kind=none", ["impact", "kind"], "none"),
        ("metrics.pairs=[[CHN, DEU]]", ["metrics", "pairs"], [["CHN", "DEU"]]),
        ("programs.fraunhofer.history=counts", ["programs", "fraunhofer", "history"], "counts"),
    ],
)
def test_parse_override_types(text: str, path: list[str], value: object) -> None:
    keys, parsed = parse_override(text)
    assert keys == path
    assert parsed == value and type(parsed) is type(value)


def test_overrides_apply_typed_values() -> None:
    spec = api.load_config(
        "nnmi_full45",
        [
            "countries.USA.growth.g=0.02",
            "seed=7",
            "impact.kind=none",
            "programs.manufacturing_usa.cap=40",
        ],
    )
    assert spec.countries["USA"].growth.g == 0.02
    assert spec.countries["USA"].growth.from_data is not None  # merged, not replaced
    assert spec.seed == 7 and spec.impact.kind == "none"
    assert spec.programs["manufacturing_usa"].cap == 40
    assert spec.programs["manufacturing_usa"].new_institute_budget.total == 1890  # from nnmi_full45


def test_malformed_override() -> None:
    with pytest.raises(ConfigError, match=r"dotted\.path=value"):
        api.load_config("baseline", ["impact.rho"])


def test_packaged_name_and_path_give_the_same_spec(shipped_dir: Path, config_dir: Path) -> None:
    by_name = api.load_config("nnmi_full45")
    by_path = api.load_config(shipped_dir / "nnmi_full45.yaml")
    copied = api.load_config(str(config_dir / "nnmi_full45.yaml"))
    assert by_name == by_path == copied
    assert config_hash(by_name) == config_hash(copied)
    assert config_hash(api.load_config("nnmi_full45", ["impact.rho=0.3"])) != config_hash(by_name)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_config_loads(name: str) -> None:
    spec = api.load_config(name)
    assert spec.name == name
    assert (
        spec.description and spec.source
    )  # every scenario says what it is and where it comes from


def test_missing_packaged_name_suggests_one() -> None:
    with pytest.raises(ConfigError, match="did you mean 'nnmi_full45'"):
        api.load_config("nnmi_ful45")


# --- bad input: the file, the key path and a hint in every message -------------------------------

HEAD = "name: bad\nextends: baseline.yaml\n"

BAD = {
    # case: (yaml after HEAD, key path in the message, hint or expectation in the message)
    "unknown_key": ("horizn: 2040\n", "horizn", "did you mean 'horizon'?"),
    "wrong_type": ("horizon: soon\n", "horizon", "valid integer"),
    "negative_budget": (
        "programs:\n  manufacturing_usa:\n"
        "    new_institute_budget: {annual: -5, start: 2026, end: 2030}\n",
        "programs.manufacturing_usa.new_institute_budget.annual",
        "greater than or equal to 0",
    ),
    "horizon_before_base": ("horizon: 2020\n", "horizon", "use a year after 2023"),
    "unknown_country": (
        "countries:\n  XXX:\n    growth: {kind: constant, g: 0.01}\n",
        "countries.XXX",
        "countries in the data",
    ),
    "missing_extends": (None, "extends", "shipped configs"),
    "yaml_syntax": ("horizon: [2040\n", "line 4", "check indentation"),
    "duplicate_key": (
        "horizon: 2040\nhorizon: 2041\n",
        "duplicate key 'horizon'",
        "first on line 3",
    ),
    "unsampled_uncertainty": (
        "uncertainties:\n  impact.kind: {dist: uniform, low: 0, high: 1}\n",
        "uncertainties.impact.kind",
        "did you mean",
    ),
    "unknown_without_range": (
        "programs:\n  manufacturing_usa:\n    unknown: [survival]\n",
        "programs.manufacturing_usa.unknown",
        "add 'uncertainties: {programs.manufacturing_usa.survival",
    ),
}


def bad_text(case: str) -> str:
    body, _, _ = BAD[case]
    if body is None:
        return "name: bad\nextends: no_such_parent.yaml\n"
    return HEAD + body


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_config_is_a_config_error_naming_file_path_and_hint(case: str, write_config) -> None:
    path = write_config(f"bad_{case}", bad_text(case))
    _, key_path, hint = BAD[case]
    with pytest.raises(ConfigError) as info:
        api.run(path, with_reference=False)
    message = str(info.value)
    assert f"bad_{case}.yaml" in message
    assert key_path in message
    assert hint in message
    assert "Traceback" not in message


def test_every_problem_is_reported_at_once(write_config) -> None:
    path = write_config("two_problems", HEAD + "horizn: 2040\nseed: -1\n")
    with pytest.raises(ConfigError) as info:
        api.load_config(path)
    assert sorted(p.path for p in info.value.problems) == ["horizn", "seed"]


def test_override_error_names_the_key(config_dir: Path) -> None:
    with pytest.raises(ConfigError) as info:
        api.load_config(config_dir / "baseline.yaml", ["impact.rhoo=0.3"])
    assert "impact.rhoo" in str(info.value) and "did you mean 'rho'?" in str(info.value)


def test_budget_needs_exactly_one_kind(write_config) -> None:
    path = write_config(
        "two_kinds",
        HEAD + "programs:\n  manufacturing_usa:\n"
        "    new_institute_budget: {annual: 5, total: 50, start: 2026, end: 2030}\n",
    )
    with pytest.raises(
        ConfigError, match=r"programs\.manufacturing_usa\.new_institute_budget: give exactly one"
    ):
        api.load_config(path)


@pytest.mark.parametrize("parent", ["baseline", "baseline.yaml"])
def test_a_config_of_ones_own_extends_a_shipped_one_by_name(tmp_path, parent):
    own = tmp_path / "mine" / "usa_fast.yaml"
    own.parent.mkdir()
    own.write_text(
        f"name: usa_fast\nextends: {parent}\ncountries:\n  USA:\n    growth: {{kind: constant, g: 0.03}}\n",
        encoding="utf-8",
    )
    result = api.run(own, with_reference=False)
    mva = result.results["mva"].sel(sample=0, country="USA")
    assert float(mva.sel(year=2040) / mva.sel(year=2039)) == pytest.approx(1.03, rel=1e-12)


def test_a_file_next_to_the_config_wins_over_a_shipped_one(tmp_path):
    (tmp_path / "baseline.yaml").write_text(
        "name: local_parent\ndescription: local\n", encoding="utf-8"
    )
    (tmp_path / "child.yaml").write_text("name: child\nextends: baseline.yaml\n", encoding="utf-8")
    assert load_raw(tmp_path / "child.yaml")["description"] == "local"


def test_extends_names_what_it_looked_for(tmp_path):
    (tmp_path / "child.yaml").write_text("name: child\nextends: baselin\n", encoding="utf-8")
    with pytest.raises(
        ConfigError, match="neither next to this file nor a shipped config"
    ) as caught:
        load_raw(tmp_path / "child.yaml")
    assert "did you mean 'baseline'" in str(caught.value)


def test_a_child_distribution_replaces_the_parents_whole(write_config) -> None:
    """baseline's tau is lognormal (median, sigma): a normal in a child keeps none of its fields."""
    path = write_config(
        "normal_tau",
        "name: normal_tau\nextends: baseline.yaml\nuncertainties:\n"
        "  countries.CHN.growth.tau: {dist: normal, mean: 11, sd: 2}\n",
    )
    assert api.load_config(path).uncertainties["countries.CHN.growth.tau"] == {
        "dist": "normal",
        "mean": 11,
        "sd": 2,
    }


def test_a_null_in_a_child_drops_the_parents_key(write_config) -> None:
    """baseline_nist2017's way back to no growth uncertainty: the parameter keeps its point."""
    assert deep_merge({"u": {"a": {"dist": "normal"}, "b": 1}}, {"u": {"a": None}}) == {
        "u": {"b": 1}
    }
    path = write_config(
        "fixed_deu",
        "name: fixed_deu\nextends: baseline.yaml\nuncertainties:\n"
        "  countries.DEU.growth.g: null\n  countries.XYZ.growth.g: null\n",
    )
    spec = api.load_config(path)
    assert "countries.DEU.growth.g" not in spec.uncertainties
    assert "countries.USA.growth.g" in spec.uncertainties  # the others stay
    deu = api.run(path, samples=8, seed=1, with_reference=False).results["mva"].sel(country="DEU")
    assert float(np.ptp(deu.sel(year=2040).values)) == 0.0
    assert api.load_config("baseline").correlations  # the US-German pair, dropped with DEU's
    assert spec.correlations == []
    own = write_config(
        "own_pairs",
        "name: own_pairs\nextends: baseline.yaml\nuncertainties:\n  countries.DEU.growth.g: null\n"
        "correlations: [[countries.USA.growth.g, countries.WLD.growth.g, 0.3]]\n",
    )
    assert api.load_config(own).correlations == [
        ("countries.USA.growth.g", "countries.WLD.growth.g", 0.3)
    ]


def test_an_override_enters_a_list_by_index():
    data = {"p": {"budget": [{"annual": 160, "start": 2023}, {"annual": 3156, "start": 2026}]}}
    changed = apply_overrides(data, ["p.budget.1.annual=5000"])
    assert changed["p"]["budget"] == [
        {"annual": 160, "start": 2023},
        {"annual": 5000, "start": 2026},
    ]
    assert data["p"]["budget"][1]["annual"] == 3156  # a copy: the original is untouched
    spec = api.load_config(
        "fraunhofer_parity", ["programs.manufacturing_usa.base_funding.1.annual=5000"]
    )
    assert [b.annual for b in spec.programs["manufacturing_usa"].base_funding] == [160, 5000]
    with pytest.raises(ConfigError, match="a list element is addressed by its index, 0 to 1"):
        apply_overrides(data, ["p.budget.2.annual=1"])
