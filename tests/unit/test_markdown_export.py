"""The plan as a Markdown document, and the account map in the seed template's columns.

Structural checks, not snapshots: headings in order, well-formed tables, every
contact once, and user text that renders as written (checked with markdown-it,
the CommonMark renderer Rich ships with).
"""

from __future__ import annotations

import csv
import html
import io
import re
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from markdown_it import MarkdownIt
from sqlmodel import select

from acctmap_tui.data.db import Database
from acctmap_tui.data.map_queries import load_account_map_rows
from acctmap_tui.data.models import (
    Account,
    AccountProblem,
    ActivityPlanItem,
    Contact,
    TeamMember,
    name_key,
)
from acctmap_tui.data.plan_document import PlanDocument, load_plan_document
from acctmap_tui.demo import generate_demo
from acctmap_tui.domain.account_map import AccountMapRow, rank_rows
from acctmap_tui.domain.vocabulary import BuyingRole, Stage, TargetType
from acctmap_tui.interchange.markdown import (
    ACTIVITY_PLAN_COLUMNS,
    EMPTY,
    MAP_TEMPLATE_COLUMNS,
    PLAN_SECTIONS,
    QUALIFICATION_COLUMNS,
    STAKEHOLDER_COLUMNS,
    escape_cell,
    escape_markdown,
    map_as_markdown,
    map_as_template_csv,
    plan_as_markdown,
)

TODAY = date(2026, 3, 15)
FULL_PLAN_ID = 1
"""Generation index 0: a full plan (and an existing customer) in the default demo."""
ENGAGED_PROSPECT_ID = 2
LEAVER_ACCOUNT_ID = 12
"""Generation index 11: the account our former champion left."""

HOSTILE = "*bold* _x_ [link](y) # h | pipe <b> 1. item `code` ~~del~~ $5-$10 &copy; \\"
HOSTILE_LINES = "first line\n# heading\n1. item\n- bullet\n> quote\n---\n    code\n=====\n+ plus"


# --- helpers ---------------------------------------------------------------------------------


def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _split_row(line: str) -> list[str]:
    """The cells of a pipe-table row, splitting on pipes that are not backslash-escaped."""
    assert line.startswith("| ") and line.endswith(" |"), line
    cells: list[str] = []
    current = ""
    body = line[1:-1]
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            current += body[index : index + 2]
            index += 2
            continue
        if char == "|":
            cells.append(current.strip())
            current = ""
        else:
            current += char
        index += 1
    cells.append(current.strip())
    return cells


def _unescape(cell: str) -> str:
    return re.sub(r"\\(.)", r"\1", cell)


def _tables(markdown: str) -> list[tuple[str | None, list[list[str]]]]:
    """Every table as (the heading above it, its rows of cells, header first).

    Asserts that each is well-formed: a separator row second, and every row with as
    many cells as the header.
    """
    tables: list[tuple[str | None, list[list[str]]]] = []
    heading: str | None = None
    block: list[str] = []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            rows = [_split_row(row) for row in block]
            assert len(rows) >= 2, block
            assert all(re.fullmatch(r"-{3,}", cell) for cell in rows[1]), block[1]
            assert {len(row) for row in rows} == {len(rows[0])}, block
            tables.append((heading, [rows[0], *rows[2:]]))
            block = []
    return tables


def _table_under(markdown: str, heading: str) -> list[list[str]]:
    matches = [rows for above, rows in _tables(markdown) if above == heading]
    assert len(matches) == 1, f"expected one table under {heading!r}"
    return matches[0]


def _headings(markdown: str, level: int) -> list[str]:
    prefix = "#" * level + " "
    return [line[len(prefix) :] for line in markdown.splitlines() if line.startswith(prefix)]


