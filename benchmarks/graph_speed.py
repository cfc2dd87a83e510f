"""Stakeholder-graph speed: paths, building, updating and ranking on a 100,000-contact database.

The database holds one large account of 2,000 contacts (a six-way org chart, our
engagements with a tenth of them, who-knows-whom and influence links, partners, seats,
and 40 people who were contacts at other accounts: identity rows and shared e-mails,
with our old engagements) and small accounts of six contacts up to 100,000 contacts in
all, with their own relationships and cross-account identities. It is written with
bulk inserts in one transaction and cached under benchmarks/results/ (git-ignored);
``--rebuild`` makes it again.

Measured on the large account, each as the median of ``--runs`` samples, in-process
with ``time.perf_counter`` after one untimed warm-up:

* ``warm_path``: the warm-introduction path from any of our team to the contact
  farthest from our engagements, on the built graph (budget 100 ms);
* ``warm_path_from_member``: the same from one named member;
* ``build``: a fresh cache's first ``get``: the stamp query, loading the account's
  facts from the database and building the graph (budget 500 ms);
* ``update_after_edit``: one relationship's strength changed and committed, then
  the cache's ``get``, which sees the new stamp and rebuilds that account (budget
  500 ms; the edit's own commit is not timed);
* ``pagerank``: PageRank over the account's influence and reporting lines (the
  ranking then keeps its result with the built graph: ``ranking_on_cached_graph``);
* ``all_paths``, ``key_person_risk``, and ``full_analysis`` (building the graph from
  loaded facts, then everything ``acctmap gaps`` computes): for information.

    .venv/bin/python benchmarks/graph_speed.py [--runs 15] [--rebuild]

Writes benchmarks/results/graph_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().with_name("results")
sys.path.insert(0, str(ROOT))

from acctmap_tui.data.db import Database, open_database  # noqa: E402
from acctmap_tui.data.models import (  # noqa: E402
    Account,
    Contact,
    ContactIdentity,
    Partner,
    Relationship,
    Seat,
    TeamMember,
)

SEED = 7
TOTAL_CONTACTS = 100_000
BIG_ACCOUNT = 2_000
SMALL_ACCOUNT = 6
MEMBERS = 8
MOVERS = 40
"""People of the large account who were contacts at a small account before."""
GENERATOR_VERSION = 2
"""Bumped when the data changes, so a stale cached file is not measured."""
NOW = datetime(2026, 6, 1, tzinfo=UTC)

BUDGETS_MS = {"warm_path": 100, "build": 500, "update_after_edit": 500}
BIG_ACCOUNT_ID = 1

ROLES = ("economic_buyer", "champion", "technical_buyer", "influencer", "user", "coach")
SENTIMENTS = ("strong_supporter", "supporter", "neutral", "neutral", "detractor")


class Rows:
    """Rows per table with explicit ids, inserted in bulk at the end."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = {}
        self.ids: dict[str, int] = {}

    def add(self, table: str, **row: Any) -> int:
        row_id = self.ids.get(table, 0) + 1
        self.ids[table] = row_id
        self.tables.setdefault(table, []).append({"id": row_id, **row})
        return row_id


def _audit() -> dict[str, Any]:
    return {"created_at": NOW, "updated_at": NOW, "version": 1}


def _contact(rows: Rows, account_id: int, name: str, **fields: Any) -> int:
    defaults = {
        "title": None,
        "buying_role": None,
        "influence": None,
        "sentiment": None,
        "met": False,
        "reports_to_id": None,
        "dotted_line_to_id": None,
        "email": None,
        "left_on": None,
    }
    return rows.add(
        "contact", account_id=account_id, name=name, **{**defaults, **fields}, **_audit()
    )


def _relationship(rows: Rows, kind: str, target: int, strength: int, **source: Any) -> int:
    sources = {"source_member_id": None, "source_contact_id": None, "source_partner_id": None}
    return rows.add(
        "relationship",
        account_id=None,
        kind=kind,
        target_contact_id=target,
        strength=strength,
        last_touch_at=source.pop("last_touch_at", None),
        **{**sources, **source},
        **_audit(),
    )


def _touched(rng: random.Random) -> datetime:
    return NOW - timedelta(days=rng.randint(0, 900), hours=rng.randint(0, 23))


def _account(rows: Rows, index: int) -> int:
    name = f"Account {index:06d}"
    return rows.add(
        "account",
        name=name,
        name_key=name.casefold(),
        target_type="new_prospect",
        stage="prospecting",
        currency="USD",
        **_audit(),
    )


