"""Helpers for the publishing tests: a shop set up through the API, renders made slow
or failing on purpose, and reads of the build state and the fetch log."""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfcast.accounts import service as accounts
from shelfcast.accounts.models import Account
from shelfcast.catalog import service as catalog
from shelfcast.catalog.schemas import ProductsUpsert, StockSet, WarehouseCreate
from shelfcast.db.database import Database
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.feeds.models import FeedFile
from shelfcast.feeds.schemas import FeedCreate
from shelfcast.publish.models import FeedBuild, Fetch
from shelfcast.render import RenderResult
from shelfcast.web.runtime import Runtime
from tests.web.conftest import ApiAccount, new_account

API = "/api/v1"
# Every bound in these tests: long enough never to be hit when things work.
WAIT_S = 20.0


@dataclass
class Shop:
    """One account driven through the API, with its feed's link."""

    client: TestClient
    runtime: Runtime
    account: ApiAccount
    warehouse_id: int = 0
    price_type_id: int = 0
    feed: dict[str, Any] | None = None

    def call(self, method: str, path: str, json: Any = None, status: int = 200) -> Any:
        response = self.client.request(method, API + path, json=json, headers=self.account.headers)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    def upsert(self, *products: dict[str, Any]) -> None:
        self.call("POST", "/products/upsert", {"products": list(products)})

    def stock(self, sku: str, quantity: str, warehouse_id: int | None = None) -> None:
        level = {
            "sku": sku,
            "warehouse_id": warehouse_id or self.warehouse_id,
            "quantity": quantity,
        }
        self.call("POST", "/stock/set", {"levels": [level]})

    def patch_feed(self, **changes: Any) -> dict[str, Any]:
        self.feed = dict(self.call("PATCH", f"/feeds/{self.feed_id}", changes))
        return self.feed

    def read_feed(self) -> dict[str, Any]:
        self.feed = dict(self.call("GET", f"/feeds/{self.feed_id}"))
        return self.feed

    @property
    def feed_id(self) -> int:
        assert self.feed is not None
        return int(self.feed["id"])

    @property
    def link(self) -> str:
        """The path of the feed's link (the test client adds the host)."""
        assert self.feed is not None
        return str(urlsplit(self.feed["url"]).path)

    def fetch(self, method: str = "GET", link: str | None = None, **headers: str) -> httpx.Response:
        return self.client.request(method, link or self.link, headers=headers)


def feed_columns(price_type_id: int) -> list[dict[str, Any]]:
    return [
        {"header": "SKU", "source": "product_field", "field": "sku"},
        {"header": "Name", "source": "product_field", "field": "name"},
        {"header": "Qty", "source": "product_field", "field": "quantity"},
        {"header": "Price", "source": "price", "price_type_id": price_type_id},
        {"header": "Images", "source": "product_field", "field": "images"},
        {"header": "Category", "source": "product_field", "field": "category_path"},
        {"header": "Color", "source": "product_field", "field": "custom.color"},
    ]


def stocked_shop(client: TestClient, runtime: Runtime, **feed: Any) -> Shop:
    """An account with a warehouse, two products in stock, the integration on and
    one CSV feed (``;``-separated) showing every kind of data a change can touch."""
    shop = stocked_account(client, runtime)
    add_feed(shop, **feed)
    return shop


def stocked_account(client: TestClient, runtime: Runtime) -> Shop:
    """The account of :func:`stocked_shop`, without its feed yet."""
    shop = Shop(client, runtime, new_account(runtime))
    shop.warehouse_id = shop.call("POST", "/warehouses", {"name": "Main"}, 201)["id"]
    retail = {"name": "Retail", "currency": "EUR"}
    shop.price_type_id = shop.call("POST", "/price-types", retail, 201)["id"]
    color = {"key": "color", "label": "Color", "type": "text"}
    shop.call("POST", "/custom-fields", color, 201)
    shop.upsert(
        {
            "sku": "A-1",
            "name": "Alpha",
            "prices": {"Retail": "9.99"},
            "images": ["https://img.example/a1.jpg"],
            "category": ["Garden"],
            "custom": {"color": "green"},
        },
        {"sku": "B-2", "name": "Beta", "prices": {"Retail": "4.00"}},
    )
    shop.stock("A-1", "5")
    shop.stock("B-2", "2")
    shop.call("PATCH", "/integration", {"enabled": True})
    return shop


def add_feed(shop: Shop, **overrides: Any) -> dict[str, Any]:
    body = {
        "store_name": "Marketplace",
        "store_url": "https://market.example",
        "warehouse_ids": [shop.warehouse_id],
        "file_type": "csv",
        "csv_separator": "semicolon",
        "file_name": "stock",
        "columns": feed_columns(shop.price_type_id),
        **overrides,
    }
    if body["file_type"] != "csv":
        body.pop("csv_separator")
        body.setdefault("sheet_name", "Stock")
    shop.feed = dict(shop.call("POST", "/feeds", body, 201))
    return shop.feed


def csv_rows(body: bytes, separator: str = ";") -> dict[str, list[str]]:
    """The rows of a feed's CSV by their first cell (the header row under ``"SKU"``)."""
    rows = csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=separator)
    return {row[0]: row for row in rows if row}


