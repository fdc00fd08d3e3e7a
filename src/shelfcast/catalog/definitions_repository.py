"""The SQL of changing and deleting warehouses, price types and custom fields,
and of finding the feed files that use one (those deletes are refused).

Feeds refer to a warehouse by its id (the warehouses a feed sums, and a
``quantity.<id>`` column), to a price type by its id (a price column) and to a
custom field by its key (a ``custom.<key>`` column).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session

from shelfcast.catalog.models import CustomField, CustomFieldValue, PriceType, Warehouse
from shelfcast.errors import FeedRef
from shelfcast.feeds.models import FeedColumn, FeedFile, FeedWarehouse

PRODUCT_FIELD = "product_field"


def _feeds_where(
    session: Session, account_id: int, condition: ColumnElement[bool]
) -> list[FeedRef]:
    rows = session.execute(
        select(FeedFile.id, FeedFile.store_name, FeedFile.file_name, FeedFile.file_type)
        .where(FeedFile.account_id == account_id, condition)
        .order_by(FeedFile.id)
    )
    return [FeedRef(id=i, name=f"{store} ({name}.{kind})") for i, store, name, kind in rows]


def _has_column(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return FeedFile.id.in_(select(FeedColumn.feed_id).where(condition))


def feeds_using_warehouse(session: Session, account_id: int, warehouse_id: int) -> list[FeedRef]:
    sums = FeedFile.id.in_(
        select(FeedWarehouse.feed_id).where(FeedWarehouse.warehouse_id == warehouse_id)
    )
    column = _has_column(
        (FeedColumn.source == PRODUCT_FIELD) & (FeedColumn.field == f"quantity.{warehouse_id}")
    )
    return _feeds_where(session, account_id, or_(sums, column))


def feeds_using_price_type(session: Session, account_id: int, price_type_id: int) -> list[FeedRef]:
    return _feeds_where(session, account_id, _has_column(FeedColumn.price_type_id == price_type_id))


def feeds_using_custom_field(session: Session, account_id: int, key: str) -> list[FeedRef]:
    return _feeds_where(
        session,
        account_id,
        _has_column((FeedColumn.source == PRODUCT_FIELD) & (FeedColumn.field == f"custom.{key}")),
    )


def get_price_type(session: Session, account_id: int, price_type_id: int) -> PriceType | None:
    return session.scalars(
        select(PriceType).where(PriceType.id == price_type_id, PriceType.account_id == account_id)
    ).first()


def get_custom_field(session: Session, account_id: int, field_id: int) -> CustomField | None:
    return session.scalars(
        select(CustomField).where(CustomField.id == field_id, CustomField.account_id == account_id)
    ).first()


def change(session: Session, row: Any, **values: Any) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()


def delete_row(
    session: Session, model: type[Warehouse | PriceType | CustomField], id_: int
) -> None:
    """Delete by id; the rows that belong to it (stock, prices, values) go by cascade."""
    session.execute(
        delete(model).where(model.id == id_).execution_options(synchronize_session=False)
    )


def values_in_use(session: Session, account_id: int, field_id: int, limit: int) -> list[str]:
    """The distinct values products hold for a field, most used first."""
    rows = session.execute(
        select(CustomFieldValue.value)
        .where(
            CustomFieldValue.account_id == account_id,
            CustomFieldValue.custom_field_id == field_id,
        )
        .group_by(CustomFieldValue.value)
        .order_by(func.count().desc(), CustomFieldValue.value)
        .limit(limit)
    )
    return list(rows.scalars())
