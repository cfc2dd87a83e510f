"""Three-way merge of one record's fields, for saving an edit someone else overtook.

An editor loads a record (the *base*), the user changes some fields (*mine*), and
meanwhile another person saves the same record (*theirs*, what is stored now).
Fields only one side changed merge without asking; fields both sides changed to
different values are conflicts the user must decide, field by field.

Pure functions over plain mappings keyed by column, so the rule is testable
without a database or a terminal, and the same for accounts and people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Side(StrEnum):
    """Whose value a conflicting field keeps."""

    MINE = "mine"
    THEIRS = "theirs"


@dataclass(frozen=True)
class FieldConflict:
    """One field both sides changed, to different values."""

    column: str
    label: str
    """The field's name as the form shows it (the column when no label is known)."""
    base: Any
    """What the editor loaded."""
    mine: Any
    """What the user typed."""
    theirs: Any
    """What the other person stored."""


@dataclass(frozen=True)
class MergeResult:
    """The outcome of :func:`three_way_merge`."""

    merged: dict[str, Any]
    """Every column: theirs, with the changes only the user made applied on top.

    Conflicting columns hold theirs until the user decides.
    """
    to_write: dict[str, Any]
    """The user's changes that do not conflict: what to write on top of theirs."""
    conflicts: list[FieldConflict] = field(default_factory=list)
    """Fields both sides changed to different values, in column order."""

    @property
    def clean(self) -> bool:
        """Whether it merged without anything for the user to decide."""
        return not self.conflicts

    def resolved(self, choices: Mapping[str, Side]) -> dict[str, Any]:
        """What to write once the user chose a side for each conflict.

        A conflict without a choice keeps theirs, so nothing of theirs is lost by
        omission; choosing theirs writes nothing for that field.
        """
        values = dict(self.to_write)
        for conflict in self.conflicts:
            if choices.get(conflict.column) is Side.MINE:
                values[conflict.column] = conflict.mine
        return values


def three_way_merge(
    base: Mapping[str, Any],
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
    *,
    labels: Mapping[str, str] | None = None,
    order: Iterable[str] | None = None,
) -> MergeResult:
    """Merge the user's edit with a concurrent one, field by field.

    Args:
        base: the stored values the editor opened on, by column.
        mine: the user's values by column; a column missing here is one the user
            did not change (forms send only the fields they changed).
        theirs: the stored values now, by column; a column missing here is taken as
            unchanged from ``base``.
        labels: field labels by column, for showing conflicts.
        order: the columns in display order; conflicts follow it (others go last,
            by name), so the dialog lists fields as the form does.

    Returns:
        The merged record, the user's non-conflicting changes to write, and the
        conflicts. Both sides changing a field to the same value is no conflict.
    """
    names = labels or {}
    merged = {**base, **theirs}
    to_write: dict[str, Any] = {}
    conflicts: list[FieldConflict] = []
    for column, my_value in mine.items():
        base_value = base.get(column)
        their_value = theirs.get(column, base_value)
        if my_value in (base_value, their_value):
            continue  # I did not change it, or we agree
        if their_value == base_value:
            to_write[column] = my_value
            merged[column] = my_value
            continue
        conflicts.append(
            FieldConflict(column, names.get(column, column), base_value, my_value, their_value)
        )
    position = {column: index for index, column in enumerate(order or ())}
    conflicts.sort(key=lambda c: (position.get(c.column, len(position)), c.column))
    return MergeResult(merged, to_write, conflicts)


def how_long_ago(at: datetime, now: datetime) -> str:
    """A change's age as a person says it: "just now", "2 min ago", "3 h ago", "on 2025-01-31".

    Naive datetimes are taken as UTC, as the change log stores them.
    """
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    seconds = (now - at).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"on {at.date().isoformat()}"
