"""Names are listed in the same order on SQLite and on a PostgreSQL server set up for people.

The test server sorts by C.UTF-8, byte order like SQLite, so it would hide the
difference; this module makes a database that sorts by the en-US locale, where
"ana" comes before "Zoe" and "de Vries" sorts as "devries".
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from acctmap_tui.data.account_store import create_account, list_team_members
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Contact, TeamMember
from acctmap_tui.data.people_store import (
    contact_names,
    create_contact,
    create_partner,
    list_partners,
)
from tests.pg import PgServer

NAMES = ["bob", "Zoe", "ana", "Émile", "de Vries", "Dana", "Åsa", "dana"]


@pytest.fixture
def en_us_database(pg_server: PgServer) -> Iterator[Database]:
    with pg_server.scratch_database(migrated=False, icu_locale="en-US") as url:
        database = open_database(url)
        try:
            yield database
        finally:
            database.close()


def _fill(database: Database) -> int:
    with database.session() as session:
        account = create_account({"name": "Acme"}, session=session, user="tester")
        assert account.id is not None
        for number, name in enumerate(NAMES):
            create_contact(account.id, {"name": name}, session=session, user="tester")
            create_partner(account.id, {"name": name}, session=session, user="tester")
            session.add(TeamMember(name=name, username=f"user{number}"))
        session.commit()
        return account.id


def _listed(database: Database, account_id: int) -> tuple[list[str], list[str], list[str]]:
    with database.session() as session:
        return (
            list(contact_names(account_id, session=session).values()),
            [p.name for p in list_partners(account_id, session=session)],
            [m.name for m in list_team_members(session=session)],
        )


def test_the_server_locale_does_not_change_the_order_of_names(
    en_us_database: Database, db_path: object
) -> None:
    sqlite = open_database(db_path)  # type: ignore[arg-type]
    try:
        on_sqlite = _listed(sqlite, _fill(sqlite))
    finally:
        sqlite.close()
    on_server = _listed(en_us_database, _fill(en_us_database))

    by_code_point = sorted(NAMES)
    assert on_sqlite == (by_code_point, by_code_point, by_code_point)
    assert on_server == on_sqlite
    with en_us_database.session() as session:
        plain = list(session.exec(select(Contact.name).order_by(Contact.name)))
    assert plain != by_code_point, "the server really sorts by its locale"
