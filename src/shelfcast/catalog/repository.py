"""All SQL of the catalog package.

Bulk writes are set-based: one statement per kind of row (executemany), never
one round trip per product. Lookups by a list of keys (:func:`_among`) send the
whole list as one array on PostgreSQL and ``IN (...)`` chunks of ``IN_CHUNK``
on SQLite, whose bind parameters per statement are limited.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    any_,
    bindparam,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from shelfcast.accounts.models import Account
from shelfcast.catalog.models import (
    Category,
    CustomField,
    CustomFieldValue,
    Price,
    PriceType,
    Product,
    ProductImage,
    StockLevel,
    Warehouse,
)
from shelfcast.db.text_search import fold, folded

IN_CHUNK = 500
PATH_SEPARATOR = " > "

_T = TypeVar("_T")


def chunks(items: Sequence[_T], size: int = IN_CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _among(
    session: Session, column: InstrumentedAttribute[_T], values: Sequence[_T]
) -> Iterator[ColumnElement[bool]]:
    """Conditions ``column IN values``, one per statement to run, covering ``values``.

    PostgreSQL gets ``column = ANY(:array)``: one statement whatever the size,
    and the planner hashes the array (an IN list of 500 separate parameters is
    searched linearly for each row, over 100 times slower at 10,000 products).
    """
    if not values:
        return
    if session.get_bind().dialect.name == "postgresql":
        yield column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
        return
    for chunk in chunks(values):
        yield column.in_(chunk)


def _upsert_insert(session: Session, model: type[Any]) -> sqlite.Insert | postgresql.Insert:
    """An INSERT that can take ``ON CONFLICT DO UPDATE``, for the session's database.

    On the model's table, not the model: a Core executemany, several times
    faster than the ORM's bulk path for the same rows (nothing here needs the
    identity map, which these writes bypass anyway).
    """
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def lock_account(session: Session, account_id: int) -> None:
    """Hold the account's row until the transaction ends (PostgreSQL; SQLite's writing
    transactions already run one at a time). Product and stock writes take it before
    reading ids, so concurrent writers of one catalog queue instead of acting on ids
    another is changing (a unique clash, a foreign key error, a deadlock)."""
    session.execute(select(Account.id).where(Account.id == account_id).with_for_update())


def bump_catalog_version(session: Session, account_id: int) -> None:
    """Mark every feed of the account stale; call once per catalog write, in its transaction."""
    session.execute(
        update(Account)
        .where(Account.id == account_id)
        .values(catalog_version=Account.catalog_version + 1)
    )


# --- warehouses, price types, custom fields, categories ---------------------------------


def list_warehouses(session: Session, account_id: int) -> Sequence[Warehouse]:
    return session.scalars(
        select(Warehouse).where(Warehouse.account_id == account_id).order_by(Warehouse.id)
    ).all()


def get_warehouse(session: Session, account_id: int, warehouse_id: int) -> Warehouse | None:
    return session.scalars(
        select(Warehouse).where(Warehouse.id == warehouse_id, Warehouse.account_id == account_id)
    ).first()


def find_warehouse_by_name(session: Session, account_id: int, name: str) -> Warehouse | None:
    return session.scalars(
        select(Warehouse).where(Warehouse.account_id == account_id, Warehouse.name == name)
    ).first()


def add_warehouse(session: Session, account_id: int, name: str) -> Warehouse:
    warehouse = Warehouse(account_id=account_id, name=name)
    session.add(warehouse)
    session.flush()
    return warehouse


def set_warehouse_name(session: Session, warehouse: Warehouse, name: str) -> None:
    warehouse.name = name
    session.flush()


def list_price_types(session: Session, account_id: int) -> Sequence[PriceType]:
    return session.scalars(
        select(PriceType).where(PriceType.account_id == account_id).order_by(PriceType.id)
    ).all()


def find_price_type_by_name(session: Session, account_id: int, name: str) -> PriceType | None:
    return session.scalars(
        select(PriceType).where(PriceType.account_id == account_id, PriceType.name == name)
    ).first()


def add_price_type(session: Session, account_id: int, name: str, currency: str) -> PriceType:
    price_type = PriceType(account_id=account_id, name=name, currency=currency)
    session.add(price_type)
    session.flush()
    return price_type


def list_custom_fields(session: Session, account_id: int) -> Sequence[CustomField]:
    return session.scalars(
        select(CustomField).where(CustomField.account_id == account_id).order_by(CustomField.id)
    ).all()


def find_custom_field_by_key(session: Session, account_id: int, key: str) -> CustomField | None:
    return session.scalars(
        select(CustomField).where(CustomField.account_id == account_id, CustomField.key == key)
    ).first()


def add_custom_field(
    session: Session, account_id: int, key: str, label: str, type: str
) -> CustomField:
    field = CustomField(account_id=account_id, key=key, label=label, type=type)
    session.add(field)
    session.flush()
    return field


def list_categories(session: Session, account_id: int) -> Sequence[Category]:
    return session.scalars(
        select(Category).where(Category.account_id == account_id).order_by(Category.path)
    ).all()


def category_ids_by_path(session: Session, account_id: int, paths: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for among in _among(session, Category.path, paths):
        rows = session.execute(
            select(Category.path, Category.id).where(Category.account_id == account_id, among)
        )
        found.update(rows.all())
    return found


def ensure_categories(
    session: Session, account_id: int, rows: Sequence[Mapping[str, Any]]
) -> dict[str, int]:
    """Insert category nodes (dicts of parent_id, name, path) unless their path exists.

    ``ON CONFLICT DO UPDATE`` (a no-op change) instead of a plain INSERT so that a
    node created meanwhile by a concurrent upsert is returned, not a unique error.
    """
    if not rows:
        return {}
    stmt = _upsert_insert(session, Category)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Category.account_id, Category.path],
        set_={"name": stmt.excluded.name},
    )
    result = session.execute(
        stmt.returning(Category.path, Category.id),
        [{"account_id": account_id, **row} for row in rows],
    )
    return dict(result.all())


# --- product writes ---------------------------------------------------------------------


def product_ids_by_sku(session: Session, account_id: int, skus: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for among in _among(session, Product.sku, skus):
        rows = session.execute(
            select(Product.sku, Product.id).where(Product.account_id == account_id, among)
        )
        found.update(rows.all())
    return found


def _send_rows(
    session: Session,
    model: type[Any],
    rows: Sequence[Mapping[str, Any]],
    on_conflict: tuple[tuple[str, ...], str] | None = None,
) -> None:
    """INSERT ``rows`` (dicts with the same keys) into ``model``'s table as plain
    tuples through the driver's executemany; ``on_conflict`` = (key columns,
    value column) makes it an upsert of that value.

    SQLAlchemy's per-row parameter processing cost more than the database's own
    work (a third of a CSV import's time). Each column's bind processor
    (``FixedDecimal``'s units, SQLite's datetime text) is still applied, so the
    stored values are those of the Core path. Every column with a default must
    be given: none is filled in here.
    """
    if not rows:
        return
    table = cast(Table, model.__table__)
    names = list(rows[0])
    connection = session.connection()
    dialect = connection.dialect
    processors = [
        (i, processor)
        for i, name in enumerate(names)
        if (processor := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    # A batch's rows share their timestamps: each column remembers its last value.
    last: dict[int, tuple[Any, Any]] = {}
    params: list[Any] = []
    for row in rows:
        values = [row[name] for name in names]
        for i, processor in processors:
            value = values[i]
            seen = last.get(i)
            if seen is None or seen[0] is not value:
                seen = last[i] = (value, processor(value))
            values[i] = seen[1]
        params.append(tuple(values))
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join([mark] * len(names))})"
    if on_conflict is not None:
        keys, value_column = on_conflict
        sql += (
            f" ON CONFLICT ({', '.join(keys)})"
            f" DO UPDATE SET {value_column} = excluded.{value_column}"
        )
    connection.exec_driver_sql(sql, params)


def insert_products(session: Session, rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Insert one account's products (every dict with the same keys, ``account_id``
    and both timestamps included); answers their ids by sku, looked up after
    the executemany (one indexed query per chunk, cheaper than RETURNING
    through SQLAlchemy)."""
    if not rows:
        return {}
    _send_rows(session, Product, rows)
    return product_ids_by_sku(session, rows[0]["account_id"], [row["sku"] for row in rows])


def update_products(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """ORM bulk UPDATE by primary key; each dict holds ``id`` and the columns to change."""
    if not rows:
        return
    # Rows are sent in runs of equal key sets, one executemany per run: sort so
    # products changing the same fields share one statement.
    ordered = sorted(rows, key=lambda row: sorted(row))
    session.execute(update(Product), ordered)


def delete_images(session: Session, product_ids: Sequence[int]) -> None:
    for among in _among(session, ProductImage.product_id, product_ids):
        session.execute(
            delete(ProductImage).where(among).execution_options(synchronize_session=False)
        )


def insert_images(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    _send_rows(session, ProductImage, rows)


def upsert_prices(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    _send_rows(session, Price, rows, (("product_id", "price_type_id"), "amount"))


def delete_prices(
    session: Session, product_ids: Sequence[int], price_type_id: int | None = None
) -> None:
    """Delete the products' prices: all of them, or only those of one price type."""
    for among in _among(session, Price.product_id, product_ids):
        stmt = delete(Price).where(among)
        if price_type_id is not None:
            stmt = stmt.where(Price.price_type_id == price_type_id)
        session.execute(stmt.execution_options(synchronize_session=False))


def upsert_custom_values(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    _send_rows(session, CustomFieldValue, rows, (("product_id", "custom_field_id"), "value"))


def delete_custom_values(
    session: Session, product_ids: Sequence[int], custom_field_id: int | None = None
) -> None:
    """Delete the products' custom values: all of them, or only those of one field."""
    for among in _among(session, CustomFieldValue.product_id, product_ids):
        stmt = delete(CustomFieldValue).where(among)
        if custom_field_id is not None:
            stmt = stmt.where(CustomFieldValue.custom_field_id == custom_field_id)
        session.execute(stmt.execution_options(synchronize_session=False))


def delete_product(session: Session, account_id: int, product_id: int) -> bool:
    """Delete a product (stock, prices, images, values go with it by cascade); False if none."""
    deleted = session.execute(
        delete(Product)
        .where(Product.id == product_id, Product.account_id == account_id)
        .returning(Product.id)
    ).first()
    return deleted is not None


# --- stock ------------------------------------------------------------------------------


def warehouse_ids(session: Session, account_id: int) -> set[int]:
    return set(session.scalars(select(Warehouse.id).where(Warehouse.account_id == account_id)))


def upsert_stock(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    _send_rows(session, StockLevel, rows, (("product_id", "warehouse_id"), "quantity"))


# --- product reads ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductRow:
    id: int
    sku: str
    name: str
    barcode: str | None
    category_path: str | None
    description: str | None
    brand: str | None
    unit: str | None
    weight: Decimal | None
    created_at: datetime
    updated_at: datetime


def _product_rows_query(account_id: int) -> Select[*tuple[Any, ...]]:
    # Plain columns, not entities: rows never come from a stale identity map
    # after the bulk writes above, which bypass it.
    return (
        select(
            Product.id,
            Product.sku,
            Product.name,
            Product.barcode,
            Category.path,
            Product.description,
            Product.brand,
            Product.unit,
            Product.weight,
            Product.created_at,
            Product.updated_at,
        )
        .outerjoin(Category, Category.id == Product.category_id)
        .where(Product.account_id == account_id)
    )


def out_of_stock() -> ColumnElement[bool]:
    """Products whose stock over all warehouses adds up to 0 or less (none counts as 0):
    the products page's filter and the overview's count."""
    total = (
        select(func.coalesce(func.sum(StockLevel.quantity), 0))
        .where(StockLevel.product_id == Product.id)
        .correlate(Product)
        .scalar_subquery()
    )
    return total <= 0


def out_of_stock_count(session: Session, account_id: int) -> int:
    """How many products :func:`out_of_stock` keeps, as all products less those whose
    stock adds up to more than 0: one pass over the stock table in its key order
    (a million products: a few seconds less than a sum per product)."""
    in_stock = (
        select(StockLevel.product_id)
        .where(StockLevel.account_id == account_id)
        .group_by(StockLevel.product_id)
        .having(func.sum(StockLevel.quantity) > 0)
        .subquery()
    )
    products = select(func.count()).select_from(Product).where(Product.account_id == account_id)
    stocked = select(func.count()).select_from(in_stock)
    found = session.scalar(select(products.scalar_subquery() - stocked.scalar_subquery()))
    return found or 0


def product_page(
    session: Session,
    account_id: int,
    *,
    q: str | None,
    category_id: int | None,
    after: int | None,
    limit: int,
    only_out_of_stock: bool = False,
) -> list[ProductRow]:
    """A page of products in id order, optionally matching ``q`` or within a category."""
    stmt = _product_rows_query(account_id)
    if q:
        stmt = stmt.where(
            or_(
                # One folding call a row: sku and name joined by a character a
                # search text cannot hold (control characters are refused).
                folded(Product.sku + "\x1f" + Product.name).contains(fold(q), autoescape=True),
                Product.barcode == q,
            )
        )
    if category_id is not None:
        # The category and everything below it.
        chosen = (
            select(Category.path)
            .where(Category.id == category_id, Category.account_id == account_id)
            .scalar_subquery()
        )
        stmt = stmt.where(
            or_(Category.path == chosen, Category.path.startswith(chosen + PATH_SEPARATOR))
        )
    if only_out_of_stock:
        stmt = stmt.where(out_of_stock())
    if after is not None:
        stmt = stmt.where(Product.id > after)
    stmt = stmt.order_by(Product.id).limit(limit)
    return [ProductRow(*row) for row in session.execute(stmt)]


def product_row(session: Session, account_id: int, product_id: int) -> ProductRow | None:
    row = session.execute(_product_rows_query(account_id).where(Product.id == product_id)).first()
    return ProductRow(*row) if row is not None else None


def stock_of(session: Session, product_ids: Sequence[int]) -> list[tuple[int, int, Decimal]]:
    """(product_id, warehouse_id, quantity), by product then warehouse."""
    rows = session.execute(
        select(StockLevel.product_id, StockLevel.warehouse_id, StockLevel.quantity)
        .where(StockLevel.product_id.in_(product_ids))
        .order_by(StockLevel.product_id, StockLevel.warehouse_id)
    )
    return [(p, w, q) for p, w, q in rows]


def prices_of(session: Session, product_ids: Sequence[int]) -> list[tuple[int, str, Decimal]]:
    """(product_id, price type name, amount), by product then price type."""
    rows = session.execute(
        select(Price.product_id, PriceType.name, Price.amount)
        .join(PriceType, PriceType.id == Price.price_type_id)
        .where(Price.product_id.in_(product_ids))
        .order_by(Price.product_id, PriceType.id)
    )
    return [(p, n, a) for p, n, a in rows]


def images_of(session: Session, product_ids: Sequence[int]) -> list[tuple[int, str]]:
    """(product_id, url), by product then position."""
    rows = session.execute(
        select(ProductImage.product_id, ProductImage.url)
        .where(ProductImage.product_id.in_(product_ids))
        .order_by(ProductImage.product_id, ProductImage.position)
    )
    return [(p, u) for p, u in rows]


def custom_values_of(session: Session, product_ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """(product_id, custom field key, value), by product then field."""
    rows = session.execute(
        select(CustomFieldValue.product_id, CustomField.key, CustomFieldValue.value)
        .join(CustomField, CustomField.id == CustomFieldValue.custom_field_id)
        .where(CustomFieldValue.product_id.in_(product_ids))
        .order_by(CustomFieldValue.product_id, CustomField.id)
    )
    return [(p, k, v) for p, k, v in rows]
