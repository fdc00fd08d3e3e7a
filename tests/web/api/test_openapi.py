"""The OpenAPI document lists every SPEC section 8 route; the docs page answers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.api.support import api_routes

# SPEC section 8, "REST API": the contract shop systems and ERPs are written against.
SPEC_ROUTES = [
    ("get", "/api/v1/warehouses"),
    ("post", "/api/v1/warehouses"),
    ("get", "/api/v1/price-types"),
    ("post", "/api/v1/price-types"),
    ("get", "/api/v1/custom-fields"),
    ("post", "/api/v1/custom-fields"),
    ("post", "/api/v1/products/upsert"),
    ("get", "/api/v1/products"),
    ("get", "/api/v1/products/{product_id}"),
    ("delete", "/api/v1/products/{product_id}"),
    ("post", "/api/v1/stock/set"),
    ("get", "/api/v1/integration"),
    ("patch", "/api/v1/integration"),
    ("get", "/api/v1/feeds"),
    ("post", "/api/v1/feeds"),
    ("get", "/api/v1/feeds/{feed_id}"),
    ("patch", "/api/v1/feeds/{feed_id}"),
    ("delete", "/api/v1/feeds/{feed_id}"),
    ("post", "/api/v1/feeds/{feed_id}/rotate-link"),
    ("get", "/api/v1/feeds/{feed_id}/preview"),
    # Added in the second round.
    ("post", "/api/v1/stock/adjust"),
    ("patch", "/api/v1/price-types/{price_type_id}"),
    ("delete", "/api/v1/price-types/{price_type_id}"),
    ("patch", "/api/v1/custom-fields/{field_id}"),
    ("delete", "/api/v1/custom-fields/{field_id}"),
    ("delete", "/api/v1/warehouses/{warehouse_id}"),
    ("post", "/api/v1/imports"),
    ("get", "/api/v1/imports/{import_id}"),
    ("get", "/api/v1/products/export"),
]


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")  # no key needed
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    result: dict[str, Any] = response.json()
    return result


def test_every_spec_route_is_documented(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    missing = [(m, p) for m, p in SPEC_ROUTES if m not in paths.get(p, {})]
    assert missing == []


def test_every_api_route_is_documented(client: TestClient, document: dict[str, Any]) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    routes = {(method.lower(), path) for method, path in api_routes(app)}
    documented = {
        (method, path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert routes == documented


def test_every_route_declares_the_bearer_key(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    [(name, scheme)] = schemes.items()
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for method, path in SPEC_ROUTES:
        assert document["paths"][path][method]["security"] == [{name: []}], (method, path)


def test_the_spec_shapes_are_documented(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    feed = schemas["FeedRead"]["properties"]
    for field in (
        "id",
        "store_name",
        "store_url",
        "warehouse_ids",
        "file_type",
        "csv_separator",
        "file_name",
        "sheet_name",
        "header_row",
        "include_zero_stock",
        "enabled",
        "columns",
        "url",
        "status",
    ):
        assert field in feed, field
    upsert = schemas["ProductUpsert"]["properties"]
    for field in ("sku", "name", "barcode", "category", "description", "brand", "unit"):
        assert field in upsert, field
    for field in ("weight", "images", "prices", "custom"):
        assert field in upsert, field
    assert set(schemas["StockLevelSet"]["properties"]) == {"sku", "warehouse_id", "quantity"}
    assert set(schemas["UpsertResult"]["properties"]) == {"created", "updated"}
    assert {"sku", "warehouse_id", "delta"} <= set(schemas["StockChange"]["properties"])
    assert set(schemas["StockAdjustResult"]["properties"]) == {"updated", "levels"}
    assert set(schemas["InUseRead"]["properties"]) == {"detail", "type", "feeds"}
    for path in ("/api/v1/warehouses/{warehouse_id}", "/api/v1/price-types/{price_type_id}"):
        conflict = document["paths"][path]["delete"]["responses"]["409"]
        assert conflict["content"]["application/json"]["schema"]["$ref"].endswith("/InUseRead")


def test_the_docs_pages_answer(client: TestClient) -> None:
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]
    assert "/api/v1/openapi.json" in docs.text
    assert client.get("/api/v1/redoc").status_code == 200


def test_the_import_shapes_are_documented(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    job = schemas["ImportRead"]["properties"]
    for field in ("id", "status", "rows_total", "rows_done", "created", "updated"):
        assert field in job, field
    for field in ("unchanged", "skipped", "errors", "mapping"):
        assert field in job, field
    assert {"row", "column", "message"} <= set(schemas["ImportRowError"]["properties"])
    upload = document["paths"]["/api/v1/imports"]["post"]["requestBody"]["content"]
    [form] = upload.values()
    fields = form["schema"]
    if "$ref" in fields:
        fields = schemas[fields["$ref"].rsplit("/", 1)[-1]]
    for name in ("file", "mapping", "mode", "dry_run", "on_error", "sheet", "header_row"):
        assert name in fields["properties"], name
    assert {"separator", "encoding"} <= set(fields["properties"])
