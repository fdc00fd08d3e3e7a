"""Builders for feed files: a valid FeedCreate body with overrides."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.catalog.models import Warehouse
from shelfcast.feeds import service
from shelfcast.feeds.models import FeedFile
from shelfcast.feeds.schemas import FeedCreate


def feed_body(warehouses: list[Warehouse], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "store_name": "Marketplace",
        "store_url": "https://market.example",
        "warehouse_ids": [w.id for w in warehouses],
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


def make_feed(
    session: Session, account: Account, warehouses: list[Warehouse], **overrides: Any
) -> FeedFile:
    return service.create_feed(
        session, account.id, FeedCreate.model_validate(feed_body(warehouses, **overrides))
    )
