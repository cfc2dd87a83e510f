"""The Pipeline view on its own: handed rows, it shows the forecast as table and bars.

A tiny app mounts only :class:`PipelineView` with the real stylesheet, so these tests
need no database: the main screen's job is to hand over the rows the account table
shows, which is tested with the main screen.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Footer

import acctmap_tui
from acctmap_tui.domain.vocabulary import Stage
from acctmap_tui.widgets.pipeline_view import PipelineView
from tests.ui.helpers import SIZE, screen_text
from tests.unit.test_forecast import MIXED, account

WIDE = (170, 30)
"""Wide enough for the chart to sit beside the table."""


class PipelineApp(App[None]):
    """Just the Pipeline view and the footer, styled by the app's stylesheet."""

    CSS_PATH = Path(acctmap_tui.__file__).parent / "app.tcss"

    def __init__(self, *, ascii_only: bool = False) -> None:
        super().__init__()
        self._ascii_only = ascii_only

    def compose(self) -> ComposeResult:
        yield PipelineView(ascii_only=self._ascii_only, id="pipeline-view")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(PipelineView).focus()

    @property
    def view(self) -> PipelineView:
        return self.query_one(PipelineView)


def lines_starting(text: str, label: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith(label)]


def table_row(text: str, label: str) -> list[str]:
    """The table's line for a group (above the chart's): the words after the label."""
    return lines_starting(text, label)[0].removeprefix(label).split()


def bar(text: str, label: str, block: str = "█") -> tuple[str, int]:
    """The chart's line for a group (below the table's): its amount and its bar's length."""
    # Anything after the bar is the scrollbar's thumb, when it is on that line.
    amount, *rest = lines_starting(text, label)[-1].removeprefix(label).split()
    assert amount[0] in "$€", amount
    drawn = rest[0] if rest and set(rest[0]) == {block} else ""
    return amount, len(drawn)


async def test_shows_the_table_the_totals_and_labelled_bars() -> None:
    app = PipelineApp()
    async with app.run_test(size=SIZE) as pilot:
        app.view.show_rows(MIXED, total_accounts=12, filter_label="Tier 1, 'acme'")
        await pilot.pause()
        text = screen_text(app)
        assert "8 of 12 accounts — filter: Tier 1, 'acme'" in text
        assert "[By stage]" in text
        assert "Open pipeline by stage (USD)" in text
        assert table_row(text, "Prospecting") == ["2", "$90,000", "$9,000"]
        assert table_row(text, "Early discussions") == ["1", "$60,000", "$15,000"]
        assert table_row(text, "Proposal") == ["1", "$120,000", "$72,000"]
        assert table_row(text, "Negotiation") == ["1", "$250,000", "$187,500"]
        assert table_row(text, "Total") == ["5", "$520,000", "$283,500"]
        assert "Won: 1 account, $95,000   Lost: 2 accounts, $40,000" in text
        assert "Weighted pipeline by stage (USD)" in text
        amounts = {label: bar(text, label) for label in ["Prospecting", "Proposal", "Negotiation"]}
        assert [amount for amount, _ in amounts.values()] == ["$9,000", "$72,000", "$187,500"]
        lengths = [length for _, length in amounts.values()]
        assert 0 < lengths[0] < lengths[1] < lengths[2]
        # To scale: 72,000 / 187,500 of the longest bar, to the nearest cell.
        assert abs(lengths[1] - lengths[2] * 72_000 / 187_500) <= 1
        assert all(len(line) <= SIZE[0] for line in text.splitlines())


async def test_b_cycles_stage_owner_tier_and_the_footer_says_so() -> None:
    app = PipelineApp()
    async with app.run_test(size=SIZE) as pilot:
        app.view.show_rows(MIXED, total_accounts=8, filter_label="")
        await pilot.pause()
        assert "b Group by" in screen_text(app).splitlines()[-1]
        await pilot.press("b")
        text = screen_text(app)
        assert app.view.grouping == "owner"
        assert "[By owner]" in text and "[By stage]" not in text
        assert "Open pipeline by owner (USD)" in text
        assert table_row(text, "Mia Chen") == ["1", "$250,000", "$187,500"]
        assert table_row(text, "Susan Park") == ["2", "$130,000", "$73,000"]
        assert table_row(text, "(no owner)") == ["1", "$60,000", "$15,000"]
        assert table_row(text, "Raj Patel") == ["1", "$80,000", "$8,000"]
        assert bar(text, "Mia Chen")[0] == "$187,500"
        assert bar(text, "(no owner)")[0] == "$15,000"
        lines = text.splitlines()
        owners = ["Mia Chen", "Susan Park", "(no owner)", "Raj Patel"]
        first_lines = [lines.index(next(line for line in lines if o in line)) for o in owners]
        assert first_lines == sorted(first_lines)  # largest weighted pipeline first
        await pilot.press("b")
        text = screen_text(app)
        assert "[By tier]" in text
        assert table_row(text, "Tier 1") == ["2", "$370,000", "$259,500"]
        assert table_row(text, "Tier 2") == ["1", "$60,000", "$15,000"]
        assert table_row(text, "Tier 3") == ["2", "$90,000", "$9,000"]
        await pilot.press("b")
        assert app.view.grouping == "stage"
        assert "[By stage]" in screen_text(app)


