"""Turning placed boxes and connector lines into lines of text.

Each row is assembled from the pieces that fall on it (box rows, line runs), sorted by
column, so the cost follows the number of boxes rather than the chart's area: a
1,000-person org is thousands of columns wide and mostly blank.
"""

from __future__ import annotations

from dataclasses import dataclass

from acctmap_tui.orgchart.marks import (
    DOWN,
    LEFT,
    NOT_MET,
    RIGHT,
    ROLE_BADGES,
    SENTIMENT_MARKS,
    UP,
    VACANT,
    BorderGlyphs,
    GlyphSet,
    glyphs,
)
from acctmap_tui.orgchart.model import OrgBox, OrgChartOptions, OrgMark, OrgPerson
from acctmap_tui.orgchart.text import clean, fit


@dataclass(frozen=True, slots=True)
class Bus:
    """The line under a manager: from its joint across to each report's anchor."""

    y: int
    joint: int
    anchors: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Spine:
    """The vertical line down a stack, joining each stacked box at its name row."""

    x: int
    first_row: int
    joins: tuple[int, ...]
    """Rows where a box hangs off the spine, top to bottom; the spine ends at the last."""


@dataclass(frozen=True, slots=True)
class Drawing:
    lines: list[str]
    marks: tuple[OrgMark, ...]
    wide_rows: frozenset[int]


_Piece = tuple[int, str, int]
"""Column, text, and the cells the text takes."""


def draw_chart(
    boxes: dict[str, OrgBox],
    people: dict[str, OrgPerson],
    dotted_names: dict[str, str],
    joints: dict[str, int],
    buses: list[Bus],
    spines: list[Spine],
    options: OrgChartOptions,
    *,
    has_dotted: bool,
    has_manager: set[str],
) -> Drawing:
    """The chart's lines, marks and wide rows.

    ``joints`` holds the column where each manager's line leaves its bottom border;
    ``has_manager`` the keys drawn beside their siblings under a manager (a tee on top).
    """
    drawn = glyphs(options.ascii)
    height = max((box.y + box.height for box in boxes.values()), default=0)
    rows: list[list[_Piece]] = [[] for _ in range(height)]
    marks: list[OrgMark] = []
    wide_rows: set[int] = set()
    rules: dict[tuple[str, str, str, int, int], str] = {}

    def rule(left: str, fill: str, right: str, tee: str, at: int) -> str:
        key = (left, fill, right, tee, at)
        text = rules.get(key)
        if text is None:
            inner = fill * (options.box_width - 2)
            if at > 0:
                inner = inner[: at - 1] + tee + inner[at:]
            text = rules[key] = left + inner + right
        return text

    width = options.box_width
    for key, box in boxes.items():
        person = people[key]
        border = _border(drawn, person, key in options.highlight)
        top_tee = width // 2 if key in has_manager else 0
        bottom_tee = joints[key] - box.x if key in joints else 0
        rows[box.y].append(
            (
                box.x,
                rule(border.top_left, border.horizontal, border.top_right, border.tee_up, top_tee),
                width,
            )
        )
        texts, box_marks = _box_text(
            person, dotted_names.get(key), has_dotted, box, drawn, options.ascii
        )
        marks.extend(box_marks)
        for offset, (text, wide) in enumerate(texts, start=1):
            left = border.tee_left if offset == 1 and box.stacked else border.vertical
            rows[box.y + offset].append((box.x, f"{left} {text} {border.vertical}", width))
            if wide:
                wide_rows.add(box.y + offset)
        rows[box.y + box.height - 1].append(
            (
                box.x,
                rule(
                    border.bottom_left,
                    border.horizontal,
                    border.bottom_right,
                    border.tee_down,
                    bottom_tee,
                ),
                width,
            )
        )

    connectors = drawn.connectors
    for bus in buses:
        low, high = min(bus.joint, *bus.anchors), max(bus.joint, *bus.anchors)
        run = [connectors[LEFT | RIGHT]] * (high - low + 1)
        for x in {bus.joint, *bus.anchors}:
            mask = (UP if x == bus.joint else 0) | (DOWN if x in bus.anchors else 0)
            mask |= (LEFT if x > low else 0) | (RIGHT if x < high else 0)
            run[x - low] = connectors[mask]
        rows[bus.y].append((low, "".join(run), high - low + 1))
    vertical, join, end = (
        connectors[UP | DOWN],
        connectors[UP | DOWN | RIGHT],
        connectors[UP | RIGHT],
    )
    for spine in spines:
        last = spine.joins[-1]
        joins = set(spine.joins)
        for y in range(spine.first_row, last):
            rows[y].append((spine.x, join if y in joins else vertical, 1))
        rows[last].append((spine.x, end, 1))

    lines = []
    for pieces in rows:
        pieces.sort()
        out: list[str] = []
        at = 0
        for x, text, cells in pieces:
            out.append(" " * (x - at))
            out.append(text)
            at = x + cells
        lines.append("".join(out))
    return Drawing(lines, tuple(marks), frozenset(wide_rows))


_ROLE_PARTS = {role: (badge, f"role:{role.value}") for role, badge in ROLE_BADGES.items()}
_SENTIMENT_PARTS = {
    sentiment: (mark, f"sentiment:{sentiment.value}") for sentiment, mark in SENTIMENT_MARKS.items()
}


def _border(drawn: GlyphSet, person: OrgPerson, highlighted: bool) -> BorderGlyphs:
    if highlighted:
        return drawn.highlighted
    return drawn.vacant if person.vacant else drawn.solid


def _box_text(
    person: OrgPerson,
    dotted_name: str | None,
    has_dotted: bool,
    box: OrgBox,
    drawn: GlyphSet,
    ascii: bool,
) -> tuple[list[tuple[str, bool]], list[OrgMark]]:
    """The text inside the box's borders, line by line, and where its marks are."""
    inner = box.width - 4
    parts: list[tuple[str, str]] = []
    if person.role is not None:
        parts.append(_ROLE_PARTS[person.role])
    if person.sentiment is not None:
        parts.append(_SENTIMENT_PARTS[person.sentiment])
    if person.vacant:
        parts.append((VACANT, "vacant"))
    elif not person.met:
        parts.append((NOT_MET, "not-met"))
    marks: list[OrgMark] = []
    column = 0
    for text, kind in parts:
        if column + len(text) > inner:
            break
        marks.append(OrgMark(box.x + 2 + column, box.y + 3, len(text), kind))
        column += len(text) + 1
    ellipsis = drawn.ellipsis
    lines = [
        fit(clean(person.name, ascii) or "?", inner, ellipsis),
        fit(clean(person.title or "", ascii), inner, ellipsis),
        fit(" ".join(text for text, _ in parts), inner, ellipsis),
    ]
    if has_dotted:
        if dotted_name is not None:
            lines.append(fit(drawn.dotted_prefix + clean(dotted_name, ascii), inner, ellipsis))
            prefix = len(drawn.dotted_prefix.rstrip())
            marks.append(OrgMark(box.x + 2, box.y + 4, prefix, "dotted"))
        else:
            lines.append((" " * inner, False))
    return lines, marks
