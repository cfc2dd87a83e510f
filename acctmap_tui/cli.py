"""The ``acctmap`` command line.

Heavy imports (Textual, SQLModel, the demo generator) happen inside the commands
that need them, so ``acctmap --version`` and scripted commands start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TextIO

import typer

from acctmap_tui import __version__
from acctmap_tui.errors import AcctmapError, DatabaseError
from acctmap_tui.launcher import stdout_is_utf8

if TYPE_CHECKING:
    from sqlmodel import Session

    from acctmap_tui.data.db import Database
    from acctmap_tui.data.deferred import DeferredDatabase
    from acctmap_tui.data.plan_document import PlanDocument
    from acctmap_tui.data.stakeholder_queries import StakeholderFacts
    from acctmap_tui.demo import DemoSummary
    from acctmap_tui.domain.account_map import AccountMapRow
    from acctmap_tui.domain.plan_health import PlanHealth
    from acctmap_tui.graph.build import StakeholderGraph
    from acctmap_tui.settings import Settings

app = typer.Typer(
    name="acctmap",
    help="Keyboard-first account mapping and account planning. Without a command, opens the app.",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database file path or SQLAlchemy URL. Default: $ACCTMAP_DB, else acctmap.db "
        "in the user data folder.",
        show_default=False,
    ),
]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help="Name recorded as the author of changes. Default: $ACCTMAP_USER, else your login.",
        show_default=False,
    ),
]


def fail(message: str, code: int = 1) -> NoReturn:
    """One clear line on stderr and a non-zero exit: what users get instead of a traceback."""
    typer.echo(f"acctmap: {message}", err=True)
    raise typer.Exit(code)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"acctmap {__version__}")
        raise typer.Exit()


def _chosen_db(ctx: typer.Context, db: str | None) -> str | None:
    """A command's own ``--db`` wins over the one given before the command name."""
    if db is not None:
        return db
    parent = ctx.find_root().params.get("db")
    return parent if isinstance(parent, str) else None


def _chosen_user(ctx: typer.Context, user: str | None) -> str | None:
    if user is not None:
        return user
    parent = ctx.find_root().params.get("user")
    return parent if isinstance(parent, str) else None


def _open(db: str | None) -> Database:
    from acctmap_tui.data.db import open_database

    try:
        return open_database(db)
    except DatabaseError as error:
        fail(str(error))


def _settings(user: str | None, ascii_only: bool = False) -> Settings:
    from acctmap_tui.launcher import settings_for

    return settings_for(user, ascii_only)


