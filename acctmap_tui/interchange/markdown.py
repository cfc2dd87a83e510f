"""Markdown documents: one account's plan, and the account map in the seed template's columns.

Everything a person typed goes through :func:`escape_markdown` (or its table-cell
form), so the document renders as written: ``*bold*`` stays two asterisks around
a word, ``[link](y)`` stays brackets, ``# h`` at the start of a line stays a hash.

The escaping rule (CommonMark 0.31 plus the GitHub extensions people paste into):

* always backslash-escaped, wherever they stand: ``\\`` `````` ``*`` ``_`` ``[``
  ``]`` ``<`` ``>`` ``|`` ``~`` ``#`` ``$`` (``$`` because GitHub reads ``$...$``
  as maths; ``<`` so no raw HTML or autolink survives);
* ``&`` only where it would start an entity (``&copy;``, ``&#35;``);
* at the start of a line only, where they would start a block: ``-`` ``+`` ``=``
  (lists, setext underlines, thematic breaks) and the ``.`` or ``)`` after a
  number (ordered lists).

Other punctuation (``. , ( ) ! -`` within a line) cannot become markup once the
characters above are escaped, so it is left alone and the raw document stays
readable in a terminal or an e-mail. Table cells also turn line breaks into
``<br>``; list values continue on indented lines after a backslash line break.
URLs stay plain text (a renderer with "linkify" may still make them clickable).

Empty values print as "—", and every heading is always present, so an empty plan
still shows its full outline and what is missing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from acctmap_tui.data.plan_document import ContactEntry, PlanDocument
from acctmap_tui.domain.account_map import AccountMapRow
from acctmap_tui.domain.qualification import filled_count, letter_mark
from acctmap_tui.domain.values import format_money, format_probability
from acctmap_tui.interchange.account_map import neutralise_formula

EMPTY = "—"
"""What an empty value prints as."""

PLAN_SECTIONS: tuple[str, ...] = (
    "Company overview",
    "1. Problem: why change?",
    "2. Impact: why now?",
    "3. Solution: why us?",
    "4. People: who are the key stakeholders?",
    "5. Plan",
    "Qualification (MEDDPICC)",
    "Key events and milestones",
    "Next actions",
    "Plan health",
)
"""The second-level headings of a plan document, in order; every document has all of them."""

QUALIFICATION_COLUMNS: tuple[str, ...] = ("Letter", "Element", "Status", "Answer", "From")
"""The MEDDPICC table: one row per letter, the status in words (``✓ yes``, ``✗ missing``)."""

STAKEHOLDER_COLUMNS: tuple[str, ...] = (
    "Name",
    "Title",
    "Role",
    "Influence",
    "Sentiment",
    "Met",
    "Reports to",
)
ACTIVITY_PLAN_COLUMNS: tuple[str, ...] = ("Step", "Our owner", "Their owner", "Due", "Status")

MAP_TEMPLATE_COLUMNS: tuple[str, ...] = (
    "Account Name",
    "Key Contacts",
    "Revenue Potential",
    "Win Probability",
    "Current Status",
    "Ideal First Meeting",
    "Value Proposition",
    "Strategy",
    "Actions",
    "Owner",
)
"""The seed's account map template, column for column."""


# --- escaping ------------------------------------------------------------------------------

