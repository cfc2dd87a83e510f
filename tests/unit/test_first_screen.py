"""The cached first page equals the full load, and any change the app can make invalidates it."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from acctmap_tui.data.account_store import delete_account, restore_account, update_account
from acctmap_tui.data.action_store import add_action, delete_action, set_action_done
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.first_screen import (
    FIRST_PAGE,
    FirstScreen,
    cache_path,
    read_first_screen,
    stamp_of,
    write_first_screen,
)
from acctmap_tui.data.map_queries import SCORING_SETTING, load_ranked_map
from acctmap_tui.data.models import Account, NextAction, TeamMember, name_key
from acctmap_tui.data.repo import put_setting
from acctmap_tui.demo import generate_demo
from acctmap_tui.domain.account_map import AccountMapRow
from acctmap_tui.domain.vocabulary import Stage
from tests.unit.test_quick_read import _comparable

TODAY = date.today()
STALE = 90
USER = "tester"


def _cache(database: Database, today: date = TODAY, stale_after_days: int = STALE) -> None:
    """What the account view does after each full load."""
    stamp = stamp_of(database.url)
    assert stamp is not None
    rows = load_ranked_map(database, today=today, stale_after_days=stale_after_days)
    write_first_screen(database.url, stamp, rows, today, stale_after_days)


def _read(database: Database) -> FirstScreen | None:
    return read_first_screen(database.url, today=TODAY, stale_after_days=STALE)


def _more_fields(rows: list[AccountMapRow]) -> list[tuple]:
    return [
        (
            row.currency,
            row.ideal_first_meeting,
            row.value_proposition,
            row.strategy,
            row.industry,
            row.key_contacts,
        )
        for row in rows
    ]


@pytest.fixture
def demo(database: Database) -> Database:
    """More accounts than one page, plus awkward amounts, times and a second currency."""
    generate_demo(database, accounts=250, seed=5, today=TODAY)
    with database.session() as session:
        session.add_all(
            [
                Account(
                    name="Fractions Ltd",
                    name_key=name_key("Fractions Ltd"),
                    revenue_potential=Decimal("99999999.99"),
                    win_probability=0.33,
                    last_reviewed_at=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
                ),
                Account(
                    name="Euro GmbH",
                    name_key=name_key("Euro GmbH"),
                    currency="EUR",
                    stage=Stage.NEGOTIATION,
                    revenue_potential=Decimal("50000000.10"),
                    win_probability=0.9,
                ),
            ]
        )
        session.commit()
    return database


def test_the_cached_page_is_the_full_loads_first_page(demo: Database) -> None:
    _cache(demo)
    cached = _read(demo)
    full = load_ranked_map(demo, today=TODAY, stale_after_days=STALE)
    assert cached is not None and cached.total == len(full) == 252
    assert len(cached.rows) == FIRST_PAGE
    assert _comparable(cached.rows) == _comparable(full[:FIRST_PAGE])
    assert _more_fields(cached.rows) == _more_fields(full[:FIRST_PAGE])
    assert {row.name for row in cached.rows} >= {"Fractions Ltd", "Euro GmbH"}


def test_the_cached_summary_is_the_status_line_over_every_account(demo: Database) -> None:
    _cache(demo)
    cached = _read(demo)
    full = load_ranked_map(demo, today=TODAY, stale_after_days=STALE)
    assert cached is not None
    weighted: dict[str, Decimal] = defaultdict(Decimal)
    for row in full:
        if not row.stage.is_closed:
            weighted[row.currency] += row.expected_value
    summary = cached.summary
    assert summary.count == len(full)
    assert summary.weighted == weighted and set(weighted) == {"USD", "EUR"}
    assert summary.tier1 == sum(row.tier == 1 for row in full) > 0
    assert summary.stale == sum(row.stale for row in full) > 0
    assert summary.overdue == sum(row.overdue_actions for row in full) > 0


def _first(database: Database, model: type, *where: object) -> int:
    with database.session() as session:
        return session.exec(select(model).where(*where).order_by(model.id)).first().id


def _edit_account(database: Database) -> None:
    account_id = _first(database, Account)
    with database.session() as session:
        version = session.get(Account, account_id).version
        update_account(
            account_id,
            {"strategy": "Changed"},
            expected_version=version,
            session=session,
            user=USER,
        )
        session.commit()


def _soft_delete(database: Database) -> None:
    with database.session() as session:
        delete_account(_first(database, Account), session=session, user=USER)
        session.commit()


def _add_action(database: Database) -> None:
    with database.session() as session:
        add_action(
            _first(database, Account),
            "Call back",
            owner_id=None,
            due_on=None,
            session=session,
            user=USER,
        )


def _complete_action(database: Database) -> None:
    action_id = _first(database, NextAction, NextAction.done_at.is_(None))
    with database.session() as session:
        set_action_done(action_id, True, session=session, user=USER)


def _delete_action(database: Database) -> None:
    with database.session() as session:
        delete_action(_first(database, NextAction), session=session, user=USER)


def _change_scoring(database: Database) -> None:
    with database.session() as session:
        put_setting(SCORING_SETTING, {"tier1_share": 0.05}, session=session)
        session.commit()


def _rename_member(database: Database) -> None:
    with database.session() as session:
        member = session.get(TeamMember, _first(database, TeamMember))
        member.name = "Someone Else"
        session.add(member)
        session.commit()


@pytest.mark.parametrize(
    "change",
    [
        _edit_account,
        _soft_delete,
        _add_action,
        _complete_action,
        _delete_action,
        _change_scoring,
        _rename_member,
    ],
)
def test_each_change_the_app_makes_is_a_miss(
    demo: Database, change: Callable[[Database], None]
) -> None:
    _cache(demo)
    assert _read(demo) is not None
    change(demo)
    assert _read(demo) is None
    _cache(demo)  # the next full load brings the cache up to date
    assert _read(demo) is not None


def test_restoring_a_deleted_account_is_a_miss(demo: Database) -> None:
    _soft_delete(demo)
    _cache(demo)
    assert _read(demo) is not None
    account_id = _first(demo, Account, Account.deleted_at.is_not(None))
    with demo.session() as session:
        restore_account(account_id, session=session, user=USER)
        session.commit()
    assert _read(demo) is None


def test_a_write_racing_the_load_only_makes_the_next_read_miss(demo: Database) -> None:
    stamp = stamp_of(demo.url)
    assert stamp is not None
    _edit_account(demo)  # after the stamp, before the read
    rows = load_ranked_map(demo, today=TODAY, stale_after_days=STALE)
    write_first_screen(demo.url, stamp, rows, TODAY, STALE)
    assert _read(demo) is None


def test_another_day_or_review_cycle_is_a_miss(demo: Database) -> None:
    _cache(demo)
    assert read_first_screen(demo.url, today=date(2000, 1, 1), stale_after_days=STALE) is None
    assert read_first_screen(demo.url, today=TODAY, stale_after_days=STALE + 1) is None
    assert _read(demo) is not None


def test_missing_corrupt_or_foreign_files_are_misses(demo: Database, tmp_path: Path) -> None:
    path = cache_path(demo.url)
    assert path is not None and not path.exists()
    assert _read(demo) is None
    _cache(demo)
    good = path.read_bytes()
    path.write_bytes(good[: len(good) // 2])
    assert _read(demo) is None
    path.write_text("[]")
    assert _read(demo) is None
    document = json.loads(good)
    path.write_text(json.dumps({**document, "format": -1}))
    assert _read(demo) is None
    path.write_text(json.dumps({**document, "rows": [["not", "a", "row"]]}))
    assert _read(demo) is None
    # Another database's cache (same day, same settings) under this one's name.
    other = open_database(tmp_path / "other.db")
    generate_demo(other, accounts=5, seed=1, today=TODAY)
    _cache(other)
    other_path = cache_path(other.url)
    assert other_path is not None
    other.close()
    shutil.copyfile(other_path, path)
    assert _read(demo) is None
    path.write_bytes(good)
    assert _read(demo) is not None


def test_an_older_schema_is_a_miss(demo: Database) -> None:
    _cache(demo)
    with sqlite3.connect(demo.file_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    connection.close()
    assert _read(demo) is None


def test_the_file_is_private_and_named_by_the_database_path(demo: Database, tmp_path: Path) -> None:
    _cache(demo)
    path = cache_path(demo.url)
    assert path is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [name for name in path.parent.iterdir() if name.suffix == ".tmp"]
    assert cache_path(f"sqlite:///{tmp_path / 'elsewhere.db'}") != path
    assert cache_path(f"sqlite:///{tmp_path}/./acctmap.db") == path
    assert cache_path("postgresql+psycopg://u@h/x") is None
    assert stamp_of("postgresql+psycopg://u@h/x") is None


def test_writing_never_raises(demo: Database, tmp_path: Path) -> None:
    path = cache_path(demo.url)
    assert path is not None
    path.parent.parent.mkdir(parents=True)
    path.parent.write_text("a file where the folder should be")
    write_first_screen(demo.url, "stamp", [], TODAY, STALE)
    assert _read(demo) is None


def test_launch_uses_the_cache_and_a_miss_refills_it(
    demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from acctmap_tui import launcher
    from acctmap_tui.settings import Settings

    launches: list[tuple[list[AccountMapRow] | None, FirstScreen | None]] = []

    def run_tui(
        database: object,
        settings: object,
        first_rows: list[AccountMapRow] | None = None,
        first_screen: FirstScreen | None = None,
    ) -> int:
        launches.append((first_rows, first_screen))
        return 0

    monkeypatch.setattr(launcher, "run_tui", run_tui)
    settings = Settings(user=USER, stale_after_days=STALE)
    assert launcher.launch_app(str(demo.file_path), settings) == 0
    assert launcher.launch_app(str(demo.file_path), settings) == 0
    (cold_rows, cold_screen), (warm_rows, warm_screen) = launches
    assert cold_screen is None and len(cold_rows) == 252
    assert warm_rows is None and isinstance(warm_screen, FirstScreen)
    assert _comparable(warm_screen.rows) == _comparable(cold_rows[:FIRST_PAGE])
    assert warm_screen.total == 252


def test_totals_of_a_filtered_list_match_summing_it_directly() -> None:
    """The shortcut (whole minus hidden) gives exactly the totals of the shown rows."""
    import random

    from acctmap_tui.data.first_screen import summarise, summarise_shown, totals_of
    from acctmap_tui.domain.account_map import rank_rows
    from acctmap_tui.domain.vocabulary import Stage
    from tests.unit.test_account_map import _row

    generator = random.Random(7)
    stages = list(Stage)
    rows = [
        _row(
            number,
            f"Account {number}",
            stage=generator.choice(stages),
            currency=generator.choice(["USD", "USD", "USD", "EUR"]),
            revenue_potential=Decimal(generator.randrange(0, 500)) * 1000,
            win_probability=generator.random(),
            owner=None,
            owner_username=None,
            overdue_actions=generator.randrange(0, 3),
            last_reviewed_at=None,
        )
        for number in range(1, 401)
    ]
    ranked = rank_rows(rows, date(2026, 11, 27))
    totals = totals_of(ranked)
    for keep in (1.0, 0.9, 0.6, 0.5, 0.2, 0.0):
        shown = [row for row in ranked if generator.random() < keep]
        assert summarise_shown(ranked, shown, totals) == summarise(shown)
    # Every open EUR account hidden: EUR leaves the totals, as summing would leave it out.
    without_eur = [row for row in ranked if row.currency != "EUR"]
    assert summarise_shown(ranked, without_eur, totals) == summarise(without_eur)
    assert "EUR" not in summarise(without_eur).weighted
