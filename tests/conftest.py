"""Fixtures shared by every test: an isolated home and a real SQLite file per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from acctmap_tui.data.db import Database, open_database


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point platformdirs and every ACCTMAP_* variable at the test's own folder.

    No test may read or write a real user's database.
    """
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("ACCTMAP_DB", raising=False)
    monkeypatch.setenv("ACCTMAP_USER", "tester")
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "acctmap.db"


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    """A fresh, migrated database in a real file."""
    db = open_database(db_path)
    yield db
    db.close()
