"""CSV and XLSX builds take the columnar path and write the row path's bytes.

On SQLite and on PostgreSQL: the columnar path reads the database through a
second connection (on SQLite in a child process), so these tests commit a
catalog to a database of their own (a file, or a PostgreSQL schema) instead of
working in the rolled-back ``session`` fixture (whose writes another connection
would never see).
"""

from __future__ import annotations

import io
import subprocess
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, literal, select, text
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.catalog.models import PriceType, Product, Warehouse
from shelfcast.db.arrow_reader import ArrowReadError, sqlite_record_batches
from shelfcast.db.engine import make_engine
from shelfcast.db.migrate import upgrade
from shelfcast.feeds import columnar_build, service
from shelfcast.feeds import repository as repo
from shelfcast.feeds.models import FeedFile
from shelfcast.render import InvalidValue, RenderResult, UnencodableText, render_feed
from tests.builders import (
    make_account,
    make_custom_field,
    make_price_type,
    make_product,
    make_warehouse,
)
from tests.conftest import DATABASES, POSTGRES_URL, _with_search_path
from tests.feeds.builders import make_feed

TRICKY_NAMES = [
    'Чай "Эрл Грей"; 100 г',
    "Café crème\r\nline 2",
    "a,b|c\td",
    "",
    "=1+1",
    "😀 emoji",
]


def _catalog_engine(url: str) -> Engine:
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        _make_catalog(session)
        session.commit()
    return engine


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database file of this module's own, its catalog committed."""
    engine = _catalog_engine(f"sqlite:///{tmp_path_factory.mktemp('columnar') / 'catalog.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def postgresql_engine() -> Iterator[Engine]:
    """A PostgreSQL schema of this module's own, its catalog committed."""
    if not POSTGRES_URL:
        pytest.skip("SHELFCAST_TEST_POSTGRES_URL is not set")
    schema = f"test_columnar_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = _catalog_engine(_with_search_path(POSTGRES_URL, schema))
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="module", params=DATABASES)
def engine(request: pytest.FixtureRequest) -> Engine:
    """The catalog on each database in turn."""
    return request.getfixturevalue(f"{request.param}_engine")  # type: ignore[no-any-return]


def _make_catalog(session: Session) -> None:
    account = make_account(session, name="Columnar")
    a, b, c = (make_warehouse(session, account, f"W{n}") for n in range(3))
    retail = make_price_type(session, account, "Retail")
    wholesale = make_price_type(session, account, "Wholesale")
    color = make_custom_field(session, account, "color")
    size = make_custom_field(session, account, "size", type="number")
    # A number field whose value is no number (its type changed after it was written).
    note = make_custom_field(session, account, "note", type="number")
    make_product(session, account, sku="BAD-NUMBER", custom={note: "about 3"})
    for n in range(60):
        stock: dict[Any, Any] = {a: n % 7 - 2, b: f"{n % 3}.25"} if n % 5 else {}
        if n % 4 == 0:
            stock[c] = -(n % 9)  # oversold in one warehouse
        make_product(
            session,
            account,
            name=TRICKY_NAMES[n % len(TRICKY_NAMES)] + f" {n}",
            barcode=None if n % 3 == 0 else f"{n:013d}",
            brand=None if n % 2 else 'Brand; "quoted"',
            weight=None if n % 4 == 1 else Decimal(n) / 8 - 2,
            stock=stock,
            prices={retail: Decimal(n * 1111) / 1000 + Decimal("0.005")}
            | ({wholesale: Decimal(n * 100 + 49) / 10000} if n % 6 == 0 else {}),
            images=[f"https://cdn.example/{n}/{i}.jpg" for i in range(n % 4)],
            custom={color: "Красный" if n % 2 else "Black, matte"}
            | ({size: ["12.5", "0012", "-0", "7", " 3 ", "1E+2"][n % 6]} if n % 5 != 4 else {}),
            category=["Кухня", f"Ножи {n % 3}"] if n % 3 else (),
        )


