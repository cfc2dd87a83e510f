"""Typed settings resolved from command-line options and ``ACCTMAP_*`` variables."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

ENV_DB = "ACCTMAP_DB"
ENV_USER = "ACCTMAP_USER"


def current_user(explicit: str | None = None) -> str:
    """The name recorded as the author of changes.

    ``--user`` wins, then ``ACCTMAP_USER``, then the operating-system login, so that
    two sellers sharing a host are told apart without configuration.
    """
    if explicit and explicit.strip():
        return explicit.strip()
    from_env = os.environ.get(ENV_USER, "").strip()
    if from_env:
        return from_env
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "unknown"


@dataclass(frozen=True)
class Settings:
    """What the app needs to know beyond the database itself."""

    user: str
    """Who is at the keyboard; shown in the header and recorded in history."""

    ascii_only: bool = False
    """Draw with ``+-|`` instead of Unicode box drawing (set for non-UTF-8 terminals)."""

    stale_after_days: int = 90
    """An account not reviewed for this many days is flagged stale (quarterly review)."""
