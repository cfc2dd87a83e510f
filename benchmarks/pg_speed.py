"""PostgreSQL beside SQLite at 10,000 accounts: copy-db, the account list and the warm path.

Budgets (issue 8, "Speed"): on the local PostgreSQL server with 10,000 accounts,

* ``copy_db``: ``acctmap copy-db`` of the 10,000-account SQLite database to an empty
  PostgreSQL database in 30 s or less (timed around
  :func:`acctmap_tui.data.copy_db.copy_database`: opening both sides, creating the
  schema by migration, copying, committing);
* ``account_list``: the account list query
  (:func:`acctmap_tui.data.map_queries.load_ranked_map`: every live account read,
  scored and ranked) within 2x of SQLite's figure measured in the same run;
* ``warm_path``: what ``acctmap path --account A --to C --from M`` computes (find the
  account, load its people and relationships, build the stakeholder graph, find the
  warmest introduction from team member M to contact C) within 2x of SQLite.

The database (``benchmarks/results/demo-10000-seed7.db``, made with ``acctmap demo
--accounts 10000 --seed 7`` if missing) is copied to a temporary folder first (and
brought to this build's schema there), so the original is never written. Each run
copies it into a fresh scratch PostgreSQL database (``acctmap_t_bench_…``, dropped
at the end); the first copy is checked to be lossless (identical JSON exports).
The queries run in this process against both engines, alternating, after one
untimed warm-up each; the account and contact for the warm path are fixed (chosen
on SQLite: the first account whose warmest path to some contact is the longest, at
least three hops). Medians are reported with the PostgreSQL/SQLite ratio; CPU load
is recorded, as this machine's two cores are shared.

    .venv/bin/python benchmarks/pg_speed.py [--runs 5] [--server URL]

``--server`` (default ``$ACCTMAP_TEST_PG_URL``, else the local server's ``test``
database) is where scratch databases are created. Writes
benchmarks/results/pg_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acctmap_tui.data.copy_db import copy_database, first_difference  # noqa: E402
from acctmap_tui.data.db import Database, copy_sqlite, open_database  # noqa: E402

RESULTS = Path(__file__).resolve().with_name("results")
SOURCE = RESULTS / "demo-10000-seed7.db"
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COPY_BUDGET_SECONDS = 30.0
RATIO_BUDGET = 2.0


@dataclass(frozen=True)
class PathCase:
    """The warm path measured: from ``member`` to ``contact`` at ``account``."""

    account: str
    contact_id: int
    contact: str
    member_id: int
    member: str
    hops: int


def _ensure_source() -> None:
    if SOURCE.exists():
        return
    print(f"making {SOURCE.name} (10,000 accounts, seed 7)...", file=sys.stderr)
    subprocess.run(
        [
            str(Path(sys.executable).with_name("acctmap")),
            "demo",
            "--accounts",
            "10000",
            "--seed",
            "7",
            "--no-open",
            "--db",
            str(SOURCE),
        ],
        check=True,
        cwd=ROOT,
    )


@contextmanager
def _scratch_databases(server: str) -> Iterator[Callable[[], str]]:
    """Makes empty scratch databases on the server; all dropped at the end."""
    url = sa.make_url(server)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    made: list[str] = []

    def new_database() -> str:
        name = f"acctmap_t_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        made.append(name)
        return url.set(database=name).render_as_string(hide_password=False)

    try:
        yield new_database
    finally:
        with admin.connect() as connection:
            for name in made:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _account_list(database: Database) -> int:
    from acctmap_tui.data.map_queries import load_ranked_map

    return len(load_ranked_map(database, today=date.today()))


def _warm_path(database: Database, case: PathCase) -> int:
    """The work of ``acctmap path --account A --to C --from M``, on an open database."""
    from acctmap_tui.data.account_store import find_account_by_name
    from acctmap_tui.data.stakeholder_queries import load_half_life_days, load_stakeholder_facts
    from acctmap_tui.graph.build import build_graph
    from acctmap_tui.graph.freshness import Freshness
    from acctmap_tui.graph.paths import warm_intro_path

    with database.session() as session:
        account = find_account_by_name(case.account, session=session)
        assert account is not None and account.id is not None
        facts = load_stakeholder_facts(account.id, session=session)
        half_life = load_half_life_days(session=session)
    assert facts is not None
    graph = build_graph(facts, Freshness(datetime.now(UTC), half_life))
    found = warm_intro_path(graph, case.contact_id, from_member_id=case.member_id)
    assert found is not None
    return len(found.hops)


def _choose_path(database: Database) -> PathCase:
    """The first account (by id) whose longest warmest path has at least three hops."""
    from acctmap_tui.data.models import Account
    from acctmap_tui.data.stakeholder_queries import load_half_life_days, load_stakeholder_facts
    from acctmap_tui.graph.build import MEMBER, build_graph
    from acctmap_tui.graph.freshness import Freshness
    from acctmap_tui.graph.paths import warm_intro_paths

    with database.session() as session:
        half_life = load_half_life_days(session=session)
        accounts = session.execute(
            sa.select(Account.id, Account.name)
            .where(Account.deleted_at.is_(None))
            .order_by(Account.id)
            .limit(200)
        ).all()
        for account_id, name in accounts:
            facts = load_stakeholder_facts(account_id, session=session)
            assert facts is not None
            graph = build_graph(facts, Freshness(datetime.now(UTC), half_life))
            paths = warm_intro_paths(graph)
            if not paths:
                continue
            contact_id, path = max(paths.items(), key=lambda item: (len(item[1].hops), -item[0]))
            if len(path.hops) < 3 or path.start[0] != MEMBER:
                continue
            member_id = path.start[1]
            return PathCase(
                account=name,
                contact_id=contact_id,
                contact=graph.contacts[contact_id].name,
                member_id=member_id,
                member=graph.members[member_id].name,
                hops=len(path.hops),
            )
    sys.exit("no account among the first 200 has a warm path of three hops or more")


def _timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _summary(seconds: list[float]) -> dict[str, Any]:
    return {
        "median_seconds": round(statistics.median(seconds), 4),
        "runs": [round(value, 4) for value in seconds],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument(
        "--server",
        default=os.environ.get("ACCTMAP_TEST_PG_URL") or DEFAULT_SERVER,
        help="PostgreSQL URL to create scratch databases from (default: "
        "$ACCTMAP_TEST_PG_URL, else the local server's test database)",
    )
    options = parser.parse_args()
    _ensure_source()
    copies: list[float] = []
    queries: dict[str, dict[str, list[float]]] = {
        "account_list": {"sqlite": [], "postgresql": []},
        "warm_path": {"sqlite": [], "postgresql": []},
    }
    with tempfile.TemporaryDirectory() as scratch, _scratch_databases(options.server) as new_pg:
        local = Path(scratch) / SOURCE.name
        copy_sqlite(SOURCE, local)
        open_database(local).close()  # brought to this build's schema, here only
        server_url = ""
        for run in range(options.runs):
            server_url = new_pg()
            summary = copy_database(local, server_url)
            copies.append(summary.seconds)
            print(f"copy {run + 1}: {summary.line()}", file=sys.stderr)
            if run == 0:
                difference = first_difference(local, server_url)
                if difference is not None:
                    sys.exit(f"the copy is not lossless: {difference}")
        databases = {"sqlite": open_database(local), "postgresql": open_database(server_url)}
        try:
            case = _choose_path(databases["sqlite"])
            measures: dict[str, Callable[[Database], Any]] = {
                "account_list": _account_list,
                "warm_path": lambda database: _warm_path(database, case),
            }
            for name, measure in measures.items():
                results = {engine: measure(db) for engine, db in databases.items()}  # warm-up
                if results["sqlite"] != results["postgresql"]:
                    sys.exit(f"{name}: SQLite gave {results['sqlite']}, PostgreSQL {results}")
                for _ in range(options.runs):
                    for engine, database in databases.items():
                        queries[name][engine].append(_timed(partial(measure, database)))
        finally:
            for database in databases.values():
                database.close()
    copy_median = statistics.median(copies)
    comparisons: dict[str, Any] = {}
    for name, by_engine in queries.items():
        sqlite_median = statistics.median(by_engine["sqlite"])
        pg_median = statistics.median(by_engine["postgresql"])
        comparisons[name] = {
            "sqlite": _summary(by_engine["sqlite"]),
            "postgresql": _summary(by_engine["postgresql"]),
            "ratio": round(pg_median / sqlite_median, 2),
            "within_budget": pg_median <= RATIO_BUDGET * sqlite_median,
        }
    report = {
        "command": f"{sys.executable} benchmarks/pg_speed.py --runs {options.runs}",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": len(os.sched_getaffinity(0)),
            "load_average_1m": os.getloadavg()[0],
            "platform": platform.platform(),
            "python": platform.python_version(),
            "server": sa.make_url(options.server).render_as_string(),
        },
        "database": {"file": SOURCE.name, "rows_copied": sum(summary.rows.values())},
        "warm_path_case": case.__dict__,
        "budget": {"copy_db_seconds": COPY_BUDGET_SECONDS, "pg_over_sqlite": RATIO_BUDGET},
        "results": {
            "copy_db": {
                **_summary(copies),
                "within_budget": copy_median <= COPY_BUDGET_SECONDS,
                "lossless": True,
            },
            **comparisons,
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pg_speed.json").write_text(json.dumps(report, indent=2) + "\n")
    verdict = "within budget" if copy_median <= COPY_BUDGET_SECONDS else "OVER BUDGET"
    budget = f"budget {COPY_BUDGET_SECONDS:.0f} s"
    print(f"     copy_db: median {copy_median:6.2f} s ({budget})  {verdict}")
    for name, result in comparisons.items():
        verdict = "within budget" if result["within_budget"] else "OVER BUDGET"
        print(
            f"{name:>12}: SQLite {result['sqlite']['median_seconds'] * 1000:8.1f} ms, "
            f"PostgreSQL {result['postgresql']['median_seconds'] * 1000:8.1f} ms, "
            f"ratio {result['ratio']:.2f} (budget {RATIO_BUDGET:.0f}x)  {verdict}"
        )


if __name__ == "__main__":
    main()