async def test_follows_the_rows_it_is_handed_and_says_what_it_covers() -> None:
    app = PipelineApp()
    async with app.run_test(size=SIZE) as pilot:
        app.view.show_rows(MIXED, total_accounts=8, filter_label="")
        await pilot.pause()
        assert "all 8 accounts" in screen_text(app)
        proposals = [row for row in MIXED if row.stage is Stage.PROPOSAL]
        app.view.show_rows(proposals, total_accounts=8, filter_label="Proposal")
        await pilot.pause()
        text = screen_text(app)
        assert "1 of 8 accounts — filter: Proposal" in text
        assert table_row(text, "Total") == ["1", "$120,000", "$72,000"]
        assert table_row(text, "Negotiation") == ["0", "$0", "$0"]
        assert "Won: 0 accounts, $0   Lost: 0 accounts, $0" in text
        assert bar(text, "Proposal")[0] == "$72,000"
        assert bar(text, "Negotiation") == ("$0", 0)  # nothing weighted, no bar


async def test_empty_states_tell_no_data_from_no_match() -> None:
    app = PipelineApp()
    async with app.run_test(size=SIZE) as pilot:
        app.view.show_rows([], total_accounts=0, filter_label="")
        await pilot.pause()
        text = screen_text(app)
        assert "No accounts yet — run `acctmap demo`" in text
        assert "Open pipeline" not in text and "[By stage]" not in text
        app.view.show_rows([], total_accounts=25, filter_label="Tier 1, 'zzz'")
        await pilot.pause()
        text = screen_text(app)
        assert "0 of 25 accounts — filter: Tier 1, 'zzz'" in text
        assert "No accounts match the filter" in text
        app.view.show_rows(MIXED[:1], total_accounts=25, filter_label="Tier 1")
        await pilot.pause()
        text = screen_text(app)
        assert "No accounts match" not in text
        assert "1 of 25 accounts — filter: Tier 1" in text


async def test_each_currency_has_its_own_section_and_the_view_scrolls() -> None:
    rows = [
        account(Stage.PROPOSAL, "200.00", 0.5, currency="EUR"),  # €100
        account(Stage.WON, closed="700.00", currency="EUR"),
        *MIXED,
    ]
    app = PipelineApp()
    async with app.run_test(size=SIZE) as pilot:
        app.view.show_rows(rows, total_accounts=len(rows), filter_label="")
        await pilot.pause()
        text = screen_text(app)
        assert "Open pipeline by stage (EUR)" in text
        assert "Won: 1 account, €700   Lost: 0 accounts, €0" in text
        assert "Weighted pipeline by stage (USD)" not in text  # below the fold at 80x24
        await pilot.press("end")
        await pilot.pause()
        text = screen_text(app)
        assert "Weighted pipeline by stage (USD)" in text
        assert bar(text, "Negotiation")[0] == "$187,500"


async def test_reads_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = PipelineApp()
    async with app.run_test(size=SIZE) as pilot:
        app.view.show_rows(MIXED, total_accounts=8, filter_label="")
        await pilot.pause()
        assert app.no_color
        text = screen_text(app)
        assert "[By stage]" in text  # the current grouping is in brackets, not only bold
        assert bar(text, "Negotiation")[0] == "$187,500"
        assert bar(text, "Prospecting")[0] == "$9,000"


async def test_ascii_only_draws_with_hashes_and_dashes() -> None:
    app = PipelineApp(ascii_only=True)
    async with app.run_test(size=SIZE) as pilot:
        app.view.show_rows(MIXED, total_accounts=8, filter_label="")
        await pilot.pause()
        text = screen_text(app)
        assert "█" not in text and "─" not in text
        assert "-----" in text
        amount, length = bar(text, "Negotiation", block="#")
        assert amount == "$187,500" and length > 40


async def test_table_and_chart_stack_at_80_columns_and_sit_side_by_side_when_wide() -> None:
    def side_by_side(text: str) -> bool:
        return any(
            "Open pipeline by stage" in line and "Weighted pipeline by stage" in line
            for line in text.splitlines()
        )

    app = PipelineApp()
    async with app.run_test(size=SIZE) as pilot:
        app.view.show_rows(MIXED, total_accounts=8, filter_label="")
        await pilot.pause()
        assert not side_by_side(screen_text(app))
        await pilot.resize_terminal(*WIDE)
        await pilot.pause()
        text = screen_text(app)
        assert side_by_side(text)
        # Each bar sits on its group's table row.
        [line] = lines_starting(text, "Negotiation")
        assert line.split()[:4] == ["Negotiation", "1", "$250,000", "$187,500"]
        assert line.split()[4:6] == ["Negotiation", "$187,500"] and "███" in line


async def test_ten_thousand_rows_show_promptly() -> None:
    stages = [stage for stage in Stage if not stage.is_closed]
    rows = [
        account(stages[i % 4], "1000.00", 0.5, owner=f"Owner {i % 30:02}", tier=1 + i % 3)
        for i in range(10_000)
    ]
    app = PipelineApp()
    async with app.run_test(size=SIZE) as pilot:
        started = time.perf_counter()
        app.view.show_rows(rows, total_accounts=10_000, filter_label="")
        elapsed = time.perf_counter() - started
        await pilot.pause()
        text = screen_text(app)
        assert "all 10,000 accounts" in text
        assert table_row(text, "Total") == ["10,000", "$10,000,000", "$5,000,000"]
        assert elapsed < 0.25, f"{elapsed * 1000:.0f} ms on the UI thread"
