"""Every rule of a feed file's settings answers 422 naming the field, and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shelfcast.feeds.models import FeedFile
from tests.web.api.support import Api, count_rows, feed_body, locs, runtime_of
from tests.web.conftest import new_account


@dataclass
class Setup:
    api: Api
    warehouse: int
    price_type: int
    foreign_warehouse: int
    foreign_price_type: int
    feed: dict[str, Any]  # a CSV feed, for PATCH
    excel_feed: dict[str, Any]  # an XLSX feed, for PATCH


@pytest.fixture(scope="module")
def setup(client: TestClient) -> Setup:
    """An account whose writes below are all rejected, and another account's ids."""
    runtime = runtime_of(client)
    api = Api(client, new_account(runtime))
    foreign = Api(client, new_account(runtime, name="Someone else"))
    warehouse = api.warehouse()
    api.custom_field("color")
    excel = feed_body([warehouse], file_type="xlsx", sheet_name="Stock", file_name="excel")
    del excel["csv_separator"]
    return Setup(
        api=api,
        warehouse=warehouse,
        price_type=api.price_type(),
        foreign_warehouse=foreign.warehouse(),
        foreign_price_type=foreign.price_type(),
        feed=api.feed([warehouse]),
        excel_feed=api.ok("POST", "/feeds", excel, 201),
    )


def _column(**fields: Any) -> dict[str, Any]:
    return {"header": "H", "source": "product_field", "field": "sku", **fields}


