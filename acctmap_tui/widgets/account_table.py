"""A virtual table for the account map: renders only the lines on screen.

A DataTable builds a renderable per cell up front; at 10,000 accounts x 17 columns
that costs seconds. This widget keeps the rows as plain data and renders each
visible line on demand (Textual's line API), so loading, filtering and sorting cost
the same whatever the number of accounts. The first two columns (rank and name)
stay put while the rest scroll sideways.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from acctmap_tui.domain.account_map import COLUMNS, AccountMapRow, MapColumn

DEFAULT_COLUMNS: tuple[str, ...] = (
    "rank",
    "name",
    "tier",
    "expected_value",
    "stage",
    "owner",
    "health",
    "win_probability",
    "next_action",
    "key_contacts",
    "revenue_potential",
    "ideal_first_meeting",
    "value_proposition",
    "strategy",
    "last_reviewed",
    "fit_score",
    "priority_score",
    "target_type",
)
"""Most important first, so an 80-column terminal shows the columns that decide."""

FIXED_COLUMNS = 2
"""Rank and name stay visible while the other columns scroll sideways."""

GAP = 1

CURSOR_MARK = ">"
"""Drawn at the start of the cursor row (plain ASCII: every terminal has it)."""

LINE_CACHE_SIZE = 1000
"""Drawn lines kept: the page on screen and its neighbours many times over."""


def fit_cell(text: str, width: int, *, right: bool = False) -> str:
    """Exactly ``width`` cells: padded, or cut with an ellipsis; never wrapped."""
    text = " ".join(text.split())  # newlines in a strategy must not break the line
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else "…"[:width]
    padding = " " * (width - length)
    return padding + text if right else text + padding


class AccountTable(ScrollView, can_focus=True):
    """The ranked, filtered, sorted account map; the cursor row is the selected account."""

    BINDING_GROUP_TITLE = "Account table"

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """The rows and columns to scroll over; the table's own size never follows them.

    A new row count (every filter keystroke) would otherwise lay out and redraw the
    whole screen; :meth:`_update_virtual_size` updates the scrollbars instead.
    """

    COMPONENT_CLASSES = {
        "account-table--header",
        "account-table--header-sorted",
        "account-table--cursor",
        "account-table--tier-1",
        "account-table--flagged",
    }

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(-1)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("left", "scroll_columns(-1)", "Columns left", show=False),
        Binding("right", "scroll_columns(1)", "Columns right", show=False),
        Binding("enter", "select", "Edit", show=False, id="account-table.edit"),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False, repaint=False)
    """Index into the shown rows of the highlighted account."""

    @dataclass
    class Highlighted(Message):
        """The cursor moved to another account (``None`` when nothing is shown)."""

        table: AccountTable
        account_id: int | None

    @dataclass
    class Selected(Message):
        """Enter was pressed on an account."""

        table: AccountTable
        account_id: int

    @dataclass
    class HeaderClicked(Message):
        """A column header was clicked: sort by it."""

        table: AccountTable
        column_key: str

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: Sequence[AccountMapRow] = ()
        self._columns: list[MapColumn] = []
        self._line_cells = (0, 0)
        """Cells of the fixed columns and of the scrolling ones, gaps included."""
        self._show_columns([c for key in DEFAULT_COLUMNS for c in COLUMNS if c.key == key])
        self._sort_key: str = "rank"
        self._sort_descending = False
        self._line_cache: dict[tuple[int, bool, bool, int, int], Strip] = {}
        """Rendered lines by (account id, is cursor, focused, scroll x, width)."""
        self._warm_scheduled = False
        self._content: object | None = None
        """The token of the row values the cached lines were drawn from."""
        self._highlighted_id: int | None = None
        self._row_styles: dict[tuple[bool, bool, bool, bool], Style] = {}
        self._presence: Mapping[int, str] = {}
        """Who else is on each account (see :meth:`set_presence`)."""
        self._presence_mark = "*"

    # --- data ------------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[AccountMapRow]:
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def columns(self) -> list[MapColumn]:
        return list(self._columns)

    @property
    def cursor_account_id(self) -> int | None:
        if 0 <= self.cursor_row < len(self._rows):
            return self._rows[self.cursor_row].id
        return None

    def set_rows(
        self,
        rows: Sequence[AccountMapRow],
        *,
        keep_account_id: int | None = None,
        keep_screen_line: bool = False,
        sort_key: str | None = None,
        descending: bool | None = None,
        content: object | None = None,
    ) -> None:
        """Show these rows; the cursor stays on ``keep_account_id`` when it is among them.

        ``keep_screen_line``: that row also stays on the same line of the screen (a
        reload after someone else's change must not make the list jump).
        ``content``: a token that stays the same while the rows' values do (a new
        filter or sort of the same rows), so lines drawn before are drawn from cache;
        ``None`` means the values may have changed.
        """
        screen_line = self.cursor_row - round(self.scroll_y)
        self._rows = rows
        if sort_key is not None:
            self._sort_key = sort_key
        if descending is not None:
            self._sort_descending = descending
        if content is None or content is not self._content:
            self._line_cache.clear()
        self._content = content
        target = 0
        if keep_account_id is not None:
            for index, row in enumerate(rows):
                if row.id == keep_account_id:
                    target = index
                    break
        self._update_virtual_size()
        if keep_screen_line and target != self.cursor_row:
            self.scroll_to(y=max(target - screen_line, 0), animate=False, immediate=True)
        self.cursor_row = min(target, max(len(rows) - 1, 0))
        self.refresh()

    def set_columns(self, keys: Sequence[str]) -> None:
        """Show these columns in this order (rank and name are always first)."""
        by_key = {column.key: column for column in COLUMNS}
        ordered = ["rank", "name", *(key for key in keys if key not in ("rank", "name"))]
        self._show_columns([by_key[key] for key in ordered if key in by_key])
        self._line_cache.clear()
        self._update_virtual_size()
        self.refresh()

    def set_presence(self, users_by_account: Mapping[int, str], *, mark: str) -> None:
        """Mark the accounts other users are on (``mark`` before the name).

        The mark is a symbol, so it reads without colour; who it is shows in the
        tooltip of the cursor row and in the header.
        """
        if dict(users_by_account) == self._presence and mark == self._presence_mark:
            return
        self._presence = dict(users_by_account)
        self._presence_mark = mark
        self._line_cache.clear()
        self._update_tooltip()
        self.refresh()

    def presence_at(self, account_id: int | None) -> str | None:
        """Who else is on this account (``"ana, raj"``), if anyone."""
        return None if account_id is None else self._presence.get(account_id)

    def _update_tooltip(self) -> None:
        here = self.presence_at(self.cursor_account_id)
        tooltip = f"Also here: {here}" if here else None
        if self.tooltip != tooltip:
            self.tooltip = tooltip

    def _show_columns(self, columns: list[MapColumn]) -> None:
        self._columns = columns
        self._line_cells = (
            sum(c.width + GAP for c in columns[:FIXED_COLUMNS]),
            sum(c.width + GAP for c in columns[FIXED_COLUMNS:]),
        )

    def _update_virtual_size(self) -> None:
        size = Size(sum(self._line_cells), len(self._rows) + 1)
        if size != self.virtual_size:
            self.virtual_size = size
            # What a layout pass does for a scrolling widget whose size is unchanged:
            # show or hide the scrollbars, resize their thumbs, clamp the scroll.
            self._scroll_update(size)

    # --- cursor ------------------------------------------------------------------------

    def watch_cursor_row(self, old: int, new: int) -> None:
        clamped = min(max(new, 0), max(len(self._rows) - 1, 0))
        if clamped != new:
            self.cursor_row = clamped
            return
        self.refresh_row(old)
        self.refresh_row(new)
        self._scroll_cursor_into_view()
        account_id = self.cursor_account_id
        if account_id != self._highlighted_id:
            self._highlighted_id = account_id
            if self._presence:
                self._update_tooltip()
            self.post_message(self.Highlighted(self, account_id))

    def _scroll_cursor_into_view(self) -> None:
        body_height = max(self.scrollable_content_region.height - 1, 1)
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + body_height:
            self.scroll_to(y=self.cursor_row - body_height + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.cursor_row += delta

    def action_page(self, direction: int) -> None:
        page = max(self.scrollable_content_region.height - 2, 1)
        self.cursor_row += direction * page

    def action_edge(self, direction: int) -> None:
        self.cursor_row = 0 if direction < 0 else len(self._rows) - 1

    def action_scroll_columns(self, direction: int) -> None:
        scrolling = self._columns[FIXED_COLUMNS:]
        offsets = [0]
        for column in scrolling:
            offsets.append(offsets[-1] + column.width + GAP)
        current = round(self.scroll_x)
        if direction > 0:
            later = [offset for offset in offsets if offset > current]
            target = later[0] if later else current
        else:
            earlier = [offset for offset in offsets if offset < current]
            target = earlier[-1] if earlier else 0
        self.scroll_to(x=min(target, self.max_scroll_x), animate=False, immediate=True)

    def action_select(self) -> None:
        account_id = self.cursor_account_id
        if account_id is not None:
            self.post_message(self.Selected(self, account_id))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            key = self._column_at(event.x)
            if key is not None:
                self.post_message(self.HeaderClicked(self, key))
            return
        index = round(self.scroll_y) + event.y - 1
        if 0 <= index < len(self._rows):
            self.cursor_row = index
            if event.chain > 1:
                self.action_select()

    def _column_at(self, x: int) -> str | None:
        position = 0
        fixed = self._columns[:FIXED_COLUMNS]
        for column in fixed:
            if x < position + column.width + GAP:
                return column.key
            position += column.width + GAP
        x = x - position + round(self.scroll_x)
        position = 0
        for column in self._columns[FIXED_COLUMNS:]:
            if x < position + column.width + GAP:
                return column.key
            position += column.width + GAP
        return None

    # --- rendering -------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = round(self.scroll_x)
        if y == 0:
            # The whole table is being drawn (a scroll, new rows, focus, style, size):
            # once it is on screen, draw the neighbouring pages for the next page key.
            self._draw_ahead()
            return self._header_strip(scroll_x, width)
        index = round(self.scroll_y) + y - 1
        if index >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        return self._row_line(index, scroll_x, width)

    def _row_line(self, index: int, scroll_x: int, width: int) -> Strip:
        """The row's line, drawn once per cursor, focus, horizontal scroll and width."""
        row = self._rows[index]
        key = (row.id, index == self.cursor_row, self.has_focus, scroll_x, width)
        strip = self._line_cache.get(key)
        if strip is None:
            if len(self._line_cache) > LINE_CACHE_SIZE:
                self._line_cache.clear()
            strip = self._row_strip(row, index == self.cursor_row, scroll_x, width)
            self._line_cache[key] = strip
        return strip

    def _draw_ahead(self) -> None:
        """Once the screen is drawn, draw the neighbouring pages too (once per frame)."""
        if not self._warm_scheduled:
            self._warm_scheduled = True
            self.call_after_refresh(self._draw_neighbouring_pages)

    def _draw_neighbouring_pages(self) -> None:
        """Draw the pages above and below into the line cache, after this one is shown.

        Page down then finds its lines drawn: formatting a page of rows is a third of
        what a page-down frame costs, and here it is done while the user reads.
        """
        self._warm_scheduled = False
        body = max(self.scrollable_content_region.height - 1, 1)
        top = round(self.scroll_y)
        scroll_x, width = round(self.scroll_x), self.scrollable_content_region.width
        below = range(top + body, min(top + 2 * body, len(self._rows)))
        above = range(max(top - body, 0), min(top, len(self._rows)))
        if len(self._line_cache) + len(below) + len(above) > LINE_CACHE_SIZE:
            self._line_cache.clear()  # the lines on screen are drawn already
        for index in (*below, *above):
            self._row_line(index, scroll_x, width)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _compose_line(self, cells: list[str], style: Style, scroll_x: int, width: int) -> Strip:
        """One line: the fixed columns, then the others from ``scroll_x``, cut to ``width``.

        Cells are already padded to their widths, so for plain-width text (the common
        case) the visible part is a string slice: no per-segment cropping.
        """
        fixed = "".join(cells[:FIXED_COLUMNS])
        rest = "".join(cells[FIXED_COLUMNS:])
        # Cells are padded to exactly their columns' widths, so when the lengths in
        # characters match those widths every character is one cell (ASCII, "…", "—",
        # accented names) and the visible part is a plain slice.
        fixed_cells, rest_cells = self._line_cells
        if len(fixed) == fixed_cells and len(rest) == rest_cells:
            text = (fixed + rest[scroll_x:])[:width].ljust(width)
            return Strip([Segment(text, style)], width)
        fixed_width = cell_len(fixed)
        left = Strip([Segment(fixed, style)], fixed_width)
        right = Strip([Segment(rest, style)]).crop(scroll_x, scroll_x + max(width - fixed_width, 0))
        line = Strip.join([left, right])
        return line.extend_cell_length(width, style).crop(0, width)

    def _cells(self, row: AccountMapRow, scroll_x: int = 0, width: int | None = None) -> list[str]:
        """The row's cells; columns scrolled out of view are left blank, not formatted."""
        fixed = self._columns[:FIXED_COLUMNS]
        cells = [
            fit_cell(column.text(row), column.width, right=column.numeric) + " " * GAP
            for column in fixed
        ]
        visible = None if width is None else width - self._line_cells[0]
        position = 0  # where the column starts within the scrolling part
        for column in self._columns[FIXED_COLUMNS:]:
            span = column.width + GAP
            if visible is not None and (
                position + span <= scroll_x or position >= scroll_x + visible
            ):
                cells.append(" " * span)
            else:
                cells.append(
                    fit_cell(column.text(row), column.width, right=column.numeric) + " " * GAP
                )
            position += span
        return cells

    def _row_style(self, tier1: bool, flagged: bool, cursor: bool) -> Style:
        """The style of a row, looked up once per kind of row rather than per line."""
        key = (tier1, flagged, cursor, self.has_focus)
        style = self._row_styles.get(key)
        if style is None:
            style = self.rich_style
            if tier1:
                style += self.get_component_rich_style("account-table--tier-1")
            if flagged:
                style += self.get_component_rich_style("account-table--flagged")
            if cursor:
                # Reverse video reads as the cursor with or without colour; without
                # the focus the cursor is only underlined.
                style += (
                    self.get_component_rich_style("account-table--cursor")
                    if self.has_focus
                    else Style(underline=True)
                )
            self._row_styles[key] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._row_styles.clear()
        self._line_cache.clear()

    def _row_strip(self, row: AccountMapRow, is_cursor: bool, scroll_x: int, width: int) -> Strip:
        style = self._row_style(row.tier == 1, bool(row.stale or row.overdue_actions), is_cursor)
        cells = self._cells(row, scroll_x, width)
        if row.id in self._presence and self._columns[1].key == "name":
            name = self._columns[1]
            cells[1] = fit_cell(f"{self._presence_mark} {row.name}", name.width) + " " * GAP
        if is_cursor:
            # A mark as well as reverse video: the cursor reads the same in monochrome.
            cells[0] = CURSOR_MARK + cells[0][len(CURSOR_MARK) :]
        return self._compose_line(cells, style, scroll_x, width)

    def _header_strip(self, scroll_x: int, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("account-table--header")
        cells = []
        for column in self._columns:
            title = column.title
            if column.key == self._sort_key:
                title = f"{title} {'▼' if self._sort_descending else '▲'}"
            cells.append(fit_cell(title, column.width, right=column.numeric) + " " * GAP)
        return self._compose_line(cells, style, scroll_x, width)

    def refresh_row(self, index: int) -> None:
        """Repaint one account's line, if it is on screen."""
        line = index - round(self.scroll_y) + 1
        if 1 <= line < self.size.height:
            self.refresh(Region(0, line, self.size.width, 1))
