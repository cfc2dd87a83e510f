"""The ASCII org chart: a pure, deterministic text layout and arrow-key navigation.

Nothing here imports Textual, so the CLI can print the chart and tests can pin its
exact text; ``acctmap_tui.widgets.org_chart`` draws the same layout in the TUI.
"""

from __future__ import annotations

from acctmap_tui.orgchart.layout import (
    OrgBox,
    OrgChartLayout,
    OrgMark,
    layout_org,
    render_org_chart,
)
from acctmap_tui.orgchart.marks import (
    NOT_MET,
    ROLE_BADGES,
    SENTIMENT_MARKS,
    VACANT,
    legend,
    legend_lines,
    needs_ascii,
)
from acctmap_tui.orgchart.model import OrgChartOptions, OrgPerson
from acctmap_tui.orgchart.navigation import Direction, move

__all__ = [
    "NOT_MET",
    "ROLE_BADGES",
    "SENTIMENT_MARKS",
    "VACANT",
    "Direction",
    "OrgBox",
    "OrgChartLayout",
    "OrgChartOptions",
    "OrgMark",
    "OrgPerson",
    "layout_org",
    "legend",
    "legend_lines",
    "move",
    "needs_ascii",
    "render_org_chart",
]
