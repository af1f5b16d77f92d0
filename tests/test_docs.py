"""The documentation stays in step with the code."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scenarios import docgen
from scenarios.config.schema import Spec

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def test_config_reference_is_generated_from_the_schema():
    """docs/config.md must be exactly what `python -m scenarios.docgen` prints now."""
    written = (DOCS / "config.md").read_text(encoding="utf-8")
    assert written == docgen.generate(), (
        "docs/config.md is stale: regenerate it with `python -m scenarios.docgen > docs/config.md`"
    )


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


@pytest.mark.slow
def test_site_builds_strictly(tmp_path: Path):
    """`mkdocs build --strict`: a broken link, a page missing from the nav or an equation that does
    not typeset fails here. The notebooks are rendered as committed (DOCS_EXECUTE_NOTEBOOKS=0; their
    execution is tests/test_notebooks.py's job), which keeps this to a few seconds."""
    pytest.importorskip("mkdocs", reason="the docs extra is not installed: pip install '.[docs]'")
    site = tmp_path / "site"
    env = {
        **os.environ,
        "DOCS_EXECUTE_NOTEBOOKS": "0",
        "DOCS_CACHE_DIR": str(tmp_path / "cache"),
        "NO_MKDOCS_2_WARNING": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    pages = [
        "index",
        "model",
        "config",
        "claims",
        "cli",
        "dask",
        "api",
        *(f"notebooks/{p.stem}" for p in sorted((ROOT / "notebooks").glob("*.ipynb"))),
    ]
    for page in pages:
        assert (site / f"{page}.html").is_file(), f"{page}.html not built"
    model = (site / "model.html").read_text(encoding="utf-8")
    assert model.count("<math") >= 20 and 'class="arithmatex"' not in model, "equations not typeset"
    assert "pip install . &amp;&amp; scenarios run nnmi_full45" in (site / "index.html").read_text(
        encoding="utf-8"
    ), "the getting-started page lost the README's set-up commands"
    assert "countries.&lt;key&gt;" in (site / "config.html").read_text(encoding="utf-8")
    assert 'id="scenarios.api.run"' in (site / "api.html").read_text(encoding="utf-8")

    # offline: no script, stylesheet or module loaded from the network
    remote = re.compile(r"<(?:script|link)\b[^>]*(?:src|href)=\"https?://|import\(\"https?://")
    for html in site.rglob("*.html"):
        hit = remote.search(html.read_text(encoding="utf-8"))
        assert hit is None, f"{html.relative_to(site)} loads {hit.group(0)!r} from the network"
