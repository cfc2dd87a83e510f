"""`acctmap orgchart`: the chart printed for e-mail and documents."""

from __future__ import annotations

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import Account, Contact, Seat
from acctmap_tui.demo import generate_demo
from acctmap_tui.orgchart import OrgChartOptions, OrgPerson
from acctmap_tui.orgchart.pack import render_within

pytestmark = pytest.mark.both_engines

runner = CliRunner()


@pytest.fixture
def demo_db(database: Database) -> str:
    """A 6-account demo; the ``--db`` that names it (a file path or a server URL)."""
    generate_demo(database, accounts=6)
    return database.url


def _account_people(database: Database, name: str) -> tuple[list[Contact], list[Seat]]:
    with database.session() as session:
        account = session.exec(select(Account).where(Account.name == name)).one()
        contacts = session.exec(
            select(Contact).where(Contact.account_id == account.id, Contact.left_on.is_(None))
        ).all()
        seats = session.exec(select(Seat).where(Seat.account_id == account.id)).all()
        return list(contacts), list(seats)


def test_every_contact_of_a_demo_account_is_printed_once_with_their_title(
    database: Database, demo_db: str
) -> None:
    with database.session() as session:
        names = session.exec(select(Account.name).order_by(Account.id)).all()
    for name in names:
        contacts, _ = _account_people(database, name)
        result = runner.invoke(app, ["orgchart", name.upper(), "--db", demo_db])
        assert result.exit_code == 0, result.output
        for contact in contacts:
            assert result.output.count(contact.name) == 1, (name, contact.name)
            title = (contact.title or "")[:15]  # long titles end in an ellipsis
            assert title in result.output
        assert "Roles: [EB] economic buyer" in result.output


def test_ascii_and_width(database: Database, demo_db: str) -> None:
    with database.session() as session:
        name = session.exec(select(Account.name).order_by(Account.id)).first()
    assert name is not None
    result = runner.invoke(app, ["orgchart", name, "--ascii", "--db", demo_db])
    assert result.exit_code == 0
    assert result.output.isascii()
    assert "+--" in result.output


def test_unknown_account_fails_naming_it(demo_db: str) -> None:
    result = runner.invoke(app, ["orgchart", "Nobody Inc", "--db", demo_db])
    assert result.exit_code == 1
    assert "'Nobody Inc'" in result.output


def test_root_trees_are_packed_in_bands_within_the_width() -> None:
    people = [OrgPerson(f"r{i}", f"Root {i}") for i in range(5)]
    people += [
        OrgPerson(f"k{i}{j}", f"Report {i}{j}", manager=f"r{i}") for i in range(5) for j in (1, 2)
    ]
    whole = render_within(people, OrgChartOptions(), None)
    assert max(len(line) for line in whole.splitlines()) > 100
    banded = render_within(people, OrgChartOptions(), 100)
    assert max(len(line) for line in banded.splitlines()) <= 100
    for person in people:
        assert banded.count(person.name + " ") == 1
    assert banded.index("Root 0") < banded.index("Root 4")
    assert "\n\n" in banded  # more than one band


def test_freshness_half_life_is_a_team_setting(demo_db: str) -> None:
    result = runner.invoke(app, ["freshness", "--db", demo_db])
    assert result.exit_code == 0 and "180 days" in result.output
    result = runner.invoke(app, ["freshness", "--half-life", "90", "--db", demo_db])
    assert result.exit_code == 0 and "90 days" in result.output
    assert "90 days" in runner.invoke(app, ["freshness", "--db", demo_db]).output
    result = runner.invoke(app, ["freshness", "--half-life", "0", "--db", demo_db])
    assert result.exit_code == 2 and "--half-life" in result.output
