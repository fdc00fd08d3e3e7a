"""``/stock/adjust``: deltas added atomically by the database, all or nothing, recorded."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from shelfcast.catalog import service as catalog
from shelfcast.catalog.models import StockAdjustment
from shelfcast.web.runtime import Runtime
from tests.web.api.live import in_parallel
from tests.web.api.support import Api, count_rows, link_path, locs
from tests.web.conftest import ApiAccount, new_account


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


def _stock(api: Api, sku: str) -> dict[int, str]:
    return {s["warehouse_id"]: s["quantity"] for s in api.product_by_sku(sku)["stock"]}


def test_deltas_are_added_and_the_new_levels_answered(api: Api, runtime: Runtime) -> None:
    main, outlet = api.warehouse("Main"), api.warehouse("Outlet")
    api.upsert({"sku": "A", "name": "Apples"}, {"sku": "B", "name": "Bread"})
    api.stock(("A", main, "10"))

    body = {
        "changes": [
            {"sku": "A", "warehouse_id": main, "delta": "-2", "reason": "Order 1001"},
            {"sku": "B", "warehouse_id": outlet, "delta": "1.5"},  # no level yet: starts at 0
            {"sku": "A", "warehouse_id": main, "delta": -1},  # the same level again: adds up
            {"sku": " B ", "warehouse_id": main, "delta": "-3"},  # may go negative (oversold)
        ]
    }
    assert api.ok("POST", "/stock/adjust", body) == {
        "updated": 3,
        "levels": [
            {"sku": "A", "warehouse_id": main, "quantity": "7"},
            {"sku": "B", "warehouse_id": outlet, "quantity": "1.5"},
            {"sku": "B", "warehouse_id": main, "quantity": "-3"},
        ],
    }
    assert _stock(api, "A") == {main: "7"}
    assert _stock(api, "B") == {main: "-3", outlet: "1.5"}

    # Every change is recorded: who, the delta, the level after it, the reason.
    product_id = api.product_by_sku("A")["id"]
    with runtime.database.sessions() as session:
        history = catalog.list_adjustments(session, api.account.id, product_id)
    assert [(h.delta, h.quantity, h.reason) for h in history] == [
        ("-1", "7", None),
        ("-2", "7", "Order 1001"),
    ]
    assert history[0].actor.startswith("API key sc_")


def test_a_bad_change_changes_nothing(api: Api, runtime: Runtime) -> None:
    main = api.warehouse("Main")
    api.upsert({"sku": "A", "name": "Apples"})
    api.stock(("A", main, "10"))
    body = {
        "changes": [
            {"sku": "A", "warehouse_id": main, "delta": "-1"},
            {"sku": "NOPE", "warehouse_id": main, "delta": "-1"},
            {"sku": "A", "warehouse_id": 999_999, "delta": "1"},
            {"sku": "A", "warehouse_id": main, "delta": "0.00001"},
            {"sku": "A", "warehouse_id": main, "delta": "1", "reason": "nul\x00"},
        ]
    }
    assert locs(api.post("/stock/adjust", body)) == [
        ("body", "changes", 1, "sku"),
        ("body", "changes", 2, "warehouse_id"),
        ("body", "changes", 3, "delta"),
        ("body", "changes", 4, "reason"),
    ]
    assert locs(api.post("/stock/adjust", {"changes": []})) == [("body", "changes")]
    assert locs(api.post("/stock/adjust", {"changes": [{"sku": "A", "delta": "1"}]})) == [
        ("body", "changes", 0, "warehouse_id")
    ]
    # A level pushed out of the stored range: the whole batch is undone, not a 500.
    huge = {"sku": "A", "warehouse_id": main, "delta": "99999999999999"}
    body = {"changes": [{"sku": "A", "warehouse_id": main, "delta": "-1"}, huge]}
    response = api.post("/stock/adjust", body)
    assert response.status_code == 422, response.text
    assert "would take the level to" in response.text
    assert _stock(api, "A") == {main: "10"}
    assert count_rows(runtime, StockAdjustment, api.account.id) == 0


def test_an_adjustment_rebuilds_the_feeds(api: Api, client: TestClient, runtime: Runtime) -> None:
    main = api.warehouse("Main")
    api.upsert({"sku": "A", "name": "Apples"})
    api.stock(("A", main, "5"))
    api.ok("PATCH", "/integration", {"enabled": True})
    feed = api.feed([main])
    assert client.get(link_path(feed["url"])).text.splitlines() == ["SKU;Qty", "A;5"]
    api.ok(
        "POST", "/stock/adjust", {"changes": [{"sku": "A", "warehouse_id": main, "delta": "-2"}]}
    )
    runtime.builder.wait_idle()
    assert client.get(link_path(feed["url"])).text.splitlines() == ["SKU;Qty", "A;3"]


def test_sixteen_channels_selling_at_once_lose_no_sale(
    client: TestClient, runtime: Runtime, server: str
) -> None:
    """16 clients each send 100 decrements of 1 to one sku: exactly 1,600 lower."""
    api = Api(client, new_account(runtime))
    main = api.warehouse("Main")
    api.upsert({"sku": "HOT", "name": "Best seller"})
    api.stock(("HOT", main, "2000"))
    body = {"changes": [{"sku": "HOT", "warehouse_id": main, "delta": "-1"}]}
    headers = api.account.headers

    def sell_hundred(http: httpx.Client) -> list[int]:
        return [
            http.post("/api/v1/stock/adjust", json=body, headers=headers).status_code
            for _ in range(100)
        ]

    statuses = in_parallel([sell_hundred] * 16, server)
    assert [s for client_statuses in statuses for s in client_statuses] == [200] * 1600
    assert _stock(api, "HOT") == {main: "400"}
    assert count_rows(runtime, StockAdjustment, api.account.id) == 1600
