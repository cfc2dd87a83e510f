"""Rules of an account's reporting lines, as pure functions over ids.

The org chart draws reports-to lines as a tree and dotted lines beside it; a cycle
in either (Ann reports to Bob who reports to Ann) has no top and cannot be drawn or
walked. The form checks these rules as you type and the store checks them again,
because imports and the CLI write contacts without any form.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from acctmap_tui.errors import AcctmapError

ARROW = " → "

ReportingLines = Mapping[int, tuple[int | None, int | None]]
"""Each contact's (reports-to id, dotted-line manager id)."""


class ReportingCycleError(AcctmapError):
    """A reporting line would close a cycle; its text names the people on it."""

    def __init__(self, field: str, cycle: tuple[int, ...], names: Mapping[int, str]) -> None:
        self.field = field
        """The label of the field that would close the cycle."""
        self.cycle = cycle
        """Contact ids from the edited contact round to itself."""
        super().__init__(describe_cycle(field, cycle, names))


@dataclass(frozen=True)
class ProposedLines:
    """The reporting lines a contact would have after an edit."""

    contact_id: int
    reports_to_id: int | None
    dotted_line_to_id: int | None


def _managers(lines: ReportingLines, contact_id: int) -> tuple[int, ...]:
    solid, dotted = lines.get(contact_id, (None, None))
    return tuple(manager for manager in (solid, dotted) if manager is not None)


def find_cycle(contact_id: int, manager_id: int, lines: ReportingLines) -> tuple[int, ...] | None:
    """The shortest cycle a line from ``contact_id`` up to ``manager_id`` would close.

    Both solid and dotted lines count: following either upwards must never lead
    back to where it started. Returns the ids from ``contact_id`` round to itself
    (``(7, 7)`` for a contact made its own manager), or ``None`` if there is none.
    ``lines`` should already hold the contact's other proposed line, so a save
    changing both is checked as a whole.
    """
    if manager_id == contact_id:
        return (contact_id, contact_id)
    came_from: dict[int, int | None] = {manager_id: None}
    queue = deque([manager_id])
    while queue:
        current = queue.popleft()
        for manager in _managers(lines, current):
            if manager in came_from:
                continue
            came_from[manager] = current
            if manager == contact_id:
                path = [manager]
                step: int | None = current
                while step is not None:
                    path.append(step)
                    step = came_from[step]
                return (contact_id, *reversed(path))
            queue.append(manager)
    return None


def describe_cycle(field: str, cycle: tuple[int, ...], names: Mapping[int, str]) -> str:
    """``Reports to: Ann Lee → Bob Roy → Ann Lee would be a cycle``."""
    people = ARROW.join(names.get(contact_id, f"contact {contact_id}") for contact_id in cycle)
    if len(cycle) == 2 and cycle[0] == cycle[1]:
        return f"{field}: {people} would be a cycle (nobody reports to themselves)"
    return f"{field}: {people} would be a cycle"


REPORTS_TO_LABEL = "Reports to"
DOTTED_LINE_LABEL = "Dotted-line manager"


def check_reporting_lines(
    proposed: ProposedLines, lines: ReportingLines, names: Mapping[int, str]
) -> None:
    """Refuse the proposed lines if either would close a cycle.

    ``lines`` are everyone's current lines; the proposed contact's entry is
    replaced by the proposal before checking.

    Raises:
        ReportingCycleError: naming the field and the people on the cycle.
    """
    merged = dict(lines)
    merged[proposed.contact_id] = (proposed.reports_to_id, proposed.dotted_line_to_id)
    for label, manager_id in (
        (REPORTS_TO_LABEL, proposed.reports_to_id),
        (DOTTED_LINE_LABEL, proposed.dotted_line_to_id),
    ):
        if manager_id is None:
            continue
        cycle = find_cycle(proposed.contact_id, manager_id, merged)
        if cycle is not None:
            raise ReportingCycleError(label, cycle, names)


def reports_of(contact_id: int, lines: ReportingLines) -> list[int]:
    """The contacts whose solid line goes to ``contact_id``, by id."""
    return sorted(other for other, (solid, _) in lines.items() if solid == contact_id)


def dotted_reports_of(contact_id: int, lines: ReportingLines) -> list[int]:
    """The contacts whose dotted line goes to ``contact_id``, by id."""
    return sorted(other for other, (_, dotted) in lines.items() if dotted == contact_id)
