"""MEDDPICC from the plan: the pure assembly, and saving the three asked letters."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlmodel import select

from acctmap_tui.data.db import Database
from acctmap_tui.data.models import Account, ChangeLogEntry, name_key
from acctmap_tui.data.plan_store import PlanChanges, PlanConflictError, load_plan, save_plan
from acctmap_tui.domain.plan_fields import PlanRecord
from acctmap_tui.domain.qualification import (
    EDITABLE_COLUMNS,
    QualificationFacts,
    assess_qualification,
    filled_count,
    letter_mark,
    letter_marks,
)
from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment


@dataclass(frozen=True)
class Person:
    name: str
    buying_role: BuyingRole | None = None
    sentiment: Sentiment | None = None
    met: bool = False


FULL = QualificationFacts(
    currency="USD",
    value_amount=Decimal("250000"),
    value_description="Fuel savings",
    problem_statement="Manual routing",
    cost_of_inaction="Overtime\nLate deliveries",
    contacts=(
        Person("Dana Whitfield", BuyingRole.ECONOMIC_BUYER, Sentiment.NEUTRAL, met=False),
        Person("Luis Ortega", BuyingRole.CHAMPION, Sentiment.STRONG_SUPPORTER, met=True),
        Person("Priya Nair", BuyingRole.TECHNICAL_BUYER),
    ),
    competitors=("RouteMax", " In-house scripts "),
    next_best_alternative="Status quo",
    decision_criteria="TCO over 3 years",
    decision_process="Ops picks, CFO signs",
    paper_process="Legal review, then procurement",
)


def test_the_eight_letters_in_order() -> None:
    letters = assess_qualification(QualificationFacts())
    assert [(x.letter, x.name) for x in letters] == [
        ("M", "Metrics"),
        ("E", "Economic buyer"),
        ("D", "Decision criteria"),
        ("D", "Decision process"),
        ("P", "Paper process"),
        ("I", "Identify pain"),
        ("C", "Champion"),
        ("C", "Competition"),
    ]
    assert [x.column for x in letters if x.editable] == list(EDITABLE_COLUMNS)


def test_an_empty_plan_answers_no_letter() -> None:
    letters = assess_qualification(QualificationFacts())
    assert not any(letter.filled for letter in letters)
    assert filled_count(letters) == 0
    assert all(letter.value == "" for letter in letters)


def test_a_full_plan_fills_every_letter_from_where_it_lives() -> None:
    by_name = {x.name: x for x in assess_qualification(FULL)}
    assert filled_count(list(by_name.values())) == 8
    assert by_name["Metrics"].value == "$250,000 — Fuel savings"
    assert by_name["Metrics"].source == "Impact: value"
    assert by_name["Economic buyer"].value == "Dana Whitfield (neutral, not met yet)"
    assert by_name["Champion"].value == "Luis Ortega (strong supporter, met)"
    assert by_name["Identify pain"].value == (
        "Manual routing — cost of inaction: Overtime; Late deliveries"
    )
    assert by_name["Competition"].value == (
        "RouteMax, In-house scripts; next best alternative: Status quo"
    )
    assert by_name["Paper process"].value == "Legal review, then procurement"
    assert by_name["Competition"].section == "solution"
    assert by_name["Decision process"].section == "qualification"


@pytest.mark.parametrize(
    ("facts", "name", "value"),
    [
        (QualificationFacts(value_description="Fewer miles"), "Metrics", "Fewer miles"),
        (QualificationFacts(value_amount=Decimal(5), currency="EUR"), "Metrics", "€5"),
        (QualificationFacts(cost_of_inaction="Fines"), "Identify pain", "cost of inaction: Fines"),
        (QualificationFacts(competitors=("RouteMax",)), "Competition", "RouteMax"),
        (
            QualificationFacts(next_best_alternative="Do nothing"),
            "Competition",
            "next best alternative: Do nothing",
        ),
    ],
)
def test_one_source_is_enough_for_a_letter(
    facts: QualificationFacts, name: str, value: str
) -> None:
    letter = next(x for x in assess_qualification(facts) if x.name == name)
    assert letter.filled and letter.value == value


def test_blank_text_and_other_roles_count_as_missing() -> None:
    facts = QualificationFacts(
        problem_statement="  \n ",
        decision_criteria="   ",
        competitors=("  ",),
        contacts=(Person("Priya", BuyingRole.INFLUENCER),),
    )
    filled = {x.name for x in assess_qualification(facts) if x.filled}
    assert filled == set()


def test_marks_read_without_colour() -> None:
    assert letter_mark(True) == "✓"
    assert letter_mark(False) == "✗ missing"
    assert letter_mark(False, ascii_only=True) == "x missing"
    letters = assess_qualification(
        QualificationFacts(problem_statement="Pain", decision_process="CFO")
    )
    assert letter_marks(letters) == "M✗ E✗ D✗ D✓ P✗ I✓ C✗ C✗"
    assert letter_marks(letters, ascii_only=True) == "M- E- D- D+ P- I+ C- C-"


def _account(database: Database) -> int:
    with database.session() as session:
        account = Account(name="Acme", name_key=name_key("Acme"))
        session.add(account)
        session.commit()
        assert account.id is not None
        return account.id


def test_save_plan_writes_the_three_letters_with_history(database: Database) -> None:
    account_id = _account(database)
    with database.session() as session:
        versions = load_plan(account_id, session=session).versions
        save_plan(
            account_id,
            PlanChanges(
                records={
                    PlanRecord.ACCOUNT: {
                        "decision_criteria": "TCO",
                        "decision_process": "CFO signs",
                        "paper_process": "Procurement",
                    }
                }
            ),
            expected_versions=versions,
            session=session,
            user="susan",
        )
        session.commit()
    with database.session() as session:
        account = session.get(Account, account_id)
        assert account is not None
        assert (account.decision_criteria, account.decision_process, account.paper_process) == (
            "TCO",
            "CFO signs",
            "Procurement",
        )
        users = set(
            session.exec(select(ChangeLogEntry.user).where(ChangeLogEntry.entity == "account"))
        )
    assert "susan" in users


def test_save_plan_refuses_a_stale_qualification_edit(database: Database) -> None:
    account_id = _account(database)
    with database.session() as session:
        versions = load_plan(account_id, session=session).versions

    def save(user: str, text: str) -> None:
        with database.session() as session:
            save_plan(
                account_id,
                PlanChanges(records={PlanRecord.ACCOUNT: {"paper_process": text}}),
                expected_versions=versions,
                session=session,
                user=user,
            )
            session.commit()

    save("raj", "Theirs")
    with pytest.raises(PlanConflictError, match="raj changed the overview"):
        save("susan", "Mine")
    with database.session() as session:
        account = session.get(Account, account_id)
        assert account is not None and account.paper_process == "Theirs"


def test_the_module_does_not_import_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, acctmap_tui.domain.qualification, acctmap_tui.domain.upcoming, "
        "acctmap_tui.data.upcoming_queries, acctmap_tui.upcoming_cli; "
        "sys.exit('textual' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
