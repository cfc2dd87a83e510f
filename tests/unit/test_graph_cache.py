"""The graph cache: built once per account, rebuilt after an edit by anyone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account, Contact, Relationship, TeamMember, name_key
from acctmap_tui.domain.vocabulary import RelationshipKind
from acctmap_tui.graph.cache import StakeholderGraphCache
from acctmap_tui.graph.freshness import Freshness
from acctmap_tui.graph.paths import warm_intro_path

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _fill(database: Database) -> tuple[int, int, int]:
    with database.session() as session:
        alice = TeamMember(name="Alice")
        acme = Account(name="Acme", name_key=name_key("Acme"))
        other = Account(name="Other", name_key=name_key("Other"))
        session.add_all([alice, acme, other])
        session.flush()
        ann = Contact(account_id=acme.id, name="Ann")
        session.add_all([ann, Contact(account_id=other.id, name="Olaf")])
        session.flush()
        session.add(
            Relationship(
                account_id=acme.id,
                kind=RelationshipKind.ENGAGEMENT,
                source_member_id=alice.id,
                target_contact_id=ann.id,
                strength=5,
                last_touch_at=NOW,
            )
        )
        session.commit()
        return acme.id, other.id, ann.id


def test_built_once_then_rebuilt_after_an_edit_from_another_connection(
    database: Database, db_path
) -> None:
    acme, other, ann = _fill(database)
    cache = StakeholderGraphCache()
    fresh = Freshness(NOW)
    with database.session() as session:
        first = cache.get(acme, session=session, freshness=fresh)
        again = cache.get(acme, session=session, freshness=Freshness(NOW + timedelta(minutes=5)))
        cache.get(other, session=session, freshness=fresh)
    assert again is first and first.version == 1
    assert cache.builds == 2 and acme in cache and other in cache

    colleague = open_database(db_path)  # someone else in the account review
    try:
        with colleague.session() as session:
            relationship = session.exec(select(Relationship)).one()
            relationship.strength = 2
            session.add(relationship)
            session.commit()
    finally:
        colleague.close()

    with database.session() as session:
        updated = cache.get(acme, session=session, freshness=fresh)
        untouched = cache.get(other, session=session, freshness=fresh)
    assert updated.version == 2 and cache.builds == 3
    assert untouched.version == 1
    path = warm_intro_path(updated.graph, ann)
    assert path is not None and path.strength == pytest.approx(0.4)


def test_invalidate_a_new_day_and_a_missing_account(database: Database) -> None:
    acme, _other, _ann = _fill(database)
    cache = StakeholderGraphCache()
    with database.session() as session:
        cache.get(acme, session=session, freshness=Freshness(NOW))
        cache.invalidate(acme)
        assert acme not in cache
        assert cache.get(acme, session=session, freshness=Freshness(NOW)).version == 2
        tomorrow = cache.get(acme, session=session, freshness=Freshness(NOW + timedelta(days=1)))
        assert tomorrow.version == 3
        other_half_life = Freshness(NOW + timedelta(days=1), half_life_days=30)
        assert cache.get(acme, session=session, freshness=other_half_life).version == 4
        with pytest.raises(KeyError):
            cache.get(9999, session=session, freshness=Freshness(NOW))
    cache.invalidate()
    assert acme not in cache
