"""PostgreSQL connection problems: one line naming the server and what to check.

The failures are real where the local server can produce them (a closed port, a
missing database, an unknown role, a user without privileges, a backend killed
mid-session); a wrong password cannot happen under the test server's trust
authentication, so that message is checked on the driver's own text.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy as sa
from sqlmodel import select
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.change_watch import ChangeWatcher
from acctmap_tui.data.db import Database, DatabaseError, open_database
from acctmap_tui.data.db_errors import ServerAddress, describe_failure, explain_database_error
from acctmap_tui.data.models import TeamMember
from tests.pg import PgServer

CLOSED_PORT_URL = "postgresql+psycopg://ana:hunter22@127.0.0.1:1/team"
"""Nothing listens on port 1; the password must never show in a message."""


@pytest.fixture
def admin(pg_server: PgServer) -> Iterator[sa.Engine]:
    """A superuser connection on the test server, outside any scratch database."""
    engine = sa.create_engine(pg_server.url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def server_database(pg_server: PgServer) -> Iterator[Database]:
    with pg_server.scratch_database(migrated=True) as url:
        database = open_database(url)
        try:
            yield database
        finally:
            database.close()


@pytest.fixture
def stranger(admin: sa.Engine) -> Iterator[str]:
    """A login role with no privileges on anything, dropped afterwards."""
    name = f"acctmap_t_role_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{name}" LOGIN')
    yield name
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')


def terminate_backends(admin: sa.Engine, database_name: str) -> int:
    """Kill every connection to the database, as a server restart or a DBA would."""
    with admin.connect() as connection:
        killed = connection.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": database_name},
        ).scalar_one()
    return int(killed)


def _where(url: str | sa.URL) -> str:
    parsed = sa.make_url(url)
    return f"{parsed.host}:{parsed.port or 5432}"


def _open_error(url: str) -> str:
    with pytest.raises(DatabaseError) as raised:
        open_database(url)
    message = str(raised.value)
    assert "\n" not in message
    return message


def _member_names(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.exec(select(TeamMember.name).order_by(TeamMember.name)))


def _add_member(database: Database, name: str) -> None:
    with database.session() as session:
        session.add(TeamMember(name=name, username=name.lower()))
        session.commit()


# --- opening -------------------------------------------------------------------------


def test_a_closed_port_says_the_server_cannot_be_reached_and_how_to_check() -> None:
    assert _open_error(CLOSED_PORT_URL) == (
        "cannot reach the PostgreSQL server at 127.0.0.1:1 (connection refused): is it "
        "running, and is the host right? (check with: pg_isready -h 127.0.0.1 -p 1)"
    )


def test_an_unknown_host_is_named() -> None:
    message = _open_error("postgresql+psycopg://ana:hunter22@no-such-host.invalid/team")
    assert message.startswith(
        "cannot reach the PostgreSQL server at no-such-host.invalid:5432 (host name not found)"
    )
    assert "pg_isready -h no-such-host.invalid -p 5432" in message
    assert "hunter22" not in message


def test_a_url_in_the_old_postgres_scheme_says_what_to_write() -> None:
    message = _open_error("postgres://ana:hunter22@db.example/team")
    assert message == (
        "database URLs for PostgreSQL start with postgresql+psycopg://, not postgres:// "
        "(e.g. postgresql+psycopg://user@host/dbname)"
    )


def test_a_missing_database_says_how_to_create_it(pg_server: PgServer) -> None:
    name = f"acctmap_t_missing_{uuid.uuid4().hex[:8]}"
    url = pg_server.url.set(database=name).render_as_string(hide_password=False)
    where = _where(url)
    host, port = where.split(":")
    user = pg_server.url.username
    assert _open_error(url) == (
        f"database {name} does not exist on {where}: create it with: "
        f"createdb -h {host} -p {port} -U {user} {name}"
    )


def test_an_unknown_role_is_named(pg_server: PgServer) -> None:
    role = f"acctmap_t_nobody_{uuid.uuid4().hex[:8]}"
    url = pg_server.url.set(username=role).render_as_string(hide_password=False)
    message = _open_error(url)
    assert message.startswith(
        f"the PostgreSQL server at {_where(url)} has no user (role) {role}: name an existing "
        "one in the URL"
    )
    assert f"createuser -h {sa.make_url(url).host}" in message


def test_a_user_who_may_not_create_tables_is_told_what_to_grant(pg_url: str, stranger: str) -> None:
    """An empty database: the first open's migration needs CREATE on schema public."""
    url = sa.make_url(pg_url).set(username=stranger)
    database_name = url.database
    message = _open_error(url.render_as_string(hide_password=False))
    assert message == (
        f"user {stranger} is not allowed to use database {database_name} at {_where(url)} "
        "(permission denied for schema public): ask the database's owner to run: "
        f"GRANT USAGE, CREATE ON SCHEMA public TO {stranger}"
    )


def test_a_user_who_may_not_read_the_tables_is_told_what_to_grant(
    server_database: Database, stranger: str
) -> None:
    url = server_database.engine.url.set(username=stranger)
    message = _open_error(url.render_as_string(hide_password=False))
    assert message.startswith(
        f"user {stranger} is not allowed to use database {url.database} at {_where(url)} "
        "(permission denied for table "
    )
    assert message.endswith(
        f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {stranger}; "
        f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {stranger}"
    )


def _driver_error(text: str) -> sa.exc.OperationalError:
    """A connection failure as psycopg reports it, wrapped as SQLAlchemy raises it."""
    return sa.exc.OperationalError(None, None, psycopg.OperationalError(text))


