"""The JSON schema of config files: shipped configs satisfy it, mistakes do not, and it is fresh."""

from __future__ import annotations

import os
import subprocess
import sys

import jsonschema
import pytest
import yaml
from conftest import SHIPPED

from scenarios.config.file_schema import SCHEMA_FILE, config_file_schema, config_file_schema_text
from scenarios.config.load import PACKAGED_CONFIGS


@pytest.fixture(scope="module")
def validator():
    schema = config_file_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_config_file_satisfies_the_schema_and_points_to_it(validator, name):
    text = (PACKAGED_CONFIGS / f"{name}.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={SCHEMA_FILE}"
    assert list(validator.iter_errors(yaml.safe_load(text))) == []


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        (
            {"extends": "baseline", "impact": {"rhoo": 0.3}},
            "Additional properties are not allowed ('rhoo'",
        ),
        (
            {"extends": "baseline", "impact": {"delta": 0}},
            "0 is less than or equal to the minimum of 0",
        ),
        (
            {"extends": "baseline", "programs": {"x": {"launch_lag": "two"}}},
            "'two' is not of type 'integer'",
        ),
        ({"horizon": 2040.5}, "2040.5 is not of type 'integer'"),
    ],
)
def test_mistakes_an_editor_should_flag(validator, document, complaint):
    messages = [error.message for error in validator.iter_errors(document)]
    assert any(complaint in m for m in messages), messages


def test_the_shipped_schema_file_is_what_scenarios_schema_writes():
    shipped = (PACKAGED_CONFIGS / SCHEMA_FILE).read_text(encoding="utf-8")
    assert shipped == config_file_schema_text(), (
        f"configs/{SCHEMA_FILE} is stale: regenerate it with `scenarios schema --out configs/{SCHEMA_FILE}`"
    )


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("scenarios sens", ["sensitivity"]),
        ("scenarios run nnmi", ["nnmi_full45", "nnmi_full45_2017", "nnmi_full45_diffusion"]),
        ("scenarios sensitivity fraun", ["fraunhofer_parity"]),
    ],
)
def test_shell_completion_completes_commands_and_shipped_configs(words, expected):
    env = {
        **os.environ,
        "_SCENARIOS_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv[0] = 'scenarios'; from scenarios.cli import main; main()",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.stdout.split() == expected, done.stdout + done.stderr