# (changes to a valid CSV feed body, the loc expected); "{warehouse}" and friends are
# replaced by the ids of the setup.
CREATE_RULES: list[tuple[str, dict[str, Any], tuple[Any, ...]]] = [
    ("store name empty", {"store_name": "  "}, ("store_name",)),
    ("store name missing", {"store_name": ...}, ("store_name",)),
    ("store name too long", {"store_name": "x" * 201}, ("store_name",)),
    ("store url not http", {"store_url": "ftp://market.example"}, ("store_url",)),
    ("store url not a url", {"store_url": "market"}, ("store_url",)),
    ("store url with spaces", {"store_url": "https://market .example"}, ("store_url",)),
    ("store url missing", {"store_url": ...}, ("store_url",)),
    ("store name with NUL", {"store_name": "Shop\x00"}, ("store_name",)),
    ("store name line break", {"store_name": "Shop\nTwo"}, ("store_name",)),
    ("store url with NUL", {"store_url": "https://market.example/\x00"}, ("store_url",)),
    ("store url with tab", {"store_url": "https://market.example/\tx"}, ("store_url",)),
    ("sheet name with NUL", {"sheet_name": "Stock\x00"}, ("sheet_name",)),
    ("sheet name line break", {"sheet_name": "Sto\nck"}, ("sheet_name",)),
    ("header with NUL", {"columns": [_column(header="SKU\x00")]}, ("columns", 0, "header")),
    ("header line break", {"columns": [_column(header="S\nKU")]}, ("columns", 0, "header")),
    (
        "value with NUL",
        {"columns": [_column(source="custom_value", field=None, value="EUR\x00")]},
        ("columns", 0, "value"),
    ),
    ("no warehouses", {"warehouse_ids": []}, ("warehouse_ids",)),
    ("warehouse twice", {"warehouse_ids": ["{warehouse}", "{warehouse}"]}, ("warehouse_ids",)),
    ("unknown warehouse", {"warehouse_ids": ["{warehouse}", 999_999]}, ("warehouse_ids", 1)),
    ("another's warehouse", {"warehouse_ids": ["{foreign_warehouse}"]}, ("warehouse_ids", 0)),
    ("file type unknown", {"file_type": "pdf"}, ("file_type",)),
    ("separator unknown", {"csv_separator": "colon"}, ("csv_separator",)),
    (
        "separator for excel",
        {"file_type": "xlsx", "sheet_name": "S", "csv_separator": "comma"},
        ("csv_separator",),
    ),
    ("separator for xls", {"file_type": "xls", "sheet_name": "S"}, ("csv_separator",)),
    ("file name empty", {"file_name": " "}, ("file_name",)),
    ("file name with folder", {"file_name": "a/stock"}, ("file_name",)),
    ("file name dot dot", {"file_name": "..stock"}, ("file_name",)),
    ("file name backslash", {"file_name": "a\\b"}, ("file_name",)),
    ("file name with space", {"file_name": "my stock"}, ("file_name",)),
    ("file name hidden", {"file_name": ".stock"}, ("file_name",)),
    ("file name unicode", {"file_name": "stöck"}, ("file_name",)),
    ("file name too long", {"file_name": "s" * 101}, ("file_name",)),
    ("file name missing", {"file_name": ...}, ("file_name",)),
    (
        "sheet name missing for excel",
        {"file_type": "xlsx", "csv_separator": ...},
        ("sheet_name",),
    ),
    ("sheet name empty", {"sheet_name": ""}, ("sheet_name",)),
    ("sheet name too long", {"sheet_name": "s" * 32}, ("sheet_name",)),
    ("sheet name bracket", {"sheet_name": "Stock[1]"}, ("sheet_name",)),
    ("sheet name colon", {"sheet_name": "a:b"}, ("sheet_name",)),
    ("sheet name star", {"sheet_name": "a*"}, ("sheet_name",)),
    ("sheet name question", {"sheet_name": "a?"}, ("sheet_name",)),
    ("sheet name slash", {"sheet_name": "a/b"}, ("sheet_name",)),
    ("sheet name backslash", {"sheet_name": "a\\b"}, ("sheet_name",)),
    ("sheet name history", {"sheet_name": "history"}, ("sheet_name",)),
    ("sheet name apostrophe", {"sheet_name": "'Stock"}, ("sheet_name",)),
    ("header row zero", {"header_row": 0}, ("header_row",)),
    ("header row negative", {"header_row": -3}, ("header_row",)),
    ("header row huge", {"header_row": 1001}, ("header_row",)),
    ("header row text", {"header_row": "first"}, ("header_row",)),
    ("header row fraction", {"header_row": 1.5}, ("header_row",)),
    ("zero stock not a bool", {"include_zero_stock": "maybe"}, ("include_zero_stock",)),
    ("enabled not a bool", {"enabled": "maybe"}, ("enabled",)),
    ("no columns", {"columns": []}, ("columns",)),
    ("columns missing", {"columns": ...}, ("columns",)),
    ("empty header", {"columns": [_column(header="")]}, ("columns", 0, "header")),
    ("blank header", {"columns": [_column(), _column(header="  ")]}, ("columns", 1, "header")),
    ("header too long", {"columns": [_column(header="h" * 256)]}, ("columns", 0, "header")),
    ("unknown source", {"columns": [_column(source="formula")]}, ("columns", 0, "source")),
    (
        "unknown product field",
        {"columns": [_column(field="colour")]},
        ("columns", 0, "field"),
    ),
    (
        "unknown custom field",
        {"columns": [_column(), _column(field="custom.size")]},
        ("columns", 1, "field"),
    ),
    ("field missing", {"columns": [_column(field=None)]}, ("columns", 0)),
    (
        "price type missing",
        {"columns": [{"header": "P", "source": "price"}]},
        ("columns", 0),
    ),
    (
        "unknown price type",
        {"columns": [{"header": "P", "source": "price", "price_type_id": 999_999}]},
        ("columns", 0, "price_type_id"),
    ),
    (
        "another's price type",
        {"columns": [{"header": "P", "source": "price", "price_type_id": "{foreign_price_type}"}]},
        ("columns", 0, "price_type_id"),
    ),
    (
        "value missing",
        {"columns": [{"header": "C", "source": "custom_value"}]},
        ("columns", 0),
    ),
    (
        "field on a price column",
        {
            "columns": [
                {"header": "P", "source": "price", "price_type_id": "{price_type}", "field": "sku"}
            ]
        },
        ("columns", 0),
    ),
    (
        "value too long",
        {"columns": [_column(source="custom_value", field=None, value="v" * 32_768)]},
        ("columns", 0, "value"),
    ),
    ("unknown column key", {"columns": [_column(width=10)]}, ("columns", 0, "width")),
    (
        "xls over 256 columns",
        {"file_type": "xls", "csv_separator": ..., "sheet_name": "S", "columns": [_column()] * 257},
        ("columns",),
    ),
    ("unknown setting", {"encoding": "latin-1"}, ("encoding",)),
    ("encoding unknown", {"encoding": "utf-16"}, ("encoding",)),
    ("decimal separator unknown", {"decimal_separator": "dot"}, ("decimal_separator",)),
    ("line breaks unknown", {"line_breaks": "remove"}, ("line_breaks",)),
    ("formula protection not a bool", {"formula_protection": "maybe"}, ("formula_protection",)),
    ("stock buffer negative", {"stock_buffer": -1}, ("stock_buffer",)),
    ("stock buffer not a number", {"stock_buffer": "two"}, ("stock_buffer",)),
    ("stock buffer five places", {"stock_buffer": "0.00001"}, ("stock_buffer",)),
    ("stock buffer infinite", {"stock_buffer": "Infinity"}, ("stock_buffer",)),
    ("stock max negative", {"stock_max": "-0.5"}, ("stock_max",)),
    ("stock max huge", {"stock_max": 10**10}, ("stock_max",)),
    ("round down not a bool", {"round_quantities_down": "maybe"}, ("round_quantities_down",)),
    ("negatives not a bool", {"negative_stock_as_zero": 2}, ("negative_stock_as_zero",)),
    (
        "availability label empty",
        {"availability_labels": {"in_stock": " ", "out_of_stock": "no"}},
        ("availability_labels", "in_stock"),
    ),
    (
        "availability label line break",
        {"availability_labels": {"in_stock": "yes", "out_of_stock": "n\no"}},
        ("availability_labels", "out_of_stock"),
    ),
    (
        "availability label too long",
        {"availability_labels": {"in_stock": "y" * 101}},
        ("availability_labels", "in_stock"),
    ),
    (
        "availability unknown key",
        {"availability_labels": {"preorder": "soon"}},
        ("availability_labels", "preorder"),
    ),
    (
        "another's warehouse quantity",
        {"columns": [_column(field="quantity.{foreign_warehouse}")]},
        ("columns", 0, "field"),
    ),
    (
        "warehouse quantity not an id",
        {"columns": [_column(field="quantity.x")]},
        ("columns", 0, "field"),
    ),
]


