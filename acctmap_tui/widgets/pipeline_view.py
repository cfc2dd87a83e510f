"""The Pipeline tab: the weighted pipeline by stage and the won and lost totals."""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static
from textual.worker import get_current_worker

from acctmap_tui.data.db import Database
from acctmap_tui.data.repo import list_pipeline_deals
from acctmap_tui.domain.forecast import PipelineSummary, summarise_pipeline
from acctmap_tui.widgets.formatting import format_amount, format_count

NO_PIPELINE_TEXT = "No accounts yet, so no pipeline — run `acctmap demo` to see one."


def pipeline_table(summary: PipelineSummary, *, ascii_only: bool = False) -> Table:
    """Open stages with count, potential and weighted value, then the open total."""
    table = Table(
        title=f"Open pipeline ({summary.currency})",
        title_justify="left",
        box=box.ASCII if ascii_only else box.SIMPLE_HEAD,
        show_footer=True,
        expand=False,
    )
    stages = summary.stages.values()
    table.add_column("Stage", footer="Total")
    table.add_column("Accounts", justify="right", footer=format_count(summary.open_count))
    table.add_column(
        "Potential", justify="right", footer=format_amount(summary.open_revenue_potential)
    )
    table.add_column("Weighted", justify="right", footer=format_amount(summary.weighted_pipeline))
    for total in stages:
        table.add_row(
            Text(total.stage.label),
            format_count(total.count),
            format_amount(total.revenue_potential),
            format_amount(total.weighted),
        )
    return table


def closed_table(summary: PipelineSummary, *, ascii_only: bool = False) -> Table:
    """Won and lost: how many accounts and the amounts they closed at."""
    table = Table(
        title=f"Closed ({summary.currency})",
        title_justify="left",
        box=box.ASCII if ascii_only else box.SIMPLE_HEAD,
        expand=False,
    )
    table.add_column("Outcome")
    table.add_column("Accounts", justify="right")
    table.add_column("Amount", justify="right")
    table.add_row("Won", format_count(summary.won.count), format_amount(summary.won.amount))
    table.add_row("Lost", format_count(summary.lost.count), format_amount(summary.lost.amount))
    return table


class PipelineView(VerticalScroll):
    """Recomputes the forecast across all live accounts each time it is shown."""

    BINDING_GROUP_TITLE = "Pipeline"

    @dataclass
    class Loaded(Message):
        """The worker has computed the forecast (private to this widget)."""

        summaries: list[PipelineSummary]

    summaries: reactive[list[PipelineSummary] | None] = reactive(
        None, recompose=True, always_update=True
    )
    """One forecast per currency; ``None`` until first loaded."""

    def __init__(
        self, database: Database, *, ascii_only: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._database = database
        self._ascii_only = ascii_only

    def compose(self) -> ComposeResult:
        if self.summaries is None:
            return
        if not self.summaries:
            yield Static(NO_PIPELINE_TEXT, classes="empty-state", markup=False)
        for summary in self.summaries:
            yield Static(
                pipeline_table(summary, ascii_only=self._ascii_only),
                classes="pipeline-table",
                id=f"pipeline-open-{summary.currency.lower()}",
            )
            yield Static(
                closed_table(summary, ascii_only=self._ascii_only),
                classes="closed-table",
                id=f"pipeline-closed-{summary.currency.lower()}",
            )

    def reload(self) -> None:
        """Recompute the forecast in a worker; the view updates when it is done."""
        self._load()

    @work(thread=True, exclusive=True, group="pipeline-view")
    def _load(self) -> None:
        with self._database.session() as session:
            deals = list_pipeline_deals(session=session)
        summaries = summarise_pipeline(deals)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(summaries))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        message.stop()
        self.summaries = message.summaries