class BlockedRender:
    """Stands in for ``render_feed_file`` as the builder calls it.

    A build of ``feed_id`` (or of any feed of ``account_id``) renders, writes
    the first half of its bytes, sets ``started``, and waits for ``release``
    before writing the rest (or raising ``error``): a slow build with a
    half-written temporary file on disk. Builds of other feeds run as usual.
    """

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        feed_id: int | None = None,
        *,
        account_id: int | None = None,
        error: Exception | None = None,
    ) -> None:
        self.original = feeds.render_feed_file
        self.feed_id = feed_id
        self.account_id = account_id
        self.error = error
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls = 0
        monkeypatch.setattr(feeds, "render_feed_file", self)

    def __call__(self, session: Session, feed: FeedFile, out: BinaryIO) -> RenderResult:
        if feed.id != self.feed_id and feed.account_id != self.account_id:
            return self.original(session, feed, out)
        self.calls += 1
        buffer = io.BytesIO()
        result = self.original(session, feed, buffer)
        data = buffer.getvalue()
        out.write(data[: len(data) // 2])
        out.flush()
        self.started.set()
        if not self.release.wait(WAIT_S):
            raise TimeoutError("the test never released the build")
        if self.error is not None:
            raise self.error
        out.write(data[len(data) // 2 :])
        return result


class FailingRender:
    """Stands in for ``render_feed_file``: builds of ``feed_id`` (or of any feed of
    ``account_id``) raise ``error`` after writing part of the file."""

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        feed_id: int | None = None,
        *,
        account_id: int | None = None,
        error: Exception,
    ) -> None:
        self.original = feeds.render_feed_file
        self.feed_id = feed_id
        self.account_id = account_id
        self.error = error
        self.calls = 0
        monkeypatch.setattr(feeds, "render_feed_file", self)

    def __call__(self, session: Session, feed: FeedFile, out: BinaryIO) -> RenderResult:
        if feed.id != self.feed_id and feed.account_id != self.account_id:
            return self.original(session, feed, out)
        self.calls += 1
        out.write(b"SKU;Name\nhalf a fi")
        raise self.error


def build_row(runtime: Runtime, feed_id: int) -> FeedBuild | None:
    with runtime.database.sessions() as session:
        return session.get(FeedBuild, feed_id)


def published_file(runtime: Runtime, feed_id: int, extension: str = "csv") -> Path:
    build = build_row(runtime, feed_id)
    assert build is not None and build.published_key is not None
    return runtime.store.path(feed_id, build.published_key, extension)


def catalog_version(runtime: Runtime, account_id: int) -> int:
    with runtime.database.sessions() as session:
        version = session.scalar(select(Account.catalog_version).where(Account.id == account_id))
    assert version is not None
    return version


def settings_version(runtime: Runtime, feed_id: int) -> int:
    with runtime.database.sessions() as session:
        version = session.scalar(select(FeedFile.settings_version).where(FeedFile.id == feed_id))
    assert version is not None
    return version


def fetches(runtime: Runtime, feed_id: int) -> list[Fetch]:
    """The feed's fetch log, oldest first, after writing out what is buffered."""
    runtime.fetch_log.flush()
    with runtime.database.sessions() as session:
        return list(
            session.scalars(select(Fetch).where(Fetch.feed_id == feed_id).order_by(Fetch.id))
        )


def idle(runtime: Runtime) -> None:
    assert runtime.builder.wait_idle(WAIT_S), "the builder did not become idle"


def committed_feed(database: Database, **feed: Any) -> tuple[int, int]:
    """A new account with one product in stock and a CSV feed, committed: (account, feed)."""
    with transaction(database.writes) as session:
        account = accounts.create_account(session, "Builder", "business")
        warehouse = catalog.create_warehouse(session, account.id, WarehouseCreate(name="Main"))
        products = {"products": [{"sku": "A-1", "name": "Alpha"}]}
        catalog.upsert_products(session, account.id, ProductsUpsert.model_validate(products))
        level = {"sku": "A-1", "warehouse_id": warehouse.id, "quantity": "3"}
        catalog.set_stock(session, account.id, StockSet.model_validate({"levels": [level]}))
        body = {
            "store_name": "Marketplace",
            "store_url": "https://market.example",
            "warehouse_ids": [warehouse.id],
            "file_type": "csv",
            "file_name": "stock",
            "columns": [
                {"header": "SKU", "source": "product_field", "field": "sku"},
                {"header": "Qty", "source": "product_field", "field": "quantity"},
            ],
            **feed,
        }
        created = feeds.create_feed(session, account.id, FeedCreate.model_validate(body))
        return account.id, created.id


def set_stock(database: Database, account_id: int, quantity: str) -> None:
    """Set A-1's stock in the account's first warehouse (a change: the catalog version grows)."""
    with transaction(database.writes) as session:
        [warehouse] = catalog.list_warehouses(session, account_id)
        level = {"sku": "A-1", "warehouse_id": warehouse.id, "quantity": quantity}
        catalog.set_stock(session, account_id, StockSet.model_validate({"levels": [level]}))
