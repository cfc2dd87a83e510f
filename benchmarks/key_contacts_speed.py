"""Speed of the account table's key contacts on the 10,000-account demo database.

``load_key_contacts`` runs for every account after the first paint of the Accounts tab
and in ``acctmap accounts`` / ``acctmap export map``, so it must stay well under a
second at 10,000 accounts (86,000 contacts). Measured in-process with
``time.perf_counter`` (wall) and ``time.process_time`` (CPU), one fresh session per run
after one untimed warm-up, medians of ``--runs``:

* ``load_key_contacts``: the function as it stands (queries, ranking, formatting);
* ``declared_influence_sql``: for comparison, the single window-function query that
  picked key contacts by the declared influence field before they came from the
  influence ranking.

The database (``benchmarks/results/demo-10000-seed7.db``) is copied to a temporary
directory first, so opening it (pragmas, migrations) never writes to the original.

    .venv/bin/python benchmarks/key_contacts_speed.py [--runs 5]

Writes benchmarks/results/key_contacts_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().with_name("results")
SOURCE = RESULTS / "demo-10000-seed7.db"
sys.path.insert(0, str(ROOT))

from acctmap_tui.data.db import Database, open_database  # noqa: E402
from acctmap_tui.data.map_queries import KEY_CONTACTS_PER_ACCOUNT, load_key_contacts  # noqa: E402
from acctmap_tui.data.models import Account, Contact  # noqa: E402


def declared_influence_sql(database: Database) -> int:
    """The previous way: top contacts by declared influence, one window-function query."""
    ranked = (
        sa.select(
            Contact.account_id,
            Contact.name,
            Contact.title,
            sa.func.row_number()
            .over(
                partition_by=Contact.account_id,
                order_by=(sa.func.coalesce(Contact.influence, 0).desc(), Contact.id),
            )
            .label("position"),
        )
        .where(Contact.left_on.is_(None))
        .subquery()
    )
    statement = sa.select(ranked.c.account_id, ranked.c.name, ranked.c.title).where(
        ranked.c.position <= KEY_CONTACTS_PER_ACCOUNT
    )
    with database.session() as session:
        return len(session.connection().execute(statement).all())


def ranked_key_contacts(database: Database) -> int:
    with database.session() as session:
        return len(load_key_contacts(session=session))


def measure(action: Callable[[Database], int], database: Database, runs: int) -> dict[str, Any]:
    """Median wall and CPU time of ``action`` over ``runs`` runs, after an untimed warm-up.

    CPU time (``time.process_time``) is reported too because on a shared machine the
    wall clock also counts the time other processes held the CPU.
    """
    action(database)
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        action(database)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "median_ms": round(statistics.median(wall), 2),
        "median_cpu_ms": round(statistics.median(cpu), 2),
        "runs_ms": [round(sample, 2) for sample in wall],
        "runs_cpu_ms": [round(sample, 2) for sample in cpu],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    options = parser.parse_args()
    if not SOURCE.exists():
        sys.exit(f"{SOURCE} is missing: make it with `acctmap demo` at 10,000 accounts, seed 7")
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / SOURCE.name
        for suffix in ("", "-wal"):
            if Path(f"{SOURCE}{suffix}").exists():
                shutil.copyfile(f"{SOURCE}{suffix}", f"{copy}{suffix}")
        database = open_database(copy)
        try:
            with database.session() as session:
                connection = session.connection()
                accounts = connection.execute(sa.select(sa.func.count(Account.id))).scalar_one()
                contacts = connection.execute(
                    sa.select(sa.func.count(Contact.id)).where(Contact.left_on.is_(None))
                ).scalar_one()
            results = {
                "load_key_contacts": measure(ranked_key_contacts, database, options.runs),
                "declared_influence_sql": measure(declared_influence_sql, database, options.runs),
            }
        finally:
            database.close()
    report = {
        "command": f"{sys.executable} benchmarks/key_contacts_speed.py --runs {options.runs}",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": len(os.sched_getaffinity(0)),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "database": {"file": SOURCE.name, "accounts": accounts, "current_contacts": contacts},
        "options": {"runs": options.runs},
        "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "key_contacts_speed.json").write_text(json.dumps(report, indent=2) + "\n")
    for name, result in results.items():
        print(
            f"{name:>24}: median {result['median_ms']:8.2f} ms wall,"
            f" {result['median_cpu_ms']:8.2f} ms CPU, over {options.runs} runs"
        )


if __name__ == "__main__":
    main()