def _columns(session: Session) -> list[dict[str, Any]]:
    retail, wholesale = session.scalars(select(PriceType.id).order_by(PriceType.id)).all()
    first_warehouse = session.scalars(select(Warehouse.id).order_by(Warehouse.id)).first()
    return [
        {"header": "Stock", "source": "product_field", "field": "availability"},
        {"header": "W0", "source": "product_field", "field": f"quantity.{first_warehouse}"},
        {"header": "Image", "source": "product_field", "field": "image_1"},
        {"header": "More", "source": "product_field", "field": "images_rest"},
        {"header": "SKU", "source": "product_field", "field": "sku"},
        {"header": "Name", "source": "product_field", "field": "name"},
        {"header": "EAN", "source": "product_field", "field": "barcode"},
        {"header": "Qty", "source": "product_field", "field": "quantity"},
        {"header": "Price", "source": "price", "price_type_id": retail},
        {"header": "Wholesale", "source": "price", "price_type_id": wholesale},
        {"header": "Images", "source": "product_field", "field": "images"},
        {"header": "Category", "source": "product_field", "field": "category"},
        {"header": "Path", "source": "product_field", "field": "category_path"},
        {"header": "Brand", "source": "product_field", "field": "brand"},
        {"header": "Weight", "source": "product_field", "field": "weight"},
        {"header": "Color", "source": "product_field", "field": "custom.color"},
        {"header": "Size", "source": "product_field", "field": "custom.size"},
        {"header": "Currency", "source": "custom_value", "value": "EUR; 'x'"},
        {"header": "Empty", "source": "custom_value", "value": ""},
    ]


def _new_feed(engine: Engine, **overrides: Any) -> int:
    with Session(engine) as session:
        account = session.scalars(select(Account)).one()
        warehouses = session.scalars(select(Warehouse).order_by(Warehouse.id)).all()
        overrides.setdefault("columns", _columns(session))
        overrides.setdefault("file_name", f"feed-{time.monotonic_ns()}")
        feed = make_feed(session, account, list(warehouses), **overrides)
        session.commit()
        return feed.id


