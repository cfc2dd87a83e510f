"""Rows to validated records (the plan), and the plan written in one transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from acctmap_tui.data.account_store import create_account
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.import_store import load_existing, run_import
from acctmap_tui.data.models import (
    Account,
    ChangeLogEntry,
    Contact,
    NextAction,
    TeamMember,
    name_key,
)
from acctmap_tui.domain.vocabulary import BuyingRole, Stage, TargetType
from acctmap_tui.interchange.csv_headers import ImportKind, map_headers, parse_map_options
from acctmap_tui.interchange.csv_import import (
    ConflictMode,
    ExistingAccount,
    ExistingContact,
    ExistingData,
    ExistingMember,
    ImportOptions,
    ImportPlan,
    parse_key_contacts,
    parse_stage,
    plan_import,
)
from acctmap_tui.interchange.csv_read import read_text

pytestmark = pytest.mark.both_engines

ACCOUNTS = ImportKind.ACCOUNTS
CONTACTS = ImportKind.CONTACTS

ACME = ExistingAccount(1, "Acme Logistics", "001ACME", Stage.PROPOSAL)
BETA = ExistingAccount(2, "Beta Health", None, Stage.PROSPECTING)
SUSAN = ExistingMember(10, "Susan Park", "susan")


def plan(
    text: str,
    kind: ImportKind = ACCOUNTS,
    existing: ExistingData | None = None,
    *maps: str,
    **options: object,
) -> ImportPlan:
    source = read_text(text)
    mapping = map_headers(source.headers, kind, parse_map_options(maps, kind))
    return plan_import(source, mapping, existing or ExistingData(), ImportOptions(**options))  # type: ignore[arg-type]


def errors(result: ImportPlan) -> list[str]:
    return [str(issue) for issue in result.errors]


# --- values ------------------------------------------------------------------------------


def test_values_in_the_account_forms_formats() -> None:
    result = plan(
        "Account,Revenue potential,Win probability,Annual revenue,Employees,Last reviewed,"
        "Closed on,Stage,Fit timing,Revenue growth,Currency\n"
        'Acme,"$1,200,000.50",70%,1.2M,"5,400",2026-03-01,2025-12-31,Won,4,-3.5%,eur\n'
        "Beta,100k,0.25,,,2026-03-01T14:30:00+02:00,,Proposal,,,\n"
    )
    assert errors(result) == []
    acme, beta = result.creates
    assert acme.values == {
        "revenue_potential": Decimal("1200000.50"),
        "win_probability": 0.7,
        "annual_revenue": Decimal("1200000.00"),
        "employees": 5400,
        "last_reviewed_at": datetime(2026, 3, 1, tzinfo=UTC),
        "closed_on": date(2025, 12, 31),
        "stage": Stage.WON,
        "fit_timing": 4,
        "revenue_growth": -0.035,
        "currency": "EUR",
    }
    # Empty cells are no value at all (not zero); an ISO time is kept in UTC.
    assert beta.values == {
        "revenue_potential": Decimal("100000.00"),
        "win_probability": 0.25,
        "last_reviewed_at": datetime(2026, 3, 1, 12, 30, tzinfo=UTC),
        "stage": Stage.PROPOSAL,
    }


def test_decimal_comma_only_when_asked() -> None:
    text = "Account;Revenue potential;Win probability;Employees\nAcme;1.234.567,89;70,5%;1.200\n"
    assert len(plan(text).errors) == 3
    result = plan(text, decimal_comma=True)
    assert errors(result) == []
    assert result.creates[0].values == {
        "revenue_potential": Decimal("1234567.89"),
        "win_probability": 0.705,
        "employees": 1200,
    }


def test_every_error_names_row_column_value_and_reason() -> None:
    result = plan("Account Name,Amount,Close probability\nAcme,lots,\n", ACCOUNTS)
    assert errors(result) == [
        "row 2, column 'Amount', value 'lots': not an amount such as 100000, 100,000, "
        "$100,000.50, 100k or 1.2M"
    ]


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("Prospect", Stage.PROSPECTING),  # the seed template's word
        ("Lead", Stage.PROSPECTING),
        ("Marketing Qualified Lead", Stage.PROSPECTING),  # HubSpot lifecycle
        ("salesqualifiedlead", Stage.PROSPECTING),  # HubSpot internal value
        ("Needs Analysis", Stage.EARLY_DISCUSSIONS),  # Salesforce
        ("Id. Decision Makers", Stage.EARLY_DISCUSSIONS),
        ("Appointment Scheduled", Stage.EARLY_DISCUSSIONS),  # HubSpot deal stage
        ("Proposal/Price Quote", Stage.PROPOSAL),
        ("Decision Maker Bought-In", Stage.PROPOSAL),
        ("Negotiation/Review", Stage.NEGOTIATION),
        ("Contract Sent", Stage.NEGOTIATION),
        ("Closed Won", Stage.WON),
        ("Evangelist", Stage.WON),
        ("closedlost", Stage.LOST),
    ],
)
def test_crm_stages_map_to_the_nearest_stage(text: str, stage: Stage) -> None:
    assert parse_stage(text) == (stage, None)


def test_a_status_with_an_amount_sets_the_closed_amount() -> None:
    assert parse_stage("Won $120,000") == (Stage.WON, Decimal("120000.00"))
    result = plan("Account Name,Current Status\nAcme,Lost 40000\n")
    assert result.creates[0].values == {"stage": Stage.LOST, "closed_amount": Decimal("40000.00")}


def test_an_unknown_stage_names_the_accepted_ones() -> None:
    (issue,) = plan("Account,Stage\nAcme,Other\n").errors
    assert issue.reason.startswith(
        "not a stage: one of Prospecting, Early discussions, Proposal, Negotiation, Won, Lost"
    )


def test_a_closed_amount_needs_a_closed_stage() -> None:
    result = plan("Account,Stage,Closed amount\nAcme,Proposal,5000\n")
    assert errors(result) == [
        "row 2, column 'Closed amount', value '5000': only Won or Lost accounts have a "
        "closed amount"
    ]


def test_target_types_by_label_or_synonym() -> None:
    result = plan("Account,Target type\nA,Upsell\nB,win-back\nC,Martian\n")
    assert [r.values["target_type"] for r in result.creates] == [
        TargetType.EXISTING_CUSTOMER,
        TargetType.LOST_ACCOUNT,
    ]
    assert result.errors[0].row == 4


def test_our_exports_formula_guard_is_undone() -> None:
    result = plan("Account,Strategy\nAcme,'=win them back\n")
    assert result.creates[0].values["strategy"] == "=win them back"


def test_unknown_columns_are_kept_as_extra() -> None:
    result = plan("Account,Rating,SLA__c\nAcme,Hot,\nBeta,,Gold\n")
    assert [r.extra for r in result.creates] == [{"Rating": "Hot"}, {"SLA__c": "Gold"}]
    assert result.mapping.unknown_headers == ("Rating", "SLA__c")


def test_ragged_rows_are_errors_with_their_row() -> None:
    result = plan("Account,City\nA,X\nB,Y,spill\nC\nD,Z,,\n")
    assert errors(result) == [
        "row 3, value 'spill': 3 cells but the header has 2 columns (an unquoted delimiter "
        "in a value?)",
        "row 4: only 1 cells but the header has 2 columns (a missing delimiter or a broken quote?)",
    ]


# --- accounts: owners, key contacts, conflicts ----------------------------------------------


def test_owners_by_name_or_login_and_new_team_members() -> None:
    existing = ExistingData(members=[SUSAN])
    result = plan("Account,Owner\nA,susan park\nB,SUSAN\nC,Mark\nD,mark\n", ACCOUNTS, existing)
    assert [r.owner for r in result.creates] == [10, 10, "mark", "mark"]
    assert result.new_members == {"mark": "Mark"}


def test_key_contacts_are_name_and_title_pairs() -> None:
    assert parse_key_contacts("John Smith, CEO; Jane  Thomas , CMO;Solo") == [
        ("John Smith", "CEO"),
        ("Jane Thomas", "CMO"),
        ("Solo", None),
    ]


def test_rows_matching_stored_accounts_fail_by_default() -> None:
    existing = ExistingData(accounts=[ACME])
    result = plan("Account Name\n acme logistics \nNew Co\n", ACCOUNTS, existing)
    assert errors(result) == [
        "row 2, column 'Account Name', value 'acme logistics': account 'Acme Logistics' already "
        "exists; use --on-conflict skip or update"
    ]


def test_on_conflict_skip_and_update() -> None:
    existing = ExistingData(accounts=[ACME, BETA])
    text = "Id,Account Name,Industry\n001ACME,Acme Logistics Inc,Freight\n,beta health,Care\n"
    skipped = plan(text, ACCOUNTS, existing, on_conflict=ConflictMode.SKIP)
    assert [(s.row, s.reason) for s in skipped.skips] == [
        (2, "already exists"),
        (3, "already exists"),
    ]
    assert skipped.creates == skipped.updates == []
    updated = plan(text, ACCOUNTS, existing, on_conflict=ConflictMode.UPDATE)
    # Matched by CRM ID (and renamed), or by name ignoring case and spaces.
    assert [(r.account_id, r.name) for r in updated.updates] == [
        (1, "Acme Logistics Inc"),
        (2, "beta health"),
    ]


def test_the_same_account_twice_in_a_file() -> None:
    result = plan("Account Name\nAcme\nACME \n")
    assert errors(result) == [
        "row 3, column 'Account Name', value 'ACME': the same account is on row 2"
    ]


def test_a_deleted_account_must_be_restored_first() -> None:
    gone = ExistingAccount(3, "Ghost Corp", None, Stage.NEGOTIATION, deleted=True)
    result = plan(
        "Account Name\nGhost Corp\n",
        ACCOUNTS,
        ExistingData(accounts=[gone]),
        on_conflict=ConflictMode.UPDATE,
    )
    assert "restore it (acctmap undelete)" in result.errors[0].reason


# --- contacts -----------------------------------------------------------------------------------


def test_contacts_link_to_accounts_by_name_or_crm_id() -> None:
    existing = ExistingData(accounts=[ACME, BETA])
    result = plan(
        "Name,Account,AccountId\nAnn,  ACME logistics ,\nBob,,001ACME\nCid,Nowhere,\n",
        CONTACTS,
        existing,
    )
    assert [r.account_id for r in result.creates] == [1, 1]
    assert errors(result) == [
        "row 4, column 'Account', value 'Nowhere': no account has this name; import the "
        "accounts first"
    ]


def test_first_and_last_names_make_the_name() -> None:
    result = plan(
        "FirstName,LastName,Account,Role\nAnn,Lee,Acme Logistics,Decision Maker\n",
        CONTACTS,
        ExistingData(accounts=[ACME]),
    )
    (record,) = result.creates
    assert record.name == "Ann Lee"
    assert record.values == {"name": "Ann Lee", "buying_role": BuyingRole.ECONOMIC_BUYER}


def test_reports_to_by_name_resolves_managers_later_in_the_file() -> None:
    result = plan(
        "Name,Account,Reports To\n"
        "Ann,Acme Logistics,Bob\n"  # Bob comes later
        "Bob,Acme Logistics,Cy\n"
        "Cy,Acme Logistics,\n"
        "Dee,Acme Logistics,Stored Boss\n",  # someone already stored
        CONTACTS,
        ExistingData(
            accounts=[ACME],
            contacts=[ExistingContact(50, 1, "Stored Boss", None, None, None, None)],
        ),
    )
    assert errors(result) == []
    ann, bob, cy, dee = result.creates
    assert (ann.manager, bob.manager, cy.manager, dee.manager) == (bob.node, cy.node, None, 50)


def test_reports_to_by_crm_id() -> None:
    result = plan(
        "Id,Name,AccountId,ReportsToId\nc1,Ann,001ACME,c2\nc2,Bob,001ACME,\n",
        CONTACTS,
        ExistingData(accounts=[ACME]),
    )
    ann, bob = result.creates
    assert ann.manager == bob.node


def test_unknown_and_ambiguous_managers_are_reported_with_the_row() -> None:
    result = plan(
        "Name,Account,Reports To\n"
        "Ann,Acme Logistics,Nobody\n"
        "Sam,Acme Logistics,\n"
        "Sam,Acme Logistics,\n"
        "Zed,Acme Logistics,sam\n"
        "Uma,Beta Health,Ann\n",  # Ann works at Acme, not Beta
        CONTACTS,
        ExistingData(accounts=[ACME, BETA]),
    )
    assert errors(result) == [
        "row 2, column 'Reports To', value 'Nobody': unknown manager: nobody at Acme Logistics "
        "has this name (in the file or stored)",
        "row 5, column 'Reports To', value 'sam': ambiguous manager: 2 contacts at Acme "
        "Logistics have this name; give the manager's ID instead (a ReportsToId column)",
        "row 6, column 'Reports To', value 'Ann': unknown manager: nobody at Beta Health has "
        "this name (in the file or stored)",
    ]


def test_a_would_be_cycle_is_reported_once_with_its_row() -> None:
    result = plan(
        "Name,Account,Reports To\nAnn,Acme Logistics,Bob\nBob,Acme Logistics,Cy\n"
        "Cy,Acme Logistics,Ann\nSelf,Acme Logistics,Self\n",
        CONTACTS,
        ExistingData(accounts=[ACME]),
    )
    assert errors(result) == [
        "row 2, column 'Reports To', value 'Bob': Reports to: Ann → Bob → Cy → Ann would be "
        "a cycle",
        "row 5, column 'Reports To', value 'Self': Reports to: Self → Self would be a cycle "
        "(nobody reports to themselves)",
    ]


def test_a_cycle_through_stored_lines() -> None:
    # Stored: Boss reports to nobody, Mid reports to Boss. The file makes Boss report to Mid.
    stored = [
        ExistingContact(1, 1, "Boss", None, None, None, None),
        ExistingContact(2, 1, "Mid", None, None, 1, None),
    ]
    result = plan(
        "Name,Account,Reports To\nBoss,Acme Logistics,Mid\n",
        CONTACTS,
        ExistingData(accounts=[ACME], contacts=stored),
        on_conflict=ConflictMode.UPDATE,
    )
    assert [issue.reason for issue in result.errors] == [
        "Reports to: Boss → Mid → Boss would be a cycle"
    ]


def test_contacts_match_by_crm_id_then_email_then_name() -> None:
    stored = [
        ExistingContact(1, 1, "Ann Lee", "ann@acme.example", "c1", None, None),
        ExistingContact(2, 1, "Bob Roy", "bob@acme.example", None, None, None),
        ExistingContact(3, 1, "Cy Zed", None, None, None, None),
        ExistingContact(4, 1, "Di Fox", None, "c4", None, None),
    ]
    result = plan(
        "Id,Name,Account,Email\n"
        "c1,Ann Renamed,Acme Logistics,\n"  # by CRM ID
        ",Robert Roy,Acme Logistics,BOB@acme.example\n"  # by e-mail
        ",cy zed,Acme Logistics,\n"  # by name
        "c9,Di Fox,Acme Logistics,\n",  # another CRM ID: another person
        CONTACTS,
        ExistingData(accounts=[ACME], contacts=stored),
        on_conflict=ConflictMode.UPDATE,
    )
    assert errors(result) == []
    assert [r.contact_id for r in result.updates] == [1, 2, 3]
    assert [r.name for r in result.creates] == ["Di Fox"]


# --- writing ---------------------------------------------------------------------------------


def run(database: Database, text: str, kind: ImportKind = ACCOUNTS, **options: object):  # type: ignore[no-untyped-def]
    source = read_text(text)
    mapping = map_headers(source.headers, kind)
    return run_import(database, source, mapping, ImportOptions(**options), user="importer")  # type: ignore[arg-type]


def test_accounts_are_written_with_history(database: Database) -> None:
    plan_, result = run(
        database,
        "Id,Account Name,Amount,Owner,Key Contacts,Actions,Rating\n"
        '001A,Acme,120000,Susan,"John Smith, CEO; Jane Doe, CFO",Send the trial invite,Hot\n'
        "001B,Beta,,,,,\n",
    )
    assert plan_.ok and result is not None
    assert (result.created, result.members_created, result.contacts_added) == (2, 1, 2)
    assert result.actions_added == 1
    with database.session() as session:
        acme = session.execute(sa.select(Account).where(Account.name == "Acme")).scalar_one()
        assert acme.name_key == "acme"
        assert acme.source_id == "001A"
        assert acme.revenue_potential == Decimal("120000.00")
        assert acme.version == 1
        assert acme.extra == {"Rating": "Hot"}
        owner = session.get(TeamMember, acme.owner_id)
        assert owner is not None and owner.name == "Susan"
        contacts = session.execute(
            sa.select(Contact.name, Contact.title).where(Contact.account_id == acme.id)
        ).all()
        assert sorted(contacts) == [("Jane Doe", "CFO"), ("John Smith", "CEO")]
        action = session.execute(sa.select(NextAction)).scalar_one()
        assert (action.account_id, action.description) == (acme.id, "Send the trial invite")
        history = session.execute(
            sa.select(ChangeLogEntry.entity, ChangeLogEntry.action, ChangeLogEntry.user)
        ).all()
    entities = sorted(entity for entity, _, _ in history)
    assert entities == ["account", "account", "contact", "contact", "next_action", "team_member"]
    assert {(action.value, user) for _, action, user in history} == {("create", "importer")}


def test_updates_write_only_changes_bump_versions_and_log_fields(database: Database) -> None:
    run(database, "Account Name,Industry,Amount\nAcme,Freight,1000\nBeta,Care,\n")
    _plan, result = run(
        database,
        "Account Name,Industry,Amount\nACME,Logistics,\nBeta,Care,\n",
        on_conflict=ConflictMode.UPDATE,
    )
    assert result is not None and (result.updated, result.unchanged) == (1, 1)
    with database.session() as session:
        rows = {
            a.name: a
            for a in session.execute(sa.select(Account)).scalars()  # ACME renames Acme
        }
        entries = session.execute(
            sa.select(ChangeLogEntry.field, ChangeLogEntry.old_value, ChangeLogEntry.new_value)
            .where(ChangeLogEntry.action == "update")
            .order_by(ChangeLogEntry.field)
        ).all()
    assert rows["ACME"].industry == "Logistics"
    assert rows["ACME"].revenue_potential == Decimal("1000.00")  # an empty cell keeps it
    assert rows["ACME"].version == 2
    assert rows["Beta"].name_key == name_key("beta")
    assert entries == [("industry", '"Freight"', '"Logistics"'), ("name", '"Acme"', '"ACME"')]
    _plan, again = run(
        database, "Account Name,Industry\nBeta,Care\n", on_conflict=ConflictMode.UPDATE
    )
    assert again is not None and (again.updated, again.unchanged) == (0, 1)


def test_contacts_are_written_with_managers_resolved(database: Database) -> None:
    run(database, "Account Name\nAcme\n")
    plan_, result = run(
        database,
        "Name,Account,Reports To,Email\n"
        "Ann,Acme,Bob,ann@acme.example\n"
        "Bob,Acme,Cy,bob@acme.example\n"
        "Cy,Acme,,cy@acme.example\n",
        CONTACTS,
    )
    assert plan_.ok and result is not None and result.created == 3
    with database.session() as session:
        rows = session.execute(sa.select(Contact.id, Contact.name, Contact.reports_to_id)).all()
    ids = {name: contact_id for contact_id, name, _ in rows}
    managers = {name: manager for _, name, manager in rows}
    assert managers == {"Ann": ids["Bob"], "Bob": ids["Cy"], "Cy": None}


def test_contact_updates_may_point_at_new_managers(database: Database) -> None:
    run(database, "Account Name\nAcme\n")
    run(database, "Name,Account\nAnn,Acme\n", CONTACTS)
    _plan, result = run(
        database,
        "Name,Account,Reports To,Title\nAnn,Acme,New Boss,Analyst\nNew Boss,Acme,,VP\n",
        CONTACTS,
        on_conflict=ConflictMode.UPDATE,
    )
    assert result is not None and (result.created, result.updated) == (1, 1)
    with database.session() as session:
        ann = session.execute(sa.select(Contact).where(Contact.name == "Ann")).scalar_one()
        boss = session.execute(sa.select(Contact).where(Contact.name == "New Boss")).scalar_one()
    assert (ann.reports_to_id, ann.title, ann.version) == (boss.id, "Analyst", 2)


def _try_to_create(other: Database, name: str) -> str | None:
    """Create an account from another client, waiting at most briefly for a lock.

    Returns None when it was written, else the error that stopped it.
    """
    with other.session() as session:
        if other.engine.dialect.name == "postgresql":
            session.execute(sa.text("SET LOCAL lock_timeout = '200ms'"))
        try:
            create_account({"name": name}, session=session, user="raj")
            session.commit()
        except sa.exc.OperationalError as error:
            session.rollback()
            return str(error.orig)
    return None


def test_other_writers_wait_while_an_import_writes(database: Database) -> None:
    """What the import checked stays true until it commits, and ids never collide.

    Another client's write, tried while the import checks its rows (the ids it will
    use are not yet written), cannot get in; once the import has committed it can,
    and gets a new id after the imported ones.
    """
    other = open_database(database.url, busy_timeout_ms=100)
    refused: list[str | None] = []

    def progress(what: str, done: int, total: int) -> None:
        if what == "Checking" and not refused:
            refused.append(_try_to_create(other, "Delta"))

    try:
        source = read_text("Account Name\nAcme\nBeta\n")
        mapping = map_headers(source.headers, ACCOUNTS)
        plan_, result = run_import(
            database, source, mapping, ImportOptions(), user="importer", progress=progress
        )
        assert plan_.ok and result is not None and result.created == 2
        assert refused and refused[0] is not None
        assert "lock" in refused[0]  # "database is locked" / "canceling ... lock timeout"
        assert _try_to_create(other, "Gamma") is None
    finally:
        other.close()
    with database.session() as session:
        rows = session.execute(sa.select(Account.id, Account.name).order_by(Account.id)).all()
    assert [name for _, name in rows] == ["Acme", "Beta", "Gamma"]
    assert len({account_id for account_id, _ in rows}) == 3


def test_a_plan_with_errors_writes_nothing(database: Database) -> None:
    plan_, result = run(database, "Account Name,Amount\nGood Co,1\nBad Co,lots\n")
    assert result is None and not plan_.ok
    with database.session() as session:
        assert load_existing(ACCOUNTS, connection=session.connection()).accounts == []


def test_a_dry_run_writes_nothing(database: Database) -> None:
    source = read_text("Account Name\nAcme\n")
    plan_, result = run_import(
        database,
        source,
        map_headers(source.headers, ACCOUNTS),
        ImportOptions(),
        user="x",
        dry_run=True,
    )
    assert plan_.ok and len(plan_.creates) == 1 and result is None
    with database.session() as session:
        count = session.execute(sa.select(sa.func.count()).select_from(Account)).scalar_one()
    assert count == 0
