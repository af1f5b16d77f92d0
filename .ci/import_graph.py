"""Every import between the package's modules, grouped by layer, and any that runs up the layers.

``python .ci/import_graph.py`` prints one line per import (``importer -> imported``) and then the
imports that run against the order of pyproject.toml's import-linter contract (none, when it is
kept). It reads the installed or source package with grimp, import-linter's graph library.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def layers() -> list[list[str]]:
    """The contract's layers, top first, each a list of sibling modules."""
    contract = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ][0]
    return [[name.strip() for name in layer.split("|")] for layer in contract["layers"]]


def rank(module: str, order: list[list[str]]) -> int | None:
    """How far down the layers a module sits (None: outside every layer)."""
    for depth, siblings in enumerate(order):
        if any(module == s or module.startswith(f"{s}.") for s in siblings):
            return depth
    return None


def main() -> int:
    graph, order = grimp.build_graph("scenarios", exclude_type_checking_imports=True), layers()
    edges = sorted(
        (a, b) for a in graph.modules for b in graph.find_modules_directly_imported_by(a)
    )
    upward = []
    for importer, imported in edges:
        print(f"{importer} -> {imported}")
        low, high = rank(importer, order), rank(imported, order)
        if low is not None and high is not None and high < low:
            upward.append(f"{importer} -> {imported}")
    print(
        f"\n{len(edges)} imports between {len(graph.modules)} modules; {len(upward)} run up the layers"
    )
    print("\n".join(upward))
    return 1 if upward else 0


if __name__ == "__main__":
    sys.exit(main())
