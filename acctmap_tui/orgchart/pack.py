"""Printing a chart within a width: whole root trees side by side, in bands.

A wide organisation (several top-level people, each with a broad tree) does not fit
an e-mail or a document. Instead of cutting boxes, the trees under each root are
laid out on their own and placed left to right while they fit, then in a new band
below. A tree wider than the width on its own is printed whole (it cannot be split
without breaking its lines).
"""

from __future__ import annotations

from collections.abc import Sequence

from acctmap_tui.orgchart.layout import OrgChartLayout, layout_org
from acctmap_tui.orgchart.model import OrgChartOptions, OrgPerson


def _trees(people: Sequence[OrgPerson], chart: OrgChartLayout) -> list[list[OrgPerson]]:
    """The people under each root of the whole chart, in the chart's order."""
    root_of: dict[str, str] = {}

    def root(key: str) -> str:
        path = []
        while key not in root_of and chart.manager.get(key) is not None:
            path.append(key)
            key = chart.manager[key]  # type: ignore[assignment]
        found = root_of.get(key, key)
        for step in path:
            root_of[step] = found
        root_of[key] = found
        return found

    trees: dict[str, list[OrgPerson]] = {key: [] for key in chart.roots}
    for person in people:
        if person.key in chart.boxes:
            trees[root(person.key)].append(person)
    return [trees[key] for key in chart.roots]


def render_within(
    people: Sequence[OrgPerson], options: OrgChartOptions | None = None, width: int | None = None
) -> str:
    """The chart as text, in bands of root trees no wider than ``width`` where possible."""
    options = options or OrgChartOptions()
    whole = layout_org(people, options)
    if width is None or whole.width <= width or len(whole.roots) < 2:
        return whole.text()
    bands: list[list[OrgChartLayout]] = [[]]
    used = 0
    for tree in _trees(people, whole):
        chart = layout_org(tree, options)
        needed = chart.width + (options.gap if bands[-1] else 0)
        if bands[-1] and used + needed > width:
            bands.append([])
            used, needed = 0, chart.width
        bands[-1].append(chart)
        used += needed
    return "\n\n".join(_side_by_side(band, options.gap) for band in bands)


def _side_by_side(charts: list[OrgChartLayout], gap: int) -> str:
    height = max(chart.height for chart in charts)
    rows = []
    for y in range(height):
        parts = [
            (chart.lines[y] if y < chart.height else "").ljust(chart.width) for chart in charts
        ]
        rows.append((" " * gap).join(parts).rstrip())
    return "\n".join(rows)
