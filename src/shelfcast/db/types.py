"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

SCALE = 4


class FixedDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as a whole number of ten-thousandths (BIGINT).

    SQLite has no decimal type (NUMERIC there is a float), so sums of stock
    over warehouses would pick up binary rounding. Storing fixed-point integers
    keeps every quantity, price and sum exact on SQLite and PostgreSQL alike,
    with one code path. Values with more than four decimal places are refused
    by the schemas before they get here.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return to_units(Decimal(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return from_units(value)


def to_units(value: Decimal) -> int:
    return int(value.scaleb(SCALE).to_integral_exact())


def from_units(units: int | Decimal) -> Decimal:
    return Decimal(int(units)).scaleb(-SCALE)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC)  # type: ignore[no-any-return]

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]
