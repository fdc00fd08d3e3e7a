"""The feed rows query on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from shelfcast.feeds import service
from tests.builders import (
    make_account,
    make_custom_field,
    make_price_type,
    make_product,
    make_warehouse,
)
from tests.feeds.builders import make_feed


def rows_of(session: Session, feed: Any) -> list[list[Any]]:
    plan = service.plan_feed(session, feed)
    return [list(row) for row in service.raw_rows(session, plan)]


@contextmanager
def count_statements(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_quantity_sums_only_the_feeds_warehouses(session: Session) -> None:
    account = make_account(session)
    a, b, c = (make_warehouse(session, account) for _ in range(3))
    make_product(session, account, sku="P1", stock={a: 2, b: "3.5", c: 100})
    make_product(session, account, sku="P2", stock={a: -4, b: 6})
    make_product(session, account, sku="P3", stock={c: 7})  # only in the other warehouse
    feed = make_feed(session, account, [a, b])

    assert rows_of(session, feed) == [["P1", Decimal("5.5")], ["P2", Decimal("2")]]


def test_zero_and_negative_totals_are_left_out_unless_zero_stock_is_on(session: Session) -> None:
    account = make_account(session)
    a, b = make_warehouse(session, account), make_warehouse(session, account)
    make_product(session, account, sku="POS", stock={a: "0.25"})
    make_product(session, account, sku="ZERO", stock={a: 0})
    make_product(session, account, sku="NEG", stock={a: -3, b: 1})
    make_product(session, account, sku="NONE")  # no stock rows at all

    off = make_feed(session, account, [a, b])
    on = make_feed(session, account, [a, b], include_zero_stock=True)

    assert rows_of(session, off) == [["POS", Decimal("0.25")]]
    # Raw sums: the renderer writes negatives as 0 (tested in the render tests).
    assert rows_of(session, on) == [
        ["POS", Decimal("0.25")],
        ["ZERO", Decimal("0")],
        ["NEG", Decimal("-2")],
        ["NONE", Decimal("0")],
    ]


def test_images_in_order_prices_custom_fields_and_categories(session: Session) -> None:
    account = make_account(session)
    wh = make_warehouse(session, account)
    retail = make_price_type(session, account, "Retail")
    wholesale = make_price_type(session, account, "Wholesale")
    color = make_custom_field(session, account, "color")
    make_product(
        session,
        account,
        sku="A",
        stock={wh: 1},
        images=["https://img/3.jpg", "https://img/1.jpg", "https://img/2.jpg"],
        prices={retail: "1299.50"},
        custom={color: "Красный"},
        category=["Кухня", "Ножи"],
    )
    make_product(session, account, sku="B", stock={wh: 1}, prices={wholesale: "7"})
    columns = [
        {"header": "sku", "source": "product_field", "field": "sku"},
        {"header": "img", "source": "product_field", "field": "images"},
        {"header": "retail", "source": "price", "price_type_id": retail.id},
        {"header": "wholesale", "source": "price", "price_type_id": wholesale.id},
        {"header": "retail again", "source": "price", "price_type_id": retail.id},
        {"header": "color", "source": "product_field", "field": "custom.color"},
        {"header": "cat", "source": "product_field", "field": "category"},
        {"header": "path", "source": "product_field", "field": "category_path"},
        {"header": "currency", "source": "custom_value", "value": "EUR"},
    ]
    feed = make_feed(session, account, [wh], columns=columns)

    assert rows_of(session, feed) == [
        [
            "A",
            "https://img/3.jpg,https://img/1.jpg,https://img/2.jpg",
            Decimal("1299.5"),
            None,
            Decimal("1299.5"),
            "Красный",
            "Ножи",
            "Кухня > Ножи",
            None,
        ],
        ["B", None, None, Decimal("7"), None, None, None, None, None],
    ]


def test_other_accounts_products_never_appear(session: Session) -> None:
    mine, theirs = make_account(session), make_account(session)
    wh = make_warehouse(session, mine)
    their_wh = make_warehouse(session, theirs)
    make_product(session, mine, sku="MINE", stock={wh: 1})
    make_product(session, theirs, sku="THEIRS", stock={their_wh: 1})
    feed = make_feed(session, mine, [wh], include_zero_stock=True)

    assert rows_of(session, feed) == [["MINE", Decimal("1")]]


def test_one_statement_whatever_the_number_of_products(session: Session) -> None:
    account = make_account(session)
    wh = make_warehouse(session, account)
    price = make_price_type(session, account)
    size = make_custom_field(session, account, "size")
    for n in range(30):
        make_product(
            session,
            account,
            stock={wh: n + 1},
            images=[f"https://img/{n}/a", f"https://img/{n}/b"],
            prices={price: n},
            custom={size: str(n)},
            category=["Root", f"Leaf {n % 3}"],
        )
    columns = [
        {"header": "a", "source": "product_field", "field": "images"},
        {"header": "b", "source": "price", "price_type_id": price.id},
        {"header": "c", "source": "product_field", "field": "custom.size"},
        {"header": "d", "source": "product_field", "field": "category_path"},
    ]
    feed = make_feed(session, account, [wh], columns=columns)
    plan = service.plan_feed(session, feed)

    with count_statements(session) as statements:
        rows = list(service.raw_rows(session, plan))

    assert len(rows) == 30
    assert len(statements) == 1
    assert list(rows[29]) == [
        "https://img/29/a,https://img/29/b",
        Decimal(29),
        "29",
        "Root > Leaf 2",
    ]


def test_rendered_file_clamps_negative_sums_and_formats_cells(session: Session) -> None:
    import csv
    import io

    account = make_account(session)
    wh = make_warehouse(session, account)
    price = make_price_type(session, account)
    make_product(session, account, sku="NEG", stock={wh: "-2.5"}, prices={price: "3.1"})
    make_product(session, account, sku="FRAC", stock={wh: "2.500"}, barcode="0001234")
    columns = [
        {"header": "SKU", "source": "product_field", "field": "sku"},
        {"header": "Qty", "source": "product_field", "field": "quantity"},
        {"header": "Price", "source": "price", "price_type_id": price.id},
        {"header": "EAN", "source": "product_field", "field": "barcode"},
    ]
    feed = make_feed(session, account, [wh], columns=columns, include_zero_stock=True)
    out = io.BytesIO()

    result = service.render_feed_file(session, feed, out)

    lines = list(csv.reader(io.StringIO(out.getvalue().decode()), delimiter=";"))
    assert lines == [
        ["SKU", "Qty", "Price", "EAN"],
        ["NEG", "0", "3.10", ""],
        ["FRAC", "2.5", "", "0001234"],
    ]
    assert result.rows == 2
