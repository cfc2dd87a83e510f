"""Arrow-key moves on a drawn org chart, as a pure function of the layout.

* up: the manager (a root stays put).
* down: the first report as drawn; on a stacked report with no reports, the next box
  down the stack (the box visibly below it); otherwise stay.
* left/right: the previous/next sibling in drawing order (stacks read top to bottom;
  roots are each other's siblings); stepping from a beside-the-stack sibling into a
  stack lands on the stacked box nearest its row. Past the first/last sibling, the
  nearest box on the same level in that direction: the least columns away, then the
  fewest rows, then drawing order. With nothing there, stay.
"""

from __future__ import annotations

from typing import Literal

from acctmap_tui.orgchart.layout import OrgChartLayout

Direction = Literal["up", "down", "left", "right"]


def move(layout: OrgChartLayout, key: str, direction: Direction) -> str:
    """The key focused after pressing ``direction`` on ``key``.

    An unknown key moves to the first root, so a stale focus recovers; an empty chart
    returns ``key`` unchanged.
    """
    if key not in layout.boxes:
        return layout.roots[0] if layout.roots else key
    if direction == "up":
        return layout.manager[key] or key
    if direction == "down":
        reports = layout.reports[key]
        if reports:
            return reports[0]
        siblings = layout.siblings(key)
        index = siblings.index(key)
        if layout.boxes[key].stacked and index + 1 < len(siblings):
            below = siblings[index + 1]
            return below if layout.boxes[below].stacked else key
        return key
    step = 1 if direction == "right" else -1
    siblings = layout.siblings(key)
    index = siblings.index(key) + step
    if 0 <= index < len(siblings):
        target = siblings[index]
        if layout.boxes[target].stacked and not layout.boxes[key].stacked:
            return _level_with(layout, key, [k for k in siblings if layout.boxes[k].stacked])
        return target
    return _nearest_on_level(layout, key, step)


def _level_with(layout: OrgChartLayout, key: str, stack: list[str]) -> str:
    """The box of ``stack`` closest to ``key``'s row: stepping sideways into a stack."""
    here = layout.boxes[key].y
    return min(stack, key=lambda other: (abs(layout.boxes[other].y - here), layout.order[other]))


def _nearest_on_level(layout: OrgChartLayout, key: str, step: int) -> str:
    here = layout.boxes[key]
    best: tuple[int, int, int] | None = None
    best_key = key
    for other in layout.boxes.values():
        if other.depth != here.depth:
            continue
        columns = (other.x - here.x) * step
        if columns <= 0:
            continue
        rank = (columns, abs(other.y - here.y), layout.order[other.key])
        if best is None or rank < best:
            best, best_key = rank, other.key
    return best_key