def _section(markdown: str, heading: str) -> str:
    """The text of a second-level section, up to the next one."""
    start = markdown.index(f"\n## {heading}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


def _bare_account(database: Database, name: str = "Empty Co", **values: object) -> int:
    with database.session() as session:
        account = Account(name=name, name_key=name_key(name), **values)
        session.add(account)
        session.commit()
        assert account.id is not None
        return account.id


def _load(database: Database, account_id: int) -> PlanDocument:
    with database.session() as session:
        document = load_plan_document(account_id, session=session)
    assert document is not None
    return document


@pytest.fixture
def demo(database: Database) -> Database:
    generate_demo(database, today=TODAY)
    return database


@pytest.fixture
def full_plan(demo: Database) -> str:
    return plan_as_markdown(_load(demo, FULL_PLAN_ID), generated_on=TODAY)


@pytest.fixture
def empty_plan(database: Database) -> str:
    return plan_as_markdown(_load(database, _bare_account(database)), generated_on=TODAY)


# --- loading ---------------------------------------------------------------------------------


def test_load_plan_document_of_a_full_demo_plan(demo: Database) -> None:
    document = _load(demo, FULL_PLAN_ID)
    with demo.session() as session:
        contacts = list(session.exec(select(Contact).where(Contact.account_id == FULL_PLAN_ID)))
        items = list(
            session.exec(
                select(ActivityPlanItem).where(ActivityPlanItem.account_id == FULL_PLAN_ID)
            )
        )
    assert len(document.people.contacts) + len(document.people.former_contacts) == len(contacts)
    assert document.owner
    assert document.problem.statement and len(document.problem.questions) == 7
    assert document.solution.competitors and document.solution.concerns
    assert len(document.plan.activity_plan) == len(items)
    assert all(item.our_owner and item.their_owner for item in document.plan.activity_plan)
    assert document.plan.activity_plan_approved_by
    assert document.milestones and document.next_actions
    dates = [m.due_on for m in document.milestones if m.due_on]
    assert dates == sorted(dates)
    names = {c.name for c in document.people.contacts}
    assert all(c.reports_to in names for c in document.people.contacts if c.reports_to)


def test_load_plan_document_is_none_for_missing_and_deleted_accounts(database: Database) -> None:
    deleted = _bare_account(database, "Gone", deleted_at=datetime(2026, 1, 1, tzinfo=UTC))
    with database.session() as session:
        assert load_plan_document(999, session=session) is None
        assert load_plan_document(deleted, session=session) is None


# --- the plan document -------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["full_plan", "empty_plan"])
def test_every_heading_is_present_in_order(which: str, request: pytest.FixtureRequest) -> None:
    markdown: str = request.getfixturevalue(which)
    assert len(_headings(markdown, 1)) == 1
    assert _headings(markdown, 1)[0].endswith(" — account plan")
    assert _headings(markdown, 2) == list(PLAN_SECTIONS)
    for heading in (
        "Discovery questions",
        "Competitors",
        "Concerns",
        "Stakeholders",
        "Empty seats",
        "Partners",
        "Our team",
        "Mutual activity plan",
        "Escalation path",
    ):
        assert heading in _headings(markdown, 3)


@pytest.mark.parametrize("which", ["full_plan", "empty_plan"])
def test_every_table_is_well_formed(which: str, request: pytest.FixtureRequest) -> None:
    markdown: str = request.getfixturevalue(which)
    tables = _tables(markdown)  # asserts the shape of each
    if which == "full_plan":
        assert len(tables) >= 8


def test_the_stakeholder_table_has_every_current_contact_once(demo: Database) -> None:
    for account_id in (FULL_PLAN_ID, LEAVER_ACCOUNT_ID):
        markdown = plan_as_markdown(_load(demo, account_id), generated_on=TODAY)
        rows = _table_under(markdown, "Stakeholders")
        assert tuple(rows[0]) == STAKEHOLDER_COLUMNS
        with demo.session() as session:
            contacts = list(session.exec(select(Contact).where(Contact.account_id == account_id)))
        current = Counter(c.name for c in contacts if c.left_on is None)
        assert Counter(_unescape(row[0]) for row in rows[1:]) == current
        former = [c.name for c in contacts if c.left_on is not None]
        if former:
            table = _table_under(markdown, "Former contacts")
            assert Counter(_unescape(r[0]) for r in table[1:]) == Counter(former)
    by_name = {_unescape(row[0]): row for row in rows[1:]}
    leavers_account = _load(demo, LEAVER_ACCOUNT_ID)
    assert leavers_account.people.former_contacts
    for contact in leavers_account.people.contacts:
        row = by_name[contact.name]
        assert row[5] in ("Yes", "Not yet")
        if contact.buying_role is BuyingRole.ECONOMIC_BUYER:
            assert row[2] == "Economic buyer"


def test_the_activity_plan_table(demo: Database, full_plan: str) -> None:
    rows = _table_under(full_plan, "Mutual activity plan")
    assert tuple(rows[0]) == ACTIVITY_PLAN_COLUMNS
    document = _load(demo, FULL_PLAN_ID)
    assert len(rows) - 1 == len(document.plan.activity_plan)
    for row, item in zip(rows[1:], document.plan.activity_plan, strict=True):
        assert _unescape(row[0]) == item.step
        assert row[1] == item.our_owner and row[2] == item.their_owner
        assert row[3] == item.due_on.isoformat() if item.due_on else EMPTY
        assert row[4] == item.status.label
    plan_section = _section(full_plan, "5. Plan")
    assert "**Approved:** by " in plan_section and "**Reviewed:** by " in plan_section


def test_the_full_plan_reads_as_the_five_elements(full_plan: str) -> None:
    problem = _section(full_plan, "1. Problem: why change?")
    assert problem.count("**Q:**") == 7 and problem.count("**A:**") == 7
    summary = full_plan.split("\n## ")[0]
    for label in ("Stage", "Target type", "Revenue potential", "Win probability", "Owner"):
        assert f"**{label}:** " in summary
    assert f"**{label}:** {EMPTY}" not in summary
    milestones = _table_under(full_plan, "Key events and milestones")
    dates = [row[0] for row in milestones[1:] if row[0] != EMPTY]
    assert dates == sorted(dates)
    assert "No findings." in _section(full_plan, "Plan health")


def test_existing_customer_section_only_for_existing_customers(demo: Database) -> None:
    existing = _load(demo, FULL_PLAN_ID)
    prospect = _load(demo, ENGAGED_PROSPECT_ID)
    assert existing.target_type is TargetType.EXISTING_CUSTOMER
    assert prospect.target_type is not TargetType.EXISTING_CUSTOMER
    assert "Existing customer" in _headings(plan_as_markdown(existing, generated_on=TODAY), 3)
    assert "Existing customer" not in _headings(plan_as_markdown(prospect, generated_on=TODAY), 3)


def test_an_empty_plan_says_what_is_missing(empty_plan: str) -> None:
    assert "**Problem statement:** —" in empty_plan
    assert "**Confirmed by the customer:** No" in empty_plan
    for sentence in (
        "No discovery questions recorded.",
        "No competitors recorded.",
        "No concerns recorded.",
        "No contacts recorded.",
        "No empty seats.",
        "No partners recorded.",
        "No team recorded.",
        "No activity plan items recorded.",
        "No key events or milestones recorded.",
        "No open next actions.",
        "No findings.",
    ):
        assert sentence in empty_plan
    assert "Not yet reviewed" in empty_plan and "Not yet approved" in empty_plan


def test_findings_are_listed_under_plan_health(empty_plan: str, database: Database) -> None:
    document = _load(database, 1)
    markdown = plan_as_markdown(
        document,
        findings=[("No economic buyer", "Find who signs."), ("Single-threaded", "")],
        generated_on=TODAY,
    )
    health = _section(markdown, "Plan health")
    assert "- **No economic buyer**: Find who signs." in health
    assert "- **Single-threaded**\n" in health
    assert "No findings." not in health


# --- escaping ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,
        "# heading",
        "1. item",
        "2) item",
        "- bullet",
        "+ plus",
        "> quote",
        "---",
        "===",
        "***",
        "<b>bold</b> <https://example.com>",
        "a\\*b",
        "trailing backslash \\",
        "![image](x.png)",
        "[ref]: https://example.com",
        "&amp; &#35; R&D",
        "snake_case_name and 2*3*4",
    ],
)
def test_escaped_text_renders_as_written(text: str) -> None:
    rendered = _renderer().render(escape_markdown(text))
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n"), rendered
    inner = rendered[len("<p>") : -len("</p>\n")]
    assert "<" not in inner, rendered
    assert html.unescape(inner) == text


