"""Where acctmap keeps its files, per the platform's conventions."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "acctmap"


def user_data_dir() -> Path:
    """The folder holding the user's databases; not created here."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_path() -> Path:
    """The personal database used when neither ``--db`` nor ``ACCTMAP_DB`` is given."""
    return user_data_dir() / "acctmap.db"


def demo_database_path() -> Path:
    """The demo database, kept apart so a demo never overwrites real data."""
    return user_data_dir() / "demo.db"


def user_cache_dir() -> Path:
    """The folder for files acctmap can rebuild (the cached first screen); not created here."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
