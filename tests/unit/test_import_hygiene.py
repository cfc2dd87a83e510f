"""Nothing below the UI imports Textual, and the quick commands do not load it."""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import acctmap_tui

LOWER_PACKAGES = ("data", "domain", "graph", "orgchart", "interchange")
"""Packages below the UI: every module in them is checked, new ones included."""


def _lower_layers() -> list[str]:
    root = Path(acctmap_tui.__file__).parent
    modules = [
        f"acctmap_tui.{package}.{info.name}"
        for package in LOWER_PACKAGES
        for info in pkgutil.iter_modules([str(root / package)])
    ]
    return [
        *(f"acctmap_tui.{package}" for package in LOWER_PACKAGES),
        *sorted(modules),
        "acctmap_tui.demo",
        "acctmap_tui.settings",
        "acctmap_tui.paths",
        "acctmap_tui.launcher",
        "acctmap_tui.cli",
    ]


LOWER_LAYERS = _lower_layers()


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def _imports_textual(loaded: set[str]) -> bool:
    return any(name.split(".")[0] == "textual" for name in loaded)


def test_lower_layers_do_not_import_textual() -> None:
    loaded = _loaded_after("\n".join(f"import {module}" for module in LOWER_LAYERS))
    assert set(LOWER_LAYERS) <= loaded
    if _imports_textual(loaded):  # one process per module, to name the culprits
        culprits = [m for m in LOWER_LAYERS if _imports_textual(_loaded_after(f"import {m}"))]
        pytest.fail(f"these import Textual: {', '.join(culprits)}")


def test_the_check_finds_every_lower_module() -> None:
    assert "acctmap_tui.data.people_store" in LOWER_LAYERS
    assert "acctmap_tui.orgchart.layout" in LOWER_LAYERS
    assert _imports_textual(_loaded_after("import acctmap_tui.widgets.org_chart"))


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
