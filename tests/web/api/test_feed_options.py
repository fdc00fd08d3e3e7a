"""The output options and stock shaping through the API: defaults, round trip,
PATCH (null removes a buffer or cap), and the preview's cells."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.api.support import Api, runtime_of
from tests.web.conftest import new_account

DEFAULTS = {
    "encoding": "utf-8",
    "decimal_separator": "point",
    "line_breaks": "keep",
    "formula_protection": False,
    "stock_buffer": None,
    "stock_max": None,
    "round_quantities_down": False,
    "negative_stock_as_zero": False,
    "availability_labels": {"in_stock": "in stock", "out_of_stock": "out of stock"},
}


def _api(client: TestClient) -> Api:
    return Api(client, new_account(runtime_of(client)))


def test_a_feed_without_options_reads_the_defaults(client: TestClient) -> None:
    api = _api(client)
    feed = api.feed([api.warehouse()])

    assert {name: feed[name] for name in DEFAULTS} == DEFAULTS


def test_options_round_trip_and_patch(client: TestClient) -> None:
    api = _api(client)
    options = {
        "encoding": "cp1251",
        "decimal_separator": "comma",
        "line_breaks": "space",
        "formula_protection": True,
        "stock_buffer": "2.50",
        "stock_max": 100,
        "round_quantities_down": True,
        "negative_stock_as_zero": True,
        "availability_labels": {"in_stock": "в наявності", "out_of_stock": "немає"},
    }
    feed = api.feed([api.warehouse()], **options)

    assert {name: feed[name] for name in DEFAULTS} == options | {
        "stock_buffer": "2.5",
        "stock_max": "100",
    }
    patched = api.ok("PATCH", f"/feeds/{feed['id']}", {"stock_buffer": None, "encoding": "utf-8"})
    assert patched["stock_buffer"] is None
    assert patched["stock_max"] == "100"
    assert patched["encoding"] == "utf-8"
    assert patched["availability_labels"] == options["availability_labels"]


def test_the_preview_shows_the_cells_as_written(client: TestClient) -> None:
    api = _api(client)
    warehouse = api.warehouse()
    api.upsert(
        {
            "sku": "=A1",
            "name": "N",
            "description": "Line\r\none",
            "images": ["https://i/1.jpg", "https://i/2.jpg"],
        }
    )
    api.stock(("=A1", warehouse, "44.7"))
    columns = [
        {"header": "SKU", "source": "product_field", "field": "sku"},
        {"header": "Text", "source": "product_field", "field": "description"},
        {"header": "Qty", "source": "product_field", "field": "quantity"},
        {"header": "Here", "source": "product_field", "field": f"quantity.{warehouse}"},
        {"header": "Avail", "source": "product_field", "field": "availability"},
        {"header": "Main", "source": "product_field", "field": "image_1"},
        {"header": "More", "source": "product_field", "field": "images_rest"},
    ]
    feed = api.feed(
        [warehouse],
        columns=columns,
        decimal_separator="comma",
        line_breaks="space",
        formula_protection=True,
        stock_buffer="0.5",
    )

    preview = api.ok("GET", f"/feeds/{feed['id']}/preview")

    assert preview["rows"] == [
        ["'=A1", "Line one", "44,2", "44,7", "in stock", "https://i/1.jpg", "https://i/2.jpg"]
    ]
    assert preview["problems"] == []