@pytest.mark.parametrize("text", [HOSTILE, "a | b | c", "line one\nline two", "\\|"])
def test_escaped_cells_render_as_written(text: str) -> None:
    markdown = f"| head |\n| --- |\n| {escape_cell(text)} |\n"
    rendered = _renderer().render(markdown)
    match = re.search(r"<td>(.*?)</td>", rendered, re.DOTALL)
    assert match is not None, rendered
    cell = match.group(1).replace("<br>", "\n")
    assert "<" not in cell, rendered
    assert html.unescape(cell) == text


def _tags(markdown: str) -> Counter[str]:
    rendered = _renderer().render(markdown)
    return Counter(re.findall(r"<([a-z0-9]+)", rendered)) - Counter(
        {"br": 10_000}  # hard line breaks vary with multi-line text
    )


def _plan_with_text(database: Database, name: str, text: str) -> str:
    account_id = _bare_account(
        database, name, strategy=text, industry=text, target_type=TargetType.EXISTING_CUSTOMER
    )
    with database.session() as session:
        owner = TeamMember(name=f"{name} owner")
        session.add(owner)
        session.flush()
        session.add(AccountProblem(account_id=account_id, statement=text, confirmed_by=text))
        boss = Contact(account_id=account_id, name=f"{name} boss", title=text)
        session.add(boss)
        session.flush()
        session.add(
            Contact(
                account_id=account_id,
                name=f"{name} report",
                title=text,
                reports_to_id=boss.id,
                buying_role=BuyingRole.CHAMPION,
            )
        )
        session.add(
            ActivityPlanItem(
                account_id=account_id, step=text, our_owner_id=owner.id, their_owner_id=boss.id
            )
        )
        session.commit()
    document = _load(database, account_id)
    return plan_as_markdown(document, findings=[(text, text)], generated_on=TODAY)


