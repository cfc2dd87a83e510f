"""The Pipeline tab: the forecast of the accounts the account table shows.

The view never reads the database: the main screen hands it the rows the account
table currently shows (after its filter) with :meth:`PipelineView.show_rows`, so the
forecast always covers exactly the accounts the seller is looking at. Summarising
10,000 rows takes a few tens of milliseconds, so it runs on the UI thread.

Each currency gets a section: the table (group, accounts, potential, weighted, total),
the won and lost totals, and a bar chart of the weighted pipeline per group. Bars are
characters (``█``, or ``#`` for ASCII terminals) with the amount written next to
each, so the chart reads the same without colour.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from acctmap_tui.domain.account_map import AccountMapRow
from acctmap_tui.domain.forecast import GROUPINGS, ForecastSummary, GroupBy, summarise
from acctmap_tui.domain.values import format_money
from acctmap_tui.interchange.forecast import accounts_phrase, closed_line, forecast_table

NO_ACCOUNTS_TEXT = "No accounts yet — run `acctmap demo`"
NO_MATCH_TEXT = "No accounts match the filter"
NO_OPEN_TEXT = "No open accounts."

GROUP_WIDTH = 24
"""Widest group label in the table and the chart; longer owner names end in "…"."""

MIN_SIDE_CHART_WIDTH = 56
"""The chart sits beside the table only when it gets at least this many columns;
at 80 columns the two stack."""

GUTTER = 4

TABLE_HEAD_LINES = 2
"""Lines between the table's title and its first row: the column heads and the rule."""


def coverage_line(shown: int, total_accounts: int, filter_label: str) -> str:
    """What the forecast covers: ``12 of 25 accounts — filter: Tier 1`` or ``all 25 accounts``."""
    if filter_label:
        return f"{shown:,} of {accounts_phrase(total_accounts)} — filter: {filter_label}"
    if shown != total_accounts:
        return f"{shown:,} of {accounts_phrase(total_accounts)}"
    if total_accounts == 1:
        return "the only account"
    return f"all {total_accounts:,} accounts"


def grouping_switch(current: GroupBy) -> Text:
    """``Group: [By stage]  By owner  By tier   (b to switch)``; brackets, not colour."""
    text = Text("Group: ")
    for by in GROUPINGS:
        words = f"By {by}"
        if by == current:
            text.append(f"[{words}]", style="bold reverse")
        else:
            text.append(f" {words} ", style="dim")
        text.append(" ")
    text.append("  (b to switch)", style="dim")
    return text


def _clip(label: str, width: int) -> str:
    return label if len(label) <= width else label[: max(width - 1, 0)] + "…"


def bar_length(weighted: Decimal, largest: Decimal, longest: int) -> int:
    """Cells for ``weighted`` when ``largest`` gets ``longest``; anything above 0 gets one."""
    if weighted <= 0 or largest <= 0:
        return 0
    cells = (weighted * longest / largest).to_integral_value(rounding=ROUND_HALF_UP)
    return max(1, int(cells))


def weighted_chart(
    summary: ForecastSummary, width: int, *, ascii_only: bool = False, skip_lines: int = 0
) -> Text:
    """One bar per group, to scale, each labelled with its amount; ``width`` cells wide.

    ``Negotiation        $187,500 ██████████████████``

    ``skip_lines`` blank lines go between the title and the bars, so that beside the
    table each bar sits on its group's row.
    """
    currency = summary.currency
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"Weighted pipeline by {summary.by} ({currency})", style="bold")
    text.append("\n" * skip_lines)
    if not summary.groups:
        text.append(f"\n{NO_OPEN_TEXT}")
        return text
    labels = [group.label for group in summary.groups]
    amounts = [format_money(group.weighted, currency) for group in summary.groups]
    label_width = min(max(len(label) for label in labels), GROUP_WIDTH)
    amount_width = max(len(amount) for amount in amounts)
    # Label, space, amount, space, bar, and one spare cell so a bar never meets the scrollbar.
    longest = max(width - label_width - amount_width - 3, 1)
    largest = max(group.weighted for group in summary.groups)
    block = "#" if ascii_only else "█"
    for group, label, amount in zip(summary.groups, labels, amounts, strict=True):
        cells = bar_length(group.weighted, largest, longest)
        text.append("\n")
        text.append(f"{_clip(label, label_width):<{label_width}} {amount:>{amount_width}} ")
        text.append(block * cells, style="bold")
    return text


