"""Parallel requests through a real server never fail for want of a lock (SQLite, PostgreSQL)."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from shelfcast.accounts import service as accounts
from shelfcast.catalog.models import Product, StockLevel
from shelfcast.db.session import transaction
from shelfcast.web.runtime import Runtime
from tests.web.api.live import Call, in_parallel
from tests.web.api.support import Api, count_rows
from tests.web.conftest import new_account


def test_reads_and_writes_with_a_fresh_key_all_succeed(
    client: TestClient, runtime: Runtime, server: str
) -> None:
    """A key's first use is recorded by whichever request comes first; none fails for it."""
    api = Api(client, new_account(runtime))
    warehouse = api.warehouse()
    api.upsert({"sku": "A", "name": "Apples"})
    with transaction(runtime.database.writes) as session:
        _key, raw = accounts.create_api_key(session, api.account.id)
    headers = {"Authorization": f"Bearer {raw}"}

    def read(http: httpx.Client) -> int:
        return http.get("/api/v1/products", headers=headers).status_code

    def write(quantity: int) -> Call:
        def call(http: httpx.Client) -> int:
            body = {"levels": [{"sku": "A", "warehouse_id": warehouse, "quantity": quantity}]}
            return http.post("/api/v1/stock/set", json=body, headers=headers).status_code

        return call

    calls = [read if i % 2 else write(i) for i in range(16)]
    assert in_parallel(calls, server) == [200] * 16
    with transaction(runtime.database.sessions) as session:
        [used] = [k for k in accounts.list_api_keys(session, api.account.id) if k.id == _key.id]
        assert used.last_used_at is not None


def test_the_integration_read_and_switched_at_once_by_a_new_account(
    client: TestClient, runtime: Runtime, server: str
) -> None:
    """The first reads of a new account's switch create nothing that could clash."""
    api = Api(client, new_account(runtime))
    api.ok("GET", "/warehouses")  # the key's first use is recorded now, not in the race
    headers = api.account.headers

    def read(http: httpx.Client) -> int:
        response = http.get("/api/v1/integration", headers=headers)
        assert response.json()["enabled"] in (False, True)
        return response.status_code

    def switch_on(http: httpx.Client) -> int:
        return http.patch(
            "/api/v1/integration", json={"enabled": True}, headers=headers
        ).status_code

    assert in_parallel([read] * 8, server) == [200] * 8
    assert in_parallel([read, switch_on] * 8, server) == [200] * 16
    assert api.get("/integration").json() == {"enabled": True}


def test_the_same_new_products_upserted_at_once_all_succeed(
    client: TestClient, runtime: Runtime, server: str
) -> None:
    """Writers of one catalog queue: the first creates, the others update (no clash)."""
    api = Api(client, new_account(runtime))
    api.ok("GET", "/products")  # the key's first use is recorded now, not in the race
    body = {"products": [{"sku": f"N{i}", "name": f"New {i}"} for i in range(100)]}

    def upsert(http: httpx.Client) -> int:
        return http.post(
            "/api/v1/products/upsert", json=body, headers=api.account.headers
        ).status_code

    assert in_parallel([upsert] * 8, server) == [200] * 8
    assert count_rows(runtime, Product, api.account.id) == 100


def test_stock_set_while_its_products_are_deleted(
    client: TestClient, runtime: Runtime, server: str
) -> None:
    """Each request sees the products before or after a delete, never half (no 500)."""
    api = Api(client, new_account(runtime))
    warehouse = api.warehouse()
    skus = [f"S{i}" for i in range(4)]
    api.upsert(*({"sku": sku, "name": sku} for sku in skus))
    ids = [api.product_by_sku(sku)["id"] for sku in skus]
    headers = api.account.headers

    def set_stock(http: httpx.Client) -> int:
        body = {"levels": [{"sku": s, "warehouse_id": warehouse, "quantity": "2"} for s in skus]}
        return http.post("/api/v1/stock/set", json=body, headers=headers).status_code

    def delete(product_id: int) -> Call:
        return lambda http: (
            http.delete(f"/api/v1/products/{product_id}", headers=headers).status_code
        )

    statuses = in_parallel([call for i in ids for call in (set_stock, delete(i))], server)
    assert statuses[1::2] == [204] * 4
    assert set(statuses[::2]) <= {200, 422}  # 422: a product was gone when it was its turn
    assert count_rows(runtime, Product, api.account.id) == 0
    assert count_rows(runtime, StockLevel, api.account.id) == 0


def test_a_feed_read_changed_and_deleted_at_once(
    client: TestClient, runtime: Runtime, server: str
) -> None:
    """Requests on a feed being deleted answer as before or after the delete (no 500)."""
    api = Api(client, new_account(runtime))
    warehouse = api.warehouse()
    path = f"/api/v1/feeds/{api.feed([warehouse])['id']}"
    headers = api.account.headers
    column = {"header": "Article", "source": "product_field", "field": "sku"}
    requests = [
        ("PATCH", path, {"store_name": "Renamed", "columns": [column]}),
        ("POST", f"{path}/rotate-link", None),
        ("PATCH", path, {"enabled": False}),
        ("GET", f"{path}/preview", None),
        ("POST", f"{path}/rotate-link", {"grace_days": 3}),
        ("GET", path, None),
        ("GET", "/api/v1/feeds", None),
    ]

    def call(method: str, url: str, body: object) -> Call:
        return lambda http: http.request(method, url, json=body, headers=headers).status_code

    calls = [call(*request) for request in requests]
    statuses = in_parallel([calls[0], call("DELETE", path, None), *calls[1:]], server)
    assert statuses[1] == 204
    assert set(statuses) <= {200, 204, 404}
    assert api.get(path.removeprefix("/api/v1")).status_code == 404
    assert api.get("/feeds").json() == []