def test_user_text_adds_no_markup_to_the_document(database: Database) -> None:
    plain = _plan_with_text(database, "Plain", "plain words")
    hostile = _plan_with_text(database, "Hostile", f"{HOSTILE}\n{HOSTILE_LINES}")
    assert _headings(hostile, 2) == list(PLAN_SECTIONS)
    assert _tags(hostile) == _tags(plain)
    rendered = _renderer().render(hostile)
    text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert "*bold* _x_ [link](y) # h | pipe <b> 1. item" in text
    for fragment in ("<em>", "<a ", "<code>", "<s>", "<blockquote>", "<hr", "<ol>", "<pre>"):
        assert fragment not in rendered
    assert rendered.count("<h1>") == 1
    _tables(hostile)  # still well-formed with pipes in the cells
    stakeholders = _table_under(hostile, "Stakeholders")
    assert len(stakeholders) == 3
    assert _unescape(stakeholders[1][1]).startswith("*bold*")


def test_a_hostile_account_name_stays_in_the_title(database: Database) -> None:
    account_id = _bare_account(database, "# *Acme* [x](y) | <b>")
    markdown = plan_as_markdown(_load(database, account_id), generated_on=TODAY)
    rendered = _renderer().render(markdown)
    title = re.search(r"<h1>(.*?)</h1>", rendered)
    assert title is not None
    assert html.unescape(title.group(1)) == "# *Acme* [x](y) | <b> — account plan"


# --- the account map in the seed template's columns ------------------------------------------


