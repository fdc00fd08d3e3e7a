"""Product text as catalogs hold it: any Unicode but NUL, stored and published as sent."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from shelfcast.web.runtime import Runtime
from tests.web.api.support import Api, link_path, locs
from tests.web.conftest import ApiAccount

NAME = "Mug\t“Ceramic”, 0,3 l\r\nline two\nline three\u2028 — Кружка ☕ "
DESCRIPTION = '\tIndented; "quoted"\r\n\r\nThen a blank line\x07 and a bell'


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


def test_tabs_and_line_breaks_are_stored_and_published_exactly(
    api: Api, client: TestClient, runtime: Runtime
) -> None:
    main = api.warehouse()
    api.custom_field("notes")
    product = {
        "sku": "MUG-1",
        "name": NAME,
        "brand": "A\tB",
        "unit": "pcs\n",
        "barcode": " 0123\t",
        "description": DESCRIPTION,
        "custom": {"notes": "a\r\nb"},
    }
    assert api.upsert(product) == {"created": 1, "updated": 0}
    stored = api.product_by_sku("MUG-1")
    for field in ("name", "brand", "unit", "barcode", "description"):
        assert stored[field] == product[field], field
    assert stored["custom"] == {"notes": "a\r\nb"}
    # A search finds the name by a part with a tab in it.
    assert [p["sku"] for p in api.ok("GET", "/products?q=Mug%09")["products"]] == ["MUG-1"]

    api.stock(("MUG-1", main, "2"))
    api.ok("PATCH", "/integration", {"enabled": True})
    columns = [
        {"header": "SKU", "source": "product_field", "field": "sku"},
        {"header": "Name", "source": "product_field", "field": "name"},
        {"header": "Description", "source": "product_field", "field": "description"},
        {"header": "Notes", "source": "product_field", "field": "custom.notes"},
    ]
    feed = api.feed([main], columns=columns)
    response = client.get(link_path(feed["url"]))
    assert response.status_code == 200
    rows = list(
        csv.reader(io.StringIO(response.content.decode("utf-8"), newline=""), delimiter=";")
    )
    assert rows == [["SKU", "Name", "Description", "Notes"], ["MUG-1", NAME, DESCRIPTION, "a\r\nb"]]


@pytest.mark.parametrize("field", ["name", "brand", "unit", "barcode", "description"])
def test_nul_is_refused_naming_the_field(api: Api, field: str) -> None:
    product = {"sku": "X", "name": "X", field: "before\x00after"}
    response = api.post("/products/upsert", {"products": [product]})
    assert locs(response) == [("body", "products", 0, field)]
    assert "must not contain the NUL character (U+0000)" in response.text
    assert api.ok("GET", "/products")["products"] == []


def test_skus_stay_one_line_identifiers(api: Api) -> None:
    response = api.post("/products/upsert", {"products": [{"sku": "A\tB", "name": "X"}]})
    assert locs(response) == [("body", "products", 0, "sku")]