@dataclass
class ForecastSection:
    """One currency's table, won and lost line and chart, laid out for the width.

    Side by side when the chart gets at least :data:`MIN_SIDE_CHART_WIDTH` columns
    next to the table, stacked otherwise (always at 80 columns).
    """

    summary: ForecastSummary
    ascii_only: bool = False

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        table = forecast_table(self.summary, ascii_only=self.ascii_only, group_width=GROUP_WIDTH)
        figures = Group(table, Text(closed_line(self.summary)))
        figures_width = Measurement.get(console, options, figures).maximum
        chart_width = width - figures_width - GUTTER
        if chart_width >= MIN_SIDE_CHART_WIDTH:
            grid = Table.grid(padding=(0, GUTTER, 0, 0))
            grid.add_column(width=figures_width)
            grid.add_column(width=chart_width)
            chart = weighted_chart(
                self.summary, chart_width, ascii_only=self.ascii_only, skip_lines=TABLE_HEAD_LINES
            )
            grid.add_row(figures, chart)
            yield grid
        else:
            yield figures
            yield Text("")
            yield weighted_chart(self.summary, width, ascii_only=self.ascii_only)


class PipelineView(VerticalScroll):
    """The forecast of the rows handed to :meth:`show_rows`, grouped as the seller picks."""

    BINDING_GROUP_TITLE = "Pipeline"
    BINDINGS = [
        Binding("b", "cycle_grouping", "Group by", id="pipeline-cycle-grouping"),
    ]

    grouping: reactive[GroupBy] = reactive("stage", init=False)
    """What the open pipeline is broken down by; ``b`` cycles stage, owner, tier."""

    def __init__(self, ascii_only: bool = False, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ascii_only = bool(ascii_only)
        self._rows: Sequence[AccountMapRow] | None = None
        self._total_accounts = 0
        self._filter_label = ""
        self._summaries: list[ForecastSummary] = []

    def compose(self) -> ComposeResult:
        yield Static(id="pipeline-title")
        yield Static(id="pipeline-grouping")
        yield Static(id="pipeline-body")

    @property
    def summaries(self) -> list[ForecastSummary]:
        """The forecast on screen, one summary per currency."""
        return self._summaries

    def show_rows(
        self, rows: Sequence[AccountMapRow], *, total_accounts: int, filter_label: str
    ) -> None:
        """Show the forecast of ``rows``: the accounts the account table shows.

        Args:
            rows: the filtered account-map rows (ranked, so tiers are known).
            total_accounts: how many accounts there are without the filter.
            filter_label: the active filter in words (``Tier 1, 'acme'``); empty for none.
        """
        self._rows = rows
        self._total_accounts = total_accounts
        self._filter_label = filter_label.strip()
        self._render_forecast()

    def action_cycle_grouping(self) -> None:
        """Stage, then owner, then tier, then stage again."""
        self.grouping = GROUPINGS[(GROUPINGS.index(self.grouping) + 1) % len(GROUPINGS)]

    def watch_grouping(self) -> None:
        self._render_forecast()

    def _render_forecast(self) -> None:
        if not self.is_mounted or self._rows is None:
            return
        title = self.query_one("#pipeline-title", Static)
        switch = self.query_one("#pipeline-grouping", Static)
        body = self.query_one("#pipeline-body", Static)
        rows = self._rows
        self._summaries = summarise(rows, self.grouping)
        coverage = coverage_line(len(rows), self._total_accounts, self._filter_label)
        title.update(Text(coverage, style="bold"))
        title.display = bool(self._total_accounts or self._filter_label)
        switch.update(grouping_switch(self.grouping))
        switch.display = bool(rows)
        if not rows:
            empty = NO_MATCH_TEXT if self._total_accounts else NO_ACCOUNTS_TEXT
            body.update(Text(empty))
            body.set_class(True, "empty-state")
            return
        body.set_class(False, "empty-state")
        body.update(Group(*_sections(self._summaries, self._ascii_only)))

    def on_mount(self) -> None:
        self._render_forecast()


def _sections(summaries: Iterable[ForecastSummary], ascii_only: bool) -> list[RenderableType]:
    parts: list[RenderableType] = []
    for index, summary in enumerate(summaries):
        if index:
            parts.append(Text(""))
        parts.append(ForecastSection(summary, ascii_only))
    return parts
