"""The org chart in the TUI: the pure text layout drawn with the line API, walked by arrows.

``acctmap_tui.orgchart`` lays the chart out once per change of data; this widget only
crops the visible window out of those lines and colours it, so scrolling and moving the
focus repaint just the rows on screen. Every mark is already text in the layout, so the
colours here add to the meaning and never carry it alone (``NO_COLOR`` loses nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from acctmap_tui.orgchart.layout import OrgBox, OrgChartLayout, OrgMark, layout_org
from acctmap_tui.orgchart.model import OrgChartOptions, OrgPerson
from acctmap_tui.orgchart.navigation import Direction, move

_MARK_CLASSES = {
    "role:economic_buyer": "org-chart--role-economic-buyer",
    "role:champion": "org-chart--role-champion",
    "role:blocker": "org-chart--role-blocker",
    "sentiment:strong_supporter": "org-chart--sentiment-positive",
    "sentiment:supporter": "org-chart--sentiment-positive",
    "sentiment:neutral": "org-chart--sentiment-neutral",
    "sentiment:detractor": "org-chart--sentiment-negative",
    "sentiment:blocker": "org-chart--sentiment-negative",
    "not-met": "org-chart--not-met",
    "vacant": "org-chart--vacant",
    "dotted": "org-chart--dotted",
}
"""Component class for each kind of layout mark; other roles share ``org-chart--role``."""


def _mark_class(kind: str) -> str:
    return _MARK_CLASSES.get(kind, "org-chart--role")


class OrgChart(ScrollView, can_focus=True):
    """A scrollable org chart with a focused box that the arrow keys move along the tree.

    Load it with ``set_people``; it posts ``Focused`` when the focus moves and
    ``EditRequested`` on Enter, and the app opens the form.
    """

    DEFAULT_CSS = """
    OrgChart {
        background: $surface;
    }
    OrgChart > .org-chart--focused {
        text-style: reverse;
    }
    OrgChart > .org-chart--path {
        color: $accent;
        text-style: bold;
    }
    OrgChart > .org-chart--role {
        text-style: bold;
    }
    OrgChart > .org-chart--role-economic-buyer {
        color: $warning;
        text-style: bold;
    }
    OrgChart > .org-chart--role-champion {
        color: $success;
        text-style: bold;
    }
    OrgChart > .org-chart--role-blocker {
        color: $error;
        text-style: bold;
    }
    OrgChart > .org-chart--sentiment-positive {
        color: $success;
    }
    OrgChart > .org-chart--sentiment-neutral {
        color: $text-muted;
    }
    OrgChart > .org-chart--sentiment-negative {
        color: $error;
    }
    OrgChart > .org-chart--not-met {
        color: $warning;
        text-style: italic;
    }
    OrgChart > .org-chart--vacant {
        color: $text-muted;
        text-style: italic;
    }
    OrgChart > .org-chart--dotted {
        color: $text-muted;
    }
    """

    COMPONENT_CLASSES = {
        "org-chart--focused",
        "org-chart--path",
        "org-chart--role",
        "org-chart--role-economic-buyer",
        "org-chart--role-champion",
        "org-chart--role-blocker",
        "org-chart--sentiment-positive",
        "org-chart--sentiment-neutral",
        "org-chart--sentiment-negative",
        "org-chart--not-met",
        "org-chart--vacant",
        "org-chart--dotted",
    }

    BINDINGS = [
        Binding("up", "move('up')", "Manager", show=False, id="org-chart.up"),
        Binding("down", "move('down')", "First report", show=False, id="org-chart.down"),
        Binding("left", "move('left')", "Previous sibling", show=False, id="org-chart.left"),
        Binding("right", "move('right')", "Next sibling", show=False, id="org-chart.right"),
        Binding("enter", "edit", "Edit contact", id="org-chart.edit"),
    ]

    focused_key: reactive[str | None] = reactive(None, init=False, repaint=False)
    """Key of the person whose box has the focus (``None`` only for an empty chart)."""

    @dataclass
    class Focused(Message):
        """The focus moved to another box."""

        chart: OrgChart
        key: str

        @property
        def control(self) -> OrgChart:
            return self.chart

    @dataclass
    class EditRequested(Message):
        """Enter was pressed on a box: the app should open that contact's (or seat's) form."""

        chart: OrgChart
        key: str

        @property
        def control(self) -> OrgChart:
            return self.chart

    def __init__(
        self,
        people: Iterable[OrgPerson] = (),
        *,
        highlight: Iterable[str] = (),
        options: OrgChartOptions | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._options = options or OrgChartOptions()
        self._chart: OrgChartLayout = layout_org((), self._options)
        self._boxes_by_row: list[list[OrgBox]] = []
        self._marks_by_row: list[list[OrgMark]] = []
        self._rich_component_styles: dict[str, Style] = {}
        self._paint: tuple[Style, int] | None = None
        """The base style and width for the lines of the paint under way."""
        self.set_people(people, highlight=highlight)

    @property
    def chart_layout(self) -> OrgChartLayout:
        """The layout on screen (its ``text()`` is what the CLI would print)."""
        return self._chart

    def set_people(self, people: Iterable[OrgPerson], highlight: Iterable[str] = ()) -> None:
        """Draw ``people``, with the boxes of ``highlight`` marked as on the chosen path.

        The focus stays on the same key when it is still drawn, else moves to its
        nearest manager that is, else to the first root.
        """
        previous = self._chart
        options = replace(self._options, highlight=frozenset(highlight))
        layout = layout_org(people, options)
        self._options, self._chart = options, layout
        self._boxes_by_row = [[] for _ in range(layout.height)]
        self._marks_by_row = [[] for _ in range(layout.height)]
        for box in layout.boxes.values():
            for row in range(box.y, box.y + box.height):
                self._boxes_by_row[row].append(box)
        for mark in layout.marks:
            self._marks_by_row[mark.y].append(mark)
        self.virtual_size = Size(layout.width, layout.height)

        keep = self.focused_key
        while keep is not None and keep not in layout.boxes:
            keep = previous.manager.get(keep)
        if keep is None and layout.roots:
            keep = layout.roots[0]
        if keep == self.focused_key:
            self.refresh()
        else:
            self.focused_key = keep
        # The new virtual size limits scrolling only after the next refresh.
        self.call_after_refresh(self._reveal_focus)

    def watch_focused_key(self, old: str | None, key: str | None) -> None:
        before = self.scroll_offset
        self._reveal_focus()
        if self.scroll_offset == before:  # a scroll repaints everything anyway
            self._refresh_rows(old, key)
        if key is not None:
            self.post_message(self.Focused(self, key))

    def _refresh_rows(self, *keys: str | None) -> None:
        """Repaint only the rows of these boxes: a move repaints two boxes, not the view."""
        scroll_y, width = self.scroll_offset.y, self.size.width
        regions = [
            Region(0, box.y - scroll_y, width, box.height)
            for key in keys
            if (box := self._chart.boxes.get(key or "")) is not None
        ]
        if regions:
            self.refresh(*regions)

    def on_resize(self) -> None:
        self._reveal_focus()

    def _reveal_focus(self) -> None:
        box = self._chart.boxes.get(self.focused_key or "")
        if box is None or not self.is_mounted or not self.size.area:
            return  # hidden (e.g. in a switched-off tab): a resize reveals it when shown
        self.scroll_to_region(
            Region(box.x, box.y, box.width, box.height), animate=False, immediate=True
        )

    def action_move(self, direction: Direction) -> None:
        """Move the focus along the tree (see ``acctmap_tui.orgchart.navigation``)."""
        if self.focused_key is not None:
            self.focused_key = move(self._chart, self.focused_key, direction)

    def action_edit(self) -> None:
        """Ask the app to edit the focused contact."""
        if self.focused_key is not None:
            self.post_message(self.EditRequested(self, self.focused_key))

    def render_lines(self, crop: Region) -> list[Strip]:
        # Looking up the widget's style costs more than drawing a line: do it once a paint.
        self._paint = (self.rich_style, self.scrollable_content_region.width)
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        base, width = self._paint or (self.rich_style, self.scrollable_content_region.width)
        if row >= self._chart.height:
            return Strip.blank(width, base)
        left, right = scroll_x, scroll_x + width
        line = self._chart.lines[row]
        if row in self._chart.wide_rows:
            strip = Strip([Segment(line, base)]).crop_extend(left, right, base)
        else:  # one character per cell: slice instead of measuring a long line
            text = line[left:right]
            strip = Strip([Segment(text + " " * (width - len(text)), base)], width)
        spans = self._spans(row, left, right)
        if not spans:
            return strip
        cuts = sorted({edge - left for start, end, _ in spans for edge in (start, end)} | {width})
        pieces: list[Strip] = []
        start = 0
        for piece, cut in zip(strip.divide(cuts), cuts, strict=True):
            styles = [s for a, b, s in spans if a - left <= start < b - left]
            if styles:
                piece = Strip(Segment.apply_style(piece, post_style=Style.combine(styles)))
            pieces.append(piece)
            start = cut
        return Strip.join(pieces)

    def _spans(self, row: int, left: int, right: int) -> list[tuple[int, int, Style]]:
        """Styled cell ranges on ``row`` within [left, right): path, marks, then focus."""
        spans: list[tuple[int, int, Style]] = []
        highlight = self._options.highlight
        focused: OrgBox | None = None
        for box in self._boxes_by_row[row]:
            if box.x >= right or box.x + box.width <= left:
                continue
            if box.key in highlight:
                spans.append((box.x, box.x + box.width, self._style("org-chart--path")))
            if box.key == self.focused_key:
                focused = box
        for mark in self._marks_by_row[row]:
            if mark.x < right and mark.x + mark.length > left:
                style = self._style(_mark_class(mark.kind))
                spans.append((mark.x, mark.x + mark.length, style))
        if focused is not None:
            spans.append((focused.x, focused.x + focused.width, self._style("org-chart--focused")))
        return [(max(a, left), min(b, right), style) for a, b, style in spans]

    def _style(self, component: str) -> Style:
        # Textual drops its own style cache on every refresh; these change only with CSS.
        style = self._rich_component_styles.get(component)
        if style is None:
            style = self._rich_component_styles[component] = self.get_component_rich_style(
                component, partial=True
            )
        return style

    def notify_style_update(self) -> None:
        self._rich_component_styles = {}
        super().notify_style_update()
