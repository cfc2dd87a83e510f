"""Command-palette providers: jump to any account by name, to a tab, or to a review screen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from acctmap_tui.messages import ShowAccount, ShowTab
from acctmap_tui.screens.main import TAB_TITLES

if TYPE_CHECKING:
    from acctmap_tui.app import AcctmapApp

JUMP_PREFIX = "Jump to account: "
MAX_ACCOUNT_HITS = 100
"""The palette shows a screenful; scoring and listing 10,000 hits would only slow it."""
YIELD_EVERY = 500
"""Hand control back to the event loop this often, so typing stays responsive."""


def is_subsequence(query: str, text: str) -> bool:
    """Whether the letters of ``query`` occur in ``text`` in order (both casefolded).

    A cheap test that rules out most accounts before the fuzzy matcher, whose
    exhaustive search is too slow to run on every name of a large map.
    """
    position = 0
    for letter in query:
        position = text.find(letter, position) + 1
        if not position:
            return False
    return True


def highlight(matcher: Matcher, text: str) -> Content:
    """``text`` with the matched letters styled, never reading the text as markup.

    ``Matcher.highlight`` parses its candidate as markup, which would swallow a
    name such as "Fjord [Nordic] Energy".
    """
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


PLAN_SUMMARY_COMMAND = "Plan summary"
UPCOMING_COMMAND = "Upcoming dates"
EXPORT_PLAN_COMMAND = "Export plan…"
HISTORY_COMMAND = "Show history…"
IMPORT_ACCOUNTS_COMMAND = "Import accounts…"
IMPORT_CONTACTS_COMMAND = "Import contacts…"
REVIEW_TIER1_COMMAND = "Start review: Tier 1"
REVIEW_SHOWN_COMMAND = "Start review: accounts shown in the list"


def start_review(app: AcctmapApp, scope: str) -> None:
    """Review mode over Tier 1 or the listed accounts (loaded on first use, like R)."""
    from acctmap_tui.screens.review import open_review

    open_review(app, "shown" if scope == "shown" else "tier1")


def open_csv_import(app: AcctmapApp, kind: str) -> None:
    """The CSV import dialog (loaded on first use: it brings the import code with it)."""
    from acctmap_tui.interchange.csv_headers import ImportKind
    from acctmap_tui.screens.import_csv import open_import

    open_import(app, ImportKind(kind))


class AccountCommands(Provider):
    """ "Jump to account: <name>" for every listed account, "Show tab: <tab>", and the
    review commands (plan summary, upcoming dates, export plan).

    Accounts come from the list the Accounts tab has loaded, so a jump always lands
    on a row that is there, and opening the palette reads nothing from the database.
    """

    @property
    def _app(self) -> AcctmapApp:
        return cast("AcctmapApp", self.app)

    def _commands(self) -> list[tuple[str, Callable[[], object], str | None]]:
        """(text, what it does, help) of every command that is not an account."""
        app = self._app
        commands: list[tuple[str, Callable[[], object], str | None]] = [
            (f"Show tab: {title}", partial(app.post_message, ShowTab(tab)), None)
            for tab, title in TAB_TITLES.items()
        ]
        commands += [
            (
                PLAN_SUMMARY_COMMAND,
                app.action_plan_summary,
                "The selected account's plan on one screen (S)",
            ),
            (
                UPCOMING_COMMAND,
                app.action_upcoming_dates,
                "Dates due in the next 30 days and overdue, all accounts (U)",
            ),
            (
                REVIEW_TIER1_COMMAND,
                partial(start_review, app, "tier1"),
                "Walk the Tier 1 accounts one at a time, by priority (R)",
            ),
            (
                REVIEW_SHOWN_COMMAND,
                partial(start_review, app, "shown"),
                "Walk the accounts the list shows, with its filter and sort",
            ),
            (
                HISTORY_COMMAND,
                app.action_account_history,
                "Who changed what on the selected account, with revert (H)",
            ),
            (
                EXPORT_PLAN_COMMAND,
                app.action_export_plan,
                "Write the selected account's plan to a Markdown file",
            ),
            (
                IMPORT_ACCOUNTS_COMMAND,
                partial(open_csv_import, app, "accounts"),
                "Add or update accounts from a CSV file (Salesforce, HubSpot, the template)",
            ),
            (
                IMPORT_CONTACTS_COMMAND,
                partial(open_csv_import, app, "contacts"),
                "Add or update contacts of stored accounts from a CSV file",
            ),
        ]
        return commands

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            yield DiscoveryHit(text, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            if (score := matcher.match(text)) > 0:
                yield Hit(score, highlight(matcher, text), command, help=help_text)

        wanted = query.casefold().replace(" ", "")
        scored = []
        for index, row in enumerate(self._app.account_rows, start=1):
            if is_subsequence(wanted, row.name.casefold()) and (score := matcher.match(row.name)):
                scored.append((score, row))
            if index % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        scored.sort(key=lambda hit: hit[0], reverse=True)
        for score, row in scored[:MAX_ACCOUNT_HITS]:
            yield Hit(
                score,
                Content(JUMP_PREFIX) + highlight(matcher, row.name),
                partial(self._app.post_message, ShowAccount(row.id)),
                text=f"{JUMP_PREFIX}{row.name}",
                help=f"{row.stage.label} · {row.owner or 'no owner'}",
            )