def _fill(value: Any, setup: Setup) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return getattr(setup, value[1:-1])
    if isinstance(value, str) and value.startswith("quantity.{"):  # a warehouse's column
        return f"quantity.{getattr(setup, value[len('quantity.{') : -1])}"
    if isinstance(value, list):
        return [_fill(v, setup) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, setup) for k, v in value.items()}
    return value


def _apply(body: dict[str, Any], changes: dict[str, Any], setup: Setup) -> dict[str, Any]:
    body = dict(body)
    for key, value in changes.items():
        if value is ...:
            body.pop(key, None)
        else:
            body[key] = _fill(value, setup)
    return body


@pytest.mark.parametrize(
    ("changes", "loc"),
    [pytest.param(changes, loc, id=name) for name, changes, loc in CREATE_RULES],
)
def test_create_rules_answer_422_naming_the_field(
    client: TestClient, setup: Setup, changes: dict[str, Any], loc: tuple[Any, ...]
) -> None:
    body = _apply(feed_body([setup.warehouse]), changes, setup)
    response = setup.api.post("/feeds", body)
    found = locs(response)
    assert ("body", *loc) in found, found
    for error in response.json()["detail"]:
        assert error["msg"], error
    assert count_rows(runtime_of(client), FeedFile, setup.api.account.id) == 2