_ALWAYS = re.compile(r"([\\`*_\[\]<>|~#$])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_BLOCK_START = re.compile(r"^([ \t]*)([-+=])", re.MULTILINE)
_ORDERED_START = re.compile(r"^([ \t]*\d{1,9})([.)])", re.MULTILINE)


def _lines(text: str) -> list[str]:
    """The non-blank lines of ``text``, stripped, whatever its line endings."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return [line.strip() for line in normalised.split("\n") if line.strip()]


def escape_markdown(text: str) -> str:
    """``text`` with every character that could be read as Markdown backslash-escaped.

    Line breaks and spaces are kept; see the module docstring for the rule.
    """
    escaped = _ALWAYS.sub(r"\\\1", text)
    escaped = _ENTITY.sub(r"\\&", escaped)
    escaped = _BLOCK_START.sub(r"\1\\\2", escaped)
    return _ORDERED_START.sub(r"\1\\\2", escaped)


def escape_cell(text: str | None) -> str:
    """A table cell: escaped, pipes included, line breaks as ``<br>``; "—" when empty."""
    lines = _lines(text or "")
    if not lines:
        return EMPTY
    return "<br>".join(escape_markdown(line) for line in lines)


def _value(text: str | None, indent: int = 2) -> str:
    """A list item's value: escaped, later lines continued after a hard line break."""
    lines = _lines(text or "")
    if not lines:
        return EMPTY
    return ("\\\n" + " " * indent).join(escape_markdown(line) for line in lines)


# --- building blocks --------------------------------------------------------------------------


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str | None]], empty: str | None
) -> list[str]:
    """A pipe table (cells escaped here); the ``empty`` sentence instead when there are no rows.

    With ``empty=None`` an empty table is still printed (header and separator only).
    """
    if not rows and empty is not None:
        return [empty, ""]
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join("---" for _ in headers) + " |",
    ]
    lines += ["| " + " | ".join(escape_cell(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _fields(pairs: Sequence[tuple[str, str | None]]) -> list[str]:
    """A bullet list of ``**Label:** value``; labels are ours, values are escaped."""
    return [f"- **{label}:** {_value(value)}" for label, value in pairs] + [""]


def _date(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _by_on(who: str | None, day: date | None) -> str:
    parts = []
    if who:
        parts.append(f"by {who}")
    if day:
        parts.append(f"on {day.isoformat()}")
    return " ".join(parts)


def _confirmation(done: bool | None, who: str | None, day: date | None, no: str) -> str:
    if not done:
        return no
    detail = _by_on(who, day)
    return f"Yes, {detail}" if detail else "Yes"


def _label(member: object) -> str | None:
    return getattr(member, "label", None) if member is not None else None


def _influence(value: int | None) -> str | None:
    return f"{value}/5" if value is not None else None


def _reports_to(contact: ContactEntry) -> str | None:
    if contact.dotted_line_to and contact.reports_to:
        return f"{contact.reports_to} (dotted line to {contact.dotted_line_to})"
    if contact.dotted_line_to:
        return f"dotted line to {contact.dotted_line_to}"
    return contact.reports_to


# --- the plan document --------------------------------------------------------------------------


def _summary(document: PlanDocument, generated_on: date) -> list[str]:
    money = document.currency
    parts = [
        f"**Stage:** {document.stage.label}",
        f"**Target type:** {document.target_type.label}",
        f"**Revenue potential:** {_value(format_money(document.revenue_potential, money))}",
        f"**Win probability:** {_value(format_probability(document.win_probability))}",
        f"**Expected value:** {_value(format_money(document.expected_value, money))}",
        f"**Owner:** {_value(document.owner)}",
    ]
    lines = [" · ".join(parts), ""]
    if document.stage.is_closed:
        amount = format_money(document.closed_amount, money) or EMPTY
        closed = f"on {document.closed_on.isoformat()}" if document.closed_on else "(no date)"
        lines += [f"{document.stage.label}: {escape_markdown(amount)} {closed}.", ""]
    reviewed = (
        document.last_reviewed_at.date().isoformat() if document.last_reviewed_at else "never"
    )
    lines += [f"Generated on {generated_on.isoformat()}; plan last reviewed {reviewed}.", ""]
    return lines


def _overview(document: PlanDocument) -> list[str]:
    overview = document.overview
    growth = (
        format_probability(overview.revenue_growth) if overview.revenue_growth is not None else None
    )
    return _fields(
        [
            ("Industry", overview.industry),
            ("Headquarters", overview.headquarters),
            ("Website", overview.website),
            ("Annual revenue", format_money(overview.annual_revenue, document.currency)),
            ("Revenue growth", growth),
            ("Employees", f"{overview.employees:,}" if overview.employees is not None else None),
            ("Customers", overview.customers),
            ("Partners", overview.partners),
        ]
    )


def _problem(document: PlanDocument) -> list[str]:
    problem = document.problem
    lines = _fields(
        [
            ("Problem statement", problem.statement),
            (
                "Confirmed by the customer",
                _confirmation(problem.confirmed, problem.confirmed_by, problem.confirmed_on, "No"),
            ),
        ]
    )
    lines += ["### Discovery questions", ""]
    if not problem.questions:
        return [*lines, "No discovery questions recorded.", ""]
    for number, question in enumerate(problem.questions, start=1):
        marker = f"{number}. "
        indent = len(marker)
        lines.append(f"{marker}**Q:** {_value(question.question, indent)}\\")
        lines.append(" " * indent + f"**A:** {_value(question.answer, indent)}")
    return [*lines, ""]


def _impact(document: PlanDocument) -> list[str]:
    impact = document.impact
    event = impact.compelling_event
    if event and impact.compelling_event_on:
        event = f"{event} (on {impact.compelling_event_on.isoformat()})"
    elif impact.compelling_event_on:
        event = f"on {impact.compelling_event_on.isoformat()}"
    value_parts = [
        format_money(impact.value_amount, document.currency),
        impact.value_description or "",
    ]
    value = " — ".join(part for part in value_parts if part) or None
    return _fields(
        [
            ("Timeline", impact.timeline),
            ("Compelling event", event),
            ("Driving factors", impact.driving_factors),
            ("Cost of inaction", impact.cost_of_inaction),
            ("Value", value),
            (
                "Value validated with the client",
                _confirmation(
                    impact.value_validated, impact.validated_by, impact.validated_on, "No"
                ),
            ),
        ]
    )


def _solution(document: PlanDocument) -> list[str]:
    solution = document.solution
    lines = _fields(
        [
            ("Use case and scope", solution.use_case_scope),
            ("Next best alternative", solution.next_best_alternative),
            ("Unique selling points", solution.unique_selling_points),
        ]
    )
    lines += ["### Competitors", ""]
    lines += _table(
        ("Name", "Strengths", "Weaknesses", "Position"),
        [(c.name, c.strengths, c.weaknesses, c.their_position) for c in solution.competitors],
        "No competitors recorded.",
    )
    lines += ["### Concerns", ""]
    lines += _table(
        ("Concern", "Response", "Status"),
        [(c.concern, c.response, c.status.label) for c in solution.concerns],
        "No concerns recorded.",
    )
    if document.is_existing_customer:
        renewal_on = _date(solution.renewal_on)
        if solution.renewal_done is None:
            renewal = renewal_on
        elif solution.renewal_done:
            renewal = f"Done on {renewal_on}" if renewal_on else "Done"
        else:
            renewal = f"Not yet, due {renewal_on}" if renewal_on else "Not yet"
        lines += ["### Existing customer", ""]
        lines += _fields(
            [
                ("Customer since", _date(solution.customer_since)),
                ("Renewal", renewal),
                ("Products used", solution.products_used),
                ("Adoption", _label(solution.adoption_level)),
                ("Why not full adoption", solution.adoption_gap_reason),
            ]
        )
    return lines


def _people(document: PlanDocument) -> list[str]:
    people = document.people
    lines = ["### Stakeholders", ""]
    lines += _table(
        STAKEHOLDER_COLUMNS,
        [
            (
                c.name,
                c.title,
                _label(c.buying_role),
                _influence(c.influence),
                _label(c.sentiment),
                "Yes" if c.met else "Not yet",
                _reports_to(c),
            )
            for c in people.contacts
        ],
        "No contacts recorded.",
    )
    covered = [
        c for c in people.contacts if c.relationship_owner or c.level_current or c.level_target
    ]
    lines += ["### Our relationships", ""]
    lines += _table(
        ("Contact", "Relationship owner", "Level now", "Target level"),
        [
            (c.name, c.relationship_owner, _label(c.level_current), _label(c.level_target))
            for c in covered
        ],
        "Nobody on our side owns a relationship yet.",
    )
    lines += ["### Empty seats", ""]
    if people.empty_seats:
        for seat in people.empty_seats:
            details = [
                detail
                for detail in (
                    _label(seat.buying_role),
                    f"reports to {seat.reports_to}" if seat.reports_to else None,
                )
                if detail
            ]
            suffix = f" ({'; '.join(details)})" if details else ""
            lines.append(
                f"- **{escape_markdown(seat.role_title)}**: not yet identified"
                f"{escape_markdown(suffix)}"
            )
        lines.append("")
    else:
        lines += ["No empty seats.", ""]
    if people.former_contacts:
        lines += ["### Former contacts", ""]
        lines += _table(
            ("Name", "Title", "Left on"),
            [(c.name, c.title, _date(c.left_on)) for c in people.former_contacts],
            None,
        )
    lines += ["### Partners", ""]
    lines += _table(
        ("Name", "Kind", "Influence", "Notes"),
        [(p.name, p.kind, _influence(p.influence), p.notes) for p in people.partners],
        "No partners recorded.",
    )
    lines += ["### Our team", ""]
    team = [(member.name, member.role.label) for member in people.team]
    if document.owner and all(member.name != document.owner for member in people.team):
        team.insert(0, (document.owner, "Account owner"))
    lines += _table(("Name", "Role"), team, "No team recorded.")
    return lines


def _plan(document: PlanDocument) -> list[str]:
    plan = document.plan
    strategy = document.strategy
    lines = ["### Strategy", ""]
    lines += _fields(
        [("Short term", plan.strategy_short_term), ("Long term", plan.strategy_long_term)]
    )
    lines += ["### Strategy details", ""]
    lines += _fields(
        [
            ("Ideal first meeting", strategy.ideal_first_meeting),
            ("Value proposition", strategy.value_proposition),
            ("Strategy", strategy.strategy),
            ("Executive sponsorship", strategy.executive_sponsorship),
            ("Key contacts and challenges", strategy.key_challenges),
            ("Messaging", strategy.messaging),
            ("Products and pricing to lead with", strategy.products_and_pricing),
            ("Proof points and collateral", strategy.proof_points),
            ("Incentives and discounts", strategy.incentives),
            ("Nurture campaigns", strategy.nurture_campaigns),
            ("Budget and resources", strategy.budget_and_resources),
        ]
    )
    lines += ["### Proposal", ""]
    lines += _fields(
        [("Details", plan.proposal_details), ("How it is tailored", plan.proposal_tailoring)]
    )
    lines += ["### Mutual activity plan", ""]
    lines += _table(
        ACTIVITY_PLAN_COLUMNS,
        [
            (item.step, item.our_owner, item.their_owner, _date(item.due_on), item.status.label)
            for item in plan.activity_plan
        ],
        "No activity plan items recorded.",
    )
    reviewed = _by_on(plan.activity_plan_reviewed_by, plan.activity_plan_reviewed_on)
    approved = _by_on(plan.activity_plan_approved_by, plan.activity_plan_approved_on)
    lines += _fields(
        [
            ("Reviewed", reviewed or "Not yet reviewed"),
            ("Approved", approved or "Not yet approved"),
        ]
    )
    lines += ["### Escalation path", "", _value(plan.escalation_path, 0), ""]
    return lines


def _qualification(document: PlanDocument) -> list[str]:
    letters = document.meddpicc
    lines = [f"{filled_count(letters)} of {len(letters)} letters answered.", ""]
    return lines + _table(
        QUALIFICATION_COLUMNS,
        [
            (
                letter.letter,
                letter.name,
                letter_mark(letter.filled),
                letter.value or None,
                letter.source,
            )
            for letter in letters
        ],
        None,
    )


def _milestones(document: PlanDocument, today: date) -> list[str]:
    def status(done: bool, due: date | None) -> str:
        if done:
            return "Done"
        return "Overdue" if due is not None and due < today else "Open"

    return _table(
        ("Date", "Milestone", "Kind", "Status"),
        [
            (_date(m.due_on), m.title, m.kind.label, status(m.done, m.due_on))
            for m in document.milestones
        ],
        "No key events or milestones recorded.",
    )


def _actions(document: PlanDocument, today: date) -> list[str]:
    def due(day: date | None) -> str | None:
        if day is None:
            return None
        return f"{day.isoformat()} (overdue)" if day < today else day.isoformat()

    return _table(
        ("Due", "Action", "Owner"),
        [(due(a.due_on), a.description, a.owner) for a in document.next_actions],
        "No open next actions.",
    )


def _health(findings: Sequence[tuple[str, str]]) -> list[str]:
    if not findings:
        return ["No findings.", ""]
    lines = []
    for title, fix in findings:
        line = f"- **{_value(title)}**"
        if fix and fix.strip():
            line += f": {_value(fix)}"
        lines.append(line)
    return [*lines, ""]


def plan_as_markdown(
    document: PlanDocument,
    *,
    findings: Sequence[tuple[str, str]] = (),
    generated_on: date,
) -> str:
    """The whole plan of one account as a Markdown document.

    Args:
        document: From :func:`acctmap_tui.data.plan_document.load_plan_document`.
        findings: Plan health findings as (title, how to fix) pairs.
        generated_on: Today: printed in the header and used to mark what is overdue.
    """
    sections = dict(
        zip(
            PLAN_SECTIONS,
            (
                _overview(document),
                _problem(document),
                _impact(document),
                _solution(document),
                _people(document),
                _plan(document),
                _qualification(document),
                _milestones(document, generated_on),
                _actions(document, generated_on),
                _health(findings),
            ),
            strict=True,
        )
    )
    lines = [f"# {escape_markdown(document.name.strip())} — account plan", ""]
    lines += _summary(document, generated_on)
    for heading, body in sections.items():
        lines += [f"## {heading}", "", *body]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


# --- the account map in the seed template's columns ------------------------------------------


def _status(row: AccountMapRow) -> str:
    """The stage label; a closed stage with its amount ("Won $120,000"), as the seed asks."""
    if row.stage.is_closed and row.closed_amount is not None:
        return f"{row.stage.label} {format_money(row.closed_amount, row.currency)}"
    return row.stage.label


def _template_values(row: AccountMapRow) -> list[str | None]:
    return [
        row.name,
        "; ".join(row.key_contacts) or None,
        format_money(row.revenue_potential, row.currency) or None,
        format_probability(row.win_probability) or None,
        _status(row),
        row.ideal_first_meeting,
        row.value_proposition,
        row.strategy,
        row.next_action,
        row.owner,
    ]


def map_as_markdown(rows: Sequence[AccountMapRow]) -> str:
    """The account map as the seed's template table: one row per account, in the given order.

    Key contacts come from the rows: fill them first (``set_key_contacts`` with
    ``load_key_contacts``) if the rows were loaded without them.
    """
    lines = _table(MAP_TEMPLATE_COLUMNS, [_template_values(row) for row in rows], None)
    return "\n".join(lines).rstrip("\n") + "\n"


def _plain_amount(amount: Decimal | None) -> int | str | None:
    """Money as a spreadsheet reads a number: ``100000``, or ``100000.50`` with cents."""
    if amount is None:
        return None
    if amount == amount.to_integral_value():
        return int(amount)
    return str(amount.quantize(Decimal("0.01")))


def map_as_template_csv(rows: Sequence[AccountMapRow]) -> str:
    """The account map as CSV in the seed template's columns, for people and spreadsheets.

    Revenue Potential is a plain number in the account's currency (``100000``) so a
    spreadsheet can sum it; Win Probability is a percentage as the template writes it
    (``70%``), which spreadsheets read as the number 0.7. Text that a spreadsheet
    could run as a formula is neutralised with a leading quote.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MAP_TEMPLATE_COLUMNS)
    for row in rows:
        values: list[object] = _template_values(row)
        values[2] = _plain_amount(row.revenue_potential)
        writer.writerow(["" if value is None else neutralise_formula(value) for value in values])
    return buffer.getvalue()


__all__ = [
    "ACTIVITY_PLAN_COLUMNS",
    "EMPTY",
    "MAP_TEMPLATE_COLUMNS",
    "PLAN_SECTIONS",
    "QUALIFICATION_COLUMNS",
    "STAKEHOLDER_COLUMNS",
    "escape_cell",
    "escape_markdown",
    "map_as_markdown",
    "map_as_template_csv",
    "plan_as_markdown",
]
