"""The People tab's org chart beside what the stakeholder graph says about it.

The chart draws the account's reports-to tree; the panel beside it shows, for the
focused person, their influence rank, the warmest introduction, key-person risk and
gaps, then the account's coverage, influence path and next best introductions.
``w`` and ``i`` draw the warm-introduction and influence paths on the chart (double
borders, not colour alone); ``x`` asks "what if this person left, or changed?" and
shows the effect without saving anything.

The graph is built in a thread worker (NetworkX loads there, on first use) and
cached per account; the panel's text is worked out in another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from acctmap_tui.widgets.org_chart import OrgChart

if TYPE_CHECKING:
    from acctmap_tui.data.db import Database
    from acctmap_tui.graph.analysis import AccountAnalysis
    from acctmap_tui.graph.build import StakeholderGraph
    from acctmap_tui.graph.cache import StakeholderGraphCache
    from acctmap_tui.graph.paths import GraphPath
    from acctmap_tui.orgchart import OrgPerson

BUILDING_TEXT = "Building the stakeholder map…"


def _contact_keys(path: GraphPath | None) -> list[str]:
    """The contacts on a path, as chart keys (our own people are not on the chart)."""
    from acctmap_tui.graph.build import CONTACT

    return [] if path is None else [f"c{node[1]}" for node in path.nodes if node[0] == CONTACT]


def record_of(key: str | None) -> int | None:
    """A chart key as the People tab's record id: a contact's id, minus a seat's."""
    if key is None:
        return None
    return int(key[1:]) if key.startswith("c") else -int(key[1:])


