"""Helpers for the API tests: an account's client, setup through the API, and the routes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from shelfcast.web.runtime import Runtime
from tests.web.conftest import BASE_URL, ApiAccount

# What the TestClient answers: an httpx (or httpx2, where installed) response.
Response = Any

API_PREFIX = "/api/v1"
# Public pages of the API: the OpenAPI document and its viewers need no key.
PUBLIC_API_PATHS = frozenset(
    {f"{API_PREFIX}/openapi.json", f"{API_PREFIX}/docs", f"{API_PREFIX}/redoc"}
)


@dataclass
class Api:
    """One account's view of the API: paths are relative to ``/api/v1``."""

    client: TestClient
    account: ApiAccount

    def request(self, method: str, path: str, **kwargs: Any) -> Response:
        headers = {**self.account.headers, **kwargs.pop("headers", {})}
        return self.client.request(method, API_PREFIX + path, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Response:
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Response:
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Response:
        return self.request("DELETE", path, **kwargs)

    # --- setup through the API, asserting it worked ---

    def ok(self, method: str, path: str, json: Any = None, status: int = 200) -> Any:
        response = self.request(method, path, json=json)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    def warehouse(self, name: str = "Main") -> int:
        return int(self.ok("POST", "/warehouses", {"name": name}, 201)["id"])

    def price_type(self, name: str = "Retail", currency: str = "EUR") -> int:
        body = {"name": name, "currency": currency}
        return int(self.ok("POST", "/price-types", body, 201)["id"])

    def custom_field(self, key: str, type_: str = "text", label: str | None = None) -> int:
        body = {"key": key, "label": label or key.title(), "type": type_}
        return int(self.ok("POST", "/custom-fields", body, 201)["id"])

    def upsert(self, *products: dict[str, Any]) -> dict[str, int]:
        result: dict[str, int] = self.ok("POST", "/products/upsert", {"products": list(products)})
        return result

    def stock(self, *levels: tuple[str, int, str]) -> int:
        body = {"levels": [{"sku": s, "warehouse_id": w, "quantity": q} for s, w, q in levels]}
        return int(self.ok("POST", "/stock/set", body)["updated"])

    def feed(self, warehouse_ids: list[int], **overrides: Any) -> dict[str, Any]:
        created: dict[str, Any] = self.ok(
            "POST", "/feeds", feed_body(warehouse_ids, **overrides), 201
        )
        return created

    def product_by_sku(self, sku: str) -> dict[str, Any]:
        page = self.ok("GET", f"/products?q={sku}")
        [product] = [p for p in page["products"] if p["sku"] == sku]
        return dict(product)

    def all_products(self) -> list[dict[str, Any]]:
        products: list[dict[str, Any]] = []
        after: int | None = None
        while True:
            params: dict[str, Any] = {"limit": 500}
            if after is not None:
                params["after"] = after
            response = self.get("/products", params=params)
            assert response.status_code == 200, response.text
            page = response.json()
            products += page["products"]
            after = page["next_after"]
            if after is None:
                return products


def runtime_of(client: TestClient) -> Runtime:
    """The runtime of a client's app (for fixtures wider than a test)."""
    runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return runtime


def count_rows(runtime: Runtime, model: Any, account_id: int, **filters: Any) -> int:
    """Rows of a table for an account, counted in the database (cheaper than paging)."""
    query = select(func.count()).select_from(model).where(model.account_id == account_id)
    for name, value in filters.items():
        query = query.where(getattr(model, name) == value)
    with runtime.database.sessions() as session:
        return int(session.scalar(query) or 0)


def feed_body(warehouse_ids: list[int], **overrides: Any) -> dict[str, Any]:
    """A valid CSV feed file: SKU and quantity, semicolon separated."""
    body: dict[str, Any] = {
        "store_name": "Marketplace",
        "store_url": "https://market.example",
        "warehouse_ids": warehouse_ids,
        "file_type": "csv",
        "csv_separator": "semicolon",
        "file_name": "stock",
        "header_row": 1,
        "columns": [
            {"header": "SKU", "source": "product_field", "field": "sku"},
            {"header": "Qty", "source": "product_field", "field": "quantity"},
        ],
    }
    body.update(overrides)
    return body


def link_path(url: str) -> str:
    """A feed's link as a path for the TestClient (links are absolute URLs)."""
    assert url.startswith(BASE_URL + "/f/"), url
    return url[len(BASE_URL) :]


def locs(response: Response) -> list[tuple[Any, ...]]:
    """The ``loc`` of every error of a 422 answer."""
    assert response.status_code == 422, response.text
    return [tuple(error["loc"]) for error in response.json()["detail"]]


def api_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """Every (method, path) the app routes under ``/api/v1``, except the public docs.

    FastAPI may keep included routers nested (``effective_route_contexts``) or
    flatten them into ``app.routes``; both are walked.
    """
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        found = (
            [(c.path, c.methods) for c in contexts()]
            if contexts is not None
            else [(getattr(route, "path", None), getattr(route, "methods", None))]
        )
        for path, methods in found:
            if not path or not path.startswith(API_PREFIX + "/") or path in PUBLIC_API_PATHS:
                continue
            for method in sorted(methods or ()):
                if method != "HEAD":
                    yield method, path
