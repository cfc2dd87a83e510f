"""Nothing below the UI imports Textual, and the quick commands do not load it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

LOWER_LAYERS = [
    "acctmap_tui.data.db",
    "acctmap_tui.data.models",
    "acctmap_tui.data.repo",
    "acctmap_tui.data.map_queries",
    "acctmap_tui.data.history",
    "acctmap_tui.data.account_store",
    "acctmap_tui.data.action_store",
    "acctmap_tui.domain.vocabulary",
    "acctmap_tui.domain.values",
    "acctmap_tui.domain.scoring",
    "acctmap_tui.domain.account_map",
    "acctmap_tui.domain.account_form",
    "acctmap_tui.domain.forecast",
    "acctmap_tui.interchange.account_map",
    "acctmap_tui.interchange.forecast",
    "acctmap_tui.interchange.health",
    "acctmap_tui.interchange.markdown",
    "acctmap_tui.data.plan_document",
    "acctmap_tui.data.plan_queries",
    "acctmap_tui.domain.plan_health",
    "acctmap_tui.domain.plan_fields",
    "acctmap_tui.data.plan_store",
    "acctmap_tui.data.quick_read",
    "acctmap_tui.data.deferred",
    "acctmap_tui.data.location",
    "acctmap_tui.demo",
    "acctmap_tui.graph",
    "acctmap_tui.orgchart",
    "acctmap_tui.interchange",
    "acctmap_tui.settings",
    "acctmap_tui.paths",
    "acctmap_tui.cli",
]


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


@pytest.mark.parametrize("module", LOWER_LAYERS)
def test_lower_layers_do_not_import_textual(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert module in loaded
    assert not {name for name in loaded if name.split(".")[0] == "textual"}


def test_version_does_not_load_textual_or_the_database_stack() -> None:
    loaded = _loaded_after(
        "import sys\n"
        "sys.argv = ['acctmap', '--version']\n"
        "from acctmap_tui.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert done.code in (0, None), done.code"
    )
    assert "acctmap_tui.cli" in loaded
    assert "textual" not in loaded
    assert "sqlalchemy" not in loaded


def test_import_linter_contract_holds() -> None:
    lint_imports = shutil.which("lint-imports", path=os.path.dirname(sys.executable))
    assert lint_imports, "import-linter is part of the test extras"
    result = subprocess.run([lint_imports], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout


def test_the_app_starts_without_the_database_stack() -> None:
    """The first screen can paint before SQLAlchemy and SQLModel are imported."""
    loaded = _loaded_after("import acctmap_tui.app")
    assert "textual" in loaded
    assert not {name for name in loaded if name.split(".")[0] in ("sqlalchemy", "sqlmodel")}
