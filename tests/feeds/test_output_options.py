"""Output options and stock shaping through the rows query and the whole file
(SQLite, and PostgreSQL when configured): the order is per-warehouse clamp ->
sum -> round down -> buffer -> cap -> zero-stock filter -> availability."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from shelfcast.errors import InvalidInput
from shelfcast.feeds import service
from shelfcast.feeds.models import FeedFile
from shelfcast.feeds.schemas import FeedCreate
from shelfcast.render import UnencodableText
from tests.builders import make_account, make_product, make_warehouse
from tests.feeds.builders import feed_body, make_feed


def rows_of(session: Session, feed: FeedFile) -> list[list[Any]]:
    plan = service.plan_feed(session, feed)
    return [list(row) for row in service.raw_rows(session, plan)]


def file_of(session: Session, feed: FeedFile, encoding: str = "utf-8") -> list[list[str]]:
    out = io.BytesIO()
    service.render_feed_file(session, feed, out)
    text = out.getvalue().decode(encoding)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


QTY = [
    {"header": "SKU", "source": "product_field", "field": "sku"},
    {"header": "Qty", "source": "product_field", "field": "quantity"},
]


def test_negative_stock_as_zero_counts_a_warehouse_below_zero_as_none(session: Session) -> None:
    account = make_account(session)
    paris, lyon = (
        make_warehouse(session, account, "Paris"),
        make_warehouse(session, account, "Lyon"),
    )
    make_product(session, account, sku="P1", stock={paris: -1, lyon: 40})
    make_product(session, account, sku="P2", stock={paris: -5, lyon: 3})

    subtracting = make_feed(session, account, [paris, lyon])
    clamping = make_feed(session, account, [paris, lyon], negative_stock_as_zero=True)

    assert rows_of(session, subtracting) == [["P1", Decimal(39)]]  # P2: -2, left out
    assert rows_of(session, clamping) == [["P1", Decimal(40)], ["P2", Decimal(3)]]
    assert file_of(session, clamping)[1:] == [["P1", "40"], ["P2", "3"]]


def test_the_zero_stock_rule_applies_after_round_down_buffer_and_cap(session: Session) -> None:
    account = make_account(session)
    wh = make_warehouse(session, account)
    for sku, quantity in [("A", "0.5"), ("B", "2"), ("C", "2.5"), ("D", "3"), ("E", "44.2")]:
        make_product(session, account, sku=sku, stock={wh: quantity})
    columns = [*QTY, {"header": "Avail", "source": "product_field", "field": "availability"}]

    buffered = make_feed(session, account, [wh], columns=columns, stock_buffer=2)
    rounded = make_feed(
        session, account, [wh], columns=columns, stock_buffer=2, round_quantities_down=True
    )
    capped = make_feed(session, account, [wh], columns=columns, stock_max=10)
    everything = make_feed(
        session,
        account,
        [wh],
        columns=columns,
        stock_buffer="1.5",
        round_quantities_down=True,
        include_zero_stock=True,
        availability_labels={"in_stock": "yes", "out_of_stock": "no"},
    )

    assert file_of(session, buffered)[1:] == [
        ["C", "0.5", "in stock"],
        ["D", "1", "in stock"],
        ["E", "42.2", "in stock"],
    ]
    assert file_of(session, rounded)[1:] == [["D", "1", "in stock"], ["E", "42", "in stock"]]
    assert [row[1] for row in file_of(session, capped)[1:]] == ["0.5", "2", "2.5", "3", "10"]
    # floor, then minus 1.5: A 0, B 0.5, C 0.5, D 1.5, E 42.5
    assert file_of(session, everything)[1:] == [
        ["A", "0", "no"],
        ["B", "0.5", "yes"],
        ["C", "0.5", "yes"],
        ["D", "1.5", "yes"],
        ["E", "42.5", "yes"],
    ]


def test_a_cap_of_zero_lists_nothing_unless_zero_stock_is_on(session: Session) -> None:
    account = make_account(session)
    wh = make_warehouse(session, account)
    make_product(session, account, sku="A", stock={wh: 5})

    assert rows_of(session, make_feed(session, account, [wh], stock_max=0)) == []
    on = make_feed(session, account, [wh], stock_max=0, include_zero_stock=True)
    assert file_of(session, on)[1:] == [["A", "0"]]


def test_one_warehouses_quantity_and_the_images_split(session: Session) -> None:
    account = make_account(session)
    paris, lyon = make_warehouse(session, account), make_warehouse(session, account)
    other = make_warehouse(session, account)  # not one the feed sums
    make_product(
        session,
        account,
        sku="P1",
        stock={paris: "2.7", lyon: -1, other: 9},
        images=["https://cdn.example/1.jpg", "https://cdn.example/2.jpg", "https://c/3.jpg"],
    )
    make_product(session, account, sku="P2", stock={lyon: 4}, images=["https://c/only.jpg"])
    columns = [
        *QTY,
        {"header": "Paris", "source": "product_field", "field": f"quantity.{paris.id}"},
        {"header": "Other", "source": "product_field", "field": f"quantity.{other.id}"},
        {"header": "Main", "source": "product_field", "field": "image_1"},
        {"header": "More", "source": "product_field", "field": "images_rest"},
    ]
    feed = make_feed(session, account, [paris, lyon], columns=columns, round_quantities_down=True)

    assert file_of(session, feed)[1:] == [
        [
            "P1",
            "1",
            "2",
            "9",
            "https://cdn.example/1.jpg",
            "https://cdn.example/2.jpg,https://c/3.jpg",
        ],
        ["P2", "4", "", "", "https://c/only.jpg", ""],
    ]


def test_a_warehouse_of_another_account_is_refused(session: Session) -> None:
    account, stranger = make_account(session), make_account(session)
    wh, theirs = make_warehouse(session, account), make_warehouse(session, stranger)
    for field in (f"quantity.{theirs.id}", "quantity.x", "quantity."):
        columns = [{"header": "Q", "source": "product_field", "field": field}]
        body = FeedCreate.model_validate(feed_body([wh], columns=columns))

        with pytest.raises(InvalidInput) as raised:
            service.create_feed(session, account.id, body)

        assert raised.value.errors[0].loc == ("columns", 0, "field")


def test_cp1251_with_a_decimal_comma_reads_back(session: Session) -> None:
    account = make_account(session)
    wh = make_warehouse(session, account)
    make_product(session, account, sku="Ч-1", name="Чай «Эрл Грей»\nновый", stock={wh: "2.5"})
    columns = [*QTY, {"header": "Назва", "source": "product_field", "field": "name"}]
    feed = make_feed(
        session,
        account,
        [wh],
        columns=columns,
        encoding="cp1251",
        decimal_separator="comma",
        line_breaks="space",
    )

    assert file_of(session, feed, "cp1251") == [
        ["SKU", "Qty", "Назва"],
        ["Ч-1", "2,5", "Чай «Эрл Грей» новый"],
    ]


def test_a_character_the_encoding_cannot_hold_names_the_product(session: Session) -> None:
    account = make_account(session)
    wh = make_warehouse(session, account)
    make_product(session, account, sku="OK-1", name="Café", stock={wh: 1})
    make_product(session, account, sku="UA-7", name="Їжак", stock={wh: 1})
    columns = [*QTY, {"header": "Name", "source": "product_field", "field": "name"}]
    feed = make_feed(session, account, [wh], columns=columns, encoding="cp1252")

    with pytest.raises(UnencodableText) as raised:
        file_of(session, feed, "cp1252")
    preview = service.preview(session, feed, 20)

    message = str(raised.value)
    assert "'UA-7'" in message and "'Name'" in message and "'Ї'" in message
    assert preview.problems == [message]
    assert preview.rows == [["OK-1", "1", "Café"], ["UA-7", "1", "Їжак"]]
