"""A merchant with a catalog, a user who signs in, and their feeds: for the UI tests.

Written through the services (as the API would), committed: the pages are
served by a real app that reads its own database connection.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shelfcast.accounts import service as accounts
from shelfcast.catalog import schemas as catalog_schemas
from shelfcast.catalog import service as catalog
from shelfcast.catalog.imports import service as imports
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import FeedCreate
from shelfcast.web.runtime import Runtime

PASSWORD = "correct horse battery staple"
_serial = itertools.count(1)


@dataclass
class Merchant:
    account_id: int
    name: str
    email: str
    password: str
    warehouse_ids: list[int]
    price_type_ids: dict[str, int]
    product_ids: list[int]
    feed_ids: list[int] = field(default_factory=list)
    custom_field_ids: dict[str, int] = field(default_factory=dict)
    import_ids: list[int] = field(default_factory=list)


def unique_email(prefix: str = "merchant") -> str:
    return f"{prefix}-{next(_serial)}-{id(_serial)}@shop.example"


def new_merchant(
    runtime: Runtime,
    *,
    plan: str = "business",
    name: str = "Atelier Nord",
    products: int = 8,
    image_base: str = "https://img.shop.example",
) -> Merchant:
    """An account with a user, two warehouses, two price types, a custom field and products."""
    email = unique_email()
    with transaction(runtime.database.writes) as session:
        account = accounts.create_account(session, name, plan)
        accounts.create_user(session, account.id, email, PASSWORD)
        warehouses = [
            catalog.create_warehouse(session, account.id, catalog_schemas.WarehouseCreate(name=n))
            for n in ("Main warehouse", "Outlet")
        ]
        prices = {
            n: catalog.create_price_type(
                session, account.id, catalog_schemas.PriceTypeCreate(name=n, currency="EUR")
            ).id
            for n in ("Retail", "Wholesale")
        }
        color = catalog.create_custom_field(
            session,
            account.id,
            catalog_schemas.CustomFieldCreate(key="color", label="Colour", type="text"),
        )
        items: list[dict[str, Any]] = []
        levels: list[dict[str, Any]] = []
        colours = ["Red", "Black", "Sage green", 'Slate "grey"']
        for n in range(1, products + 1):
            sku = f"AN-{n:03d}"
            items.append(
                {
                    "sku": sku,
                    "name": f"Linen tea towel {n}" if n % 2 else f"Oak chopping board; size {n}",
                    "barcode": f"04006381{n:05d}",
                    "category": ["Kitchen", "Textile" if n % 2 else "Wood"],
                    "brand": "Atelier Nord",
                    "unit": "pcs",
                    "images": [f"{image_base}/{n % 4}.svg", f"{image_base}/{(n + 1) % 4}.svg"],
                    "prices": {"Retail": str(Decimal(1000 + 125 * n) / 100)},
                    "custom": {"color": colours[n % len(colours)]},
                }
            )
            # Product 3 has no stock at all; product 5 is oversold in the outlet.
            levels.append(
                {"sku": sku, "warehouse_id": warehouses[0].id, "quantity": str(0 if n == 3 else n)}
            )
            levels.append(
                {
                    "sku": sku,
                    "warehouse_id": warehouses[1].id,
                    "quantity": "-2" if n == 5 else "0.5",
                }
            )
        if items:
            catalog.upsert_products(
                session,
                account.id,
                catalog_schemas.ProductsUpsert.model_validate({"products": items}),
            )
            catalog.set_stock(
                session, account.id, catalog_schemas.StockSet.model_validate({"levels": levels})
            )
        page = catalog.list_products(session, account.id, limit=500)
        return Merchant(
            account_id=account.id,
            name=name,
            email=email,
            password=PASSWORD,
            warehouse_ids=[w.id for w in warehouses],
            price_type_ids=prices,
            product_ids=[p.id for p in page.products],
            custom_field_ids={"color": color.id},
        )


def add_feed(
    runtime: Runtime, merchant: Merchant, *, integration: bool = True, **overrides: Any
) -> int:
    """A CSV feed of sku, name, quantity, retail price and a constant; returns its id."""
    body: dict[str, Any] = {
        "store_name": "Marketplace",
        "store_url": "https://market.example",
        "warehouse_ids": merchant.warehouse_ids,
        "file_type": "csv",
        "csv_separator": "semicolon",
        "file_name": f"stock_{next(_serial)}",
        "columns": [
            {"header": "SKU", "source": "product_field", "field": "sku"},
            {"header": "Name", "source": "product_field", "field": "name"},
            {"header": "Qty", "source": "product_field", "field": "quantity"},
            {
                "header": "Price",
                "source": "price",
                "price_type_id": merchant.price_type_ids["Retail"],
            },
            {"header": "Currency", "source": "custom_value", "value": "EUR"},
        ],
    }
    body.update(overrides)
    with transaction(runtime.database.writes) as session:
        feed = feeds.create_feed(session, merchant.account_id, FeedCreate.model_validate(body))
        if integration:
            feeds.set_integration_enabled(session, merchant.account_id, True)
        merchant.feed_ids.append(feed.id)
        feed_id = feed.id
    runtime.builder.request(feed_id)
    return feed_id


def feed_url(runtime: Runtime, merchant: Merchant, feed_id: int) -> str:
    with transaction(runtime.database.sessions) as session:
        feed = feeds.get_feed(session, merchant.account_id, feed_id)
        return feeds.feed_reads(session, [feed], runtime.settings.base_url)[0].url


def add_import(runtime: Runtime, merchant: Merchant) -> int:
    """A checked (dry-run) import job of a one-product file, run to its end."""
    data_dir = runtime.settings.data_dir
    stored = imports.save_upload(data_dir, io.BytesIO(b"sku,name\nIMP-1,Imported\n"))
    with transaction(runtime.database.writes) as session:
        job = imports.create_import(
            session, merchant.account_id, data_dir, stored, "mine.csv",
            imports.ImportChoices(dry_run=True),
        )  # fmt: skip
    runtime.imports.submit(job.id)
    runtime.imports.wait_idle()
    merchant.import_ids.append(job.id)
    return job.id
