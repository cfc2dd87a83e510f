"""SIGKILL in the middle of an import or a save loses nothing committed and corrupts nothing.

The import runs in a real subprocess through the command line; it is killed once its
transaction has written pages to the -wal file (the page cache is made small so that
happens mid-import rather than only at commit), then the file must pass SQLite's
integrity check and hold exactly what it held before: an import is one transaction.
"""

from __future__ import annotations

import contextlib
import csv
import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from acctmap_tui.data.backup import check_file
from acctmap_tui.data.db import open_database
from acctmap_tui.data.models import Account, Contact, name_key

CONTACTS = 8_000
"""Enough rows that writing them takes a while after the first pages reach the WAL."""

IMPORT_IN_A_SUBPROCESS = """
import sys
import acctmap_tui.data.import_store as import_store
import_store.IMPORT_CACHE_KIB = 64  # spill to the WAL early, so a kill lands mid-write
from acctmap_tui.cli import app
app(["import", "contacts", sys.argv[2], "--db", sys.argv[1]])
"""

SAVES_IN_A_SUBPROCESS = """
import sys
from acctmap_tui.cli import app
for step in range(1, 10_000):
    try:
        app(["scoring", "--value-weight", f"{step / 10_000}", "--db", sys.argv[1]])
    except SystemExit as done:
        assert not done.code, done.code
    print(f"saved {step}", file=sys.stderr, flush=True)
"""


def _database_with_accounts(path: Path) -> int:
    """Five accounts and one contact; returns the contact count."""
    database = open_database(path)
    with database.session() as session:
        accounts = [
            Account(name=f"Account {n}", name_key=name_key(f"Account {n}")) for n in range(5)
        ]
        session.add_all(accounts)
        session.flush()
        assert accounts[0].id is not None
        session.add(Contact(account_id=accounts[0].id, name="Already There"))
        session.commit()
    database.close()
    return 1


def _contacts_csv(path: Path) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Record ID", "First Name", "Last Name", "Email", "Associated Company"])
        for n in range(CONTACTS):
            writer.writerow(
                [100_000 + n, f"First{n}", f"Last{n}", f"p{n}@x.example", f"Account {n % 5}"]
            )
    return path


def _integrity(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def _count(path: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_an_import_killed_midway_leaves_an_intact_database_and_no_partial_rows(
    tmp_path: Path,
) -> None:
    db = tmp_path / "team.db"
    before = _database_with_accounts(db)
    source = _contacts_csv(tmp_path / "contacts.csv")
    wal = db.with_name("team.db-wal")

    process = subprocess.Popen(
        [sys.executable, "-c", IMPORT_IN_A_SUBPROCESS, str(db), str(source)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        while process.poll() is None:
            if wal.exists() and wal.stat().st_size > 128 * 1024:  # the import is writing
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        _, err = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL, f"the import ended first: {err.decode()}"

    assert _integrity(db) == ["ok"]
    assert _count(db, "contact") == before
    assert check_file(db).ok
    reopened = open_database(db)  # and acctmap opens it as usual (no repair needed)
    try:
        assert reopened.schema_state().is_current
    finally:
        reopened.close()


def test_saves_killed_midway_keep_every_save_reported_as_done(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    _database_with_accounts(db)
    process = subprocess.Popen(
        [sys.executable, "-c", SAVES_IN_A_SUBPROCESS, str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    reported = 0
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if line.startswith("saved "):
                reported = int(line.split()[1])
            if reported >= 15:  # killed somewhere in the middle of the next save
                process.send_signal(signal.SIGKILL)
                break
    finally:
        process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL

    assert _integrity(db) == ["ok"]
    with contextlib.closing(sqlite3.connect(db)) as connection:
        (stored,) = connection.execute(
            "SELECT value FROM app_setting WHERE key = 'scoring'"
        ).fetchone()
    step = round(json.loads(stored)["value_weight"] * 10_000)
    # Every save reported done is there; the one in flight is all there or not at all.
    assert step in (reported, reported + 1)
