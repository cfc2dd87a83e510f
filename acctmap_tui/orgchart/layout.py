"""The org chart as text: reports-to trees drawn top-down in boxes, a pure function.

``layout_org`` takes the people and the options and returns the lines to print plus
where each box sits and the tree it was drawn from, so the widget can colour boxes and
``navigation.move`` can walk the tree without drawing anything.

How the tree is drawn:

* Each manager is centred over its reports; neighbouring subtrees are ``gap`` columns
  apart, and several roots stand side by side.
* Reports with no reports of their own are stacked in one column under their manager
  (once there are ``stack_leaves_from`` of them), ahead of the reports who manage
  others, so a span of 40 is one column, not 40.
* Every box has the same size: name, title, a line of marks (role badge, sentiment,
  not met, vacant) and, when anyone has one, a line naming the dotted-line manager.
* Bad data never fails the drawing: a manager who is not among the people, or a
  reports-to cycle, makes the person a root (in a cycle, the first of its members by
  name then key). Duplicate keys keep the first person.
* Ties are broken by name (case-insensitive), then name, then key: the same input
  always gives the same text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from acctmap_tui.orgchart.draw import Bus, Spine, draw_chart
from acctmap_tui.orgchart.model import OrgBox, OrgChartOptions, OrgMark, OrgPerson
from acctmap_tui.orgchart.text import short_name

__all__ = ["OrgBox", "OrgChartLayout", "OrgMark", "layout_org", "render_org_chart"]

BOX_TEXT_LINES = 3
"""Name, title and marks; a fourth line for the dotted-line manager when needed."""


@dataclass(frozen=True)
class OrgChartLayout:
    """The drawn chart, its boxes and the tree the boxes were drawn from."""

    lines: list[str]
    """The chart, trailing spaces removed."""
    width: int
    height: int
    boxes: dict[str, OrgBox]
    roots: tuple[str, ...]
    """Root keys, left to right."""
    manager: dict[str, str | None]
    """Each key's manager as drawn (``None`` for roots, after repairing bad data)."""
    reports: dict[str, tuple[str, ...]]
    """Each key's reports in drawing order: stacked ones first, top to bottom."""
    order: dict[str, int]
    """Each key's place in a depth-first walk of the drawing, for stable tie-breaks."""
    marks: tuple[OrgMark, ...]
    options: OrgChartOptions
    wide_rows: frozenset[int] = frozenset()
    """Rows holding a double-width character; on every other row a character is a cell,
    so a viewer can slice the line by columns without measuring it."""

    def text(self) -> str:
        """The chart as one string, for stdout and documents."""
        return "\n".join(self.lines)

    def siblings(self, key: str) -> tuple[str, ...]:
        """``key`` and its siblings in drawing order (the roots, for a root)."""
        boss = self.manager[key]
        return self.roots if boss is None else self.reports[boss]


def _sort_key(person: OrgPerson) -> tuple[str, str, str]:
    return (person.name.casefold(), person.name, person.key)


def _managers(people: dict[str, OrgPerson]) -> dict[str, str | None]:
    """Each person's manager, with unknown managers and reports-to cycles cut."""
    manager = {
        key: person.manager if person.manager in people and person.manager != key else None
        for key, person in people.items()
    }
    walking, done = 1, 2
    state: dict[str, int] = {}
    for start in people:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in state:
            state[node] = walking
            path.append(node)
            node = manager[node]
        if node is not None and state[node] == walking:
            cycle = path[path.index(node) :]
            manager[min(cycle, key=lambda k: _sort_key(people[k]))] = None
        for visited in path:
            state[visited] = done
    return manager


@dataclass(slots=True)
class _Slot:
    """One column group under a manager: a single report's subtree, or a stack of leaves."""

    keys: tuple[str, ...]
    stacked: bool
    offset: int = 0
    """Columns from the manager's region's left edge."""


def _slots(reports: list[str], children: dict[str, list[str]], stack_from: int) -> list[_Slot]:
    leaves = [key for key in reports if not children[key]]
    if stack_from and len(leaves) >= stack_from:
        branches = [key for key in reports if children[key]]
        return [_Slot(tuple(leaves), True), *(_Slot((key,), False) for key in branches)]
    return [_Slot((key,), False) for key in reports]


