"""The graph modules stay below the UI, and NetworkX stays out of the quick start-up paths."""

from __future__ import annotations

import subprocess
import sys

import pytest

GRAPH_MODULES = [
    "acctmap_tui.data.stakeholder_queries",
    "acctmap_tui.graph.freshness",
    "acctmap_tui.graph.build",
    "acctmap_tui.graph.paths",
    "acctmap_tui.graph.ranking",
    "acctmap_tui.graph.risk",
    "acctmap_tui.graph.gaps",
    "acctmap_tui.graph.analysis",
    "acctmap_tui.graph.what_if",
    "acctmap_tui.graph.cache",
    "acctmap_tui.graph.report",
]


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in result.stdout.split()}


def test_graph_modules_never_import_textual_nor_scipy() -> None:
    roots = _loaded_after("\n".join(f"import {module}" for module in GRAPH_MODULES))
    assert "networkx" in roots
    assert not roots & {"textual", "numpy", "scipy"}


@pytest.mark.parametrize("module", ["acctmap_tui.cli", "acctmap_tui.app"])
def test_networkx_is_imported_only_when_a_graph_is_needed(module: str) -> None:
    assert "networkx" not in _loaded_after(f"import {module}")
