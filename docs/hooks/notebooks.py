"""MkDocs hook: the tutorial notebooks in notebooks/ become pages of the site, with their outputs.

The notebooks are committed without outputs (tests/test_notebooks.py keeps it so), so the site
executes them: each in a temporary working folder, as tests/test_notebooks.py does, so their
``runs/`` and data folders never land in the source tree. An executed copy is cached under
``.cache/docs-notebooks/``, keyed on the notebook and on the package's sources and data, so a
rebuild (or ``mkdocs serve``) executes only what changed. mkdocs-jupyter then renders the copy
(``execute: false`` in mkdocs.yml). With ``DOCS_EXECUTE_NOTEBOOKS=0`` the notebooks are rendered as
committed, without outputs: the quick strict build in tests/test_docs.py.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
PACKAGE = ROOT / "src" / "scenarios"
CACHE = ROOT / ".cache" / "docs-notebooks"
CELL_TIMEOUT = 300  # seconds per cell
# figures as inline PNG outputs (a bare Agg backend, as in the tests, would show none); part of the
# cache key, so changing how notebooks are executed re-executes them
BACKEND = "module://matplotlib_inline.backend_inline"
RECIPE = BACKEND + " | xarray as text"


def _plain_xarray(node) -> None:
    """xarray's HTML repr depends on styles the site's theme overrides (it showed its text fallback
    and a broken table at once): keep its text repr, which reads well on a page."""
    for cell in node.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "xr-wrap" in data.get("text/html", "") and "text/plain" in data:
                del data["text/html"]


log = logging.getLogger("mkdocs.hooks.notebooks")


def _execute_wanted(config) -> bool:
    value = config.extra.get("execute_notebooks", True)
    if isinstance(value, str):
        return value.strip().lower() not in {"0", "false", "no", "off", ""}
    return bool(value)


def _sources_digest() -> str:
    """One hash of everything a notebook's outputs depend on besides the notebook itself."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".csv", ".json", ".yaml"}:
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _executed_copy(notebook: Path, sources: str) -> Path:
    """A folder holding ``notebooks/<name>``, the notebook executed in a scratch folder (cached)."""
    import nbclient
    import nbformat

    key = hashlib.sha256(notebook.read_bytes() + (sources + RECIPE).encode()).hexdigest()[:16]
    folder = CACHE / f"{notebook.stem}-{key}"
    target = folder / "notebooks" / notebook.name
    if target.is_file():
        return folder
    log.info("Executing %s (cached in %s)", notebook.name, folder.relative_to(ROOT))
    node = nbformat.read(notebook, as_version=4)
    with tempfile.TemporaryDirectory() as cwd:
        previous = os.environ.get("MPLBACKEND")
        os.environ["MPLBACKEND"] = BACKEND
        try:
            nbclient.NotebookClient(
                node,
                timeout=CELL_TIMEOUT,
                kernel_name="python3",
                resources={"metadata": {"path": cwd}},
            ).execute()
        finally:
            if previous is None:
                os.environ.pop("MPLBACKEND", None)
            else:
                os.environ["MPLBACKEND"] = previous
    _plain_xarray(node)
    for stale in CACHE.glob(f"{notebook.stem}-*"):
        shutil.rmtree(stale)
    target.parent.mkdir(parents=True)
    nbformat.write(node, target)
    return folder


@event_priority(100)  # before mkdocs-jupyter's on_files turns .ipynb files into pages
def on_files(files: Files, config) -> Files:
    execute = _execute_wanted(config)
    sources = _sources_digest() if execute else ""
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        # a File read from <src_dir>/notebooks/<name> (mkdocs-jupyter needs a real src_dir)
        src_dir = _executed_copy(notebook, sources) if execute else ROOT
        files.append(
            File(
                f"notebooks/{notebook.name}",
                src_dir=str(src_dir),
                dest_dir=config["site_dir"],
                use_directory_urls=config["use_directory_urls"],
            )
        )
    return files