def _map_row(**values: object) -> AccountMapRow:
    defaults: dict[str, object] = {
        "id": 1,
        "name": "ABC Company",
        "target_type": TargetType.NEW_PROSPECT,
        "stage": Stage.PROSPECTING,
        "owner": "Susan",
        "owner_username": None,
        "currency": "USD",
        "revenue_potential": Decimal("100000.00"),
        "win_probability": 0.7,
        "key_contacts": ("John Smith, CEO",),
        "ideal_first_meeting": "CFO intro call",
        "value_proposition": "Reduce churn",
        "strategy": "Free trial + executive briefing",
        "industry": None,
        "next_action": "Send trial invite email",
        "next_action_due": None,
        "overdue_actions": 0,
        "last_reviewed_at": None,
    }
    defaults.update(values)
    return AccountMapRow(**defaults)  # type: ignore[arg-type]


SEED_ROW = [
    "ABC Company",
    "John Smith, CEO",
    "$100,000",
    "70%",
    "Prospecting",
    "CFO intro call",
    "Reduce churn",
    "Free trial + executive briefing",
    "Send trial invite email",
    "Susan",
]


def test_map_markdown_reproduces_the_seed_template() -> None:
    second = _map_row(
        id=2,
        name="XYZ Inc.",
        key_contacts=("Jane Thomas, CMO",),
        revenue_potential=Decimal("250000"),
        win_probability=0.6,
        stage=Stage.PROSPECTING,
        owner="Mark",
    )
    rows = _tables(map_as_markdown([_map_row(), second]))
    assert len(rows) == 1
    _heading, table = rows[0]
    assert tuple(table[0]) == MAP_TEMPLATE_COLUMNS
    assert [_unescape(cell) for cell in table[1]] == SEED_ROW
    assert _unescape(table[2][2]) == "$250,000" and table[2][3] == "60%"


def test_map_markdown_of_the_demo_has_every_account(demo: Database) -> None:
    with demo.session() as session:
        rows = rank_rows(load_account_map_rows(session=session, today=TODAY), TODAY)
    markdown = map_as_markdown(rows)
    [(_heading, table)] = _tables(markdown)
    assert tuple(table[0]) == MAP_TEMPLATE_COLUMNS
    assert [_unescape(r[0]) for r in table[1:]] == [row.name for row in rows]
    assert all(_unescape(r[2]).startswith("$") for r in table[1:] if r[2] != EMPTY)
    assert any(r[1] != EMPTY for r in table[1:])


def test_map_markdown_of_no_rows_is_the_header() -> None:
    [(_heading, table)] = _tables(map_as_markdown([]))
    assert table == [list(MAP_TEMPLATE_COLUMNS)]


def test_map_markdown_shows_closed_amounts_and_empty_values() -> None:
    won = _map_row(
        stage=Stage.WON,
        closed_amount=Decimal("120000"),
        key_contacts=(),
        owner=None,
        next_action=None,
        win_probability=None,
    )
    [(_heading, table)] = _tables(map_as_markdown([won]))
    cells = dict(zip(table[0], table[1], strict=True))
    assert _unescape(cells["Current Status"]) == "Won $120,000"
    assert cells["Key Contacts"] == cells["Owner"] == cells["Actions"] == EMPTY
    assert cells["Win Probability"] == EMPTY


def test_template_csv_has_the_columns_and_plain_numbers() -> None:
    rows = [_map_row(), _map_row(id=2, revenue_potential=Decimal("1234.50"), name="Cents")]
    records = list(csv.reader(io.StringIO(map_as_template_csv(rows))))
    assert tuple(records[0]) == MAP_TEMPLATE_COLUMNS
    first = dict(zip(records[0], records[1], strict=True))
    assert first["Revenue Potential"] == "100000"
    assert first["Win Probability"] == "70%"
    assert first["Current Status"] == "Prospecting"
    assert first["Key Contacts"] == "John Smith, CEO"
    assert records[2][2] == "1234.50"


