"""Presets, the publish guard and feed health through the API (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from shelfcast.db.base import utcnow
from shelfcast.feeds.presets import PRESETS
from shelfcast.publish.models import Fetch, FetchDay
from shelfcast.web.runtime import Runtime
from tests.web.api.support import Api, feed_body, link_path, locs
from tests.web.conftest import ApiAccount


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    api = Api(client, account)
    api.ok("PATCH", "/integration", {"enabled": True})
    return api


def _products(api: Api, count: int, warehouse_id: int) -> None:
    api.upsert(
        *[
            {
                "sku": f"P-{i:03}",
                "name": f"Product {i}",
                "description": f"About {i}",
                "brand": "Acme",
                "barcode": f"4006381{i:06}",
                "images": [f"https://img.example/{i}.jpg"],
                "prices": {"Retail": "9.5"},
            }
            for i in range(count)
        ]
    )
    api.stock(*[(f"P-{i:03}", warehouse_id, "3") for i in range(count)])


# --- presets ---------------------------------------------------------------------------------


def test_every_marketplace_of_the_issue_has_a_preset(api: Api) -> None:
    presets = api.ok("GET", "/feed-presets")
    assert {p["key"] for p in presets} == {
        "google_merchant",
        "meta_catalog",
        "prom_ua",
        "rozetka",
        "kaspi_kz",
        "ozon",
        "cdiscount",
        "manomano",
        "allegro",
        "amazon_inventory_loader",
        "ebay_file_exchange",
        "prestashop",
        "woocommerce",
        "shopify_inventory",
    }
    for preset in presets:
        assert preset["source"].startswith("https://"), preset["key"]
        assert preset["required_columns"], preset["key"]
        headers = [c["header"] for c in preset["columns"]]
        assert set(preset["required_columns"]) <= set(headers)
        assert len(set(headers)) == len(headers), preset["key"]


def test_a_preset_body_is_filled_in_for_the_account_and_saves_as_it_is(
    api: Api, client: TestClient, runtime: Runtime
) -> None:
    main = api.warehouse("Main")
    retail = api.price_type("Retail", "UAH")
    _products(api, 3, main)
    [prom] = [p for p in api.ok("GET", "/feed-presets") if p["key"] == "prom_ua"]
    assert prom["warehouse_ids"] == [main]
    assert {"header": "Ціна", "source": "price", "price_type_id": retail} in [
        {k: v for k, v in c.items() if v is not None} for c in prom["columns"]
    ]
    body = {k: v for k, v in prom.items() if k not in ("key", "marketplace", "source")}
    body.pop("required_columns")
    body["columns"] = [{k: v for k, v in c.items() if v is not None} for c in body["columns"]]
    created = api.ok("POST", "/feeds", body, 201)
    assert (created["preset"], created["file_type"], created["sheet_name"]) == (
        "prom_ua",
        "xlsx",
        "Export Products Sheet",
    )
    runtime.builder.wait_idle()
    response = client.get(link_path(created["url"]))
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Export Products Sheet"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["Код_товару", "Назва_позиції", "Опис", "Ціна", "Валюта"]
    assert rows[1][:5] == ["P-000", "Product 0", "About 0", 9.5, "UAH"]
    assert len(rows) == 4


def test_a_preset_fills_the_settings_a_body_leaves_out(api: Api) -> None:
    main = api.warehouse("Main")
    created = api.ok(
        "POST", "/feeds", {"preset": "shopify_inventory", "warehouse_ids": [main]}, 201
    )
    assert created["store_name"] == PRESETS["shopify_inventory"].marketplace
    assert (created["file_type"], created["csv_separator"]) == ("csv", "comma")
    assert [c["header"] for c in created["columns"]][:2] == ["Handle", "Title"]
    # A preset with price columns needs them from GET /feed-presets (the account's price type).
    response = api.post("/feeds", {"preset": "google_merchant", "warehouse_ids": [main]})
    assert response.status_code == 422
    assert "GET /feed-presets" in response.text


def test_an_unknown_preset_is_refused_naming_the_allowed_ones(api: Api) -> None:
    main = api.warehouse("Main")
    found = locs(api.post("/feeds", feed_body([main], preset="nope")))
    assert ("body", "preset") in found
    response = api.post("/feeds", feed_body([main], publish_guard_percent=101))
    assert ("body", "publish_guard_percent") in locs(response)


# --- the publish guard -----------------------------------------------------------------------


def _lines(client: TestClient, url: str) -> list[str]:
    response = client.get(link_path(url))
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.text), delimiter=";"))  # type: ignore[arg-type]


def test_a_build_that_drops_most_rows_is_held_until_published(
    api: Api, client: TestClient, runtime: Runtime
) -> None:
    main = api.warehouse("Main")
    api.price_type("Retail")
    _products(api, 30, main)
    feed = api.feed([main])
    runtime.builder.wait_idle()
    assert len(_lines(client, feed["url"])) == 31

    # Most products run out: 30 → 2 rows is a drop of 93 %, past the default 50 %.
    api.stock(*[(f"P-{i:03}", main, "0") for i in range(2, 30)])
    runtime.builder.wait_idle()
    read = api.ok("GET", f"/feeds/{feed['id']}")
    assert read["build"]["status"] == "held"
    assert (read["build"]["held_rows"], read["build"]["held_reason"]) == (2, "30 → 2 rows")
    assert read["build"]["rows"] == 30
    # The link keeps serving the last good file.
    assert len(_lines(client, feed["url"])) == 31
    health = api.ok("GET", f"/feeds/{feed['id']}/health")
    assert health["held"]["reason"] == "30 → 2 rows"
    assert [b["result"] for b in health["builds"]][:2] == ["held", "published"]

    published = api.ok("POST", f"/feeds/{feed['id']}/publish")
    assert published["rows"] == 2
    runtime.builder.wait_idle()
    assert _lines(client, feed["url"])[1:] == [["P-000", "3"], ["P-001", "3"]]
    read = api.ok("GET", f"/feeds/{feed['id']}")
    assert read["build"]["held_at"] is None and read["build"]["rows"] == 2
    # Nothing is held any more: publishing again is a conflict, not a 500.
    again = api.post(f"/feeds/{feed['id']}/publish")
    assert again.status_code == 409, again.text


def test_the_guard_lets_a_small_drop_through_and_can_be_switched_off(
    api: Api, client: TestClient, runtime: Runtime
) -> None:
    main = api.warehouse("Main")
    api.price_type("Retail")
    _products(api, 30, main)
    feed = api.feed([main], publish_guard_percent=0)
    runtime.builder.wait_idle()
    api.stock(*[(f"P-{i:03}", main, "0") for i in range(1, 30)])
    runtime.builder.wait_idle()
    assert len(_lines(client, feed["url"])) == 2  # guard off: published at once

    guarded = api.feed([main], file_name="guarded", publish_guard_percent=50)
    api.stock(*[(f"P-{i:03}", main, "3") for i in range(30)])
    runtime.builder.wait_idle()
    assert len(_lines(client, guarded["url"])) == 31  # a rise is never held
    api.stock(*[(f"P-{i:03}", main, "0") for i in range(15)])  # exactly 50 %: passes
    runtime.builder.wait_idle()
    assert len(_lines(client, guarded["url"])) == 16
    assert api.ok("GET", f"/feeds/{guarded['id']}")["build"]["held_at"] is None


# --- feed health -----------------------------------------------------------------------------


def test_health_counts_fetches_per_day_by_status_and_lists_clients(
    api: Api, client: TestClient, runtime: Runtime
) -> None:
    main = api.warehouse("Main")
    api.price_type("Retail")
    _products(api, 2, main)
    feed = api.feed([main])
    runtime.builder.wait_idle()
    path = link_path(feed["url"])
    assert client.get(path, headers={"User-Agent": "RozetkaBot/1.0"}).status_code == 200
    first = client.get(path, headers={"User-Agent": "RozetkaBot/1.0"})
    etag = first.headers["ETag"]
    client.get(path, headers={"User-Agent": "RozetkaBot/1.0", "If-None-Match": etag})
    client.get(path, headers={"User-Agent": "Googlebot"})
    client.get(path.replace(".csv", ".xlsx"), headers={"User-Agent": "Googlebot"})  # 404
    runtime.fetch_log.flush()

    health = api.ok("GET", f"/feeds/{feed['id']}/health")
    fetches = health["fetches"]
    assert fetches["state"] == "fetched" and fetches["last_at"] is not None
    assert len(fetches["by_day"]) == 30
    today = fetches["by_day"][-1]
    assert (today["ok"], today["not_modified"], today["failed"]) == (3, 1, 1)
    clients = {c["user_agent"]: c["count"] for c in fetches["clients"]}
    assert clients == {"RozetkaBot/1.0": 3, "Googlebot": 2}
    assert fetches["silent_after_hours"] == 24
    assert health["builds"][0]["result"] == "published"
    assert health["builds"][0]["rows"] == 2


def _add_fetches(runtime: Runtime, account_id: int, feed_id: int, count: int, days: int) -> None:
    """Fetches logged as the link logs them (the log and its counts), ``days`` ago and
    one a minute before that."""
    now = utcnow()
    log = runtime.fetch_log
    for i in range(count):
        log.record(
            account_id=account_id,
            feed_id=feed_id,
            at=now - timedelta(days=days, minutes=i),
            method="GET",
            status=200 if i % 10 else 304,
            size=100,
            client=f"10.0.0.{i % 7}",
            user_agent=f"Bot/{i % 3}",
        )
    log.flush()


def test_a_silent_feed_and_the_page_reads_in_a_fixed_number_of_statements(
    api: Api, client: TestClient, runtime: Runtime, account: ApiAccount
) -> None:
    main = api.warehouse("Main")
    feed = api.feed([main])
    runtime.builder.wait_idle()
    # Fetched every minute until three days ago: silent now.
    _add_fetches(runtime, account.id, feed["id"], 2_000, days=3)
    health = api.ok("GET", f"/feeds/{feed['id']}/health")
    assert health["fetches"]["state"] == "silent"
    assert sum(d["ok"] + d["not_modified"] for d in health["fetches"]["by_day"]) == 2_000

    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    engine = runtime.database.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        api.ok("GET", f"/feeds/{feed['id']}/health")
        small = len(statements)
        _add_fetches(runtime, account.id, feed["id"], 5_000, days=1)
        statements.clear()
        api.ok("GET", f"/feeds/{feed['id']}/health")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # The same statements however many fetches the log holds (no query per row or day).
    assert len(statements) == small
    assert small <= 16


def test_the_fetch_log_is_pruned_after_90_days(
    api: Api, runtime: Runtime, account: ApiAccount
) -> None:
    main = api.warehouse("Main")
    feed = api.feed([main])
    _add_fetches(runtime, account.id, feed["id"], 30, days=91)
    _add_fetches(runtime, account.id, feed["id"], 5, days=89)
    assert runtime.fetch_log.prune() == 30
    with runtime.database.sessions() as session:
        left = session.scalar(
            select(func.count()).select_from(Fetch).where(Fetch.feed_id == feed["id"])
        )
        days = session.scalars(select(FetchDay.day).where(FetchDay.feed_id == feed["id"])).all()
    assert left == 5
    # The days 91 days ago went with their fetches; those 89 days ago stay.
    cutoff = (utcnow() - timedelta(days=90)).date().isoformat()
    assert days and all(day >= cutoff for day in days)
    health = api.ok("GET", f"/feeds/{feed['id']}/health")
    assert (health["fetches"]["state"], len(health["fetches"]["clients"])) == ("silent", 0)
