"""The Plan tab: the selected account's plan, edited in seven sub-tabs and saved in one go.

Overview, Problem, Impact, Solution, People (a read-only list for now) and Plan,
each a form built from :mod:`acctmap_tui.domain.plan_fields`, and Qualification
(MEDDPICC, :mod:`acctmap_tui.widgets.qualification_view`): five letters read from
the other sub-tabs as they are typed, three edited there. Edits stay on
screen until ctrl+s writes the whole plan in one transaction
(:func:`acctmap_tui.data.plan_store.save_plan`); a pane with unsaved edits says
so in words ("● unsaved"), and a failed save (a bad value, a busy database,
someone else's change) keeps every edit and explains itself.

For the main screen: :attr:`PlanView.is_dirty`, :meth:`PlanView.save`,
:meth:`PlanView.discard` and :meth:`PlanView.ask_to_leave` let it ask
save/discard/cancel before switching account or quitting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TabbedContent, TabPane, TextArea
from textual.worker import get_current_worker

from acctmap_tui.data.account_store import AccountNotFoundError
from acctmap_tui.data.db import Database
from acctmap_tui.data.db_errors import explain_database_error
from acctmap_tui.data.plan_store import (
    LIST_MODELS,
    RECORD_MODELS,
    ItemChange,
    ListChanges,
    PlanChanges,
    PlanConflict,
    PlanConflictError,
    PlanData,
    load_plan,
    save_plan,
    version_key,
)
from acctmap_tui.data.retry import run_in_transaction
from acctmap_tui.domain.account_form import FieldKind
from acctmap_tui.domain.merge import MergeResult, Side, three_way_merge
from acctmap_tui.domain.plan_fields import (
    LIST_SPECS,
    LOOKUP_CONTACTS,
    LOOKUP_TEAM,
    PLAN_FIELDS,
    PLAN_FIELDS_BY_KEY,
    Pane,
    PlanField,
    PlanList,
    PlanRecord,
    changed_record_values,
    format_value,
    is_existing_customer,
    item_texts,
    parse_item,
    parse_plan_texts,
    parse_value,
    plan_texts,
)
from acctmap_tui.domain.plan_health import PlanHealth
from acctmap_tui.domain.qualification import EDITABLE_FIELDS as QUALIFICATION_FIELDS
from acctmap_tui.domain.qualification import QualificationFacts, assess_qualification
from acctmap_tui.domain.values import ValueInputError
from acctmap_tui.domain.vocabulary import STANDARD_DISCOVERY_QUESTIONS
from acctmap_tui.screens.conflict import ConflictRow, ConflictScreen
from acctmap_tui.settings import Settings, current_user
from acctmap_tui.widgets.fitted_table import ColumnSpec, FittedTable
from acctmap_tui.widgets.formatting import EMPTY, SELECT_ACCOUNT_TEXT, text_or_empty, yes_no
from acctmap_tui.widgets.plan_health_list import PlanHealthList
from acctmap_tui.widgets.plan_list import EditedItem, PlanListPanel
from acctmap_tui.widgets.plan_prompt import DISCARD, SAVE, SaveDiscardCancelScreen
from acctmap_tui.widgets.qualification_view import QualificationView
from acctmap_tui.widgets.text_inputs import LineInput, TextBox

PANES: tuple[Pane, ...] = tuple(Pane)

REFRESH_NOTE = (
    "Someone else changed this account; your unsaved edits are kept. "
    "ctrl+s merges them (a field you both changed asks first)."
)

QUALIFICATION_PREFIX = "qualification."
"""Marks a Qualification text among the plan fields a conflict dialog shows."""

ITEM_PREFIX = "item:"
"""Starts the conflict dialog's key of a list item's field: ``item:competitors:7:threat``."""

QUALIFICATION_PANE_ID = "plan-qualification"
QUALIFICATION_TITLE = "Qualification"
SUB_TAB_IDS: tuple[str, ...] = (*(pane.pane_id for pane in PANES), QUALIFICATION_PANE_ID)
"""Every sub-tab, in the order ``[`` and ``]`` go through them."""

PEOPLE_SUMMARY_COLUMNS = (
    ColumnSpec("Name", "name", min_width=12),
    ColumnSpec("Title", "title", min_width=8),
    ColumnSpec("Buying role", "buying-role"),
    ColumnSpec("Sentiment", "sentiment"),
    ColumnSpec("Met", "met"),
)


def headquarters(city: str | None, region: str | None, country: str | None) -> str:
    """City, region and country, skipping the parts nobody entered."""
    parts = [part.strip() for part in (city, region, country) if part and part.strip()]
    return ", ".join(parts) or EMPTY


@dataclass
class _SaveOutcome:
    """What the save thread reports back."""

    ok: bool
    message: str = ""
    conflicts: list[PlanConflict] = field(default_factory=list)
    merged: bool = False


@dataclass
class _ItemMerge:
    """A list item both the user and someone else changed: the merge, and its choices."""

    panel: PlanListPanel
    conflict: PlanConflict
    record_id: int
    stored: dict[str, str]
    """Their item as text, by column."""
    result: MergeResult

    @property
    def table(self) -> str:
        return self.conflict.table

    def key(self, column: str) -> str:
        return f"{ITEM_PREFIX}{self.panel.spec.kind.value}:{self.record_id}:{column}"

    @property
    def rows(self) -> list[ConflictRow]:
        """The dialog's rows: the fields both changed, named with the item."""
        who = self.conflict.changed_by or ""
        return [
            ConflictRow(
                self.key(c.column), f"{c.label} ({self.conflict.label})", c.mine, c.theirs, who
            )
            for c in self.result.conflicts
        ]

    def apply(self, choices: Mapping[str, Side]) -> None:
        """Put the merged text in the list: theirs, the user's other edits on top, and
        the user's value wherever they chose to keep it."""
        texts = dict(self.result.merged)
        for conflict in self.result.conflicts:
            if choices.get(self.key(conflict.column)) is Side.MINE:
                texts[conflict.column] = conflict.mine
        self.panel.merge_stored(self.record_id, texts, self.stored)


