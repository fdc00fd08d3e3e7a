"""All SQL of the feeds package, including the streamed feed rows query."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import pyarrow as pa
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Text,
    and_,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    literal_column,
    null,
    select,
    update,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.orm import Session, aliased

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
from shelfcast.db.arrow_reader import postgresql_record_batches, sqlite_record_batches
from shelfcast.db.base import utcnow
from shelfcast.db.engine import sqlite_transaction_wrote
from shelfcast.feeds.fields import ProductField
from shelfcast.feeds.models import (
    FeedColumn,
    FeedFile,
    FeedLink,
    FeedWarehouse,
    Integration,
    RetiredFileName,
)
from shelfcast.render.spec import RawValue

# Rows fetched from the database cursor at a time: memory stays flat whatever the catalog.
STREAM_BATCH = 2000
# Rows per Arrow record batch read from SQLite (the columnar path).
ARROW_BATCH = 32_768
IMAGE_SEPARATOR = ","
RowLock = Literal["share", "update"] | None


# --- the integration and the feed files -------------------------------------------------


def get_integration(session: Session, account_id: int) -> Integration | None:
    return session.scalars(select(Integration).where(Integration.account_id == account_id)).first()


def add_integration(session: Session, account_id: int) -> Integration:
    integration = Integration(account_id=account_id, enabled=False)
    session.add(integration)
    session.flush()
    return integration


def lock_account(session: Session, account_id: int) -> Account | None:
    """Read the account row locked for this transaction (PostgreSQL row lock;
    on SQLite the writing transaction already holds the database's write lock)."""
    return session.scalars(
        select(Account).where(Account.id == account_id).with_for_update()
    ).first()


def count_products(session: Session, account_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Product).where(Product.account_id == account_id)
        )
        or 0
    )


def count_feeds(session: Session, account_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(FeedFile).where(FeedFile.account_id == account_id)
        )
        or 0
    )


def get_feed(
    session: Session, account_id: int, feed_id: int, lock: RowLock = None
) -> FeedFile | None:
    """The feed; ``lock`` holds its row to the transaction's end (PostgreSQL): "update"
    for a writer, "share" for a reader that then reads its columns, links... so that a
    concurrent change or delete waits instead of being seen half."""
    query = select(FeedFile).where(FeedFile.id == feed_id, FeedFile.account_id == account_id)
    if lock is not None:
        query = query.with_for_update(read=lock == "share")
    return session.scalars(query).first()


def find_feed(session: Session, feed_id: int) -> FeedFile | None:
    """A feed by id whatever its account: for the administrator's command line only."""
    return session.get(FeedFile, feed_id)


def list_feeds(session: Session, account_id: int) -> Sequence[FeedFile]:
    return session.scalars(
        select(FeedFile).where(FeedFile.account_id == account_id).order_by(FeedFile.id)
    ).all()


def feed_columns(session: Session, feed_ids: Sequence[int]) -> dict[int, list[FeedColumn]]:
    found: dict[int, list[FeedColumn]] = {feed_id: [] for feed_id in feed_ids}
    rows = session.scalars(
        select(FeedColumn)
        .where(FeedColumn.feed_id.in_(feed_ids))
        .order_by(FeedColumn.feed_id, FeedColumn.position)
    )
    for column in rows:
        found[column.feed_id].append(column)
    return found