def _run_tui(database: Database | DeferredDatabase, settings: Settings) -> None:
    from acctmap_tui.launcher import run_tui

    code = run_tui(database, settings)
    if code:
        raise typer.Exit(code)


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: DbOption = None,
    user: UserOption = None,
    ascii_only: Annotated[
        bool, typer.Option("--ascii", help="Draw with plain ASCII instead of box characters.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Open the app on the database (``acctmap --db team.db``)."""
    if ctx.invoked_subcommand is not None:
        return
    from acctmap_tui.launcher import launch_app

    try:
        code = launch_app(db, _settings(user, ascii_only))
    except DatabaseError as error:
        fail(str(error))
    if code:
        raise typer.Exit(code)


@app.command()
def demo(
    ctx: typer.Context,
    db: DbOption = None,
    accounts: Annotated[
        int, typer.Option("--accounts", min=1, max=200_000, help="How many accounts to make.")
    ] = 25,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed: the same seed gives the same data.")
    ] = 7,
    no_open: Annotated[
        bool, typer.Option("--no-open", help="Only build the database; do not open the app.")
    ] = False,
    user: UserOption = None,
) -> None:
    """Build a realistic demo database, then open the app on it.

    Without --db the demo goes to demo.db in the user data folder, never over your
    own database. An existing demo database is rebuilt; a database holding real
    accounts is refused.
    """
    from acctmap_tui import paths
    from acctmap_tui.data.location import shown_url
    from acctmap_tui.demo import is_demo_database

    target = _chosen_db(ctx, db) or str(paths.demo_database_path())
    database = _open(target)
    existing = _account_count(database)
    if existing and not is_demo_database(database):
        database.close()
        fail(
            f"{database.name} already holds {existing} accounts that are not demo data; "
            "choose another --db for the demo"
        )
    if existing:
        database.clear()
    summary = _generate_with_progress(database, accounts, seed)
    typer.echo(
        f"Demo database {shown_url(database.url).removeprefix('sqlite:///')}: "
        f"{summary.accounts} accounts, "
        f"{summary.contacts} contacts, {summary.team_members} team members",
        err=no_open is False,
    )
    if no_open:
        database.close()
        return
    _run_tui(database, _settings(_chosen_user(ctx, user)))


def _account_count(database: Database) -> int:
    import sqlalchemy as sa

    from acctmap_tui.data.models import Account

    with database.session() as session:
        return session.execute(sa.select(sa.func.count()).select_from(Account)).scalar_one()


def _generate_with_progress(database: Database, accounts: int, seed: int) -> DemoSummary:
    """Large demos take seconds: show a progress bar on stderr for them."""
    from rich.console import Console
    from rich.progress import Progress

    from acctmap_tui.demo import generate_demo

    if accounts < 500:
        return generate_demo(database, accounts=accounts, seed=seed)
    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task("Building demo accounts", total=accounts)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return generate_demo(database, accounts=accounts, seed=seed, progress=report)


@app.command()
def info(ctx: typer.Context, db: DbOption = None, user: UserOption = None) -> None:
    """Where acctmap keeps its data, the schema version and what the database holds."""
    from acctmap_tui import paths
    from acctmap_tui.data.location import shown_url
    from acctmap_tui.data.repo import table_counts

    database = _open(_chosen_db(ctx, db))
    try:
        with database.session() as session:
            counts = table_counts(session=session)
        state = database.schema_state()
    finally:
        database.close()
    settings = _settings(_chosen_user(ctx, user))
    lines = [
        f"database:     {shown_url(database.url)}",
        f"schema:       {state.current} (this acctmap: {state.head})",
        f"user:         {settings.user}",
        f"data folder:  {paths.user_data_dir()}",
        f"default db:   {paths.default_database_path()}",
        f"demo db:      {paths.demo_database_path()}",
    ]
    lines += [f"{name + ':':<22}{count:>8}" for name, count in counts.items()]
    typer.echo("\n".join(lines))


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _parse_top(top: str | None, count: int) -> int | None:
    """``--top 10`` or ``--top 20%`` as a number of rows out of ``count``."""
    if top is None:
        return None
    text = top.strip()
    try:
        if text.endswith("%"):
            share = float(text[:-1])
            if not 0 < share <= 100:
                raise ValueError
            return max(1, int(count * share / 100 + 1e-9)) if count else 0
        number = int(text)
        if number < 1:
            raise ValueError
        return number
    except ValueError:
        fail(f"--top: {top!r} is not a number of accounts (e.g. 10) or a share (e.g. 20%)", 2)


@app.command()
def accounts(
    ctx: typer.Context,
    db: DbOption = None,
    top: Annotated[
        str | None, typer.Option("--top", help="Only the first N accounts, or P% of them.")
    ] = None,
    tier: Annotated[list[int] | None, typer.Option("--tier", min=1, max=3)] = None,
    stage: Annotated[
        list[str] | None, typer.Option("--stage", help="Stage, e.g. Proposal.")
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Owner name or login.")] = None,
    stale: Annotated[bool, typer.Option("--stale", help="Only accounts due a review.")] = False,
    sort: Annotated[str, typer.Option("--sort", help="Column to sort by.")] = "rank",
    descending: Annotated[bool, typer.Option("--desc", help="Sort descending.")] = False,
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.TABLE,
) -> None:
    """The account map, ranked by priority, as the Accounts tab shows it."""
    from acctmap_tui.domain.account_map import COLUMNS_BY_KEY, MapFilter, sort_rows
    from acctmap_tui.domain.vocabulary import Stage

    if sort not in COLUMNS_BY_KEY:
        fail(f"--sort: {sort!r} is not a column; expected one of: {', '.join(COLUMNS_BY_KEY)}", 2)
    try:
        stages = frozenset(Stage.parse(text) for text in stage or ())
    except ValueError as error:
        fail(f"--stage: {error}", 2)
    rows = _ranked_rows(_chosen_db(ctx, db))
    wanted = MapFilter(
        owner_name=owner, tiers=frozenset(tier or ()), stages=stages, stale_only=stale
    )
    shown = sort_rows(wanted.apply(rows), sort, descending)
    limit = _parse_top(top, len(shown))
    if limit is not None:
        shown = shown[:limit]
    _print_rows(shown, output)


def _ranked_rows(db: str | None) -> list[AccountMapRow]:
    """The account map ranked exactly as the Accounts tab ranks it, key contacts included."""
    from datetime import date

    from acctmap_tui.data.map_queries import load_key_contacts, load_ranked_map
    from acctmap_tui.domain.account_map import set_key_contacts

    database = _open(db)
    try:
        rows = load_ranked_map(database, today=date.today())
        with database.session() as session:
            set_key_contacts(rows, load_key_contacts(session=session))
    finally:
        database.close()
    return rows


def _print_rows(rows: list[AccountMapRow], output: OutputFormat) -> None:
    from acctmap_tui.interchange.account_map import map_as_csv, map_as_json, map_as_table

    if output is OutputFormat.JSON:
        typer.echo(map_as_json(rows))
    elif output is OutputFormat.CSV:
        sys.stdout.write(map_as_csv(rows))
    else:
        _print_fitted(lambda width: map_as_table(rows, width))


class ForecastGrouping(StrEnum):
    STAGE = "stage"
    OWNER = "owner"
    TIER = "tier"


class ForecastFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


@app.command()
def forecast(
    ctx: typer.Context,
    db: DbOption = None,
    by: Annotated[ForecastGrouping, typer.Option("--by", help="Group the pipeline by.")] = (
        ForecastGrouping.STAGE
    ),
    output: Annotated[ForecastFormat, typer.Option("--format")] = ForecastFormat.TABLE,
) -> None:
    """The weighted pipeline (sum of expected value) by stage, owner or tier; won and lost."""
    from acctmap_tui.domain.forecast import summarise
    from acctmap_tui.interchange.forecast import forecast_as_json, forecast_as_table

    summaries = summarise(_ranked_rows(_chosen_db(ctx, db)), by.value)
    if output is ForecastFormat.JSON:
        typer.echo(forecast_as_json(summaries))
        return
    _print_fitted(lambda _width: forecast_as_table(summaries, ascii_only=not stdout_is_utf8()))


def _print_fitted(build: Callable[[int | None], object]) -> None:
    """Print a table built for the terminal's width; to a pipe or file, never cut.

    ``build`` gets the width to fit (None: unlimited), so it can leave columns out.
    """
    from rich.console import Console

    console = Console()
    width = console.width if console.is_terminal else None
    if width is None:
        console = Console(width=10_000)
    console.print(build(width))


@app.command()
def scoring(
    ctx: typer.Context,
    db: DbOption = None,
    value_weight: Annotated[
        float | None,
        typer.Option("--value-weight", help="Share of priority from expected value, 0-1."),
    ] = None,
    tier1_share: Annotated[
        float | None, typer.Option("--tier1-share", help="Share of accounts in Tier 1.")
    ] = None,
    tier2_share: Annotated[
        float | None, typer.Option("--tier2-share", help="Share of accounts in Tier 2.")
    ] = None,
    fit_weight: Annotated[
        list[str] | None,
        typer.Option("--fit-weight", help="CRITERION=WEIGHT, e.g. fit_timing=2 (repeatable)."),
    ] = None,
    reset: Annotated[bool, typer.Option("--reset", help="Back to the defaults.")] = False,
) -> None:
    """Show or change the team's ranking weights and tier shares (kept in the database)."""
    import dataclasses
    import json

    from acctmap_tui.data.map_queries import SCORING_SETTING, load_scoring_config
    from acctmap_tui.data.repo import put_setting
    from acctmap_tui.domain.scoring import FIT_LABELS, ScoringConfig

    database = _open(_chosen_db(ctx, db))
    try:
        with database.session() as session:
            config = ScoringConfig() if reset else load_scoring_config(session=session)
            weights = dict(config.fit_weights)
            for item in fit_weight or ():
                criterion, _, weight = item.partition("=")
                if criterion.strip() not in FIT_LABELS:
                    fail(
                        f"--fit-weight: {criterion.strip()!r} is not a criterion; expected one "
                        f"of: {', '.join(FIT_LABELS)}",
                        2,
                    )
                try:
                    weights[criterion.strip()] = float(weight)
                except ValueError:
                    fail(f"--fit-weight: {weight!r} is not a number (in {item!r})", 2)
            changes = {
                name: value
                for name, value in (
                    ("value_weight", value_weight),
                    ("tier1_share", tier1_share),
                    ("tier2_share", tier2_share),
                )
                if value is not None
            }
            try:
                config = dataclasses.replace(config, fit_weights=weights, **changes)
            except ValueError as error:
                fail(f"scoring: {error}", 2)
            if reset or changes or fit_weight:
                put_setting(SCORING_SETTING, dataclasses.asdict(config), session=session)
                session.commit()
    finally:
        database.close()
    typer.echo(json.dumps(dataclasses.asdict(config), indent=2, sort_keys=True))


@app.command()
def health(
    ctx: typer.Context,
    account: Annotated[
        str | None, typer.Argument(help="One account's name; all accounts without it.")
    ] = None,
    db: DbOption = None,
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.TABLE,
) -> None:
    """Plan health: completeness of each element and the four account-planning mistakes."""
    from datetime import date

    from acctmap_tui.data.plan_queries import load_all_plan_facts
    from acctmap_tui.domain.plan_health import assess_plan
    from acctmap_tui.interchange.health import (
        health_as_json,
        health_as_table,
        health_detail_text,
    )

    if output is OutputFormat.CSV:
        fail("--format: health is written as table or json", 2)
    chosen = _chosen_db(ctx, db)
    if account is not None:
        database = _open(chosen)
        try:
            _document, single = _plan_with_health(database, account)
        finally:
            database.close()
        healths = [single]
    else:
        ranked = _ranked_rows(chosen)  # accounts in map order
        database = _open(chosen)
        try:
            with database.session() as session:
                facts = load_all_plan_facts(session=session)
        finally:
            database.close()
        today = date.today()
        healths = [assess_plan(facts[row.id], today) for row in ranked if row.id in facts]
    if output is OutputFormat.JSON:
        typer.echo(health_as_json(healths))
    elif account is not None:
        typer.echo(health_detail_text(healths[0]))
    else:
        _print_fitted(lambda width: health_as_table(healths, width=width))


# --- the stakeholder graph: `acctmap path` and `acctmap gaps` -----------------------------


class PathFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class GapsFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


@app.command("path")
def intro_path(
    ctx: typer.Context,
    account: Annotated[str, typer.Option("--account", help="The account's name (any case).")],
    to: Annotated[str, typer.Option("--to", help="The contact to be introduced to (any case).")],
    from_member: Annotated[
        str | None,
        typer.Option("--from", help="Start from this team member (name or login); default: any."),
    ] = None,
    db: DbOption = None,
    output: Annotated[PathFormat, typer.Option("--format")] = PathFormat.TEXT,
) -> None:
    """The warm-introduction path: the strongest chain of relationships from our team to a contact.

    Strength is the product of the links' strengths (each 1-5 read as 0.2-1, faded by
    time since the last touch). Exits 1 when nobody on our side is connected to them.
    """
    import json

    from acctmap_tui.graph.paths import warm_intro_path
    from acctmap_tui.graph.report import path_as_record, path_as_text

    graph = _account_graph(_chosen_db(ctx, db), account)
    contact_id = _graph_contact(graph, to)
    member_id = None if from_member is None else _graph_member(graph, from_member)
    found = warm_intro_path(graph, contact_id, from_member_id=member_id)
    if found is None:
        origin = "our team" if member_id is None else graph.members[member_id].name
        target = graph.contacts[contact_id].name
        fail(f"no warm path from {origin} to {target} at {graph.facts.account_name}")
    if output is PathFormat.JSON:
        typer.echo(json.dumps(path_as_record(found), indent=2, ensure_ascii=False))
    else:
        typer.echo(path_as_text(found))


@app.command()
def gaps(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The account's name (any case).")],
    db: DbOption = None,
    output: Annotated[GapsFormat, typer.Option("--format")] = GapsFormat.TABLE,
) -> None:
    """Stakeholder coverage: gaps, next best introductions, key-person risks, stale links."""
    import json

    from acctmap_tui.graph.analysis import analyse_account
    from acctmap_tui.graph.report import analysis_as_record, analysis_as_tables

    analysis = analyse_account(_account_graph(_chosen_db(ctx, db), account))
    if output is GapsFormat.JSON:
        typer.echo(json.dumps(analysis_as_record(analysis), indent=2, ensure_ascii=False))
    else:
        _print_fitted(lambda _width: analysis_as_tables(analysis))


def _account_graph(db: str | None, account_name: str) -> StakeholderGraph:
    """The named account's stakeholder graph, faded to now by the team's half-life."""
    from datetime import UTC, datetime

    from acctmap_tui.graph.build import build_graph
    from acctmap_tui.graph.freshness import Freshness

    facts, half_life = _account_facts(db, account_name)
    return build_graph(facts, Freshness(datetime.now(UTC), half_life))


def _graph_contact(graph: StakeholderGraph, name: str) -> int:
    """The one current contact of the account with this name (case and spaces ignored)."""
    from acctmap_tui.data.models import name_key

    wanted = name_key(name)
    found = sorted(c.id for c in graph.contacts.values() if name_key(c.name) == wanted)
    account = graph.facts.account_name
    if not found:
        fail(f"no current contact named {name!r} at {account}")
    if len(found) > 1:
        titles = ", ".join(graph.contacts[i].title or f"id {i}" for i in found)
        fail(f"{len(found)} contacts at {account} are named {name!r} ({titles}); ambiguous")
    return found[0]


def _graph_member(graph: StakeholderGraph, name: str) -> int:
    """The one active team member with this name or login (case and spaces ignored)."""
    from acctmap_tui.data.models import name_key

    wanted = name_key(name)
    by_name = sorted(m.id for m in graph.members.values() if name_key(m.name) == wanted)
    by_login = sorted(
        m.id for m in graph.members.values() if m.username and name_key(m.username) == wanted
    )
    found = by_name or by_login
    if not found:
        fail(f"no active team member named {name!r}")
    if len(found) > 1:
        fail(f"{len(found)} team members are named {name!r}; ambiguous")
    return found[0]


@app.command()
def orgchart(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The account's name (any case).")],
    width: Annotated[
        int | None,
        typer.Option("--width", min=40, help="Fit within N columns: root trees go in bands."),
    ] = None,
    ascii_only: Annotated[
        bool, typer.Option("--ascii", help="Draw with plain ASCII (+-|) instead of box lines.")
    ] = False,
    legend: Annotated[bool, typer.Option("--legend/--no-legend", help="Explain the marks.")] = True,
    db: DbOption = None,
) -> None:
    """Print the account's org chart: the reports-to tree in boxes, seats included.

    Each box holds the name, title, buying-role badge, sentiment and a "not met" mark;
    a vacant seat has a dashed border. ASCII is used when stdout is not UTF-8.
    """
    from acctmap_tui.orgchart import OrgChartOptions, legend_lines, needs_ascii
    from acctmap_tui.orgchart.pack import render_within
    from acctmap_tui.orgchart.people import org_people

    graph_facts, _ = _account_facts(_chosen_db(ctx, db), account)
    people = org_people(graph_facts)
    if not people:
        typer.echo(f"{graph_facts.account_name} has no contacts or seats yet.")
        return
    plain = ascii_only or needs_ascii(getattr(sys.stdout, "encoding", None))
    typer.echo(f"{graph_facts.account_name}: {len(people)} people")
    typer.echo(render_within(people, OrgChartOptions(ascii=plain), width))
    if legend:
        typer.echo("")
        typer.echo("\n".join(legend_lines(ascii=plain)))


def _account_facts(db: str | None, account_name: str) -> tuple[StakeholderFacts, float]:
    """The named account's people, seats and relationships, and the team's half-life."""
    from acctmap_tui.data.account_store import find_account_by_name
    from acctmap_tui.data.stakeholder_queries import load_half_life_days, load_stakeholder_facts

    database = _open(db)
    try:
        with database.session() as session:
            account = find_account_by_name(account_name, session=session)
            if account is None or account.id is None:
                fail(f"no account named {account_name!r}; `acctmap accounts` lists them")
            facts = load_stakeholder_facts(account.id, session=session)
            half_life = load_half_life_days(session=session)
    finally:
        database.close()
    assert facts is not None
    return facts, half_life


@app.command()
def upcoming(
    ctx: typer.Context,
    db: DbOption = None,
    days: Annotated[
        int,
        typer.Option("--days", min=0, help="How many days ahead; overdue dates always show."),
    ] = 30,
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.TABLE,
) -> None:
    """Milestones, compelling events, renewals, plan items and actions due soon, all accounts."""
    from acctmap_tui.upcoming_cli import upcoming_command

    if output is OutputFormat.CSV:
        fail("--format: upcoming dates are written as table or json", 2)
    upcoming_command(_open(_chosen_db(ctx, db)), days=days, output_format=output.value)


@app.command()
def freshness(
    ctx: typer.Context,
    half_life: Annotated[
        float | None,
        typer.Option(
            "--half-life", min=1, max=3650, help="Days after which a relationship counts half."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Show or set how fast our relationships fade without a touch (a team setting).

    A relationship's effective strength is strength x 0.5^(days since last touch /
    half-life); one older than the half-life, or never touched, is flagged stale.
    """
    from acctmap_tui.data.repo import put_setting
    from acctmap_tui.data.stakeholder_queries import HALF_LIFE_SETTING, load_half_life_days

    database = _open(_chosen_db(ctx, db))
    try:
        with database.session() as session:
            if half_life is not None:
                put_setting(HALF_LIFE_SETTING, half_life, session=session)
                session.commit()
            days = load_half_life_days(session=session)
    finally:
        database.close()
    typer.echo(f"Relationship half-life: {days:g} days (stale after {days:g} days untouched)")


class HistoryFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


@app.command()
def history(
    ctx: typer.Context,
    account: Annotated[
        str | None, typer.Argument(help="Only this account (any case); default: everything.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only changes on or after this date (ISO).")
    ] = None,
    output: Annotated[HistoryFormat, typer.Option("--format")] = HistoryFormat.TABLE,
    db: DbOption = None,
) -> None:
    """Every recorded change: who, when (UTC), which record and field, old and new value."""
    from datetime import UTC, datetime

    from acctmap_tui.data.account_store import find_account_by_name
    from acctmap_tui.data.history_queries import load_history
    from acctmap_tui.domain.values import ValueInputError, parse_date
    from acctmap_tui.interchange.history import history_as_json, history_as_table

    start = None
    if since is not None:
        try:
            day = parse_date(since, field="--since")
        except ValueInputError as error:
            fail(str(error), 2)
        if day is not None:
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    database = _open(_chosen_db(ctx, db))
    try:
        with database.session() as session:
            account_id = None
            if account is not None:
                found = find_account_by_name(account, session=session, include_deleted=True)
                if found is None:
                    fail(f"no account named {account!r}; `acctmap accounts` lists them")
                account_id = found.id
            lines = load_history(session=session, account_id=account_id, since=start)
    finally:
        database.close()
    if output is HistoryFormat.JSON:
        typer.echo(history_as_json(lines))
    elif not lines:
        typer.echo("No changes recorded" + (f" since {since}" if since else "") + ".")
    else:
        _print_fitted(lambda _width: history_as_table(lines, ascii_only=not stdout_is_utf8()))


export_app = typer.Typer(help="Write the plan or the account map as a document.")
app.add_typer(export_app, name="export")


class DocumentFormat(StrEnum):
    MD = "md"
    CSV = "csv"


OutputOption = Annotated[
    Path | None,
    typer.Option("-o", "--output", help="Write to this file instead of standard output."),
]


def _write_output(text: str, output: Path | None) -> None:
    """Write the whole document, or nothing: a half-written file is never left behind."""
    if output is None:
        sys.stdout.write(text)
        return
    temporary = output.with_name(f".{output.name}.partial")
    try:
        temporary.write_text(text, encoding="utf-8", newline="")
        temporary.replace(output)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        fail(f"cannot write {output}: {error.strerror or error}")
    typer.echo(f"Wrote {output}", err=True)


@export_app.command("plan")
def export_plan(
    ctx: typer.Context,
    account: Annotated[str, typer.Argument(help="The account's name (any case).")],
    db: DbOption = None,
    output_format: Annotated[DocumentFormat, typer.Option("--format")] = DocumentFormat.MD,
    output: OutputOption = None,
) -> None:
    """The account's whole plan as a Markdown document."""
    from acctmap_tui.interchange.markdown import plan_as_markdown

    if output_format is not DocumentFormat.MD:
        fail("--format: a plan is written as md (Markdown) only", 2)
    database = _open(_chosen_db(ctx, db))
    try:
        document, health = _plan_with_health(database, account)
    finally:
        database.close()
    findings = [(finding.title, finding.fix) for finding in health.findings]
    from datetime import date

    _write_output(plan_as_markdown(document, findings=findings, generated_on=date.today()), output)


def _plan_with_health(database: Database, account_name: str) -> tuple[PlanDocument, PlanHealth]:
    from datetime import date

    from acctmap_tui.data.account_store import find_account_by_name
    from acctmap_tui.data.plan_document import load_plan_document
    from acctmap_tui.data.plan_queries import load_plan_facts
    from acctmap_tui.domain.plan_health import assess_plan

    with database.session() as session:
        account = find_account_by_name(account_name, session=session)
        if account is None or account.id is None:
            fail(f"no account named {account_name!r}; `acctmap accounts` lists them")
        document = load_plan_document(account.id, session=session)
        facts = load_plan_facts(account.id, session=session)
    assert document is not None and facts is not None
    return document, assess_plan(facts, date.today())


@export_app.command("map")
def export_map(
    ctx: typer.Context,
    db: DbOption = None,
    output_format: Annotated[DocumentFormat, typer.Option("--format")] = DocumentFormat.MD,
    top: Annotated[
        str | None, typer.Option("--top", help="Only the first N accounts, or P% of them.")
    ] = None,
    output: OutputOption = None,
) -> None:
    """The ranked account map in the seed template's columns (Markdown table or CSV)."""
    from acctmap_tui.interchange.markdown import map_as_markdown, map_as_template_csv

    rows = _ranked_rows(_chosen_db(ctx, db))
    limit = _parse_top(top, len(rows))
    if limit is not None:
        rows = rows[:limit]
    text = (
        map_as_markdown(rows) if output_format is DocumentFormat.MD else (map_as_template_csv(rows))
    )
    _write_output(text, output)


def _write_streamed(write: Callable[[TextIO], object], output: Path | None) -> None:
    """Stream a large document to stdout (UTF-8), or to ``output`` all or nothing.

    The file is written under a temporary name, owner-only (it holds the team's
    contacts), and renamed when complete.
    """
    import io
    import os

    if output is None:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            write(sys.stdout)
            return
        stream = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
        try:
            write(stream)
            stream.flush()
        finally:
            stream.detach()
        return
    temporary = output.with_name(f".{output.name}.partial")
    try:
        temporary.unlink(missing_ok=True)
        descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        temporary.replace(output)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    finally:
        temporary.unlink(missing_ok=True)
    typer.echo(f"Wrote {output}", err=True)


@export_app.command("json")
def export_json(ctx: typer.Context, db: DbOption = None, output: OutputOption = None) -> None:
    """The whole database as one JSON document: lossless, for `acctmap import json`.

    Every table (plans, people, relationships, history, settings, team) with the
    schema revision; the same data always gives the same bytes.
    """
    from acctmap_tui.interchange.json_dump import write_json_dump

    database = _open(_chosen_db(ctx, db))
    try:
        _write_streamed(lambda handle: write_json_dump(database, handle), output)
    except ValueError as error:
        fail(f"export json: {error}")
    finally:
        database.close()


class CsvKind(StrEnum):
    ACCOUNTS = "accounts"
    CONTACTS = "contacts"


@export_app.command("csv")
def export_csv(
    ctx: typer.Context,
    kind: Annotated[CsvKind, typer.Argument(help="accounts or contacts.")],
    db: DbOption = None,
    output: OutputOption = None,
    bom: Annotated[
        bool, typer.Option("--bom", help="Start with a UTF-8 byte-order mark (for Excel).")
    ] = False,
    include_deleted: Annotated[
        bool, typer.Option("--include-deleted", help="Also accounts in the bin.")
    ] = False,
) -> None:
    """Every column of every account, or of every contact (with account and manager names).

    Headers are the field names `acctmap import` reads back; text that a spreadsheet
    would run as a formula is prefixed with ' (numbers are left alone).
    """
    from acctmap_tui.interchange.csv_export import write_csv

    database = _open(_chosen_db(ctx, db))
    try:
        _write_streamed(
            lambda handle: write_csv(
                database, kind.value, handle, bom=bom, include_deleted=include_deleted
            ),
            output,
        )
    finally:
        database.close()


@app.command()
def deleted(ctx: typer.Context, db: DbOption = None) -> None:
    """Deleted accounts, most recent first: what `acctmap undelete` can bring back."""
    from acctmap_tui.data.account_store import list_deleted_accounts

    database = _open(_chosen_db(ctx, db))
    try:
        with database.session() as session:
            accounts = list_deleted_accounts(session=session)
    finally:
        database.close()
    if not accounts:
        typer.echo("No deleted accounts.")
        return
    for account in accounts:
        when = account.deleted_at.strftime("%Y-%m-%d %H:%M UTC") if account.deleted_at else ""
        typer.echo(f"{when}  {account.name}")


@app.command()
def undelete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The deleted account's name (any case).")],
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Bring back a deleted account with everything it held."""
    from acctmap_tui.data.account_store import find_account_by_name, restore_account
    from acctmap_tui.data.retry import run_in_transaction

    database = _open(_chosen_db(ctx, db))
    who = _settings(_chosen_user(ctx, user)).user

    def restore(session: Session) -> str:
        account = find_account_by_name(name, session=session, include_deleted=True)
        if account is None or account.id is None:
            fail(f"no account named {name!r}; `acctmap deleted` lists deleted accounts")
        if account.deleted_at is None:
            fail(f"{account.name!r} is not deleted")
        restore_account(account.id, session=session, user=who)
        return account.name

    try:
        restored = run_in_transaction(database, restore)  # run again after a deadlock
    except AcctmapError as error:
        fail(str(error))
    finally:
        database.close()
    typer.echo(f"Restored {restored}")


# --- backup, restore, check (SQLite files) -----------------------------------------------


@app.command()
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The backup file to write.")],
    db: DbOption = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace FILE if it exists.")
    ] = False,
) -> None:
    """A consistent copy of the database while others keep working (owner-only, 0600).

    Uses SQLite's online backup; for a server database use `acctmap export json`.
    """
    from acctmap_tui.data.backup import backup_file, sqlite_target

    try:
        source = sqlite_target(_chosen_db(ctx, db))
        backup_file(source, file, overwrite=overwrite)
    except DatabaseError as error:
        fail(str(error))
    typer.echo(f"Backed up {source} to {file}")


@app.command()
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A backup made by `acctmap backup`.")],
    db: DbOption = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace the database with a backup, keeping the current one beside it.

    The backup must pass SQLite's integrity check and hold an acctmap schema this
    version knows. Refused while the app has the database open (quit it first).
    """
    from acctmap_tui.data.backup import (
        open_sessions,
        previous_copy_path,
        restore_file,
        sqlite_target,
        validate_backup,
    )

    try:
        target = sqlite_target(_chosen_db(ctx, db))
        report = validate_backup(file)
    except DatabaseError as error:
        fail(str(error))
    others = open_sessions(target)
    if others:
        fail(
            f"{target.name} is open in acctmap ({', '.join(others)}); ask them to quit, "
            "then restore. Nothing was changed"
        )
    if not yes:
        kept = (
            f"; the current one is kept as {previous_copy_path(target).name} beside it"
            if target.exists()
            else ""
        )
        if not typer.confirm(f"Replace {target} with {file}{kept}?", default=False):
            fail("restore cancelled; nothing was changed")
    try:
        previous = restore_file(file, target)
    except DatabaseError as error:
        fail(str(error))
    typer.echo(f"Restored {target} from {file} (schema {report.schema_revision})")
    if previous is not None:
        typer.echo(f"The previous database is kept at {previous}")


@app.command()
def check(ctx: typer.Context, db: DbOption = None) -> None:
    """Check the database file: SQLite integrity, references, schema. Exits 1 on problems."""
    from acctmap_tui.data.backup import check_file, sqlite_target
    from acctmap_tui.data.schema_version import SCHEMA_HEAD

    try:
        path = sqlite_target(_chosen_db(ctx, db))
    except DatabaseError as error:
        fail(str(error))
    report = check_file(path)
    typer.echo(f"database:   {path}")
    typer.echo(f"schema:     {report.schema_revision or 'unknown'} (this acctmap: {SCHEMA_HEAD})")
    for note in report.notes:
        typer.echo(f"note:       {note}")
    if report.ok:
        typer.echo("OK: integrity check and foreign-key check passed")
        return
    for problem in report.problems:
        typer.echo(f"problem:    {problem}")
    fail(f"{len(report.problems)} problem(s) found in {path.name}")


# Registered last: the import commands reuse this module's helpers (``_open``, ``fail``).
from acctmap_tui.cli_import import import_app  # noqa: E402

app.add_typer(import_app, name="import")

from acctmap_tui.share_cli import share  # noqa: E402

app.command("share")(share)

from acctmap_tui.history_cli import revert  # noqa: E402

app.command("revert")(revert)

from acctmap_tui.copy_db_cli import copy_db  # noqa: E402

app.command("copy-db")(copy_db)


def main() -> None:
    """Console entry point through the full parser (``acctmap_tui.launcher`` is the usual one)."""
    from acctmap_tui.launcher import report_errors

    report_errors(app)
