"""The console entry point, and opening the app as fast as the terminal allows.

Most launches are a plain ``acctmap`` or ``acctmap --db team.db``. For those the
command-line parser (Typer, about 55 ms of imports) is skipped: the few options a
plain launch takes are recognised here, and anything else (a command, ``--help``,
an option spelled differently) goes to :mod:`acctmap_tui.cli` unchanged, so the
parser stays the one authority on the command line.

While Textual and the app import, the first screen's rows are read from the
database in a thread: ``sqlite3`` releases the interpreter lock while it steps
through the query, so the two overlap. Reopening an unchanged database is
quicker still: the first page cached by the last full load
(:mod:`acctmap_tui.data.first_screen`) is shown when its stamp still matches.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from acctmap_tui.errors import AcctmapError

if TYPE_CHECKING:
    from acctmap_tui.data.db import Database
    from acctmap_tui.data.deferred import DeferredDatabase
    from acctmap_tui.data.first_screen import FirstScreen
    from acctmap_tui.domain.account_map import AccountMapRow
    from acctmap_tui.settings import Settings

PlainLaunch = tuple[str | None, str | None, bool]
"""``--db``, ``--user`` and ``--ascii`` of a plain launch."""

_VALUE_OPTIONS = ("--db", "--user")


def plain_launch(args: Sequence[str]) -> PlainLaunch | None:
    """The options of a launch that only opens the app, or None for anything else.

    Only exact spellings count (``--db X``, ``--db=X``, ``--user X``, ``--user=X``,
    ``--ascii``), each at most once; the rest is left to the full parser.
    """
    values: dict[str, str] = {}
    ascii_only = False
    position = 0
    while position < len(args):
        arg = args[position]
        name, equals, value = arg.partition("=")
        if arg == "--ascii" and not ascii_only:
            ascii_only = True
        elif name in _VALUE_OPTIONS and name not in values:
            if not equals:
                position += 1
                if position == len(args) or args[position].startswith("-"):
                    return None
                value = args[position]
            values[name] = value
        else:
            return None
        position += 1
    return values.get("--db"), values.get("--user"), ascii_only


def stdout_is_utf8() -> bool:
    """Whether box-drawing characters can be written to this terminal."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return encoding in ("utf8", "utf8sig")


def settings_for(user: str | None, ascii_only: bool = False) -> Settings:
    """Settings for this terminal: ASCII drawing when stdout cannot take UTF-8."""
    from acctmap_tui.settings import Settings, current_user

    return Settings(user=current_user(user), ascii_only=ascii_only or not stdout_is_utf8())


def run_tui(
    database: Database | DeferredDatabase,
    settings: Settings,
    first_rows: list[AccountMapRow] | None = None,
    first_screen: FirstScreen | None = None,
) -> int:
    """Run the app until it quits; its return code."""
    from acctmap_tui.app import make_app
    from acctmap_tui.gc_tuning import quiet_collector

    with quiet_collector():  # start-up objects live as long as the app
        tui = make_app(
            database,  # type: ignore[arg-type]
            settings,
            first_rows,
            first_screen=first_screen,
        )
    try:
        tui.run()
    finally:
        database.close()
    return tui.return_code or 0


def launch_app(db: str | None, settings: Settings) -> int:
    """Open the app: straight on quickly read rows when the database allows it.

    For an up-to-date SQLite file the first screen is the cached first page when
    it still matches the data, else read with the standard library; the database
    stack loads behind it. Otherwise (a server such as PostgreSQL, whose rows the
    standard library cannot read) the database is opened (checked, migrated)
    first, with its one-line errors.
    """
    from datetime import date

    from acctmap_tui.data.location import resolve_url, sqlite_file

    url = resolve_url(db)
    if sqlite_file(url) is None:
        # The quick read and the first-screen cache are for SQLite files only: no
        # thread, no cache, the same full load as any miss.
        from acctmap_tui.data.db import open_database

        return run_tui(open_database(url), settings)

    from acctmap_tui.data.first_screen import read_first_screen, stamp_of, write_first_screen
    from acctmap_tui.data.quick_read import read_first_map

    first: list[list[AccountMapRow] | None] = [None]
    cached: list[FirstScreen | None] = [None]

    def read() -> None:
        today = date.today()
        days = settings.stale_after_days
        cached[0] = read_first_screen(url, today=today, stale_after_days=days)
        if cached[0] is not None:
            return
        # A miss: the quick read is the full load's ranking, so it can refill the cache
        # now (a few ms), not only once the full load has finished; launches that quit
        # quickly would otherwise never leave one. The stamp comes first, as there.
        stamp = stamp_of(url)
        first[0] = rows = read_first_map(url, today=today, stale_after_days=days)
        if rows is not None and stamp is not None:
            write_first_screen(url, stamp, rows, today, days)

    reader = threading.Thread(target=read, name="acctmap-first-screen", daemon=True)
    reader.start()
    import acctmap_tui.app  # noqa: F401  (overlaps the read; run_tui needs it next)

    reader.join()
    first_rows, first_screen = first[0], cached[0]
    if first_rows is None and first_screen is None:
        from acctmap_tui.data.db import open_database

        return run_tui(open_database(db), settings)
    from acctmap_tui.data.deferred import DeferredDatabase

    return run_tui(DeferredDatabase(url), settings, first_rows, first_screen)


def report_errors(run: Callable[[], object]) -> None:
    """Run the command line; a database failure that escaped a command becomes one line."""
    try:
        run()
    except AcctmapError as error:
        print(f"acctmap: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:
        sa_exc = sys.modules.get("sqlalchemy.exc")
        if sa_exc is not None and isinstance(error, sa_exc.OperationalError | sa_exc.DBAPIError):
            from acctmap_tui.data.db_errors import explain_database_error

            # Read-only, locked, disk full, file gone, a server that refuses a write to
            # this user: the one line that says what to do.
            print(f"acctmap: {explain_database_error(error)}", file=sys.stderr)
            sys.exit(1)
        raise


def main() -> None:
    """Console entry point: a plain launch opens the app, anything else goes to the CLI."""
    plain = plain_launch(sys.argv[1:])
    if plain is None:
        from acctmap_tui.cli import app

        report_errors(app)
        return
    db, user, ascii_only = plain

    def launch() -> None:
        code = launch_app(db, settings_for(user, ascii_only))
        if code:
            sys.exit(code)

    report_errors(launch)
