"""Scratch PostgreSQL databases for the tests, one per test, on a shared server.

Creating and migrating a database for every test would cost a second each, so the
first use in a test process migrates a template once; each test then gets a copy
(``CREATE DATABASE … TEMPLATE``), and drops it afterwards. Names are random, so
test processes running at the same time (pytest-xdist workers, two checkouts)
never meet.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from acctmap_tui.data.db import open_database

PREFIX = "acctmap_t_"


class PgServer:
    """The server named by the tests' URL, and the scratch databases made on it."""

    def __init__(self, url: str) -> None:
        self.url = sa.make_url(url)
        self._admin = sa.create_engine(
            self.url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
        )
        try:
            with self._admin.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except sa.exc.OperationalError as error:
            raise RuntimeError(
                f"the PostgreSQL server for the tests ({self.url.render_as_string()}) "
                f"cannot be reached: {str(error.orig).strip()}"
            ) from None
        self._template: str | None = None

    def _url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self._admin.connect() as connection:
            connection.exec_driver_sql(statement)

    def _migrated_template(self) -> str:
        if self._template is None:
            name = f"{PREFIX}tmpl_{uuid.uuid4().hex[:10]}"
            self._execute(f'CREATE DATABASE "{name}"')
            open_database(self._url_of(name)).close()
            self._template = name
        return self._template

    @contextmanager
    def scratch_database(self, *, migrated: bool, icu_locale: str | None = None) -> Iterator[str]:
        """The URL of a new database (migrated, or empty), dropped when the block ends.

        ``icu_locale`` (e.g. "en-US") makes an empty database that sorts text by that
        locale, as a server set up for people rather than for tests would.
        """
        name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
        if icu_locale is not None:
            assert not migrated, "a database with its own locale starts from template0"
            options = f" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '{icu_locale}'"
        else:
            options = f' TEMPLATE "{self._migrated_template()}"' if migrated else ""
        self._execute(f'CREATE DATABASE "{name}"{options}')
        try:
            yield self._url_of(name)
        finally:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        if self._template is not None:
            self._execute(f'DROP DATABASE IF EXISTS "{self._template}" WITH (FORCE)')
        self._admin.dispose()
