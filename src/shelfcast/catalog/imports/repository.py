"""All SQL of the import: the stored state of a batch of products, the jobs,
and the remembered mappings. Catalog writes reuse ``catalog.repository``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from shelfcast.catalog.imports.models import Import, ImportMapping
from shelfcast.catalog.models import (
    Category,
    CustomFieldValue,
    Price,
    Product,
    ProductImage,
    StockLevel,
)
from shelfcast.catalog.repository import chunks
from shelfcast.db.base import utcnow
from shelfcast.db.types import to_units


@dataclass(frozen=True, slots=True)
class StoredProduct:
    id: int
    name: str
    barcode: str | None
    category: str | None  # the path joined with " > "
    description: str | None
    brand: str | None
    unit: str | None
    weight: Decimal | None


def stored_products(
    session: Session, account_id: int, skus: Sequence[str]
) -> dict[str, StoredProduct]:
    found: dict[str, StoredProduct] = {}
    for chunk in chunks(skus):
        rows = session.execute(
            select(
                Product.sku,
                Product.id,
                Product.name,
                Product.barcode,
                Category.path,
                Product.description,
                Product.brand,
                Product.unit,
                Product.weight,
            )
            .outerjoin(Category, Category.id == Product.category_id)
            .where(Product.account_id == account_id, Product.sku.in_(chunk))
        )
        for sku, *values in rows:
            found[sku] = StoredProduct(*values)  # type: ignore[arg-type]
    return found


def stored_images(session: Session, product_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for chunk in chunks(product_ids):
        rows = session.execute(
            select(ProductImage.product_id, ProductImage.url)
            .where(ProductImage.product_id.in_(chunk))
            .order_by(ProductImage.product_id, ProductImage.position)
        )
        for product_id, url in rows:
            found.setdefault(product_id, []).append(url)
    return found


_KEYED: dict[str, tuple[Any, Any, Any]] = {
    "prices": (Price, Price.price_type_id, Price.amount),
    "stock": (StockLevel, StockLevel.warehouse_id, StockLevel.quantity),
    "custom": (CustomFieldValue, CustomFieldValue.custom_field_id, CustomFieldValue.value),
}


def stored_values(
    session: Session, table: str, product_ids: Sequence[int], keys: Sequence[int]
) -> dict[tuple[int, int], Any]:
    """``{(product id, key): value}`` of prices, stock or custom values."""
    model, key_column, value_column = _KEYED[table]
    found: dict[tuple[int, int], Any] = {}
    if not keys:
        return found
    for chunk in chunks(product_ids):
        rows = session.execute(
            select(model.product_id, key_column, value_column).where(
                model.product_id.in_(chunk), key_column.in_(keys)
            )
        )
        for product_id, key, value in rows:
            found[(product_id, key)] = value
    return found


_UPSERTS = {
    # table: (key column, value column, value is a FixedDecimal)
    "prices": ("price_type_id", "amount", True),
    "stock_levels": ("warehouse_id", "quantity", True),
    "custom_field_values": ("custom_field_id", "value", False),
}


def upsert_keyed(
    session: Session, table: str, account_id: int, rows: Sequence[tuple[int, int, Any]]
) -> None:
    """``INSERT ... ON CONFLICT DO UPDATE`` of (product id, key, value) rows of
    prices, stock levels or custom values, straight to the driver's
    executemany: the import writes up to millions of them, and SQLAlchemy's
    per-row parameter processing cost more than SQLite's own work. Amounts
    and quantities are converted to stored units here (``db.types``)."""
    if not rows:
        return
    key, value, fixed = _UPSERTS[table]
    mark = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table} (product_id, {key}, account_id, {value}) "
        f"VALUES ({mark}, {mark}, {mark}, {mark}) "
        f"ON CONFLICT (product_id, {key}) DO UPDATE SET {value} = excluded.{value}"
    )
    params = [
        (product_id, ref, account_id, to_units(amount) if fixed else amount)
        for product_id, ref, amount in rows
    ]
    session.connection().exec_driver_sql(sql, params)


def delete_stock(session: Session, product_ids: Sequence[int], warehouse_id: int) -> None:
    for chunk in chunks(product_ids):
        session.execute(
            delete(StockLevel)
            .where(StockLevel.product_id.in_(chunk), StockLevel.warehouse_id == warehouse_id)
            .execution_options(synchronize_session=False)
        )


# --- jobs -------------------------------------------------------------------------------


def add_import(session: Session, job: Import) -> Import:
    session.add(job)
    session.flush()
    return job


def get_import(session: Session, account_id: int, import_id: int) -> Import | None:
    return session.scalars(
        select(Import).where(Import.id == import_id, Import.account_id == account_id)
    ).first()


def get_import_any_account(session: Session, import_id: int) -> Import | None:
    """For the background runner, which is handed an id it created itself."""
    return session.get(Import, import_id)


def recent_imports(session: Session, account_id: int, limit: int) -> Sequence[Import]:
    return session.scalars(
        select(Import)
        .where(Import.account_id == account_id)
        .order_by(Import.id.desc())
        .limit(limit)
    ).all()


def set_import(session: Session, import_id: int, **values: Any) -> None:
    session.execute(update(Import).where(Import.id == import_id).values(**values))


def unfinished_imports(session: Session) -> Sequence[Import]:
    return session.scalars(
        select(Import).where(Import.status.in_(("queued", "running"))).order_by(Import.id)
    ).all()


# --- remembered mappings ----------------------------------------------------------------


def remembered_mapping(session: Session, account_id: int, signature: str) -> dict[str, str] | None:
    return session.scalars(
        select(ImportMapping.mapping).where(
            ImportMapping.account_id == account_id, ImportMapping.signature == signature
        )
    ).first()


def remember_mapping(
    session: Session, account_id: int, signature: str, mapping: dict[str, str]
) -> None:
    found = session.scalars(
        select(ImportMapping).where(
            ImportMapping.account_id == account_id, ImportMapping.signature == signature
        )
    ).first()
    if found is None:
        session.add(ImportMapping(account_id=account_id, signature=signature, mapping=mapping))
    else:
        found.mapping = mapping
        found.updated_at = utcnow()
    session.flush()
