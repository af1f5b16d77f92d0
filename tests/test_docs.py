"""The documentation stays in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

from scenarios import docgen
from scenarios.config.schema import Spec

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_config_reference_is_generated_from_the_schema():
    """docs/config.md must be exactly what `python -m scenarios.docgen` prints now."""
    written = (DOCS / "config.md").read_text(encoding="utf-8")
    assert written == docgen.generate(), (
        "docs/config.md is stale: regenerate it with `python -m scenarios.docgen > docs/config.md`")


def test_config_reference_covers_every_field():
    text = docgen.generate()
    for model, _paths in docgen._walk(Spec, "", {}).items():
        assert f"## `{model.__name__}`" in text
        for name, field in model.model_fields.items():
            assert f"| `{field.alias or name}` |" in text, f"{model.__name__}.{name} missing"


def test_generator_ignores_components_registered_at_run_time():
    from scenarios.model.growth import GROWTH

    before = docgen.generate()
    GROWTH["doc_test_only"] = lambda p, h, y, b: None
    try:
        assert docgen.generate() == before
    finally:
        del GROWTH["doc_test_only"]


def test_docs_pages_exist_and_are_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in ("model.md", "config.md", "claims.md", "cli.md", "dask.md", "audit.md"):
        assert (DOCS / page).is_file(), page
        assert f"docs/{page}" in readme, f"README does not link docs/{page}"


def test_cli_reference_names_every_command():
    from typer.main import get_command

    from scenarios.cli import app

    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    group = get_command(app)
    names = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        names += [f"{name} {s}" for s in sub] if sub else [name]
    missing = [n for n in names if not re.search(rf"scenarios {re.escape(n)}\b", text)]
    assert not missing, f"docs/cli.md lacks an example of: {missing}"