class StakeholderMap(Horizontal):
    """The org chart and the stakeholder panel of one account."""

    BINDING_GROUP_TITLE = "Org chart"
    BINDINGS = [
        Binding("w", "show_path('warm')", "Warm path", id="stakeholder-map.warm-path"),
        Binding(
            "i", "show_path('influence')", "Influence path", id="stakeholder-map.influence-path"
        ),
        Binding("x", "what_if", "What if…", id="stakeholder-map.what-if"),
    ]

    @dataclass
    class Analysed(Message):
        """The account's graph is built: each contact's influence rank, by contact id."""

        account_id: int
        ranks: dict[int, int]

    @dataclass
    class EditRequested(Message):
        """Enter on a box: edit this record (a contact's id, or minus a seat's)."""

        record_id: int

    @dataclass
    class Notice(Message):
        """A line for the tab's message area (what a key did, or why not)."""

        text: str
        error: bool = False

    @dataclass
    class _Built(Message):
        account_id: int
        people: list[OrgPerson]
        graph: StakeholderGraph | None
        analysis: AccountAnalysis | None
        error: str | None = None

    @dataclass
    class _PanelReady(Message):
        account_id: int
        lines: list[str]
        warm_keys: list[str]
        """The warm path to the focused person, as chart keys (empty: none)."""

    def __init__(self, database: Database, *, ascii_only: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self._database = database
        self._ascii_only = ascii_only
        self._graphs: StakeholderGraphCache | None = None
        """Built stakeholder graphs by account, made on first use."""
        self._account_id: int | None = None
        self._graph: StakeholderGraph | None = None
        self._analysis: AccountAnalysis | None = None
        self._people: list[OrgPerson] = []
        self._path_shown: str | None = None
        """``warm`` or ``influence`` while a path is drawn on the chart."""
        self._what_if_key: str | None = None
        """The person whose what-if the panel is showing, if any."""
        self._what_if_choice = "leave"
        """Which what-if (a key of ``graph.insights.WHAT_IF_QUESTIONS``)."""
        self._warm_keys: list[str] = []
        """The warm path to the focused person, from the panel worker that found it."""

    def compose(self) -> ComposeResult:
        from acctmap_tui.orgchart import OrgChartOptions

        yield OrgChart(options=OrgChartOptions(ascii=self._ascii_only), id="org-chart")
        with VerticalScroll(id="stakeholder-side"):
            yield Static("", id="stakeholder-panel", markup=False)

    # --- loading ------------------------------------------------------------------------

    def show_account(self, account_id: int | None, *, changed: bool = False) -> None:
        """Draw an account (None: nothing); ``changed`` rebuilds its graph after an edit."""
        if account_id != self._account_id:
            self._what_if_key = None
            self._analysis = None
        self._account_id = account_id
        if account_id is None:
            self._show(None, [], None, None)
            return
        if changed and self._graphs is not None:
            self._graphs.invalidate(account_id)
        self._build(account_id)

    @work(thread=True, exclusive=True, group="stakeholder-graph")
    def _build(self, account_id: int) -> None:
        from datetime import UTC, datetime

        from acctmap_tui.data.stakeholder_queries import load_half_life_days
        from acctmap_tui.graph.analysis import analyse_account
        from acctmap_tui.graph.cache import StakeholderGraphCache
        from acctmap_tui.graph.freshness import Freshness
        from acctmap_tui.orgchart.people import org_people

        if self._graphs is None:
            self._graphs = StakeholderGraphCache()
        try:
            with self._database.session() as session:
                freshness = Freshness(datetime.now(UTC), load_half_life_days(session=session))
                graph = self._graphs.get(account_id, session=session, freshness=freshness).graph
        except KeyError:
            self.post_message(self._Built(account_id, [], None, None))
            return
        except sa.exc.SQLAlchemyError as error:
            message = f"Could not read the org chart: {str(error).splitlines()[0]}"
            self.post_message(self._Built(account_id, [], None, None, message))
            return
        analysis = analyse_account(graph)
        people = org_people(graph.facts)
        if not get_current_worker().is_cancelled:
            self.post_message(self._Built(account_id, people, graph, analysis))

    @on(_Built)
    def _built(self, message: _Built) -> None:
        message.stop()
        if message.account_id != self._account_id:
            return  # a slower, older build
        if message.error is not None:
            self.post_message(self.Notice(message.error, error=True))
        self._show(message.account_id, message.people, message.graph, message.analysis)
        if message.analysis is not None:
            ranks = {ranked.contact_id: ranked.rank for ranked in message.analysis.ranking}
            self.post_message(self.Analysed(message.account_id, ranks))

    def _show(
        self,
        account_id: int | None,
        people: list[OrgPerson],
        graph: StakeholderGraph | None,
        analysis: AccountAnalysis | None,
    ) -> None:
        self._people, self._graph, self._analysis = people, graph, analysis
        if self._what_if_key is not None and not any(p.key == self._what_if_key for p in people):
            self._what_if_key = None
        self.query_one(OrgChart).set_people(people, highlight=self._path_keys())
        self._update_panel()

    # --- what is focused ------------------------------------------------------------------

    @property
    def focused_record(self) -> int | None:
        """The focused box as a record id: a contact's id, or minus a seat's."""
        return record_of(self.query_one(OrgChart).focused_key)

    def _focused_contact_id(self) -> int | None:
        record = self.focused_record
        if record is None or record < 0 or self._graph is None:
            return None
        return record if record in self._graph.contacts else None

    @on(OrgChart.Focused, "#org-chart")
    def _chart_focused(self, event: OrgChart.Focused) -> None:
        event.stop()
        if self._what_if_key is not None and self._what_if_key != event.key:
            self._what_if_key = None
        self._warm_keys = []  # the panel worker finds the new one, off the key's path
        self._update_panel()

    @on(OrgChart.EditRequested, "#org-chart")
    def _chart_edit(self, event: OrgChart.EditRequested) -> None:
        event.stop()
        record = record_of(event.key)
        if record is not None:
            self.post_message(self.EditRequested(record))

    # --- paths and what-ifs ---------------------------------------------------------------

    def _path_keys(self) -> list[str]:
        """Contacts on the path being shown, as chart keys."""
        if self._path_shown == "warm":
            return self._warm_keys
        if self._path_shown == "influence" and self._analysis is not None:
            return _contact_keys(self._analysis.influence_path)
        return []

    def action_show_path(self, kind: str) -> None:
        """Draw (or stop drawing) a path on the chart: the warm introduction or influence."""
        self._path_shown = None if self._path_shown == kind else kind
        keys = self._path_keys()
        self.query_one(OrgChart).set_people(self._people, highlight=keys)
        if self._path_shown and not keys:
            text = "No such path to draw."
        elif self._path_shown:
            text = f"Path marked with double borders ({len(keys)} people); same key to clear."
        else:
            text = ""
        self.post_message(self.Notice(text))

    def action_what_if(self) -> None:
        """Ask what would change if the focused person left or changed; nothing is saved."""
        from acctmap_tui.graph.insights import WHAT_IF_QUESTIONS
        from acctmap_tui.screens.pickers import ChoiceScreen

        key = self.query_one(OrgChart).focused_key
        contact_id = self._focused_contact_id()
        if key is None or contact_id is None or self._graph is None:
            return
        if self._what_if_key == key:  # the second x puts the real picture back
            self._what_if_key = None
            self._update_panel()
            return
        name = self._graph.contacts[contact_id].name
        options = [(choice, text.format(name=name)) for choice, text in WHAT_IF_QUESTIONS.items()]

        def chosen(choice: str | None) -> None:
            if choice is not None and self.query_one(OrgChart).focused_key == key:
                self._what_if_key, self._what_if_choice = key, choice
                self._update_panel()

        self.app.push_screen(ChoiceScreen("What if… (nothing is saved)", options), chosen)

    # --- the panel ------------------------------------------------------------------------

    def _update_panel(self) -> None:
        if self._analysis is None or self._graph is None:
            text = "" if self._account_id is None else BUILDING_TEXT
            self.query_one("#stakeholder-panel", Static).update(text)
            return
        key = self.query_one(OrgChart).focused_key
        self._panel_text(self._account_id or 0, key, self._what_if_key, self._what_if_choice)

    @work(thread=True, exclusive=True, group="stakeholder-panel", description="panel text")
    def _panel_text(
        self, account_id: int, key: str | None, what_if_key: str | None, choice: str
    ) -> None:
        from acctmap_tui.graph.insights import (
            ContactInsight,
            account_lines,
            contact_lines,
            what_if_change,
            what_if_lines,
        )
        from acctmap_tui.graph.paths import warm_intro_path

        graph, analysis = self._graph, self._analysis
        if graph is None or analysis is None:
            return
        lines: list[str] = []
        warm_keys: list[str] = []
        record = record_of(key)
        if record is not None and record > 0 and record in graph.contacts:
            contact = graph.contacts[record]
            warm = warm_intro_path(graph, record)
            warm_keys = _contact_keys(warm)
            insight = ContactInsight(record, contact.name, contact.title, warm)
            lines += contact_lines(insight, analysis)
            if what_if_key == key:
                from acctmap_tui.graph.what_if import what_if

                result = what_if(graph.facts, [what_if_change(choice, record)], graph.freshness)
                lines += ["", *what_if_lines(contact.name, result, choice), "x: back"]
            else:
                lines.append("x: what if they left, or changed?")
        elif record is not None and record < 0:
            lines.append("A vacant seat: a gap until someone is identified (e edits it).")
        lines += ["", f"{graph.facts.account_name}:", *account_lines(analysis)]
        if not get_current_worker().is_cancelled:
            self.post_message(self._PanelReady(account_id, lines, warm_keys))

    @on(_PanelReady)
    def _panel_ready(self, message: _PanelReady) -> None:
        message.stop()
        if message.account_id != self._account_id:
            return
        self.query_one("#stakeholder-panel", Static).update("\n".join(message.lines))
        self._warm_keys = message.warm_keys
        if self._path_shown == "warm":
            self.query_one(OrgChart).set_people(self._people, highlight=self._warm_keys)