class ColumnarSpy:
    """Counts builds that took the columnar path."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        for name in ("render_csv_columnar", "render_xlsx_columnar"):
            monkeypatch.setattr(columnar_build, name, self._counted(getattr(columnar_build, name)))

    def _counted(self, original: Any) -> Any:
        def counted(*args: Any) -> RenderResult:
            self.calls += 1
            return original(*args)  # type: ignore[no-any-return]

        return counted


@pytest.fixture
def columnar(monkeypatch: pytest.MonkeyPatch) -> ColumnarSpy:
    """The columnar path for any catalog size (this one is small)."""
    monkeypatch.setattr(columnar_build, "MIN_PRODUCTS", 0)
    return ColumnarSpy(monkeypatch)


def _build(engine: Engine, feed_id: int) -> tuple[bytes, int]:
    """The file as links build it: ``render_feed_file`` in a read-only session."""
    with Session(engine) as session:
        feed = session.get_one(FeedFile, feed_id)
        out = io.BytesIO()
        result = service.render_feed_file(session, feed, out)
        return out.getvalue(), result.rows


def _row_path(engine: Engine, feed_id: int) -> tuple[bytes, int]:
    with Session(engine) as session:
        plan = service.plan_feed(session, session.get_one(FeedFile, feed_id))
        out = io.BytesIO()
        result = render_feed(plan.spec, service.raw_rows(session, plan), out)
        return out.getvalue(), result.rows


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"include_zero_stock": True},
        {"csv_separator": "comma", "header_row": 3},
        {"csv_separator": "pipe", "include_zero_stock": True},
        {"csv_separator": "tab", "header_row": 2},
        {
            "csv_separator": "comma",
            "encoding": "utf-8-sig",
            "decimal_separator": "comma",
            "line_breaks": "space",
            "formula_protection": True,
            "stock_buffer": "1.5",
            "stock_max": 3,
            "round_quantities_down": True,
            "negative_stock_as_zero": True,
            "availability_labels": {"in_stock": '+yes, "sure"', "out_of_stock": "=no"},
        },
        {"include_zero_stock": True, "stock_buffer": 1, "decimal_separator": "comma"},
        {"include_zero_stock": True, "negative_stock_as_zero": True, "stock_max": "0.25"},
        {"file_type": "xlsx", "sheet_name": "Stock", "csv_separator": None},
        {
            "file_type": "xlsx",
            "sheet_name": "Товары",
            "include_zero_stock": True,
            "header_row": 2,
            "csv_separator": None,
        },
    ],
    ids=[
        "semicolon",
        "zero stock",
        "comma, header row 3",
        "pipe, zero stock",
        "tab, header row 2",
        "every option",
        "zero stock, buffer, decimal comma",
        "zero stock, negatives as zero, cap",
        "xlsx",
        "xlsx, zero stock, header row 2",
    ],
)
def test_the_columnar_build_writes_the_row_paths_bytes(
    engine: Engine, columnar: ColumnarSpy, settings: dict[str, Any]
) -> None:
    feed_id = _new_feed(engine, **settings)

    built = _build(engine, feed_id)

    assert columnar.calls == 1
    assert built == _row_path(engine, feed_id)
    assert built[1] > 10


@pytest.mark.parametrize("encoding", ["cp1251", "cp1252"])
def test_a_character_the_encoding_cannot_hold_fails_both_paths_alike(
    engine: Engine, columnar: ColumnarSpy, encoding: str
) -> None:
    feed_id = _new_feed(engine, encoding=encoding, include_zero_stock=True)

    with pytest.raises(UnencodableText) as from_rows:
        _row_path(engine, feed_id)
    with pytest.raises(UnencodableText) as from_columns:
        _build(engine, feed_id)

    found, expected = from_columns.value, from_rows.value
    assert (found.row, found.column, found.character) == (
        expected.row,
        expected.column,
        expected.character,
    )
    assert found.product is not None and f"{found.product!r}" in str(found)
    assert columnar.calls == 1


def test_single_column_feeds_with_empty_values(engine: Engine, columnar: ColumnarSpy) -> None:
    for field in ("barcode", "brand", "weight", "custom.size"):
        columns = [{"header": "Only", "source": "product_field", "field": field}]
        feed_id = _new_feed(engine, columns=columns, include_zero_stock=True)

        data, rows = _build(engine, feed_id)

        assert (data, rows) == _row_path(engine, feed_id)
        assert b'\r\n""\r\n' in data  # a row whose only field is empty
    assert columnar.calls == 4


def test_a_bad_number_fails_both_paths_alike(engine: Engine, columnar: ColumnarSpy) -> None:
    columns = [
        {"header": "SKU", "source": "product_field", "field": "sku"},
        {"header": "Note", "source": "product_field", "field": "custom.note"},
    ]
    feed_id = _new_feed(engine, columns=columns, include_zero_stock=True)

    with pytest.raises(InvalidValue) as from_rows:
        _row_path(engine, feed_id)
    with pytest.raises(InvalidValue) as from_columns:
        _build(engine, feed_id)

    assert str(from_columns.value) == str(from_rows.value)
    assert "'about 3'" in str(from_columns.value)
    assert columnar.calls == 1


def test_the_constants_never_reach_the_sql(engine: Engine) -> None:
    columns = [
        {"header": "SKU", "source": "product_field", "field": "sku"},
        {"header": "X", "source": "custom_value", "value": "'); DROP TABLE products; --"},
    ]
    feed_id = _new_feed(engine, columns=columns)
    with Session(engine) as session:
        plan = service.plan_feed(session, session.get_one(FeedFile, feed_id))
    sql = repo._literal_sql(repo.columnar_rows_statement(plan.query))

    assert "DROP" not in sql
    assert "NULL" in sql


def test_only_ids_and_numbers_are_inlined_into_sql() -> None:
    statement = select(literal("it's")).where(literal(1) == 1)

    with pytest.raises(ValueError, match="refusing to inline"):
        repo._literal_sql(statement)


# --- which path a build takes ------------------------------------------------------------


def test_small_catalogs_take_the_row_path(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = ColumnarSpy(monkeypatch)
    feed_id = _new_feed(engine)

    assert _build(engine, feed_id) == _row_path(engine, feed_id)
    assert spy.calls == 0  # 60 products, under MIN_PRODUCTS


@pytest.mark.parametrize(
    "settings",
    [
        {"file_type": "xls", "sheet_name": "Stock", "csv_separator": None},
        {
            "columns": [
                {"header": "SKU", "source": "product_field", "field": "sku"},
                {"header": "Changed", "source": "product_field", "field": "updated_at"},
            ]
        },
    ],
    ids=["xls", "a datetime column"],
)
def test_xls_and_datetimes_take_the_row_path(
    engine: Engine, columnar: ColumnarSpy, settings: dict[str, Any]
) -> None:
    feed_id = _new_feed(engine, **settings)

    assert _build(engine, feed_id) == _row_path(engine, feed_id)
    assert columnar.calls == 0


def test_uncommitted_writes_take_the_row_path_and_are_in_the_file(
    engine: Engine, columnar: ColumnarSpy
) -> None:
    feed_id = _new_feed(engine, include_zero_stock=True)
    with Session(engine) as session:
        feed = session.get_one(FeedFile, feed_id)
        account = session.scalars(select(Account)).one()
        make_product(session, account, sku="NOT-COMMITTED-YET")
        out = io.BytesIO()

        service.render_feed_file(session, feed, out)
        session.rollback()

    assert b"NOT-COMMITTED-YET" in out.getvalue()
    assert columnar.calls == 0


def test_a_write_flushed_then_read_back_still_counts(engine: Engine, columnar: ColumnarSpy) -> None:
    """Pending ORM changes are flushed before the choice, so they count as writes."""
    feed_id = _new_feed(engine, include_zero_stock=True)
    with Session(engine) as session:
        feed = session.get_one(FeedFile, feed_id)
        product = session.scalars(select(Product).order_by(Product.id)).first()
        assert product is not None
        product.brand = "Pending brand"  # not flushed yet
        out = io.BytesIO()

        service.render_feed_file(session, feed, out)
        session.rollback()

    assert b"Pending brand" in out.getvalue()
    assert columnar.calls == 0


def test_the_rolled_back_test_session_never_takes_the_columnar_path(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any database: PostgreSQL never, SQLite not with the session's own writes."""
    monkeypatch.setattr(columnar_build, "MIN_PRODUCTS", 0)
    account = make_account(session)
    wh = make_warehouse(session, account)
    make_product(session, account, sku="P1", stock={wh: 2})
    feed = make_feed(session, account, [wh])
    plan = service.plan_feed(session, feed)

    assert columnar_build.columnar_database(session, plan.spec.file_type, plan.query) is None