def feed_warehouse_ids(session: Session, feed_ids: Sequence[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {feed_id: [] for feed_id in feed_ids}
    rows = session.execute(
        select(FeedWarehouse.feed_id, FeedWarehouse.warehouse_id)
        .where(FeedWarehouse.feed_id.in_(feed_ids))
        .order_by(FeedWarehouse.feed_id, FeedWarehouse.warehouse_id)
    )
    for feed_id, warehouse_id in rows:
        found[feed_id].append(warehouse_id)
    return found


def replace_feed_columns(
    session: Session, feed: FeedFile, columns: Sequence[dict[str, Any]]
) -> None:
    session.execute(delete(FeedColumn).where(FeedColumn.feed_id == feed.id))
    session.execute(
        insert(FeedColumn),
        [
            {**column, "feed_id": feed.id, "account_id": feed.account_id, "position": position}
            for position, column in enumerate(columns)
        ],
    )


def replace_feed_warehouses(session: Session, feed: FeedFile, warehouse_ids: Sequence[int]) -> None:
    session.execute(delete(FeedWarehouse).where(FeedWarehouse.feed_id == feed.id))
    session.execute(
        insert(FeedWarehouse),
        [
            {"feed_id": feed.id, "warehouse_id": wid, "account_id": feed.account_id}
            for wid in warehouse_ids
        ],
    )


def bump_settings_version(session: Session, feed: FeedFile) -> None:
    session.execute(
        update(FeedFile)
        .where(FeedFile.id == feed.id)
        .values(settings_version=FeedFile.settings_version + 1, updated_at=utcnow())
    )
    session.refresh(feed)


def owned_ids(session: Session, model: type[Warehouse | PriceType], account_id: int) -> set[int]:
    return set(session.scalars(select(model.id).where(model.account_id == account_id)))


def custom_field_types(session: Session, account_id: int) -> dict[str, str]:
    rows = session.execute(
        select(CustomField.key, CustomField.type).where(CustomField.account_id == account_id)
    )
    return {str(key): str(type_) for key, type_ in rows}


def custom_field_ids(session: Session, account_id: int, keys: Sequence[str]) -> dict[str, int]:
    rows = session.execute(
        select(CustomField.key, CustomField.id).where(
            CustomField.account_id == account_id, CustomField.key.in_(keys)
        )
    )
    return {str(key): int(id_) for key, id_ in rows}


# --- links ---------------------------------------------------------------------------


def add_link(session: Session, feed: FeedFile, token: str, token_hash: str) -> FeedLink:
    link = FeedLink(account_id=feed.account_id, feed_id=feed.id, token=token, token_hash=token_hash)
    session.add(link)
    session.flush()
    return link


def current_links(session: Session, feed_ids: Sequence[int]) -> dict[int, FeedLink]:
    """The newest link of each feed that has no expiry set."""
    found: dict[int, FeedLink] = {}
    rows = session.scalars(
        select(FeedLink)
        .where(FeedLink.feed_id.in_(feed_ids), FeedLink.expires_at.is_(None))
        .order_by(FeedLink.feed_id, FeedLink.id)
    )
    for link in rows:
        found[link.feed_id] = link
    return found


def links_in_grace(session: Session, feed_ids: Sequence[int], now: datetime) -> Sequence[FeedLink]:
    """The feeds' rotated links that still work (a grace period runs), soonest to end first."""
    return session.scalars(
        select(FeedLink)
        .where(FeedLink.feed_id.in_(feed_ids), FeedLink.expires_at > now)
        .order_by(FeedLink.expires_at)
    ).all()


def expire_links(session: Session, feed_id: int, at: datetime) -> None:
    session.execute(
        update(FeedLink)
        .where(FeedLink.feed_id == feed_id, FeedLink.expires_at.is_(None))
        .values(expires_at=at)
    )


# --- former file names (feeds/link_changes.py) ------------------------------------------


def retire_name(
    session: Session, feed: FeedFile, file_name: str, expires_at: datetime | None
) -> None:
    """Let ``file_name`` answer until ``expires_at`` (replacing an earlier grace of the
    same name); ``None`` only forgets it (the feed took that name back)."""
    session.execute(
        delete(RetiredFileName).where(
            RetiredFileName.feed_id == feed.id, RetiredFileName.file_name == file_name
        )
    )
    if expires_at is not None:
        session.add(
            RetiredFileName(
                account_id=feed.account_id,
                feed_id=feed.id,
                file_name=file_name,
                expires_at=expires_at,
            )
        )
    session.flush()


def retired_names(
    session: Session, feed_ids: Sequence[int], now: datetime
) -> list[tuple[int, str, datetime]]:
    """(feed id, former name, until when) of the names still in their grace period."""
    rows = session.execute(
        select(RetiredFileName.feed_id, RetiredFileName.file_name, RetiredFileName.expires_at)
        .where(RetiredFileName.feed_id.in_(feed_ids), RetiredFileName.expires_at > now)
        .order_by(RetiredFileName.feed_id, RetiredFileName.expires_at)
    )
    return [(row[0], row[1], row[2]) for row in rows]


def feeds_named(
    session: Session, account_id: int, store_name: str, file_name: str, file_type: str
) -> Sequence[FeedFile]:
    """The account's files for ``store_name`` (any case) with this name and type."""
    return session.scalars(
        select(FeedFile)
        .where(
            FeedFile.account_id == account_id,
            func.lower(FeedFile.store_name) == store_name.strip().lower(),
            FeedFile.file_name == file_name,
            FeedFile.file_type == file_type,
        )
        .order_by(FeedFile.id)
    ).all()


# --- the feed rows query ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowsColumn:
    """What one column of the rows query selects (resolved by the service)."""

    field: ProductField | None = None
    custom_field_id: int | None = None
    price_type_id: int | None = None
    constant: str | None = None
    warehouse_id: int | None = None  # one warehouse's quantity


# Which summed quantities are listed when zero stock is left out: (q, True) from q
# on, (q, False) above q, None for none (render.StockRules.listed_from decides).
ListedFrom = tuple[Decimal, bool] | None


@dataclass(frozen=True, slots=True)
class RowsQuery:
    account_id: int
    warehouse_ids: tuple[int, ...]
    include_zero_stock: bool
    columns: tuple[RowsColumn, ...]
    negative_stock_as_zero: bool = False
    listed_from: ListedFrom = (Decimal(0), False)


def feed_rows_statement(query: RowsQuery, dialect_name: str) -> Select[Any]:
    """One SELECT yielding one row per product with one value per column, in order.

    The quantity is the sum over the feed's warehouses, each warehouse's negative
    stock counted as 0 with ``negative_stock_as_zero`` (clamping the sum and
    shaping it are the renderer's job); unless the feed includes zero stock,
    only products whose sum is in ``listed_from`` are listed (those whose
    published quantity is above 0). Prices, custom values and the category are
    left joins, images one ordered string per product, a warehouse's quantity
    a correlated subquery.
    """
    level: Any = StockLevel.quantity
    if query.negative_stock_as_zero:
        level = case((StockLevel.quantity < 0, _zero_quantity()), else_=StockLevel.quantity)
    stock = (
        select(StockLevel.product_id, func.sum(level).label("quantity"))
        .where(
            StockLevel.account_id == query.account_id,
            StockLevel.warehouse_id.in_(query.warehouse_ids),
        )
        .group_by(StockLevel.product_id)
        .subquery("stock")
    )
    quantity = func.coalesce(stock.c.quantity, literal(0, StockLevel.quantity.type))
    frm: Any = Product.__table__.outerjoin(stock, stock.c.product_id == Product.id)

    needs_category = any(
        c.field in (ProductField.CATEGORY, ProductField.CATEGORY_PATH) for c in query.columns
    )
    category = aliased(Category, name="category")
    if needs_category:
        frm = frm.outerjoin(category, category.id == Product.category_id)

    prices: dict[int, Any] = {}
    customs: dict[int, Any] = {}
    selected: list[ColumnElement[Any]] = []
    for column in query.columns:
        if column.constant is not None:
            selected.append(null())
        elif column.price_type_id is not None:
            if column.price_type_id not in prices:
                price = aliased(Price, name=f"price_{len(prices)}")
                frm = frm.outerjoin(
                    price,
                    and_(
                        price.product_id == Product.id, price.price_type_id == column.price_type_id
                    ),
                )
                prices[column.price_type_id] = price
            selected.append(prices[column.price_type_id].amount)
        elif column.custom_field_id is not None:
            if column.custom_field_id not in customs:
                value = aliased(CustomFieldValue, name=f"custom_{len(customs)}")
                frm = frm.outerjoin(
                    value,
                    and_(
                        value.product_id == Product.id,
                        value.custom_field_id == column.custom_field_id,
                    ),
                )
                customs[column.custom_field_id] = value
            selected.append(customs[column.custom_field_id].value)
        elif column.warehouse_id is not None:
            selected.append(_warehouse_quantity(column.warehouse_id))
        else:
            assert column.field is not None
            selected.append(_field_expression(column.field, quantity, category, dialect_name))

    stmt = select(*selected).select_from(frm).where(Product.account_id == query.account_id)
    if not query.include_zero_stock:
        stmt = stmt.where(_listed(stock.c.quantity, query.listed_from))
    return stmt.order_by(Product.id)


def _zero_quantity() -> ColumnElement[Any]:
    return literal(0, StockLevel.quantity.type)


def _listed(quantity: ColumnElement[Any], listed_from: ListedFrom) -> ColumnElement[Any]:
    if listed_from is None:
        return false()
    amount, inclusive = listed_from
    bound = literal(amount, StockLevel.quantity.type) if amount else _zero_quantity()
    return quantity >= bound if inclusive else quantity > bound


def _warehouse_quantity(warehouse_id: int) -> ColumnElement[Any]:
    """One warehouse's stock of the product (NULL when it has none recorded)."""
    return (
        select(StockLevel.quantity)
        .where(StockLevel.product_id == Product.id, StockLevel.warehouse_id == warehouse_id)
        .correlate(Product)
        .scalar_subquery()
    )


def _field_expression(
    field: ProductField, quantity: ColumnElement[Any], category: Any, dialect_name: str
) -> ColumnElement[Any]:
    if field in (ProductField.QUANTITY, ProductField.AVAILABILITY):
        return quantity  # the renderer turns it into the published quantity or a label
    if field is ProductField.CATEGORY:
        return category.name  # type: ignore[no-any-return]
    if field is ProductField.CATEGORY_PATH:
        return category.path  # type: ignore[no-any-return]
    if field is ProductField.IMAGES:
        return _ordered_images(dialect_name)
    if field is ProductField.IMAGE_1:
        return (
            select(ProductImage.url)
            .where(ProductImage.product_id == Product.id)
            .order_by(ProductImage.position)
            .limit(1)
            .correlate(Product)
            .scalar_subquery()
        )
    if field is ProductField.IMAGES_REST:
        return _ordered_images(dialect_name, skip=True)
    return getattr(Product, field.value)  # type: ignore[no-any-return]


def _ordered_images(dialect_name: str, skip: bool = False) -> ColumnElement[Any]:
    """A product's image URLs joined with ``,`` in their order, as one string
    (without the first one when ``skip``)."""
    if dialect_name == "postgresql" and not skip:
        return (
            select(
                func.string_agg(
                    ProductImage.url,
                    aggregate_order_by(literal(IMAGE_SEPARATOR), ProductImage.position),
                )
            )
            .where(ProductImage.product_id == Product.id)
            .scalar_subquery()
        )
    ordered_query = (
        select(ProductImage.url, ProductImage.position)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position)
        .correlate(Product)
    )
    if skip:
        # Not OFFSET: SQLite writes it as "LIMIT ? OFFSET n", whose bound -1 never
        # inlines into the columnar path's SQL.
        first = aliased(ProductImage, name="first_image")
        first_position = (
            select(func.min(first.position))
            .where(first.product_id == Product.id)
            .correlate(Product)
            .scalar_subquery()
        )
        ordered_query = ordered_query.where(ProductImage.position > first_position)
    ordered = ordered_query.subquery("ordered_images")
    if dialect_name == "postgresql":
        return (
            select(
                func.string_agg(
                    ordered.c.url, aggregate_order_by(literal(IMAGE_SEPARATOR), ordered.c.position)
                )
            )
            .select_from(ordered)
            .scalar_subquery()
        )
    # SQLite before 3.44 has no ORDER BY inside aggregates; it concatenates in the
    # order of an ordered subquery.
    return (
        select(func.group_concat(ordered.c.url, IMAGE_SEPARATOR))
        .select_from(ordered)
        .scalar_subquery()
    )


def sku_at_row(session: Session, query: RowsQuery, row: int) -> str | None:
    """The SKU of the product on data row ``row`` (1-based) of the feed's rows."""
    statement = feed_rows_statement(query, session.get_bind().dialect.name)
    statement = statement.with_only_columns(Product.sku, maintain_column_froms=True)
    sku: str | None = session.scalar(statement.offset(row - 1).limit(1))
    return sku


def feed_rows(
    session: Session, query: RowsQuery, limit: int | None = None
) -> Iterator[Sequence[RawValue]]:
    """Stream the rows of :func:`feed_rows_statement`, a batch of rows at a time."""
    stmt = feed_rows_statement(query, session.get_bind().dialect.name)
    if limit is not None:
        stmt = stmt.limit(limit)
    # A server-side cursor on PostgreSQL; fetchmany batches on SQLite.
    result = session.execute(stmt, execution_options={"yield_per": STREAM_BATCH})
    for partition in result.partitions():
        yield from partition


# --- the feed rows as Arrow record batches ------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArrowSource:
    """Where the columnar path reads a feed's rows: a SQLite file (read in a child
    process), or a PostgreSQL database (``location`` a libpq URI) in the snapshot of
    the session's transaction."""

    dialect: Literal["sqlite", "postgresql"]
    location: str
    snapshot: str | None = None


def arrow_source(session: Session) -> ArrowSource | None:
    """Where another connection reads what the session sees, or None (then only the
    session itself can: an in-memory or URI-named SQLite database, or a transaction
    that has written rows it has not committed)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        if connection.scalar(select(func.txid_current_if_assigned())) is not None:
            return None  # the transaction wrote: another one would not see it
        snapshot = connection.scalar(select(func.pg_export_snapshot()))
        url = connection.engine.url.set(drivername="postgresql")
        return ArrowSource("postgresql", url.render_as_string(hide_password=False), snapshot)
    database = readable_sqlite_file(session)
    return None if database is None else ArrowSource("sqlite", database)


def readable_sqlite_file(session: Session) -> str | None:
    """The path of the session's SQLite database file, when a second connection to it
    sees what the session sees; otherwise None.

    None for PostgreSQL, for an in-memory database, and when the session's
    transaction has written rows that are not committed yet (a second connection
    would read the data as it was before them).
    """
    connection = session.connection()
    url = connection.engine.url
    if connection.dialect.name != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:") or url.query.get("uri"):
        return None  # a URI filename: its options are not ours to rewrite
    if sqlite_transaction_wrote(connection):
        return None
    return os.path.abspath(url.database)


def columnar_rows_statement(query: RowsQuery, dialect_name: str = "sqlite") -> Select[Any]:
    """The rows of :func:`feed_rows_statement`, typed for an Arrow reader.

    The ADBC SQLite driver gives a column the type of the values in its first
    batch (all NULL reads as int64) and fails on a later value of another type.
    So text columns are ``coalesce(CAST(x AS TEXT), '')`` (an empty cell either
    way); quantities, weights and prices stay whole numbers of ten-thousandths
    (:class:`~shelfcast.db.types.FixedDecimal`) or NULL, as ``bigint`` on
    PostgreSQL (whose sum of bigints is a numeric); constants stay NULL (the
    renderer writes them).
    """
    statement = feed_rows_statement(query, dialect_name)
    typed: list[ColumnElement[Any]] = []
    for column, selected in zip(query.columns, statement.selected_columns, strict=True):
        if _is_text(column):
            selected = func.coalesce(cast(selected, Text), literal_column("''"))
        elif dialect_name == "postgresql" and column.constant is None:
            selected = cast(selected, BigInteger)
        typed.append(selected)
    return statement.with_only_columns(*typed, maintain_column_froms=False)


def _is_text(column: RowsColumn) -> bool:
    """Whether the rows query yields text (or NULL) for this column; the others are
    fixed-point units (quantity, weight, prices) or a constant's NULL."""
    if column.constant is not None or column.price_type_id is not None:
        return False
    if column.warehouse_id is not None:
        return False
    return column.field not in _NUMERIC_FIELDS


_NUMERIC_FIELDS = frozenset({ProductField.QUANTITY, ProductField.AVAILABILITY, ProductField.WEIGHT})


# The only strings the rows query binds: constants of this module, never a merchant's text.
_SQL_CONSTANTS = frozenset({IMAGE_SEPARATOR})


def _literal_sql(statement: Select[Any], dialect_name: str = "sqlite") -> str:
    """The statement as SQL text with its values inline (ADBC gets one string).

    Every bound value is an id or a number of the feed, or a constant of this
    module; anything else is refused rather than written into SQL (the feed's
    CUSTOM_VALUE constants never reach the query: they are NULL there).
    """
    # PGDialect's __init__ has no annotations in SQLAlchemy.
    dialect = PGDialect() if dialect_name == "postgresql" else sqlite.dialect()  # type: ignore[no-untyped-call]
    for name, value in statement.compile(dialect=dialect).params.items():
        values = value if isinstance(value, list | tuple) else [value]
        for one in values:
            # A Decimal is a number of the feed (the zero-stock bound), inlined as units.
            if not (type(one) in (int, Decimal) or one in _SQL_CONSTANTS):
                raise ValueError(f"refusing to inline the value of {name!r} into SQL: {one!r}")
    compiled = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return str(compiled)


@contextmanager
def columnar_feed_rows(
    source: ArrowSource, query: RowsQuery, batch_rows: int = ARROW_BATCH
) -> Iterator[Iterator[pa.RecordBatch]]:
    """The feed's rows as Arrow record batches, read on a connection of its own by
    an ADBC driver: from a SQLite file in a process of its own
    (:mod:`shelfcast.db.arrow_reader`: why a process), or from PostgreSQL in the
    snapshot of :func:`arrow_source`'s session.

    One column per feed column as :func:`columnar_rows_statement` types them,
    all from one snapshot, streamed a batch at a time.
    """
    sql = _literal_sql(columnar_rows_statement(query, source.dialect), source.dialect)
    if source.dialect == "postgresql":
        with postgresql_record_batches(source.location, sql, snapshot=source.snapshot) as batches:
            yield batches
        return
    with sqlite_record_batches(source.location, sql, batch_rows) as batches:
        yield batches
