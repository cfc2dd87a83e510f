"""App-wide messages: past tense for events, imperative for requests.

Widgets post these and let them bubble; the app routes requests to the main
screen, so a command-palette hit and a key press take the same path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.message import Message

TabId = Literal["accounts", "plan", "people", "pipeline"]
"""The ids of the main screen's tab panes."""


@dataclass
class AccountSelected(Message):
    """The highlighted account in the account list changed (``None``: no accounts)."""

    account_id: int | None


@dataclass
class ShowAccount(Message):
    """Select this account, and show ``tab`` if given (else stay on the current tab)."""

    account_id: int
    tab: TabId | None = None


@dataclass
class ShowTab(Message):
    """Switch the main screen to this tab."""

    tab: TabId


@dataclass
class DatabaseChanged(Message):
    """Another process committed changes to the open database.

    The app posts this to every screen on the stack (at most about once a second)
    so each can re-read what it shows, keeping its cursor, filter and unsaved edits.
    ``account_ids`` names the accounts whose records changed, when known (``None``:
    anything may have changed, re-read everything).
    """

    account_ids: frozenset[int] | None = None