# --- the reader process ------------------------------------------------------------------


def _database(engine: Engine) -> str:
    database = engine.url.database
    assert database is not None
    return database


def test_the_reader_reports_the_childs_error(sqlite_engine: Engine) -> None:
    with (
        pytest.raises(ArrowReadError, match="no_such_table"),
        sqlite_record_batches(_database(sqlite_engine), "SELECT * FROM no_such_table") as batches,
    ):
        list(batches)


def test_the_reader_streams_in_batches(sqlite_engine: Engine) -> None:
    sql = "SELECT id, sku FROM products ORDER BY id"
    with sqlite_record_batches(_database(sqlite_engine), sql, batch_rows=7) as batches:
        sizes = [batch.num_rows for batch in batches]

    assert sizes[0] == 7 and sum(sizes) >= 60


def test_leaving_early_stops_the_reader(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[subprocess.Popen[bytes]] = []
    original = subprocess.Popen

    def recording(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        process = original(*args, **kwargs)
        started.append(process)
        return process

    monkeypatch.setattr(subprocess, "Popen", recording)
    # A query that would run for a long while: a large cross join.
    sql = "SELECT a.id FROM products a, products b, products c, products d"
    with sqlite_record_batches(_database(sqlite_engine), sql, batch_rows=10) as batches:
        next(iter(batches))

    assert started and started[0].returncode is not None


def test_the_database_file_is_opened_read_only(sqlite_engine: Engine) -> None:
    with (
        pytest.raises(ArrowReadError, match=r"(?i)readonly|read-only"),
        sqlite_record_batches(_database(sqlite_engine), "DELETE FROM products") as batches,
    ):
        list(batches)


# --- PostgreSQL: the session's snapshot ------------------------------------------------------


def test_postgresql_rows_come_from_the_sessions_snapshot(
    postgresql_engine: Engine, columnar: ColumnarSpy
) -> None:
    """A build reads the feed's versions, then its rows: a commit in between must not
    show up in the file (the builder's REPEATABLE READ snapshot is shared)."""
    feed_id = _new_feed(postgresql_engine, include_zero_stock=True)
    with Session(postgresql_engine) as session:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        feed = session.get_one(FeedFile, feed_id)  # the snapshot is taken here
        with Session(postgresql_engine) as other:
            account = other.scalars(select(Account)).one()
            make_product(other, account, sku="COMMITTED-AFTER-THE-SNAPSHOT")
            other.commit()
        out = io.BytesIO()
        service.render_feed_file(session, feed, out)

    assert columnar.calls == 1
    assert b"COMMITTED-AFTER-THE-SNAPSHOT" not in out.getvalue()
    assert out.getvalue().count(b"\r\n") > 50


def test_a_postgresql_session_that_wrote_takes_the_row_path(
    postgresql_engine: Engine, columnar: ColumnarSpy
) -> None:
    feed_id = _new_feed(postgresql_engine, include_zero_stock=True)
    with Session(postgresql_engine) as session:
        feed = session.get_one(FeedFile, feed_id)
        account = session.scalars(select(Account)).one()
        make_product(session, account, sku="WRITTEN-IN-THIS-SESSION")
        out = io.BytesIO()

        service.render_feed_file(session, feed, out)
        session.rollback()

    assert b"WRITTEN-IN-THIS-SESSION" in out.getvalue()
    assert columnar.calls == 0
