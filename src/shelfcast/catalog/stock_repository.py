"""The SQL of stock changes made by delta or by hand, and of their record.

Deltas are added by the database in one statement (``INSERT ... ON CONFLICT DO
UPDATE SET quantity = stock_levels.quantity + excluded.quantity``): concurrent
writers never read a level in Python and write it back, so no sale is lost
whatever the interleaving, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shelfcast.catalog.models import Product, StockAdjustment, StockLevel

Level = tuple[int, int]  # (product_id, warehouse_id)


def _stock_insert(session: Session) -> sqlite.Insert | postgresql.Insert:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(StockLevel)
    return sqlite.insert(StockLevel)


def add_to_stock(
    session: Session, account_id: int, deltas: Mapping[Level, Decimal]
) -> dict[Level, Decimal]:
    """Add each delta to its level (a missing level starts at 0); answers the new levels.

    One executemany of an atomic upsert. ``deltas`` holds each level once: a
    statement may not change the same row twice on PostgreSQL.
    """
    if not deltas:
        return {}
    stmt = _stock_insert(session)
    stmt = stmt.on_conflict_do_update(
        index_elements=[StockLevel.product_id, StockLevel.warehouse_id],
        set_={"quantity": StockLevel.quantity + stmt.excluded.quantity},
    )
    rows = [
        {"account_id": account_id, "product_id": p, "warehouse_id": w, "quantity": delta}
        for (p, w), delta in deltas.items()
    ]
    result = session.execute(
        stmt.returning(StockLevel.product_id, StockLevel.warehouse_id, StockLevel.quantity), rows
    )
    return {(p, w): quantity for p, w, quantity in result}


def set_stock_levels(
    session: Session,
    account_id: int,
    warehouse_id: int,
    product_ids: Sequence[int],
    quantity: Decimal,
) -> None:
    if not product_ids:
        return
    stmt = _stock_insert(session)
    stmt = stmt.on_conflict_do_update(
        index_elements=[StockLevel.product_id, StockLevel.warehouse_id],
        set_={"quantity": stmt.excluded.quantity},
    )
    session.execute(
        stmt,
        [
            {
                "account_id": account_id,
                "product_id": p,
                "warehouse_id": warehouse_id,
                "quantity": quantity,
            }
            for p in product_ids
        ],
    )


def owned_products(session: Session, account_id: int, product_ids: Sequence[int]) -> dict[int, str]:
    """The sku of each of ``product_ids`` that belongs to the account."""
    if not product_ids:
        return {}
    rows = session.execute(
        select(Product.id, Product.sku).where(
            Product.account_id == account_id, Product.id.in_(product_ids)
        )
    )
    return dict(rows.all())


def record_adjustments(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        session.execute(insert(StockAdjustment), rows)


def adjustments_of(
    session: Session, account_id: int, product_id: int, limit: int
) -> Sequence[StockAdjustment]:
    """The product's latest recorded changes, newest first."""
    return session.scalars(
        select(StockAdjustment)
        .where(StockAdjustment.account_id == account_id, StockAdjustment.product_id == product_id)
        .order_by(StockAdjustment.id.desc())
        .limit(limit)
    ).all()