def test_every_problem_of_a_body_is_named_at_once(setup: Setup) -> None:
    body = feed_body(
        [setup.warehouse],
        store_url="nope",
        file_name="../x",
        header_row=0,
        columns=[_column(header="")],
    )
    found = set(locs(setup.api.post("/feeds", body)))
    assert {
        ("body", "store_url"),
        ("body", "file_name"),
        ("body", "header_row"),
        ("body", "columns", 0, "header"),
    } <= found


def test_the_account_rules_name_every_bad_id(setup: Setup) -> None:
    body = feed_body(
        [setup.warehouse, setup.foreign_warehouse],
        columns=[
            _column(field="custom.nope"),
            {"header": "P", "source": "price", "price_type_id": setup.foreign_price_type},
        ],
    )
    assert locs(setup.api.post("/feeds", body)) == [
        ("body", "warehouse_ids", 1),
        ("body", "columns", 0, "field"),
        ("body", "columns", 1, "price_type_id"),
    ]


PATCH_RULES: list[tuple[str, str, dict[str, Any], tuple[Any, ...]]] = [
    ("null store name", "feed", {"store_name": None}, ()),
    ("null columns", "feed", {"columns": None}, ()),
    ("empty store name", "feed", {"store_name": ""}, ("store_name",)),
    ("bad store url", "feed", {"store_url": "javascript:alert(1)"}, ("store_url",)),
    ("no warehouses", "feed", {"warehouse_ids": []}, ("warehouse_ids",)),
    (
        "another's warehouse",
        "feed",
        {"warehouse_ids": ["{foreign_warehouse}"]},
        ("warehouse_ids", 0),
    ),
    ("bad file name", "feed", {"file_name": "a b"}, ("file_name",)),
    ("bad sheet name", "excel_feed", {"sheet_name": "History"}, ("sheet_name",)),
    ("separator on excel", "excel_feed", {"csv_separator": "comma"}, ("csv_separator",)),
    ("to excel without sheet", "feed", {"file_type": "xls"}, ("sheet_name",)),
    ("header row zero", "feed", {"header_row": 0}, ("header_row",)),
    ("no columns", "feed", {"columns": []}, ("columns",)),
    ("empty header", "feed", {"columns": [_column(header=" ")]}, ("columns", 0, "header")),
    ("unknown field", "feed", {"columns": [_column(field="price")]}, ("columns", 0, "field")),
    (
        "another's price type",
        "feed",
        {"columns": [{"header": "P", "source": "price", "price_type_id": "{foreign_price_type}"}]},
        ("columns", 0, "price_type_id"),
    ),
    ("store name with NUL", "feed", {"store_name": "\x00"}, ("store_name",)),
    ("sheet name with NUL", "excel_feed", {"sheet_name": "a\x00"}, ("sheet_name",)),
    ("read-only field", "feed", {"url": "https://evil.example/"}, ("url",)),
    ("unknown setting", "feed", {"id": 5}, ("id",)),
]


@pytest.mark.parametrize(
    ("which", "changes", "loc"),
    [pytest.param(which, changes, loc, id=name) for name, which, changes, loc in PATCH_RULES],
)
def test_patch_rules_answer_422_naming_the_field_and_change_nothing(
    setup: Setup, which: str, changes: dict[str, Any], loc: tuple[Any, ...]
) -> None:
    feed = getattr(setup, which)
    path = f"/feeds/{feed['id']}"
    before = setup.api.ok("GET", path)
    response = setup.api.patch(path, _fill(changes, setup))
    found = locs(response)
    assert ("body", *loc) in found, found
    after = setup.api.ok("GET", path)
    assert {k: v for k, v in after.items() if k != "build"} == {
        k: v for k, v in before.items() if k != "build"
    }


def test_a_body_that_is_not_an_object_answers_422(setup: Setup) -> None:
    bodies: list[Any] = [[], "feed", 5, None]
    for body in bodies:
        response = setup.api.post("/feeds", body)
        assert response.status_code == 422, (body, response.text)
    response = setup.api.request(
        "POST", "/feeds", content=b"\xff\xfe", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
