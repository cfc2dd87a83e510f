"""One account's plan on one 80x24 screen, for review meetings.

A headline (stage, expected value, tier, owner, last review), the five elements
in one line each, MEDDPICC as a row of marks, the key stakeholders, what is due
next, and the plan health findings. Every line is cut with an ellipsis rather
than wrapped, and every list is capped ("+2 more"), so a typical plan never
scrolls; escape closes. :func:`summary_lines` is the content as plain text pairs,
so it is tested without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import get_current_worker

from acctmap_tui.data.db import Database
from acctmap_tui.data.plan_document import ContactEntry, PlanDocument
from acctmap_tui.domain.account_map import AccountMapRow
from acctmap_tui.domain.plan_health import PlanHealth
from acctmap_tui.domain.qualification import filled_count, letter_marks
from acctmap_tui.domain.upcoming import describe_days
from acctmap_tui.domain.values import format_money
from acctmap_tui.domain.vocabulary import BuyingRole, ItemStatus
from acctmap_tui.widgets.formatting import EMPTY

MAX_STAKEHOLDERS = 3
MAX_DUE = 4
MAX_FINDINGS = 3

SummaryLine = tuple[str | None, str]
"""(label, text): the label is empty on a continuation line, ``None`` on the headline."""
LABEL_WIDTH = 13


@dataclass(frozen=True)
class SummarySource:
    """What the summary is drawn from: the plan, its health and its row in the map."""

    document: PlanDocument
    health: PlanHealth | None = None
    row: AccountMapRow | None = None


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _parts(*parts: str | None) -> str:
    return " · ".join(part for part in (_one_line(p) for p in parts) if part)


def headline(source: SummarySource) -> str:
    """Stage, expected value, tier, owner and the last review, in one line."""
    document = source.document
    value = format_money(document.expected_value, document.currency) or EMPTY
    score = source.row.score if source.row is not None else None
    tier = f"Tier {score.tier}" if score is not None else "Tier —"
    reviewed = document.last_reviewed_at
    return _parts(
        document.stage.label,
        f"EV {value}",
        tier,
        document.owner or "no owner",
        f"reviewed {reviewed.date().isoformat()}" if reviewed else "never reviewed",
    )


def _element_lines(document: PlanDocument) -> list[SummaryLine]:
    problem, impact, solution, plan = (
        document.problem,
        document.impact,
        document.solution,
        document.plan,
    )
    confirmed = "confirmed" if problem.confirmed else "not confirmed"
    event = _one_line(impact.compelling_event)
    if impact.compelling_event_on:
        event = f"{event or 'compelling event'} on {impact.compelling_event_on.isoformat()}"
    value = format_money(impact.value_amount, document.currency)
    if value:
        value = f"value {value}" + (" (validated)" if impact.value_validated else "")
    rivals = ", ".join(c.name for c in solution.competitors)
    people = document.people.contacts
    met = sum(contact.met for contact in people)
    done = sum(item.status is ItemStatus.DONE for item in plan.activity_plan)
    items = len(plan.activity_plan)
    return [
        ("Problem", _parts(problem.statement, confirmed) if problem.statement else EMPTY),
        ("Impact", _parts(event, value, impact.cost_of_inaction) or EMPTY),
        (
            "Solution",
            _parts(
                solution.use_case_scope,
                f"vs {rivals}" if rivals else None,
                f"alternative: {_one_line(solution.next_best_alternative)}"
                if solution.next_best_alternative
                else None,
            )
            or EMPTY,
        ),
        (
            "People",
            _parts(
                f"{len(people)} contact{'s' if len(people) != 1 else ''}, {met} met",
                f"{len(document.people.empty_seats)} empty seat(s)"
                if document.people.empty_seats
                else None,
            ),
        ),
        (
            "Plan",
            _parts(
                plan.strategy_short_term or plan.strategy_long_term,
                f"activity plan {done}/{items} done" if items else "no activity plan",
            ),
        ),
    ]


def _stakeholder_order(contact: ContactEntry) -> tuple[int, int, str]:
    decisive = {BuyingRole.ECONOMIC_BUYER: 0, BuyingRole.CHAMPION: 1}
    rank = decisive.get(contact.buying_role, 2) if contact.buying_role else 2
    return (rank, -(contact.influence or 0), contact.name.casefold())


def _more(count: int) -> str:
    return f"+{count} more"


def _stakeholder_lines(document: PlanDocument) -> list[SummaryLine]:
    contacts = sorted(document.people.contacts, key=_stakeholder_order)
    if not contacts:
        return [("Stakeholders", "no contacts yet")]
    lines = []
    for contact in contacts[:MAX_STAKEHOLDERS]:
        role = contact.buying_role.label if contact.buying_role else "no role"
        sentiment = contact.sentiment.label.lower() if contact.sentiment else None
        lines.append(
            _parts(
                contact.name, contact.title, role, sentiment, "met" if contact.met else "not met"
            )
        )
    if len(contacts) > MAX_STAKEHOLDERS:
        lines[-1] += f"  ({_more(len(contacts) - MAX_STAKEHOLDERS)})"
    return [("Stakeholders" if i == 0 else "", text) for i, text in enumerate(lines)]


def _due_lines(document: PlanDocument, today: date) -> list[SummaryLine]:
    dated = [
        (action.due_on, "Action", action.description, action.owner)
        for action in document.next_actions
        if action.due_on is not None
    ]
    dated += [
        (item.due_on, "Activity", item.step, item.our_owner or item.their_owner)
        for item in document.plan.activity_plan
        if item.due_on is not None and item.status is not ItemStatus.DONE
    ]
    dated.sort(key=lambda entry: entry[0])
    if not dated:
        return [("Due", "nothing dated is open")]
    lines = []
    for day, kind, what, owner in dated[:MAX_DUE]:
        days = (day - today).days
        when = f"! {describe_days(days)}" if days < 0 else describe_days(days)
        lines.append(_parts(f"{day.isoformat()} ({when})", f"{kind}: {_one_line(what)}", owner))
    if len(dated) > MAX_DUE:
        lines[-1] += f"  ({_more(len(dated) - MAX_DUE)})"
    return [("Due" if i == 0 else "", text) for i, text in enumerate(lines)]


def _health_lines(health: PlanHealth | None) -> list[SummaryLine]:
    if health is None:
        return [("Health", "not assessed")]
    count = len(health.findings)
    findings = f"{count} finding{'s' if count != 1 else ''}" if count else "no findings"
    lines: list[SummaryLine] = [("Health", f"plan {health.overall_percent}% complete · {findings}")]
    shown = health.findings[:MAX_FINDINGS]
    for index, finding in enumerate(shown):
        text = f"! {finding.title}"
        if index == len(shown) - 1 and count > MAX_FINDINGS:
            text += f"  ({_more(count - MAX_FINDINGS)})"
        lines.append(("", text))
    return lines


def summary_lines(
    source: SummarySource, today: date, *, ascii_only: bool = False
) -> list[SummaryLine]:
    """Every line of the summary, in order, as (label, text)."""
    document = source.document
    letters = document.meddpicc
    missing = [letter.name for letter in letters if not letter.filled]
    marks = f"{letter_marks(letters, ascii_only=ascii_only)}  {filled_count(letters)}/8 answered"
    meddpicc: list[SummaryLine] = [("MEDDPICC", marks)]
    if missing:
        meddpicc.append(("", f"missing: {', '.join(missing)}"))
    return [
        (None, headline(source)),
        *_element_lines(document),
        *meddpicc,
        *_stakeholder_lines(document),
        *_due_lines(document, today),
        *_health_lines(source.health),
    ]


class PlanSummaryScreen(ModalScreen[None]):
    """The plan summary of one account; escape (or S, or q) closes it."""

    BINDING_GROUP_TITLE = "Plan summary"
    BINDINGS = [
        Binding("escape,q,S", "dismiss(None)", "Close", id="plan-summary.close"),
    ]

    def __init__(
        self,
        database: Database,
        account_id: int,
        *,
        row: AccountMapRow | None = None,
        ascii_only: bool = False,
    ) -> None:
        super().__init__(id="plan-summary-screen")
        self._database = database
        self._account_id = account_id
        self._row = row
        self._ascii_only = ascii_only

    def compose(self) -> ComposeResult:
        with Vertical(id="plan-summary-dialog") as dialog:
            dialog.border_title = Content(self._row.name if self._row else "Plan summary")
            yield VerticalScroll(id="plan-summary-body")
            yield Static("escape close", id="plan-summary-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#plan-summary-body").mount(
            Static("Loading…", classes="summary-line", markup=False)
        )
        self._load(date.today())

    @work(thread=True, exclusive=True, group="plan-summary")
    def _load(self, today: date) -> None:
        """Read the plan and assess its health off the UI thread."""
        from acctmap_tui.data.plan_document import load_plan_document
        from acctmap_tui.data.plan_queries import load_plan_facts
        from acctmap_tui.domain.plan_health import assess_plan

        try:
            with self._database.session() as session:
                document = load_plan_document(self._account_id, session=session)
                facts = load_plan_facts(self._account_id, session=session)
        except sa.exc.SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            lines: list[SummaryLine] = [(None, f"Could not read the plan: {reason}")]
        else:
            if document is None:
                lines = [(None, "This account no longer exists (deleted by someone else?).")]
            else:
                health = None if facts is None else assess_plan(facts, today)
                source = SummarySource(document, health, self._row)
                lines = summary_lines(source, today, ascii_only=self._ascii_only)
                title = document.name
                if not get_current_worker().is_cancelled:
                    self.app.call_from_thread(self._set_title, title)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, lines)

    def _set_title(self, title: str) -> None:
        self.query_one("#plan-summary-dialog").border_title = Content(title)

    async def _show(self, lines: list[SummaryLine]) -> None:
        body = self.query_one("#plan-summary-body")
        await body.remove_children()
        await body.mount_all(
            Static(_line_content(label, text), classes="summary-line", markup=False)
            for label, text in lines
        )


def _line_content(label: str | None, text: str) -> Content:
    """A bold label column, then the text (never read as markup)."""
    if label is None:
        return Content(text)
    return Content.assemble((label.ljust(LABEL_WIDTH), "bold"), text)