def test_template_csv_neutralises_formulas() -> None:
    hostile = _map_row(
        name='=HYPERLINK("http://evil")',
        key_contacts=("+1 555", "Bob"),
        strategy="-2+3",
        next_action="@SUM(A1)",
        owner="\tTab",
        value_proposition="Plain, with a comma",
    )
    records = list(csv.reader(io.StringIO(map_as_template_csv([hostile]))))
    cells = dict(zip(records[0], records[1], strict=True))
    assert cells["Account Name"] == '\'=HYPERLINK("http://evil")'
    assert cells["Key Contacts"] == "'+1 555; Bob"
    assert cells["Strategy"] == "'-2+3"
    assert cells["Actions"] == "'@SUM(A1)"
    assert cells["Owner"] == "'\tTab"
    assert cells["Value Proposition"] == "Plain, with a comma"


def test_template_csv_leaves_empty_values_empty() -> None:
    row = replace(_map_row(), revenue_potential=None, win_probability=None, owner=None)
    records = list(csv.reader(io.StringIO(map_as_template_csv([row]))))
    cells = dict(zip(records[0], records[1], strict=True))
    assert cells["Revenue Potential"] == cells["Win Probability"] == cells["Owner"] == ""


def test_the_modules_do_not_import_textual() -> None:
    probe = (
        "import sys\n"
        "import acctmap_tui.data.plan_document, acctmap_tui.interchange.markdown\n"
        "print(any(name.split('.')[0] == 'textual' for name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- qualification (MEDDPICC) ----------------------------------------------------------------

MEDDPICC = "Qualification (MEDDPICC)"
MEDDPICC_NAMES = [
    "Metrics",
    "Economic buyer",
    "Decision criteria",
    "Decision process",
    "Paper process",
    "Identify pain",
    "Champion",
    "Competition",
]


def test_meddpicc_follows_the_five_elements() -> None:
    assert PLAN_SECTIONS.index(MEDDPICC) == PLAN_SECTIONS.index("5. Plan") + 1


def test_an_empty_plan_marks_every_letter_missing(empty_plan: str) -> None:
    rows = _table_under(empty_plan, MEDDPICC)
    assert rows[0] == list(QUALIFICATION_COLUMNS)
    assert [_unescape(row[1]) for row in rows[1:]] == MEDDPICC_NAMES
    assert "".join(row[0] for row in rows[1:]) == "MEDDPICC"
    assert {row[2] for row in rows[1:]} == {"✗ missing"}
    assert {row[3] for row in rows[1:]} == {EMPTY}
    assert "0 of 8 letters answered." in _section(empty_plan, MEDDPICC)


def test_a_full_plan_answers_the_letters_from_the_plan(demo: Database, full_plan: str) -> None:
    document = _load(demo, FULL_PLAN_ID)
    rows = {_unescape(row[1]): row for row in _table_under(full_plan, MEDDPICC)[1:]}
    assert {name for name, row in rows.items() if row[2] == "✓"} == set(MEDDPICC_NAMES)
    assert "8 of 8 letters answered." in _section(full_plan, MEDDPICC)
    buyer = next(
        c.name for c in document.people.contacts if c.buying_role is BuyingRole.ECONOMIC_BUYER
    )
    assert _unescape(rows["Economic buyer"][3]).startswith(buyer)
    assert _unescape(rows["Paper process"][3]) == document.qualification.paper_process
    assert _unescape(rows["Competition"][4]).startswith("Solution")
    assert "### Qualification" not in full_plan  # one MEDDPICC section, not two


def test_meddpicc_answers_are_escaped(database: Database) -> None:
    account_id = _bare_account(database, "Hostile Co", decision_criteria=HOSTILE)
    markdown = plan_as_markdown(_load(database, account_id), generated_on=TODAY)
    rows = {_unescape(row[1]): row for row in _table_under(markdown, MEDDPICC)[1:]}
    assert _unescape(rows["Decision criteria"][3]) == HOSTILE
    assert rows["Decision criteria"][2] == "✓"