def _big_account(rows: Rows, rng: random.Random, members: list[int]) -> list[int]:
    """The 2,000-contact account: a six-way org chart and its relationships."""
    account_id = _account(rows, 0)
    assert account_id == BIG_ACCOUNT_ID
    ids: list[int] = []
    for index in range(BIG_ACCOUNT):
        parent = ids[(index - 1) // 6] if index else None
        depth = 0 if not index else 1 + (0 if index <= 6 else 1 if index <= 42 else 2)
        ids.append(
            _contact(
                rows,
                account_id,
                f"Person {index:05d}",
                title=f"Title {index}",
                influence=max(1, 5 - depth),
                buying_role=ROLES[index] if index < len(ROLES) else None,
                sentiment="blocker" if index % 97 == 0 and index else rng.choice(SENTIMENTS),
                met=rng.random() < 0.1,
                reports_to_id=parent,
                dotted_line_to_id=ids[rng.randrange(index)]
                if index and rng.random() < 0.02
                else None,
                email=f"person{index}@big.example",
            )
        )
    for contact_id in rng.sample(ids, BIG_ACCOUNT // 10):
        _relationship(
            rows,
            "engagement",
            contact_id,
            rng.randint(1, 5),
            source_member_id=rng.choice(members),
            last_touch_at=_touched(rng),
        )
    for _ in range(BIG_ACCOUNT):
        first, second = rng.sample(ids, 2)
        _relationship(rows, "knows", second, rng.randint(1, 5), source_contact_id=first)
    for _ in range(BIG_ACCOUNT // 10):
        first, second = rng.sample(ids[:300], 2)
        _relationship(rows, "influences", second, rng.randint(1, 5), source_contact_id=first)
    for partner in range(2):
        partner_id = rows.add(
            "partner", account_id=account_id, name=f"Partner {partner}", influence=4, **_audit()
        )
        for contact_id in rng.sample(ids[:100], 5):
            _relationship(rows, "influences", contact_id, 4, source_partner_id=partner_id)
    for index, contact_id in enumerate(ids[:12]):
        rows.add(
            "seat",
            account_id=account_id,
            role_title=f"Seat {index}",
            contact_id=None if index % 5 == 4 else contact_id,
            **_audit(),
        )
    return ids


def _small_account(
    rows: Rows, rng: random.Random, index: int, members: list[int], size: int
) -> list[int]:
    account_id = _account(rows, index)
    ids: list[int] = []
    for position in range(size):
        ids.append(
            _contact(
                rows,
                account_id,
                f"Contact {index}-{position}",
                influence=rng.randint(1, 5),
                buying_role=ROLES[position] if position < 3 else None,
                reports_to_id=ids[0] if position else None,
                email=f"c{index}-{position}@small{index}.example",
            )
        )
    for contact_id in rng.sample(ids, 2):
        _relationship(
            rows,
            "engagement",
            contact_id,
            rng.randint(1, 5),
            source_member_id=rng.choice(members),
            last_touch_at=_touched(rng),
        )
    first, second = rng.sample(ids, 2)
    _relationship(rows, "knows", second, 3, source_contact_id=first)
    return ids


def build_database(path: Path) -> None:
    """Write the benchmark database (see the module docstring) in one transaction."""
    rng = random.Random(SEED)
    rows = Rows()
    members = [
        rows.add("team_member", name=f"Member {i}", username=f"m{i}", active=True, **_audit())
        for i in range(MEMBERS)
    ]
    big = _big_account(rows, rng, members)
    remaining = TOTAL_CONTACTS - BIG_ACCOUNT
    smalls = []
    while remaining > 0:
        size = min(SMALL_ACCOUNT, remaining)
        smalls.append(_small_account(rows, rng, len(smalls) + 1, members, size))
        remaining -= size
    contacts_by_id = {row["id"]: row for row in rows.tables["contact"]}
    for number, (mover, old_account) in enumerate(
        zip(rng.sample(big[50:], MOVERS), rng.sample(smalls, MOVERS), strict=True)
    ):
        old = contacts_by_id[old_account[-1]]
        old.update(buying_role="champion", sentiment="strong_supporter", left_on=NOW.date())
        if number % 2:  # half by identity row, half by the same e-mail in another case
            rows.add(
                "contact_identity",
                contact_id=mover,
                same_as_contact_id=old["id"],
                confirmed=True,
                created_at=NOW,
            )
        else:
            old["email"] = contacts_by_id[mover]["email"].upper()
    for _ in range(1_000):
        first, second = rng.sample(smalls, 2)
        rows.add(
            "contact_identity",
            contact_id=first[1],
            same_as_contact_id=second[1],
            confirmed=False,
            created_at=NOW,
        )
    path.unlink(missing_ok=True)
    database = open_database(path)
    tables = {
        "team_member": TeamMember,
        "account": Account,
        "contact": Contact,
        "partner": Partner,
        "seat": Seat,
        "relationship": Relationship,
        "contact_identity": ContactIdentity,
    }
    with database.engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # managers come in order anyway
        for name, model in tables.items():
            for start in range(0, len(rows.tables.get(name, ())), 20_000):
                chunk = rows.tables[name][start : start + 20_000]
                connection.execute(sa.insert(model.__table__), chunk)  # type: ignore[attr-defined]
    with database.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    database.close()


def median_ms(samples: list[float]) -> float:
    return round(1000 * statistics.median(samples), 2)


def timed(action: Callable[[], object], runs: int) -> list[float]:
    action()  # warm-up: imports, caches, the file in the page cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def farthest_contact(graph: Any) -> int:
    """The contact whose warmest path has the most hops (then the lowest strength)."""
    from acctmap_tui.graph.paths import warm_intro_paths

    paths = warm_intro_paths(graph)
    return max(paths, key=lambda cid: (len(paths[cid].nodes), -paths[cid].strength, -cid))


def measure(database: Database, runs: int) -> dict[str, list[float]]:
    from acctmap_tui.graph.analysis import analyse_account
    from acctmap_tui.graph.build import build_graph
    from acctmap_tui.graph.cache import StakeholderGraphCache
    from acctmap_tui.graph.freshness import Freshness
    from acctmap_tui.graph.paths import warm_intro_path, warm_intro_paths
    from acctmap_tui.graph.ranking import influence_ranking, influence_scores
    from acctmap_tui.graph.risk import key_person_risks

    freshness = Freshness(NOW)
    samples: dict[str, list[float]] = {}

    def build() -> None:
        with database.session() as session:
            StakeholderGraphCache().get(BIG_ACCOUNT_ID, session=session, freshness=freshness)

    samples["build"] = timed(build, runs)

    cache = StakeholderGraphCache()
    with database.session() as session:
        graph = cache.get(BIG_ACCOUNT_ID, session=session, freshness=freshness).graph
    assert len(graph.contacts) == BIG_ACCOUNT, len(graph.contacts)
    assert len(graph.other_records) >= MOVERS, len(graph.other_records)
    target = farthest_contact(graph)
    member = min(graph.members)
    assert warm_intro_path(graph, target) is not None
    samples["warm_path"] = timed(lambda: warm_intro_path(graph, target), runs)
    samples["warm_path_from_member"] = timed(
        lambda: warm_intro_path(graph, target, from_member_id=member), runs
    )
    samples["pagerank"] = timed(lambda: influence_scores(graph), runs)
    samples["ranking_on_cached_graph"] = timed(lambda: influence_ranking(graph), runs)
    samples["all_paths"] = timed(lambda: warm_intro_paths(graph), runs)
    samples["key_person_risk"] = timed(lambda: key_person_risks(graph), runs)
    samples["full_analysis"] = timed(
        lambda: analyse_account(build_graph(graph.facts, freshness)), runs
    )

    edited = graph.facts.relationships[0].id
    updates = []
    for run in range(runs + 1):
        with database.engine.begin() as connection:  # someone else's edit: not timed
            connection.execute(
                sa.update(Relationship)
                .where(Relationship.id == edited)
                .values(
                    strength=1 + run % 5,
                    version=Relationship.version + 1,
                    updated_at=NOW + timedelta(seconds=run + 1),
                )
            )
        started = time.perf_counter()
        with database.session() as session:
            entry = cache.get(BIG_ACCOUNT_ID, session=session, freshness=freshness)
        elapsed = time.perf_counter() - started
        assert entry.version == run + 2, "the edit must cause a rebuild"
        if run:  # the first is the warm-up
            updates.append(elapsed)
    samples["update_after_edit"] = updates
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true", help="make the database again")
    options = parser.parse_args()

    path = RESULTS / f"graph-{TOTAL_CONTACTS}-v{GENERATOR_VERSION}.db"
    RESULTS.mkdir(parents=True, exist_ok=True)
    if options.rebuild or not path.exists():
        print(f"building {path.relative_to(ROOT)} …", flush=True)
        started = time.perf_counter()
        build_database(path)
        print(f"  {time.perf_counter() - started:.1f} s", flush=True)
    database = open_database(path)
    try:
        with database.session() as session:
            contacts = session.execute(sa.select(sa.func.count()).select_from(Contact)).scalar()
        samples = measure(database, options.runs)
    finally:
        database.close()

    print(f"stakeholder graph, {contacts:,} contacts, account of {BIG_ACCOUNT:,}: "
          f"median of {options.runs} runs")  # fmt: skip
    results = {}
    for name, values in samples.items():
        median = median_ms(values)
        budget = BUDGETS_MS.get(name)
        verdict = "" if budget is None else ("  ok" if median <= budget else "  OVER BUDGET")
        limit = "" if budget is None else f"(budget {budget} ms)"
        print(f"  {name:<22} {median:9.2f} ms {limit}{verdict}")
        results[name] = {
            "median_ms": median,
            "budget_ms": budget,
            "within_budget": None if budget is None else median <= budget,
            "runs_ms": [round(1000 * value, 2) for value in values],
        }
    report = {
        "command": " ".join([sys.executable, *sys.argv]),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "database": {"contacts": contacts, "big_account_contacts": BIG_ACCOUNT, "file": path.name},
        "options": vars(options),
        "results": results,
    }
    (RESULTS / "graph_speed.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {(RESULTS / 'graph_speed.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