def layout_org(
    people: Iterable[OrgPerson], options: OrgChartOptions | None = None
) -> OrgChartLayout:
    """Draw the reports-to trees of ``people``; see the module docstring for the rules."""
    options = options or OrgChartOptions()
    by_key: dict[str, OrgPerson] = {}
    for person in people:
        by_key.setdefault(person.key, person)
    ordered = sorted(by_key, key=lambda key: _sort_key(by_key[key]))
    manager = _managers({key: by_key[key] for key in ordered})
    children: dict[str, list[str]] = {key: [] for key in ordered}
    roots: list[str] = []
    for key in ordered:
        boss = manager[key]
        (roots if boss is None else children[boss]).append(key)

    box_width, gap = options.box_width, options.gap
    slots = {key: _slots(children[key], children, options.stack_leaves_from) for key in ordered}

    # Depth-first order of the drawing (roots left to right, stacked reports first).
    walk: list[str] = []
    pending = list(reversed(roots))
    depth: dict[str, int] = dict.fromkeys(roots, 0)
    while pending:
        key = pending.pop()
        walk.append(key)
        drawn_reports = [k for slot in slots[key] for k in slot.keys]
        for report in drawn_reports:
            depth[report] = depth[key] + 1
        pending.extend(reversed(drawn_reports))

    # Bottom-up: each subtree's width, where its box and its line to the manager sit.
    width: dict[str, int] = {}
    box_offset: dict[str, int] = {}
    joint_offset: dict[str, int] = {}
    for key in reversed(walk):
        key_slots = slots[key]
        if not key_slots:
            width[key], box_offset[key] = box_width, 0
            continue
        offset, anchors = 0, []
        for slot in key_slots:
            slot.offset = offset
            if slot.stacked:
                anchors.append(offset + 1)
                offset += box_width + 2 + gap
            else:
                (report,) = slot.keys
                anchors.append(offset + box_offset[report] + box_width // 2)
                offset += width[report] + gap
        total = max(box_width, offset - gap)
        centre = (anchors[0] + anchors[-1]) // 2
        nearest = min(anchors, key=lambda anchor: (abs(anchor - centre), anchor))
        if abs(nearest - centre) <= 2:
            centre = nearest  # a straight line down, not a jog of one or two columns
        box_x = min(max(centre - box_width // 2, 0), total - box_width)
        width[key], box_offset[key] = total, box_x
        joint_offset[key] = min(max(centre, box_x + 1), box_x + box_width - 2)

    # A dotted-line manager is named in the box unless unknown, the solid manager or self;
    # shortened ("C. Dunn") so each person's full name appears once, in their own box.
    dotted_names = {
        key: short_name(by_key[dotted].name)
        for key in ordered
        if (dotted := by_key[key].dotted_manager) in by_key and dotted not in (manager[key], key)
    }
    has_dotted = bool(dotted_names)
    height = 2 + BOX_TEXT_LINES + (1 if has_dotted else 0)
    level = height + 1

    # Top-down: absolute positions.
    region: dict[str, int] = {}
    left = 0
    for root in roots:
        region[root] = left
        left += width[root] + gap
    boxes: dict[str, OrgBox] = {}
    for key in walk:
        if key not in region:
            continue  # a stacked leaf, placed with its stack
        x0 = region[key]
        boxes[key] = OrgBox(
            key, x0 + box_offset[key], depth[key] * level, box_width, height, depth[key], False
        )
        for slot in slots[key]:
            if slot.stacked:
                for index, leaf in enumerate(slot.keys):
                    y = (depth[key] + 1) * level + index * height
                    boxes[leaf] = OrgBox(
                        leaf, x0 + slot.offset + 2, y, box_width, height, depth[leaf], True
                    )
            else:
                region[slot.keys[0]] = x0 + slot.offset

    # Lines: under each manager a bus to its reports; down each stack a spine.
    joints: dict[str, int] = {}
    buses: list[Bus] = []
    spines: list[Spine] = []
    beside: set[str] = set()
    for key in walk:
        if not slots[key]:
            continue
        x0, bus_y = region[key], boxes[key].y + height
        joints[key] = x0 + joint_offset[key]
        anchors = []
        for slot in slots[key]:
            if slot.stacked:
                spine = x0 + slot.offset + 1
                anchors.append(spine)
                joins = tuple(boxes[leaf].y + 1 for leaf in slot.keys)
                spines.append(Spine(spine, bus_y + 1, joins))
            else:
                report = boxes[slot.keys[0]]
                anchors.append(report.x + box_width // 2)
                beside.add(report.key)
        buses.append(Bus(bus_y, joints[key], tuple(anchors)))

    drawing = draw_chart(
        boxes,
        by_key,
        dotted_names,
        joints,
        buses,
        spines,
        options,
        has_dotted=has_dotted,
        has_manager=beside,
    )
    return OrgChartLayout(
        lines=drawing.lines,
        width=max((box.x + box.width for box in boxes.values()), default=0),
        height=len(drawing.lines),
        boxes=boxes,
        roots=tuple(roots),
        manager=manager,
        reports={key: tuple(k for slot in slots[key] for k in slot.keys) for key in ordered},
        order={key: index for index, key in enumerate(walk)},
        marks=drawing.marks,
        options=options,
        wide_rows=drawing.wide_rows,
    )


def render_org_chart(people: Iterable[OrgPerson], options: OrgChartOptions | None = None) -> str:
    """The chart as text, for the CLI and documents."""
    return layout_org(people, options).text()