def test_a_wrong_password_names_the_user_and_where_passwords_come_from() -> None:
    error = _driver_error(
        'connection failed: connection to server at "10.0.0.5", port 5433 failed: FATAL:  '
        'password authentication failed for user "ana"'
    )
    server = ServerAddress(host="db.example", port=5433, user="ana", database="team")
    assert describe_failure(error, server=server) == (
        "the PostgreSQL server at db.example:5433 refused the password for user ana: "
        "check the password in the URL or ~/.pgpass / PGPASSWORD"
    )
    # Without an engine's explanation (an error from elsewhere), the text still decides.
    assert explain_database_error(error).startswith(
        "the PostgreSQL server refused the password for user ana"
    )


def test_a_missing_password_says_where_to_put_it() -> None:
    error = _driver_error(
        'connection failed: connection to server at "10.0.0.5", port 5432 failed: '
        "fe_sendauth: no password supplied"
    )
    server = ServerAddress(host="db.example", port=5432, user="ana", database="team")
    assert describe_failure(error, server=server) == (
        "the PostgreSQL server at db.example:5432 wants a password for user ana: put it in "
        "~/.pgpass or PGPASSWORD (or the URL)"
    )


def test_the_cli_prints_one_line_and_exits_1_without_the_password() -> None:
    result = CliRunner().invoke(app, ["accounts", "--db", CLOSED_PORT_URL])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "acctmap: cannot reach the PostgreSQL server at 127.0.0.1:1 (connection refused): "
        "is it running, and is the host right? (check with: pg_isready -h 127.0.0.1 -p 1)"
    ]
    assert "hunter22" not in result.output


# --- a connection lost during a session ----------------------------------------------


def test_a_write_on_a_dropped_connection_is_explained_and_the_next_one_reconnects(
    server_database: Database, admin: sa.Engine
) -> None:
    with (
        pytest.raises(sa.exc.OperationalError) as raised,
        server_database.session() as session,
    ):
        session.exec(select(TeamMember.id)).all()  # the session now holds a connection
        assert terminate_backends(admin, server_database.engine.url.database or "") >= 1
        session.add(TeamMember(name="Ana", username="ana"))
        session.commit()
    assert explain_database_error(raised.value) == (
        f"lost the connection to the PostgreSQL server at {_where(server_database.url)}; "
        "acctmap reconnects on the next try"
    )
    _add_member(server_database, "Bo")  # a new unit of work: a new connection
    assert _member_names(server_database) == ["Bo"]


def test_connections_dropped_while_idle_are_replaced_before_the_next_write(
    server_database: Database, admin: sa.Engine
) -> None:
    _add_member(server_database, "Ana")  # leaves a connection in the pool
    assert terminate_backends(admin, server_database.engine.url.database or "") >= 1
    _add_member(server_database, "Bo")  # pre-ping finds it dead and reconnects
    assert _member_names(server_database) == ["Ana", "Bo"]


def test_the_change_watcher_reconnects_after_its_connection_is_killed(
    server_database: Database, admin: sa.Engine
) -> None:
    watcher = ChangeWatcher(server_database)
    colleague = open_database(server_database.url)
    try:
        assert watcher.poll() is False
        assert terminate_backends(admin, server_database.engine.url.database or "") >= 1
        # The socket's end arrives in its own time; then notifications may have been
        # missed, so the answer is "maybe", never an error.
        assert _polls_true_within(watcher, seconds=5.0)
        _settle_listener(watcher)
        _add_member_logged(colleague)
        assert _polls_true_within(watcher, seconds=5.0)
        changes = watcher.changes()
        assert changes is not None
    finally:
        colleague.close()
        watcher.close()


def _settle_listener(watcher: ChangeWatcher) -> None:
    """Poll until the watcher has its new LISTEN connection and nothing is pending."""
    deadline = time.monotonic() + 5.0
    while watcher.poll():
        assert time.monotonic() < deadline, "the watcher never reconnected"
        time.sleep(0.05)


def _add_member_logged(database: Database) -> None:
    """A change that goes through the change log, so the server NOTIFYs."""
    from acctmap_tui.data.account_store import create_account

    with database.session() as session:
        create_account({"name": "Nimbus"}, session=session, user="raj")
        session.commit()


def _polls_true_within(watcher: ChangeWatcher, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if watcher.poll():
            return True
        time.sleep(0.05)
    return False


def test_a_write_the_server_refuses_mid_command_is_one_line(
    server_database: Database,
    stranger: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The user may read (so the database opens) but not write: one line, no traceback."""
    import sys

    from acctmap_tui.launcher import main

    url = server_database.engine.url
    owner = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)

    def grant(statement: str) -> None:
        with owner.connect() as connection:
            connection.exec_driver_sql(statement)

    grant(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{stranger}"')
    try:
        as_stranger = url.set(username=stranger).render_as_string(hide_password=False)
        monkeypatch.setattr(sys, "argv", ["acctmap", "scoring", "--value-weight", "0.5"])
        monkeypatch.setenv("ACCTMAP_DB", as_stranger)
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code == 1
        lines = capsys.readouterr().err.splitlines()
        assert len(lines) == 1 and lines[0].startswith("acctmap: ")
        assert f"user {stranger} is not allowed" in lines[0]
        assert "GRANT" in lines[0]
    finally:
        # The role is dropped after the test; it must own no grants by then.
        grant(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{stranger}"')
        owner.dispose()
