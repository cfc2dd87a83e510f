"""The review commands on one account: the one-screen plan summary (S) and Export plan…."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.message import Message
from textual.notifications import Notify
from textual.widgets import Input, Static

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.db import Database
from acctmap_tui.demo import generate_demo
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.screens.export_plan import ExportPlanScreen, default_file_name
from acctmap_tui.screens.main import MainScreen
from acctmap_tui.screens.plan_summary import PlanSummaryScreen
from acctmap_tui.settings import Settings
from tests.ui.helpers import SIZE, screen_text, settle

LABELS = ("Problem", "Impact", "Solution", "People", "Plan", "MEDDPICC", "Stakeholders", "Due")


def summary_lines(app: AcctmapApp) -> list[str]:
    """The summary's lines as the screen shows them, borders stripped."""
    assert isinstance(app.screen, PlanSummaryScreen)
    return [line.strip("│ ").rstrip() for line in screen_text(app).splitlines()[1:-2]]


def label_line(lines: list[str], label: str) -> str:
    return next(line for line in lines if line.startswith(f"{label} "))


def assert_fits(app: AcctmapApp) -> None:
    """24 lines of at most 80 cells, nothing to scroll, no summary line wrapped."""
    lines = screen_text(app).splitlines()
    assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
    assert app.screen.query_one("#plan-summary-body").max_scroll_y == 0
    assert all(line.size.height == 1 for line in app.screen.query(".summary-line").results(Static))


async def test_s_shows_a_full_plan_on_one_screen(database: Database) -> None:
    generate_demo(database, today=date.today())
    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.show_account(1)  # the demo's first account has a full plan
        await settle(pilot)
        row = next(r for r in app.account_rows if r.id == 1)
        await pilot.press("S")
        await settle(pilot)
        lines = summary_lines(app)
        assert row.name[:40] in screen_text(app).splitlines()[0]
        headline = lines[0]
        assert headline.startswith(row.stage.label)
        assert "EV $" in headline and "Tier " in headline and "reviewed" in headline
        for label in LABELS:
            assert label_line(lines, label).split(maxsplit=1)[1].strip() != "—", label
        assert label_line(lines, "MEDDPICC").split()[1:9] == [
            "M✓",
            "E✓",
            "D✓",
            "D✓",
            "P✓",
            "I✓",
            "C✓",
            "C✓",
        ]
        assert "8/8 answered" in label_line(lines, "MEDDPICC")
        assert label_line(lines, "Health").startswith("Health       plan ")
        assert_fits(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "no-color"])
async def test_an_empty_plan_shows_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, app: AcctmapApp, account_ids: dict[str, int], no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.show_account(account_ids["Fjord [Nordic] Energy"])
        await settle(pilot)
        await pilot.press("ctrl+p", *"plan summary")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        lines = summary_lines(app)
        assert "Fjord [Nordic] Energy" in screen_text(app).splitlines()[0]
        assert lines[0] == "Early discussions · EV $15,000 · Tier 3 · no owner · never reviewed"
        assert label_line(lines, "Problem") == "Problem      —"
        assert label_line(lines, "MEDDPICC") == "MEDDPICC     M✗ E✗ D✗ D✗ P✗ I✗ C✗ C✗  0/8 answered"
        assert "missing: Metrics, Economic buyer, Decision criteria" in screen_text(app)
        assert label_line(lines, "Stakeholders") == "Stakeholders no contacts yet"
        assert label_line(lines, "Due") == "Due          nothing dated is open"
        assert any(line.startswith("! ") for line in (s.strip() for s in lines))
        assert_fits(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_a_long_plan_is_cut_not_wrapped(app: AcctmapApp, database: Database) -> None:
    from acctmap_tui.data.models import AccountProblem

    with database.session() as session:
        problem = session.get(AccountProblem, 1)
        assert problem is not None
        problem.statement = "Routing " * 40 + "\nsecond line"
        session.add(problem)
        session.commit()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.show_account(1)
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        line = label_line(summary_lines(app), "Problem")
        assert line.startswith("Problem      Routing Routing") and line.endswith("…")
        assert_fits(app)


# --- Export plan… from the command palette -----------------------------------------------


async def shows(app: AcctmapApp, pilot, text: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether the active screen's widgets hold ``text``.

    Read from the widgets rather than the painted frame: under a loaded test run the
    frame of a just-pushed modal can lag behind the screen stack.
    """
    for _ in range(40):
        shown = " ".join(str(widget.render()) for widget in app.screen.query(Static))
        if text in " ".join(shown.split()):
            return True
        await pilot.pause(0.05)
    return False


async def open_export(app: AcctmapApp, pilot) -> ExportPlanScreen:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p", *"export plan")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ExportPlanScreen)
    for _ in range(20):  # the path box takes the focus once the screen is up
        if isinstance(app.focused, Input):
            break
        await pilot.pause(0.05)
    assert isinstance(app.focused, Input)
    return app.screen


async def test_export_writes_the_plan_and_asks_before_replacing(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    app: AcctmapApp,
    account_ids: dict[str, int],
) -> None:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "acme-logistics-plan.md"
    notes: list[str] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification.message)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        app.main_screen.show_account(account_ids["Acme Logistics"])
        await settle(pilot)
        screen = await open_export(app, pilot)
        assert screen.query_one(Input).value == "acme-logistics-plan.md"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert notes == [f"Wrote {target}"]
        written = target.read_text(encoding="utf-8")
        assert written.startswith("# Acme Logistics — account plan\n")
        assert "## Qualification (MEDDPICC)" in written

        target.write_text("keep me", encoding="utf-8")
        await open_export(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert await shows(app, pilot, "exists. Replace it?")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportPlanScreen)
        assert await shows(app, pilot, "Not written: the file is kept.")
        assert target.read_text(encoding="utf-8") == "keep me"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert target.read_text(encoding="utf-8").startswith("# Acme Logistics")
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".md") == [target.name]


async def test_export_to_a_missing_folder_says_why_and_stays_open(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, app: AcctmapApp
) -> None:
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_export(app, pilot)
        box = screen.query_one(Input)
        box.value = "no-such-folder/plan.md"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportPlanScreen)
        text = " ".join(screen_text(app).split())
        assert "Not written: the folder" in text and "does not exist" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert not (tmp_path / "no-such-folder").exists()


def test_default_file_names_are_safe() -> None:
    assert default_file_name("Acme Logistics") == "acme-logistics-plan.md"
    assert default_file_name("Fjord [Nordic] Energy") == "fjord-nordic-energy-plan.md"
    assert default_file_name("../../etc") == "etc-plan.md"
    assert default_file_name("???") == "account-plan.md"
