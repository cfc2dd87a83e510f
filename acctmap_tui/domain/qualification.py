"""MEDDPICC qualification, read from the plan: eight letters, each filled or missing.

Five letters are answered by the plan already (Metrics from the impact's value,
Economic buyer and Champion from the contacts' buying roles, Identify pain from
the problem and its cost of inaction, Competition from the competitors and the
next best alternative); the other three (decision criteria, decision process,
paper process) are short texts kept on the account. :func:`assess_qualification`
turns those facts into :class:`QualificationLetter` rows, so the Plan tab, the
plan summary and the Markdown export say the same thing. Nothing here imports
Textual.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from acctmap_tui.domain.account_form import FIELDS_BY_KEY, FormField
from acctmap_tui.domain.values import format_money
from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment

FILLED_MARK = "✓"
MISSING_MARK = "✗ missing"
ASCII_FILLED_MARK = "ok"
ASCII_MISSING_MARK = "x missing"

EDITABLE_COLUMNS: tuple[str, ...] = ("decision_criteria", "decision_process", "paper_process")
"""The Account columns that hold the letters the plan does not answer, in MEDDPICC order."""

EDITABLE_FIELDS: tuple[FormField, ...] = tuple(FIELDS_BY_KEY[c] for c in EDITABLE_COLUMNS)
"""Their form fields (shared with the account form, so both parse and label alike)."""


class Stakeholder(Protocol):
    """What the qualification needs of a contact (plan documents and people rows have it)."""

    @property
    def name(self) -> str: ...
    @property
    def buying_role(self) -> BuyingRole | None: ...
    @property
    def sentiment(self) -> Sentiment | None: ...
    @property
    def met(self) -> bool: ...


@dataclass(frozen=True)
class QualificationFacts:
    """The parts of one plan that answer MEDDPICC; empty text counts as missing."""

    currency: str = "USD"
    value_amount: Decimal | None = None
    value_description: str | None = None
    problem_statement: str | None = None
    cost_of_inaction: str | None = None
    contacts: Sequence[Stakeholder] = ()
    """Current contacts only (people who left cannot sign or champion)."""
    competitors: Sequence[str] = ()
    next_best_alternative: str | None = None
    decision_criteria: str | None = None
    decision_process: str | None = None
    paper_process: str | None = None


@dataclass(frozen=True)
class QualificationLetter:
    """One MEDDPICC row: what the plan says for it and where that comes from."""

    letter: str
    name: str
    value: str
    """One line of text; empty when nothing in the plan answers it."""
    source: str
    """Where the answer lives (and where to fill it in): "Impact: value"."""
    section: str
    """The Plan sub-tab that holds it: overview, problem, impact, solution, people or
    qualification."""
    column: str | None = None
    """The Account column edited on the Qualification sub-tab; ``None`` when derived."""

    @property
    def filled(self) -> bool:
        return bool(self.value)

    @property
    def editable(self) -> bool:
        return self.column is not None


def letter_mark(filled: bool, *, ascii_only: bool = False) -> str:
    """``✓`` or ``✗ missing``: a symbol and a word, never a colour alone."""
    if ascii_only:
        return ASCII_FILLED_MARK if filled else ASCII_MISSING_MARK
    return FILLED_MARK if filled else MISSING_MARK


def _text(value: str | None) -> str:
    """``value`` on one line (line breaks become "; "), or "" when blank."""
    if not value:
        return ""
    lines = [line.strip() for line in value.replace("\r", "\n").split("\n")]
    return "; ".join(line for line in lines if line)


def _join(*parts: str, separator: str = " — ") -> str:
    return separator.join(part for part in parts if part)


def _people(contacts: Sequence[Stakeholder], role: BuyingRole) -> str:
    described = []
    for contact in contacts:
        if contact.buying_role is not role:
            continue
        details = [contact.sentiment.label.lower()] if contact.sentiment else []
        details.append("met" if contact.met else "not met yet")
        described.append(f"{contact.name} ({', '.join(details)})")
    return "; ".join(described)


def assess_qualification(facts: QualificationFacts) -> tuple[QualificationLetter, ...]:
    """The eight MEDDPICC letters in order, each with its answer from the plan."""
    metrics = _join(
        format_money(facts.value_amount, facts.currency), _text(facts.value_description)
    )
    cost = _text(facts.cost_of_inaction)
    pain = _join(_text(facts.problem_statement), f"cost of inaction: {cost}" if cost else "")
    alternative = _text(facts.next_best_alternative)
    competition = _join(
        ", ".join(name.strip() for name in facts.competitors if name.strip()),
        f"next best alternative: {alternative}" if alternative else "",
        separator="; ",
    )
    asked = {column: _text(getattr(facts, column)) for column in EDITABLE_COLUMNS}

    def kept(letter: str, name: str, column: str) -> QualificationLetter:
        return QualificationLetter(
            letter, name, asked[column], "Qualification", "qualification", column
        )

    return (
        QualificationLetter("M", "Metrics", metrics, "Impact: value", "impact"),
        QualificationLetter(
            "E",
            "Economic buyer",
            _people(facts.contacts, BuyingRole.ECONOMIC_BUYER),
            "People: buying role",
            "people",
        ),
        kept("D", "Decision criteria", "decision_criteria"),
        kept("D", "Decision process", "decision_process"),
        kept("P", "Paper process", "paper_process"),
        QualificationLetter(
            "I", "Identify pain", pain, "Problem: statement; Impact: cost of inaction", "problem"
        ),
        QualificationLetter(
            "C",
            "Champion",
            _people(facts.contacts, BuyingRole.CHAMPION),
            "People: buying role",
            "people",
        ),
        QualificationLetter(
            "C",
            "Competition",
            competition,
            "Solution: competitors, next best alternative",
            "solution",
        ),
    )


def filled_count(letters: Sequence[QualificationLetter]) -> int:
    """How many letters the plan answers."""
    return sum(letter.filled for letter in letters)


def letter_marks(letters: Sequence[QualificationLetter], *, ascii_only: bool = False) -> str:
    """The letters as one row of marks: ``M✓ E✓ D✗ …`` (ASCII: ``M+ E+ D- …``)."""
    if ascii_only:
        return " ".join(f"{letter.letter}{'+' if letter.filled else '-'}" for letter in letters)
    return " ".join(f"{letter.letter}{'✓' if letter.filled else '✗'}" for letter in letters)
