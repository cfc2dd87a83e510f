"""The quick first-screen read gives the same rows as the full load, or steps aside."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.map_queries import load_ranked_map
from acctmap_tui.data.models import Account, NextAction, name_key
from acctmap_tui.data.quick_read import read_first_map
from acctmap_tui.demo import generate_demo
from acctmap_tui.domain.account_map import AccountMapRow, MapFilter, search_text_of

TODAY = date.today()


def _comparable(rows: list[AccountMapRow]) -> list[tuple]:
    return [
        (
            *row.score,
            row.id,
            row.name,
            row.stage,
            row.target_type,
            row.owner,
            row.owner_username,
            row.revenue_potential,
            row.win_probability,
            row.closed_amount,
            row.last_reviewed_at,
            row.next_action,
            row.next_action_due,
            row.overdue_actions,
            row.stale,
            tuple(sorted(row.fit.items())),
            search_text_of(row),
        )
        for row in rows
    ]


def test_same_rows_as_the_full_load_on_a_demo(database: Database) -> None:
    generate_demo(database, accounts=60, seed=4, today=TODAY)
    with database.session() as session:
        session.add(
            Account(
                name="Fractions Ltd",
                name_key=name_key("Fractions Ltd"),
                revenue_potential=Decimal("1234.56"),
                win_probability=0.33,
                last_reviewed_at=datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
            )
        )
        session.commit()
    quick = read_first_map(database.url, today=TODAY)
    full = load_ranked_map(database, today=TODAY)
    assert quick is not None and len(quick) == 61
    assert _comparable(quick) == _comparable(full)


def test_team_scoring_settings_are_honoured(database: Database) -> None:
    generate_demo(database, accounts=20, seed=2, today=TODAY)
    with database.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO app_setting (key, value, updated_at) VALUES "
            "('scoring', '{\"tier1_share\": 0.1, \"value_weight\": 1.0}', '2026-01-01 00:00:00')"
        )
    quick = read_first_map(database.url, today=TODAY)
    assert quick is not None
    assert _comparable(quick) == _comparable(load_ranked_map(database, today=TODAY))
    assert sum(row.tier == 1 for row in quick) == 2


def test_overdue_and_undated_actions(database: Database) -> None:
    with database.session() as session:
        account = Account(name="Acme", name_key="acme")
        session.add(account)
        session.flush()
        session.add_all(
            [
                NextAction(account_id=account.id, description="Undated"),
                NextAction(account_id=account.id, description="Late", due_on=date(2020, 1, 1)),
            ]
        )
        session.commit()
    (row,) = read_first_map(database.url, today=TODAY) or []
    assert (row.next_action, row.next_action_due, row.overdue_actions) == (
        "Late",
        date(2020, 1, 1),
        1,
    )


def test_steps_aside_when_it_should(tmp_path: Path, database: Database) -> None:
    assert read_first_map("postgresql+psycopg://u@h/x", today=TODAY) is None
    assert read_first_map(f"sqlite:///{tmp_path / 'missing.db'}", today=TODAY) is None
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    assert read_first_map(f"sqlite:///{text}", today=TODAY) is None
    assert text.read_text() == "not a database"
    older = tmp_path / "older.db"
    open_database(older).close()
    with sqlite3.connect(older) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    connection.close()
    assert read_first_map(f"sqlite:///{older}", today=TODAY) is None
    assert read_first_map(database.url, today=TODAY) == []  # current, empty: no rows


def test_the_filter_builds_the_search_text_the_quick_read_left_out(database: Database) -> None:
    generate_demo(database, accounts=10, seed=1, today=TODAY)
    quick = read_first_map(database.url, today=TODAY) or []
    assert quick and all(row.search_text == "" for row in quick)
    target = quick[3]
    assert MapFilter(text=target.name).apply(quick)[0] is target
    assert target.search_text.startswith(target.name.casefold())
