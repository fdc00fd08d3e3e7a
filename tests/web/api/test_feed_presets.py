"""Every marketplace preset, as ``GET /feed-presets`` gives it, saves as it is and
builds a file that reads back with the options the marketplace asks for
(SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from shelfcast.feeds.fields import ProductField
from shelfcast.feeds.presets import PRESETS, Preset, PresetColumn
from shelfcast.render.spec import FileType, LineBreaks
from shelfcast.web.runtime import Runtime
from tests.web.api.support import Api, link_path
from tests.web.conftest import ApiAccount

IMAGES = {
    "A-1": [
        "https://img.example/a1.jpg",
        "https://img.example/a2.jpg",
        "https://img.example/a3.jpg",
    ],
    "B-2": ["https://img.example/b1.jpg"],
    "C-3": [],
}
# A fraction (whole-number marketplaces get 2), a sold-out product, a plain one.
STOCK = {"A-1": Decimal("2.5"), "B-2": Decimal(0), "C-3": Decimal(7)}
DESCRIPTION = "First line\nsecond line"


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    api = Api(client, account)
    api.ok("PATCH", "/integration", {"enabled": True})
    return api


def _catalog(api: Api) -> int:
    main = api.warehouse("Main")
    api.price_type("Retail", "UAH")
    api.upsert(
        *[
            {
                "sku": sku,
                "name": f"Product {sku}",
                "description": DESCRIPTION,
                "brand": "Acme",
                "barcode": "4006381333931",
                "images": images,
                "prices": {"Retail": "9.5"},
            }
            for sku, images in IMAGES.items()
        ]
    )
    api.stock(*[(sku, main, str(quantity)) for sku, quantity in STOCK.items()])
    return main


def _body(read: dict[str, Any]) -> dict[str, Any]:
    """The preset as a feed body: what describes the preset itself left out."""
    body = {k: v for k, v in read.items() if k not in ("key", "marketplace", "source")}
    body.pop("required_columns")
    body["columns"] = [{k: v for k, v in c.items() if v is not None} for c in body["columns"]]
    return {k: v for k, v in body.items() if v is not None}


def _rows(content: bytes, preset: Preset) -> list[list[Any]]:
    """The built file read back with the reader its type needs."""
    if preset.file_type is FileType.CSV:
        text = content.decode(preset.encoding.value)
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=preset.csv_separator.char))
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(r) for r in book[preset.sheet_name].iter_rows(values_only=True)]
    book.close()
    return rows


def _expected(column: PresetColumn, preset: Preset, sku: str) -> Any:
    """What a cell of ``column`` holds for ``sku``, or ``...`` where this test does not say."""
    quantity = STOCK[sku]
    if preset.round_quantities_down:
        quantity = quantity.to_integral_value(rounding=ROUND_FLOOR)
    images = IMAGES[sku]
    in_stock, out_of_stock = preset.availability_labels
    expected: dict[ProductField | None, Any] = {
        ProductField.SKU: sku,
        ProductField.QUANTITY: quantity,
        ProductField.AVAILABILITY: in_stock if quantity > 0 else out_of_stock,
        ProductField.IMAGES: ",".join(images),
        ProductField.IMAGE_1: images[0] if images else "",
        ProductField.IMAGES_REST: ",".join(images[1:]),
        ProductField.DESCRIPTION: DESCRIPTION.replace("\n", " ")
        if preset.line_breaks is LineBreaks.SPACE
        else DESCRIPTION,
    }
    if column.price:
        return Decimal("9.5")
    return expected.get(column.field, ...)


def _cell(value: Any, expected: Any) -> Any:
    if isinstance(expected, Decimal):
        return Decimal(str(value))
    return "" if value is None else str(value)


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_saves_as_it_is_and_builds_what_the_marketplace_asks_for(
    api: Api, client: TestClient, runtime: Runtime, key: str
) -> None:
    preset = PRESETS[key]
    main = _catalog(api)
    [read] = [p for p in api.ok("GET", "/feed-presets") if p["key"] == key]
    assert read["warehouse_ids"] == [main]
    created = api.ok("POST", "/feeds", _body(read), 201)
    for name in ("encoding", "line_breaks", "round_quantities_down", "include_zero_stock"):
        assert created[name] == read[name], name
    assert created["availability_labels"] == read["availability_labels"]
    runtime.builder.wait_idle()
    response = client.get(link_path(created["url"]))
    assert response.status_code == 200, response.text
    rows = _rows(response.content, preset)
    assert rows[0] == [c.header for c in preset.columns]
    listed = [sku for sku in STOCK if preset.include_zero_stock or STOCK[sku] >= 1]
    assert [row[[c.field for c in preset.columns].index(ProductField.SKU)] for row in rows[1:]] == (
        listed
    )
    for row, sku in zip(rows[1:], listed, strict=True):
        for column, value in zip(preset.columns, row, strict=True):
            expected = _expected(column, preset, sku)
            if expected is not ...:
                assert _cell(value, expected) == expected, (key, column.header, sku)


def test_presets_carry_the_options_the_marketplaces_ask_for(api: Api) -> None:
    api.warehouse("Main")
    reads = {p["key"]: p for p in api.ok("GET", "/feed-presets")}
    google = reads["google_merchant"]
    assert google["availability_labels"] == {"in_stock": "in_stock", "out_of_stock": "out_of_stock"}
    assert (google["include_zero_stock"], google["line_breaks"]) == (True, "space")
    fields = {c["header"]: c.get("field") for c in google["columns"]}
    assert (fields["image_link"], fields["additional_image_link"]) == ("image_1", "images_rest")
    assert reads["meta_catalog"]["availability_labels"]["out_of_stock"] == "out of stock"
    assert reads["prom_ua"]["availability_labels"] == {"in_stock": "+", "out_of_stock": "-"}
    assert reads["rozetka"]["availability_labels"] == {"in_stock": "true", "out_of_stock": "false"}
    assert reads["ozon"]["round_quantities_down"] is True
    # Allegro lists offers, and an offer needs an item: sold-out products stay out.
    assert reads["allegro"]["include_zero_stock"] is False


def test_a_preset_body_that_leaves_the_options_out_takes_them_from_the_preset(api: Api) -> None:
    main = api.warehouse("Main")
    created = api.ok(
        "POST", "/feeds", {"preset": "shopify_inventory", "warehouse_ids": [main]}, 201
    )
    assert (created["round_quantities_down"], created["include_zero_stock"]) == (True, True)
    # What the body says wins over the preset.
    body = {"preset": "shopify_inventory", "warehouse_ids": [main], "include_zero_stock": False}
    body["file_name"] = "shopify_other"
    assert api.ok("POST", "/feeds", body, 201)["include_zero_stock"] is False
