"""`acctmap path` and `acctmap gaps`: the stakeholder graph from the command line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import Account, Contact, Relationship, Seat, TeamMember, name_key
from acctmap_tui.data.types import utc_now
from acctmap_tui.domain.vocabulary import BuyingRole, RelationshipKind

pytestmark = pytest.mark.both_engines


@pytest.fixture
def people_db(database: Database) -> str:
    """Susan knows Bo (4), Tom knows Bo (2), Bo knows Ann (3), the economic buyer.

    Cy is out of everyone's reach; two contacts share a name. Touched just now, so
    freshness leaves the strengths as stored. Returns the ``--db`` that names it.
    """
    now = utc_now()
    with database.session() as session:
        susan = TeamMember(name="Susan Park", username="susan")
        tom = TeamMember(name="Tom Ray", username="tom")
        acme = Account(name="Acme Corp", name_key=name_key("Acme Corp"))
        session.add_all([susan, tom, acme])
        session.flush()
        ann = Contact(
            account_id=acme.id, name="Ann Lee", buying_role=BuyingRole.ECONOMIC_BUYER, influence=5
        )
        bo = Contact(account_id=acme.id, name="Bo Chen", title="Director", met=True)
        cy = Contact(account_id=acme.id, name="Cy Dale", buying_role=BuyingRole.TECHNICAL_BUYER)
        twins = [
            Contact(account_id=acme.id, name="Dup Name", title="Analyst"),
            Contact(account_id=acme.id, name="dup name", title="Engineer"),
        ]
        session.add_all([ann, bo, cy, *twins])
        session.flush()
        engagement = RelationshipKind.ENGAGEMENT
        session.add_all(
            [
                Relationship(
                    kind=engagement,
                    source_member_id=susan.id,
                    target_contact_id=bo.id,
                    strength=4,
                    last_touch_at=now,
                ),
                Relationship(
                    kind=engagement,
                    source_member_id=tom.id,
                    target_contact_id=bo.id,
                    strength=2,
                    last_touch_at=now,
                ),
                Relationship(
                    kind=RelationshipKind.KNOWS,
                    source_contact_id=bo.id,
                    target_contact_id=ann.id,
                    strength=3,
                ),
                Seat(account_id=acme.id, role_title="CFO", buying_role=BuyingRole.ECONOMIC_BUYER),
            ]
        )
        session.commit()
    return database.url


def _run(arguments: list[str]):
    return CliRunner().invoke(app, arguments)


def test_path_json_is_the_known_answer(people_db: str) -> None:
    result = _run(
        ["path", "--db", people_db, "--account", "acme corp", "--to", "  ann LEE ",
         "--format", "json"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "path": ["Susan Park", "Bo Chen", "Ann Lee"],
        "strength": 0.48,
        "hops": [
            {"from": "Susan Park", "to": "Bo Chen", "kind": "engagement", "strength": 0.8},
            {"from": "Bo Chen", "to": "Ann Lee", "kind": "knows", "strength": 0.6},
        ],
    }


def test_path_from_one_member_by_name_or_login(people_db: str) -> None:
    for who in ("Tom Ray", "TOM"):
        result = _run(
            ["path", "--db", people_db, "--account", "Acme Corp", "--to", "Ann Lee",
             "--from", who, "--format", "json"]
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        record = json.loads(result.stdout)
        assert record["path"] == ["Tom Ray", "Bo Chen", "Ann Lee"]
        assert record["strength"] == 0.24


def test_path_as_text(people_db: str) -> None:
    result = _run(["path", "--db", people_db, "--account", "Acme Corp", "--to", "Ann Lee"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Susan Park -> Bo Chen -> Ann Lee  (strength 0.48)"
    assert "engagement" in lines[1] and lines[1].endswith("0.80")
    assert "knows" in lines[2] and lines[2].endswith("0.60")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--account", "Acme Corp", "--to", "Cy Dale"], "no warm path from our team to Cy Dale"),
        (
            ["--account", "Acme Corp", "--to", "Cy Dale", "--from", "susan"],
            "no warm path from Susan Park to Cy Dale at Acme Corp",
        ),
        (["--account", "Nowhere Inc", "--to", "Ann Lee"], "no account named 'Nowhere Inc'"),
        (["--account", "Acme Corp", "--to", "Zed"], "no current contact named 'Zed' at Acme Corp"),
        (
            ["--account", "Acme Corp", "--to", "DUP NAME"],
            "2 contacts at Acme Corp are named 'DUP NAME' (Analyst, Engineer); ambiguous",
        ),
        (
            ["--account", "Acme Corp", "--to", "Ann Lee", "--from", "Zoe"],
            "no active team member named 'Zoe'",
        ),
    ],
)
def test_path_failures_exit_1_naming_the_value(
    people_db: str, arguments: list[str], message: str
) -> None:
    result = _run(["path", "--db", people_db, *arguments])
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""


def test_gaps_json(people_db: str) -> None:
    result = _run(["gaps", "--db", people_db, "ACME CORP", "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["account"] == "Acme Corp"
    assert set(record) >= {
        "coverage",
        "key_contacts",
        "influence_path",
        "gaps",
        "next_best_introductions",
        "key_person_risks",
        "stale_relationships",
        "former_champions",
    }
    found = {(gap["kind"], gap["subject"]) for gap in record["gaps"]}
    assert {
        ("uncovered", "Ann Lee"),
        ("unmet", "Ann Lee"),
        ("uncovered", "Cy Dale"),
        ("single_threaded", "Acme Corp"),
        ("vacant_seat", "CFO"),
    } <= found
    first = record["next_best_introductions"][0]
    assert (first["name"], first["path"], first["score"]) == (
        "Ann Lee",
        ["Susan Park", "Bo Chen", "Ann Lee"],
        0.48,
    )
    assert record["key_person_risks"] == [
        {"name": "Bo Chen", "cuts_off": ["Ann Lee"], "cuts_economic_buyer": True}
    ]


def test_gaps_table_names_every_section(people_db: str) -> None:
    result = _run(["gaps", "--db", people_db, "Acme Corp"])
    assert result.exit_code == 0, result.output
    for title in (
        "Coverage gaps",
        "Next best introductions",
        "Key-person risks",
        "Stale relationships",
        "Former champions now here",
    ):
        assert title in result.stdout
    assert "Vacant seat" in result.stdout and "Bo Chen" in result.stdout


def test_gaps_of_an_unknown_account(people_db: str) -> None:
    result = _run(["gaps", "--db", people_db, "Nowhere"])
    assert result.exit_code == 1
    assert "no account named 'Nowhere'" in result.stderr