class PlanPeopleTable(FittedTable):
    """The account's contacts, read-only (the org chart edits them)."""

    BINDING_GROUP_TITLE = "People"


class PlanView(Vertical):
    """The plan of the account whose id it is given, editable from the keyboard."""

    BINDING_GROUP_TITLE = "Plan"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save plan", id="plan.save"),
        Binding("left_square_bracket", "switch_pane(-1)", "Prev section", id="plan.prev-pane"),
        Binding("right_square_bracket", "switch_pane(1)", "Next section", id="plan.next-pane"),
    ]

    @dataclass
    class Loaded(Message):
        """The plan of an account is on screen (after opening it, or reloading after a save)."""

        account_id: int

    @dataclass
    class Saved(Message):
        """The plan of an account was written and committed."""

        account_id: int

    account_id: reactive[int | None] = reactive(None)
    """The account to show (the main screen sets it); ``None`` shows a hint to select one."""

    def __init__(
        self, database: Database, *, settings: Settings | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._database = database
        self._given_settings = settings
        self._panel_list: list[PlanListPanel] = []
        self._data: PlanData | None = None
        self._message = ""
        """What the message line says now."""
        self._shown_account_id: int | None = None
        """The account whose plan is on screen (may lag ``account_id`` while asking)."""
        self._initial: dict[str, str] = {}
        self._versions: dict[str, int] = {}
        self._loaded = False
        self._saving = False
        self._inputs: dict[str, Widget] = {}
        self._asking = False
        self._qualification: QualificationView | None = None

    # --- plan health ----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="plan-health")
    def _assess_health(self, account_id: int) -> None:
        """Re-run the plan checks after a load or a save, off the UI thread."""
        from datetime import date

        from acctmap_tui.data.plan_queries import load_plan_facts
        from acctmap_tui.domain.plan_health import assess_plan

        with self._database.session() as session:
            facts = load_plan_facts(account_id, session=session)
        health = None if facts is None else assess_plan(facts, date.today())
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_health, account_id, health)

    def _show_health(self, account_id: int, health: PlanHealth | None) -> None:
        if account_id == self._shown_account_id:
            self.query_one(PlanHealthList).show_health(health)

    @on(PlanHealthList.JumpTo)
    def _jump_to(self, message: PlanHealthList.JumpTo) -> None:
        message.stop()
        self.query_one("#plan-tabs", TabbedContent).active = f"plan-{message.element}"

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield PlanHealthList(id="plan-health")
        with Horizontal(id="plan-header"):
            yield Static("", id="plan-title", markup=False)
            yield Static("", id="plan-dirty", markup=False)
        yield Static("", id="plan-message", markup=False)
        yield Static(SELECT_ACCOUNT_TEXT, id="plan-empty", classes="empty-state", markup=False)
        with TabbedContent(id="plan-tabs"):
            for pane in PANES:
                with TabPane(pane.title, id=pane.pane_id), VerticalScroll(classes="plan-form"):
                    yield from self._compose_pane(pane)
            with (
                TabPane(QUALIFICATION_TITLE, id=QUALIFICATION_PANE_ID),
                VerticalScroll(classes="plan-form"),
            ):
                yield QualificationView(
                    ascii_only=self._settings.ascii_only, id="plan-qualification-view"
                )

    def _compose_pane(self, pane: Pane) -> ComposeResult:
        if pane is Pane.PEOPLE:
            yield Static(
                "The account's contacts (the org chart comes next).",
                classes="plan-section",
                markup=False,
            )
            yield PlanPeopleTable(PEOPLE_SUMMARY_COLUMNS, id="plan-people-table")
            yield Static("No contacts on this account yet.", id="plan-people-empty", markup=False)
            return
        fields = [f for f in PLAN_FIELDS if f.pane is pane]
        for plan_field in (f for f in fields if not f.existing_customer_only):
            yield from self._compose_field(plan_field)
        existing = [f for f in fields if f.existing_customer_only]
        if existing:
            with Vertical(id="plan-existing-customer"):
                yield Static("Existing customer", classes="plan-section", markup=False)
                for plan_field in existing:
                    yield from self._compose_field(plan_field)
            yield Static(
                "Customer since, renewal, products used and adoption are kept for "
                "existing customers (target type, on Overview).",
                id="plan-existing-customer-note",
                markup=False,
            )
        for spec in LIST_SPECS:
            if spec.pane is pane:
                yield PlanListPanel(spec)

    def _compose_field(self, plan_field: PlanField) -> ComposeResult:
        with Horizontal(classes="form-row"):
            required = " *" if plan_field.form.required else ""
            yield Label(f"{plan_field.label}{required}", classes="form-label", markup=False)
            yield self._make_input(plan_field)
        yield Static("", id=plan_field.error_id, classes="form-error", markup=False)

    def _make_input(self, plan_field: PlanField) -> Widget:
        form = plan_field.form
        if form.kind is FieldKind.LONG_TEXT:
            return TextBox(
                id=plan_field.widget_id,
                classes="form-input form-long",
                compact=True,
                soft_wrap=True,
                placeholder="(several lines allowed)",
            )
        if form.kind is FieldKind.CHOICE:
            return Select(
                [(label, label) for label in form.options],
                id=plan_field.widget_id,
                classes="form-input",
                allow_blank=not form.required,
                prompt="(none)",
                compact=True,
            )
        return LineInput(
            placeholder=form.hint,
            id=plan_field.widget_id,
            classes="form-input",
            select_on_focus=False,
            compact=True,
        )

    def on_mount(self) -> None:
        self._panel_list = list(self.query(PlanListPanel))
        self._qualification = self.query_one(QualificationView)
        self._show_content(False)

    @property
    def _settings(self) -> Settings:
        """The settings given, else the app's (until the main screen passes them)."""
        if self._given_settings is not None:
            return self._given_settings
        settings = getattr(self.app, "settings", None)
        return settings if isinstance(settings, Settings) else Settings(user=current_user())

    def _show_content(self, shown: bool) -> None:
        self.query_one("#plan-tabs").display = shown
        self.query_one("#plan-header").display = shown
        self.query_one("#plan-empty").display = not shown
        if not shown:
            self._say("")

    # --- widgets as text ---------------------------------------------------------------------

    def _widget(self, plan_field: PlanField) -> Widget:
        widget = self._inputs.get(plan_field.key)
        if widget is None:
            widget = self._inputs[plan_field.key] = self.query_one(f"#{plan_field.widget_id}")
        return widget

    def _read_field(self, plan_field: PlanField) -> str:
        widget = self._widget(plan_field)
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):
            return "" if widget.is_blank() else str(widget.value)
        assert isinstance(widget, Input)
        return widget.value

    def _read_raw(self) -> dict[str, str]:
        return {f.key: self._read_field(f) for f in PLAN_FIELDS}

    def _write_raw(self, texts: dict[str, str]) -> None:
        for plan_field in PLAN_FIELDS:
            widget = self._widget(plan_field)
            text = texts.get(plan_field.key, "")
            if isinstance(widget, TextArea):
                widget.load_text(text)
            elif isinstance(widget, Select):
                if text:
                    widget.value = text
                elif not plan_field.form.required:
                    widget.clear()
            else:
                assert isinstance(widget, Input)
                widget.value = text

    def _panels(self) -> list[PlanListPanel]:
        return self._panel_list

    def _panel(self, kind: PlanList) -> PlanListPanel:
        return next(p for p in self._panels() if p.spec.kind is kind)

    # --- public: for the main screen -------------------------------------------------------------

    @property
    def is_dirty(self) -> bool:
        """Whether any pane holds edits that are not saved."""
        return bool(self.dirty_panes()) or self._qualification_dirty

    @property
    def _qualification_dirty(self) -> bool:
        return self._loaded and self._qualification is not None and self._qualification.is_dirty

    def dirty_titles(self) -> list[str]:
        """The titles of the sub-tabs with unsaved edits, in order (Qualification last)."""
        titles = [pane.title for pane in self.dirty_panes()]
        if self._qualification_dirty:
            titles.append(QUALIFICATION_TITLE)
        return titles

    def show_section(self, section: str) -> None:
        """Show a sub-tab by name: ``impact``, ``plan``, ``qualification``…"""
        pane_id = f"plan-{section}"
        if pane_id in SUB_TAB_IDS:
            self.query_one("#plan-tabs", TabbedContent).active = pane_id

    def dirty_panes(self) -> list[Pane]:
        """The panes with unsaved edits, in order."""
        if not self._loaded:
            return []
        raw = self._read_raw()
        dirty = {f.pane for f in PLAN_FIELDS if raw[f.key] != self._initial.get(f.key, "")}
        dirty |= {p.spec.pane for p in self._panels() if p.is_dirty}
        return [pane for pane in PANES if pane in dirty]

    def discard(self) -> None:
        """Throw the unsaved edits away: every field and list shows what is stored."""
        if not self._loaded:
            return
        self._write_raw(self._initial)
        for panel in self._panels():
            panel.reset()
        if self._qualification is not None:
            self._qualification.reset()
        self._show_errors({})
        self._say("Changes discarded.")
        self.call_after_refresh(self._refresh_state)

    async def save(self, *, merged: bool = False) -> bool:
        """Check and write the whole plan; True when nothing unsaved is left.

        A bad value, a busy database or someone else's change keeps every edit on
        screen and says why (False). ``merged``: the edits were just merged with a
        colleague's, which the "Saved" message then says.
        """
        if not self._loaded or self._data is None:
            return True
        if self._saving:
            return False
        changes = self._collect_changes()
        if changes is None:
            return False
        if changes.empty:
            self._say("Nothing to save.")
            return True
        self._saving = True
        self._say("Saving…")
        account_id = self._data.account_id
        try:
            outcome = await asyncio.to_thread(
                self._write_plan, account_id, changes, dict(self._versions), self._data
            )
        finally:
            self._saving = False
        if not outcome.ok:
            self._save_failed(outcome)
            return False
        self.post_message(self.Saved(account_id))
        self._assess_health(account_id)
        await self._reload(account_id)
        merged = merged or outcome.merged
        self._say("Saved (merged with a change made meanwhile)." if merged else "Saved.")
        return True

    def ask_to_leave(self, then: Callable[[], object], *, what: str = "") -> None:
        """Run ``then`` once the plan has no unsaved edits: ask save/discard/cancel if it has.

        Cancel (or a failed save) leaves everything as it is and does not run ``then``.
        """
        if not self.is_dirty:
            then()
            return
        panes = ", ".join(self.dirty_titles())
        name = self._data.account_name if self._data else "this account"
        question = f"The plan of {name} has unsaved changes ({panes})."
        if what:
            question += f" {what}"

        def answered(answer: str | None) -> None:
            if answer == SAVE:
                self.run_worker(self._save_then(then), group="plan-view-save", exclusive=True)
            elif answer == DISCARD:
                self.discard()
                then()

        self.app.push_screen(SaveDiscardCancelScreen(question), answered)

    # --- loading ------------------------------------------------------------------------------

    def watch_account_id(self, account_id: int | None) -> None:
        if self._asking:  # the answer opens whichever account is selected by then
            return
        if account_id == self._shown_account_id and self._loaded:
            return
        if not self.is_dirty:
            self._open(account_id)
            return
        self._asking = True
        panes = ", ".join(self.dirty_titles())
        name = self._data.account_name if self._data else "this account"

        def go() -> None:
            self._open(self.account_id)

        def answered(answer: str | None) -> None:
            self._asking = False
            if answer == SAVE:
                self.run_worker(self._save_then(go), group="plan-view-save", exclusive=True)
            elif answer == DISCARD:
                self.discard()
                go()
            else:
                self._say(
                    f"Still showing {name}'s plan with your unsaved edits; ctrl+s saves them."
                )

        self.app.push_screen(
            SaveDiscardCancelScreen(
                f"The plan of {name} has unsaved changes ({panes}). "
                "Save them before showing another account?"
            ),
            answered,
        )

    async def _save_then(self, then: Callable[[], object]) -> None:
        if await self.save():
            then()

    def refresh_from_database(self) -> None:
        """Someone else changed this account: show it, but never over unsaved edits.

        With edits on screen the stored plan is left unread: the save compares
        versions and merges, or asks about each field both people changed.
        """
        if not self._loaded or self._data is None or self._saving or self._asking:
            return
        if self.is_dirty:
            if not self._message or self._message == REFRESH_NOTE:  # never over "Not saved"
                self._say(REFRESH_NOTE)
            return
        self._refresh_stored(self._data.account_id)

    @work(exclusive=True, group="plan-view-load")
    async def _refresh_stored(self, account_id: int) -> None:
        try:
            data = await asyncio.to_thread(self._read_plan, account_id)
        except AccountNotFoundError:
            self._say("This account was deleted by someone else; what is shown is not saved.")
            return
        except sa.exc.SQLAlchemyError:
            return  # shown as it was; the next change or a reselect reads it again
        # An edit typed while the plan was read wins: it is never overwritten.
        if data == self._data:
            return  # nothing new (a refresh after our own save): lists keep their cursors
        if account_id == self._shown_account_id and not self.is_dirty and not self._saving:
            self._apply(data, keep_message=True)

    def _open(self, account_id: int | None) -> None:
        self._shown_account_id = account_id
        self._loaded = False
        self._data = None
        if account_id is None:
            self._show_content(False)
            return
        self._load(account_id)

    @work(exclusive=True, group="plan-view-load")
    async def _load(self, account_id: int) -> None:
        self._say("Loading…")
        await self._reload(account_id)

    async def _reload(self, account_id: int) -> None:
        try:
            data = await asyncio.to_thread(self._read_plan, account_id)
        except AccountNotFoundError as error:
            self._show_content(False)
            self.query_one("#plan-empty", Static).update(str(error))
            return
        except sa.exc.SQLAlchemyError as error:
            self._say(f"Could not read the plan: {explain_database_error(error)}.")
            return
        if account_id != self._shown_account_id:  # a slower, older read
            return
        self._apply(data)

    def _read_plan(self, account_id: int) -> PlanData:
        with self._database.session() as session:
            return load_plan(account_id, session=session)

    def _apply(self, data: PlanData, *, keep_message: bool = False) -> None:
        self._data = data
        self._versions = dict(data.versions)
        self._initial = plan_texts(data.records)
        self._write_raw(self._initial)
        lookups = self._lookups()
        for panel in self._panels():
            panel.load(self._edited_items(panel, data), lookups)
        account = data.records.get(PlanRecord.ACCOUNT) or {}
        assert self._qualification is not None
        self._qualification.load(
            {f.key: format_value(f, account.get(f.key)) for f in QUALIFICATION_FIELDS}
        )
        self._show_people(data)
        self.query_one("#plan-title", Static).update(Content(data.account_name))
        self.query_one("#plan-empty").display = False
        self._show_content(True)
        self._show_errors({})
        self._loaded = True
        if not keep_message:  # a refresh leaves "Saved." and its like on show
            self._say("")
        self.call_after_refresh(self._refresh_state)
        self.post_message(self.Loaded(data.account_id))
        self._assess_health(data.account_id)

    def _lookups(self) -> dict[str, dict[int, str]]:
        assert self._data is not None
        return {LOOKUP_TEAM: self._data.team_members, LOOKUP_CONTACTS: self._data.contacts}

    def _edited_items(self, panel: PlanListPanel, data: PlanData) -> list[EditedItem]:
        lookups = self._lookups()
        items = []
        for item in data.lists[panel.spec.kind]:
            standard = bool(item.values.get("is_standard")) or (
                item.id is None and item.values.get("question") in STANDARD_DISCOVERY_QUESTIONS
            )
            items.append(
                EditedItem(
                    item.id,
                    item_texts(panel.spec, item.values, lookups),
                    fixed=frozenset({"question"}) if standard else frozenset(),
                    undeletable=standard,
                )
            )
        return items

    def _show_people(self, data: PlanData) -> None:
        table = self.query_one(PlanPeopleTable)
        table.set_rows(
            [
                (
                    person.id,
                    (
                        person.name,
                        text_or_empty(person.title),
                        person.buying_role.label if person.buying_role else EMPTY,
                        person.sentiment.label if person.sentiment else EMPTY,
                        yes_no(person.met),
                    ),
                )
                for person in data.people
            ]
        )
        table.display = bool(data.people)
        self.query_one("#plan-people-empty").display = not data.people

    # --- editing --------------------------------------------------------------------------------

    @on(Input.Changed, ".form-input")
    @on(TextArea.Changed, ".form-input")
    @on(Select.Changed, ".form-input")
    def _field_changed(self, event: Input.Changed | TextArea.Changed | Select.Changed) -> None:
        event.stop()
        if not self._loaded:
            return
        widget_id = event.control.id if event.control is not None else None
        plan_field = next((f for f in PLAN_FIELDS if f.widget_id == widget_id), None)
        if plan_field is not None:
            self._check_field(plan_field)
        self._refresh_state()

    @on(PlanListPanel.Changed)
    def _list_changed(self, event: PlanListPanel.Changed) -> None:
        event.stop()
        self._refresh_state()

    def _check_field(self, plan_field: PlanField) -> str:
        try:
            parse_value(plan_field.form, self._read_field(plan_field))
        except ValueInputError as error:
            message = str(error)
        else:
            message = ""
        self._show_error(plan_field, message)
        return message

    def _show_error(self, plan_field: PlanField, message: str) -> None:
        line = self.query_one(f"#{plan_field.error_id}", Static)
        line.update(f"! {message}" if message else "")
        line.display = bool(message)
        self._widget(plan_field).parent.set_class(bool(message), "-has-error")  # type: ignore[union-attr]

    def _show_errors(self, errors: dict[str, str]) -> None:
        for plan_field in PLAN_FIELDS:
            self._show_error(plan_field, errors.get(plan_field.key, ""))

    def _refresh_state(self) -> None:
        """Update the unsaved marker, the tab labels and the existing-customer fields."""
        if not self._loaded:
            return
        dirty = self.dirty_titles()
        mark = "*" if self._settings.ascii_only else "●"
        marker = self.query_one("#plan-dirty", Static)
        if dirty:
            marker.update(f"{mark} unsaved: {', '.join(dirty)} (ctrl+s saves)")
        else:
            marker.update("")
        tabs = self.query_one("#plan-tabs", TabbedContent)
        titles = [*(pane.title for pane in PANES), QUALIFICATION_TITLE]
        for pane_id, title in zip(SUB_TAB_IDS, titles, strict=True):
            label = f"{title} {mark}" if title in dirty else title
            tab = tabs.get_tab(pane_id)
            if str(tab.label) != label:
                tab.label = label
        self._show_qualification()
        target = PLAN_FIELDS_BY_KEY["account.target_type"]
        existing = is_existing_customer(self._read_field(target))
        self.query_one("#plan-existing-customer").display = existing
        self.query_one("#plan-existing-customer-note").display = not existing

    def _show_qualification(self) -> None:
        """MEDDPICC from what is on screen now, unsaved edits included."""
        if self._data is None or self._qualification is None:
            return
        raw = self._read_raw()
        try:
            amount = parse_value(
                PLAN_FIELDS_BY_KEY["impact.value_amount"].form, raw["impact.value_amount"]
            )
        except ValueInputError:
            amount = None
        account = self._data.records.get(PlanRecord.ACCOUNT) or {}
        competitors = self._panel(PlanList.COMPETITORS).items
        facts = QualificationFacts(
            currency=str(account.get("currency") or "USD"),
            value_amount=amount,
            value_description=raw["impact.value_description"],
            problem_statement=raw["problem.statement"],
            cost_of_inaction=raw["impact.cost_of_inaction"],
            contacts=self._data.people,
            competitors=[item.texts.get("name", "") for item in competitors],
            next_best_alternative=raw["solution.next_best_alternative"],
            **self._qualification.texts(),
        )
        self._qualification.show_letters(assess_qualification(facts))

    def _say(self, text: str) -> None:
        self._message = text
        line = self.query_one("#plan-message", Static)
        line.update(text)
        line.display = bool(text)

    # --- keys -----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "switch_pane"):
            return self._loaded
        return True

    def action_switch_pane(self, offset: int) -> None:
        """Show the previous (-1) or next (1) section."""
        tabs = self.query_one("#plan-tabs", TabbedContent)
        ids = list(SUB_TAB_IDS)
        index = ids.index(tabs.active) if tabs.active in ids else 0
        tabs.active = ids[(index + offset) % len(ids)]
        self.call_after_refresh(self._focus_active_pane)

    def _focus_active_pane(self) -> None:
        tabs = self.query_one("#plan-tabs", TabbedContent)
        pane = tabs.active_pane
        if pane is None:
            return
        for widget in pane.walk_children(Widget):
            if widget.focusable and widget.display and widget.visible:
                widget.focus()
                return

    @on(TabbedContent.TabActivated, "#plan-tabs")
    def _pane_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()  # the main screen's own tabs must not react to the sub-tabs

    def action_save(self) -> None:
        """Save the whole plan (ctrl+s)."""
        self.run_worker(self.save(), group="plan-view-save", exclusive=True)

    # --- saving ---------------------------------------------------------------------------------

    def _collect_changes(self) -> PlanChanges | None:
        """The changes to write; None (with errors shown) if any value is bad."""
        raw = self._read_raw()
        parsed = parse_plan_texts(raw, PLAN_FIELDS)
        self._show_errors(parsed.errors)
        if parsed.errors:
            first = PLAN_FIELDS_BY_KEY[next(iter(parsed.errors))]
            self.query_one("#plan-tabs", TabbedContent).active = first.pane.pane_id
            self.call_after_refresh(self._widget(first).focus)
            count = len(parsed.errors)
            what = "1 field needs" if count == 1 else f"{count} fields need"
            self._say(f"Not saved: {what} fixing ({parsed.errors[first.key]}).")
            return None
        changes = PlanChanges(records=changed_record_values(raw, self._initial, parsed))
        assert self._qualification is not None
        for column, text in self._qualification.changed().items():
            form = next(f for f in QUALIFICATION_FIELDS if f.key == column)
            value = parse_value(form, text)  # free text: only blank-to-None, never refused
            changes.records.setdefault(PlanRecord.ACCOUNT, {})[column] = value
        lookups = self._lookups()
        for panel in self._panels():
            if not panel.is_dirty:
                continue
            items = []
            for item in panel.items:
                result = parse_item(panel.spec, item.texts, lookups)
                if result.errors:  # e.g. a team member made inactive meanwhile
                    self._say(f"Not saved: {next(iter(result.errors.values()))}.")
                    return None
                items.append(ItemChange(item.id, result.values))
            changes.lists[panel.spec.kind] = ListChanges(items, panel.deleted_ids)
        return changes

    def _write_plan(
        self,
        account_id: int,
        changes: PlanChanges,
        versions: dict[str, int],
        data: PlanData,
    ) -> _SaveOutcome:
        """In a thread: write in one transaction; merge once with others' unrelated edits."""
        user = self._settings.user
        merged = False
        for attempt in range(2):
            try:
                run_in_transaction(  # run again if the server breaks a deadlock with it
                    self._database,
                    lambda session: save_plan(
                        account_id,
                        changes,
                        expected_versions=versions,
                        session=session,
                        user=user,
                    ),
                )
                return _SaveOutcome(True, merged=merged)
            except PlanConflictError as error:
                if attempt or _overlaps(error.conflicts, changes, data):
                    return _SaveOutcome(False, str(error), error.conflicts)
                for conflict in error.conflicts:  # theirs touched other fields: save on top
                    if conflict.current_version is not None:
                        versions[version_key(conflict.table, conflict.record_id)] = (
                            conflict.current_version
                        )
                merged = True
            except AccountNotFoundError as error:
                return _SaveOutcome(False, f"Not saved: {error}. Your edits are still here.")
            except sa.exc.SQLAlchemyError as error:
                return _SaveOutcome(
                    False,
                    f"Not saved: {explain_database_error(error)}. "
                    "Your edits are still here; press ctrl+s to try again.",
                )
            except ValueError as error:
                return _SaveOutcome(False, f"Not saved: {error}.")
        return _SaveOutcome(False, "Not saved.")  # pragma: no cover

    def _save_failed(self, outcome: _SaveOutcome) -> None:
        if not outcome.conflicts:
            self._say(outcome.message)
            return
        rows, theirs = self._conflicting_fields(outcome.conflicts)
        items = self._item_merges(outcome.conflicts)
        for merge in items:
            rows += merge.rows
            theirs.update({row.column: row.theirs for row in merge.rows})
        if rows:
            self._ask_field_by_field(outcome.conflicts, rows, theirs, items)
            return
        merged_ids = {(merge.table, str(merge.record_id)) for merge in items}
        for merge in items:  # nothing to decide: their fields, with the user's on top
            merge.apply({})
        details = []
        for conflict in outcome.conflicts:
            if conflict.current_version is not None:
                self._versions[version_key(conflict.table, conflict.record_id)] = (
                    conflict.current_version
                )
            elif conflict.current is None and conflict.expected_version is not None:
                self._forget_deleted_item(conflict)
            if (conflict.table, conflict.record_id) not in merged_ids:
                details.append(conflict.describe() + self._conflict_fields(conflict))
        if not details:  # only list items others changed in other fields: merged
            self.run_worker(self.save(merged=True), group="plan-view-save", exclusive=True)
            return
        self._say(
            "Not saved: "
            + "; ".join(details)
            + " since you opened the plan. Your edits are still here: ctrl+s saves them "
            "over theirs."
        )

    def _item_merges(self, conflicts: list[PlanConflict]) -> list[_ItemMerge]:
        """List items someone saved while the user had them open, merged field by field.

        Deleted and new items are left out: the one-line message covers those.
        """
        merges = []
        for conflict in conflicts:
            kind = _list_of(conflict.table)
            if kind is None or conflict.current is None or conflict.expected_version is None:
                continue
            panel = self._panel(kind)
            record_id = int(conflict.record_id)
            mine, loaded = panel.edited_and_loaded(record_id)
            if mine is None or loaded is None:
                continue  # the user deleted it: the save says so
            stored = item_texts(panel.spec, conflict.current, panel.lookups)
            result = three_way_merge(
                loaded.texts,
                mine.texts,
                stored,
                labels={f.column: f.label for f in panel.spec.fields},
                order=[f.column for f in panel.spec.fields],
            )
            merges.append(_ItemMerge(panel, conflict, record_id, stored, result))
        return merges

    def _conflicting_fields(
        self, conflicts: list[PlanConflict]
    ) -> tuple[list[ConflictRow], dict[str, str]]:
        """The plan fields both people changed, as the conflict dialog shows them.

        Only fields of records still there (lists' items keep the one-line message);
        also returns their stored values as the fields would show them.
        """
        if self._data is None:
            return [], {}
        raw = self._read_raw()
        rows: list[ConflictRow] = []
        theirs: dict[str, str] = {}
        for conflict in conflicts:
            record = _record_of(conflict.table)
            if record is None or conflict.current is None:
                continue
            for plan_field in PLAN_FIELDS:
                if plan_field.record is not record:
                    continue
                stored = format_value(plan_field.form, conflict.current.get(plan_field.column))
                mine, base = raw[plan_field.key], self._initial.get(plan_field.key, "")
                if mine != base and stored != base and mine.strip() != stored.strip():
                    who = conflict.changed_by or ""
                    rows.append(ConflictRow(plan_field.key, plan_field.label, mine, stored, who))
                    theirs[plan_field.key] = stored
            if record is PlanRecord.ACCOUNT and self._qualification is not None:
                texts = self._qualification.texts()
                for form in QUALIFICATION_FIELDS:
                    stored = format_value(form, conflict.current.get(form.key))
                    mine, base = texts[form.key], self._qualification.initial(form.key)
                    if mine != base and stored != base and mine.strip() != stored.strip():
                        key = QUALIFICATION_PREFIX + form.key
                        who = conflict.changed_by or ""
                        rows.append(ConflictRow(key, form.label, mine, stored, who))
                        theirs[key] = stored
        return rows, theirs

    def _ask_field_by_field(
        self,
        conflicts: list[PlanConflict],
        rows: list[ConflictRow],
        theirs: dict[str, str],
        items: list[_ItemMerge],
    ) -> None:
        """Show the conflict dialog; save again with the chosen value of each field."""
        in_dialog = {(merge.table, str(merge.record_id)) for merge in items}
        others = [
            c.describe()
            for c in conflicts
            if _record_of(c.table) is None and (c.table, c.record_id) not in in_dialog
        ]
        intro = "Also: " + "; ".join(others) + "." if others else ""

        def chosen(choices: dict[str, Side] | None) -> None:
            if choices is None:
                self._say(
                    "Not saved: someone else changed fields you edited. Your edits are "
                    "still here; ctrl+s shows the choice again."
                )
                return
            for conflict in conflicts:  # what the dialog showed is what is saved against
                if conflict.current_version is not None:
                    self._versions[version_key(conflict.table, conflict.record_id)] = (
                        conflict.current_version
                    )
                elif conflict.current is None and conflict.expected_version is not None:
                    self._forget_deleted_item(conflict)
            for merge in items:
                merge.apply(choices)
            texts = self._read_raw()
            for key, side in choices.items():
                if side is not Side.THEIRS or key.startswith(ITEM_PREFIX):
                    continue
                # Theirs is stored: it is shown, and no longer an edit.
                if key.startswith(QUALIFICATION_PREFIX) and self._qualification is not None:
                    self._qualification.accept(key.removeprefix(QUALIFICATION_PREFIX), theirs[key])
                else:
                    texts[key] = self._initial[key] = theirs[key]
            self._write_raw(texts)
            self.run_worker(self.save(), group="plan-view-save", exclusive=True)

        self.app.push_screen(
            ConflictScreen(rows, intro=intro, ascii_only=self._settings.ascii_only), chosen
        )

    def _conflict_fields(self, conflict: PlanConflict) -> str:
        """`` (Industry is now 'Retail')`` for the fields that differ from what was read."""
        if conflict.current is None or self._data is None:
            return ""
        record = _record_of(conflict.table)
        if record is None:
            return ""
        stored = self._data.records.get(record) or {}
        parts = []
        for plan_field in PLAN_FIELDS:
            if plan_field.record is not record:
                continue
            now = conflict.current.get(plan_field.column)
            if now != stored.get(plan_field.column):
                shown = format_value(plan_field.form, now) or "(empty)"
                parts.append(f"{plan_field.label} is now {shown!r}")
        if record is PlanRecord.ACCOUNT:
            for form in QUALIFICATION_FIELDS:
                now = conflict.current.get(form.key)
                if now != stored.get(form.key):
                    shown = format_value(form, now) or "(empty)"
                    parts.append(f"{form.label} is now {shown!r}")
        return f" ({', '.join(parts)})" if parts else ""

    def _forget_deleted_item(self, conflict: PlanConflict) -> None:
        kind = _list_of(conflict.table)
        if kind is not None:
            self._panel(kind).forget_record(int(conflict.record_id))


def _overlaps(conflicts: list[PlanConflict], changes: PlanChanges, data: PlanData) -> bool:
    """Whether another person's change touches what this save writes."""
    for conflict in conflicts:
        record = _record_of(conflict.table)
        if record is None or conflict.current is None or conflict.expected_version is None:
            return True  # a list item, a deleted or newly created record: let the user decide
        stored: dict[str, Any] = data.records.get(record) or {}
        theirs = {c for c, v in conflict.current.items() if stored.get(c) != v}
        if theirs & set(changes.records.get(record, {})):
            return True
    return False


def _list_of(table: str) -> PlanList | None:
    return next((k for k, m in LIST_MODELS.items() if m.__tablename__ == table), None)


def _record_of(table: str) -> PlanRecord | None:
    return next((r for r, m in RECORD_MODELS.items() if m.__tablename__ == table), None)
