"""Column types that keep values exact and unambiguous on every database engine."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

MINOR_UNITS = 100
"""Money is stored as whole cents: two decimal places, never a float."""


class Money(sa.types.TypeDecorator[Decimal]):
    """A :class:`~decimal.Decimal` amount stored as an integer count of cents.

    Floats cannot represent most amounts exactly and SQLite has no decimal type, so
    the database holds integers and Python sees ``Decimal('1234.50')``.
    """

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be a Decimal or int, not a float")
        amount = Decimal(value) * MINOR_UNITS
        if amount != amount.to_integral_value():
            raise ValueError(f"money value {value} has more than two decimal places")
        return int(amount)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / MINOR_UNITS).quantize(Decimal("0.01"))


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every engine.

    SQLite keeps no zone, so values are normalised to UTC on the way in and marked
    UTC on the way out; naive datetimes are refused rather than guessed at.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class JSONText(sa.types.TypeDecorator[dict]):
    """A JSON object kept as text, for columns whose keys come from outside (CRM extras)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    def process_result_value(self, value: Any, dialect: Dialect) -> dict | None:
        if value is None:
            return None
        return json.loads(value)


def enum_column_type(enum_cls: type[StrEnum]) -> sa.Enum:
    """A portable enum column: stored as its string value in a VARCHAR, no native type.

    Native enums (PostgreSQL) need a migration for every new member; a VARCHAR does not.
    """
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def utc_now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)
