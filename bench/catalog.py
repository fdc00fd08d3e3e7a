"""A deterministic synthetic catalog, loaded through Shelfcast's own bulk write path.

    python -m bench.catalog --products 100000 --database-url sqlite:///bench.db

The same seed always gives the same products, in the same order: each batch
draws from its own ``random.Random`` seeded with (seed, account, batch), so a
catalog of a million products is the catalog of 100,000 plus more.

What it holds (the mix of issue 5): 5 warehouses, 2 price types, categories two
levels deep, 0-4 image URLs, 3 custom fields; names in French, Russian, German
and English with accents and Cyrillic, ~1 % of them holding the CSV separators
and quotes, ~1 % of the ``material`` texts holding line breaks (product names
may not, by the catalog's rules); ~10 % of the products with no stock anywhere
and ~1 % oversold (a negative sum).

It loads through ``catalog.service.upsert_products`` (batches of 10,000
products) and ``catalog.service.set_stock`` (batches of 100,000 levels), each
batch its own transaction, exactly as the API's requests do: the ingest rates
count the schema's validation, the service's checks and the SQL, not the
generation of the data.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text

from shelfcast.accounts import service as accounts
from shelfcast.catalog import schemas as catalog_schemas
from shelfcast.catalog import service as catalog
from shelfcast.db.database import Database, open_database
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import FeedCreate
from shelfcast.settings import Settings

DEFAULT_SEED = 20261128
DEFAULT_PRODUCTS = 100_000
PRODUCT_BATCH = catalog.MAX_PRODUCTS  # 10,000: the most one upsert takes
STOCK_BATCH = catalog.MAX_LEVELS  # 100,000: the most one stock set takes
ACCOUNT_NAME = "bench"

WAREHOUSES = ["Paris — entrepôt", "Lyon", "Склад Москва", "Köln Lager", "Online dropship"]
FEED_WAREHOUSES = 3  # the feeds sum the first three of the five
PRICE_TYPES = [("Retail", "EUR"), ("Wholesale", "EUR")]
CUSTOM_FIELDS = [
    ("color", "Colour", "choice"),
    ("material", "Material", "text"),
    ("size_eu", "EU size", "number"),
]
CATEGORIES: dict[str, list[str]] = {
    "Cuisine": ["Couteaux", "Casseroles", "Ustensiles", "Vaisselle"],
    "Maison": ["Textile", "Éclairage", "Décoration", "Rangement"],
    "Jardin": ["Outils", "Arrosage", "Mobilier", "Plantes"],
    "Одежда": ["Куртки", "Обувь", "Аксессуары", "Футболки"],
    "Sport": ["Fahrräder", "Laufen", "Wandern", "Schwimmen"],
    "Électronique": ["Audio", "Câbles", "Éclairage LED", "Batteries"],
}
STEMS = [
    "Couteau de chef",
    "Poêle crêpière",
    "Plaid en laine",
    "Lampe de chevet",
    "Sécateur",
    "Нож сантоку",
    "Плед «Уют»",
    "Куртка зимняя",
    "Кроссовки беговые",
    "Wanderschuh Größe",
    "Fahrradhelm",
    "Küchenwaage",
    "Garden trowel",
    "Linen napkins",
    "Stockpot",
    "Café crème mug",
]
COLORS = ["Rouge", "Noir", "Blanc", "Бежевый", "Vert sauge", "Grau", "Bleu nuit", "Серый"]
BRANDS = ["Lumière", "Ателье Север", "Côté Sud", "Nordhaus", "Émile & Fils", "Größenwahn GmbH"]
MATERIALS = ["Coton", "Laine", "Acier inox", "Хлопок", "Edelstahl", "Bambou", "Fonte"]
# What a name of the ~1 % gets appended: every CSV separator, quotes of both kinds.
TRICKY_NAME_TAILS = [
    ', set of 2; "Grand" | 350 ml',
    ' "édition limitée", lot; 3|4',
    ' l\'original, "XL"; 1|2',
]
TRICKY_RATE = 0.01
NO_STOCK_RATE = 0.10
OVERSOLD_RATE = 0.01


@dataclass(frozen=True)
class CatalogAccount:
    """What the benchmarks need to find in a loaded catalog."""

    account_id: int
    products: int
    warehouse_ids: list[int]
    price_type_ids: dict[str, int]
    feed_ids: dict[str, int]  # by file type


@dataclass
class IngestReport:
    products: int = 0
    products_seconds: float = 0.0
    # CPU seconds too: on a shared machine the wall clock also counts waiting for a core.
    products_cpu_seconds: float = 0.0
    stock_rows: int = 0
    stock_seconds: float = 0.0
    batches: list[dict[str, float]] = field(default_factory=list)

    @property
    def products_per_s(self) -> float:
        return self.products / self.products_seconds if self.products_seconds else 0.0

    @property
    def stock_rows_per_s(self) -> float:
        return self.stock_rows / self.stock_seconds if self.stock_seconds else 0.0


# --- the data -------------------------------------------------------------------------------


def sku_of(account: str, n: int) -> str:
    return f"{account.upper()}-{n:07d}"


def _rng(seed: int, account: str, kind: str, batch: int) -> random.Random:
    # A string seed is hashed with SHA-512: the same on every run and machine.
    return random.Random(f"{seed}:{account}:{kind}:{batch}")


def product_items(
    seed: int, account: str, batch: int, start: int, count: int
) -> list[dict[str, Any]]:
    """The upsert items of products ``start`` .. ``start + count - 1`` (1-based numbers)."""
    rng = _rng(seed, account, "products", batch)
    roots = list(CATEGORIES.items())
    items: list[dict[str, Any]] = []
    for n in range(start, start + count):
        sku = sku_of(account, n)
        root, leaves = roots[rng.randrange(len(roots))]
        color = COLORS[rng.randrange(len(COLORS))]
        name = f"{STEMS[rng.randrange(len(STEMS))]} {color} {n}"
        if rng.random() < TRICKY_RATE:
            name += TRICKY_NAME_TAILS[rng.randrange(len(TRICKY_NAME_TAILS))]
        retail = Decimal(rng.randrange(99, 99_999)) / 100
        item: dict[str, Any] = {
            "sku": sku,
            "name": name,
            "barcode": f"{rng.randrange(10**12):013d}" if rng.random() < 0.95 else None,
            "category": [root, leaves[rng.randrange(len(leaves))]],
            "brand": BRANDS[rng.randrange(len(BRANDS))] if rng.random() < 0.95 else None,
            "unit": "m" if rng.random() < 0.05 else "pcs",
            "weight": Decimal(rng.randrange(10, 20_000)) / 1000,
            "description": f"{name}. Livré sous 48 h — доставка 2 дня.",
            "images": [
                f"https://cdn.shop.example/p/{sku}/{i}.jpg" for i in range(1, rng.randrange(5) + 1)
            ],
            "prices": {"Retail": retail},
            "custom": {"color": color},
        }
        if rng.random() < 0.8:
            item["prices"]["Wholesale"] = (retail * Decimal("0.6")).quantize(Decimal("0.01"))
        roll = rng.random()
        if roll < 0.01:  # line breaks inside a cell: CSV must quote them
            item["custom"]["material"] = f"{MATERIALS[rng.randrange(len(MATERIALS))]} 80 %\n"
            item["custom"]["material"] += "Polyester 20 %\r\nLavage 30 °C"
        elif roll < 0.6:
            item["custom"]["material"] = MATERIALS[rng.randrange(len(MATERIALS))]
        if rng.random() < 0.3:
            item["custom"]["size_eu"] = rng.randrange(34, 48)
        items.append(item)
    return items


def stock_levels(
    seed: int, account: str, batch: int, start: int, count: int, warehouse_ids: list[int]
) -> list[dict[str, Any]]:
    """One level per warehouse for products ``start`` .. ``start + count - 1``."""
    rng = _rng(seed, account, "stock", batch)
    levels: list[dict[str, Any]] = []
    for n in range(start, start + count):
        sku = sku_of(account, n)
        roll = rng.random()
        if roll < NO_STOCK_RATE:
            quantities = [0] * len(warehouse_ids)
        elif roll < NO_STOCK_RATE + OVERSOLD_RATE:
            quantities = [0] * len(warehouse_ids)
            quantities[rng.randrange(FEED_WAREHOUSES)] = -rng.randrange(1, 5)
        else:
            quantities = [rng.randrange(0, 200) if rng.random() < 0.7 else 0 for _ in warehouse_ids]
        for warehouse_id, quantity in zip(warehouse_ids, quantities, strict=True):
            levels.append({"sku": sku, "warehouse_id": warehouse_id, "quantity": quantity})
    return levels


def feed_body(file_type: str, warehouse_ids: list[int], retail_id: int) -> dict[str, Any]:
    """The benchmarks' 10-column feed: a sum over 3 of the 5 warehouses, images, a
    price, a custom field and a constant, with every product (zero stock included)."""
    body: dict[str, Any] = {
        "store_name": f"Bench {file_type.upper()}",
        "store_url": "https://marketplace.example",
        "warehouse_ids": warehouse_ids[:FEED_WAREHOUSES],
        "file_type": file_type,
        "file_name": f"bench_{file_type}",
        "include_zero_stock": True,
        "columns": [
            {"header": "SKU", "source": "product_field", "field": "sku"},
            {"header": "Name", "source": "product_field", "field": "name"},
            {"header": "EAN", "source": "product_field", "field": "barcode"},
            {"header": "Category", "source": "product_field", "field": "category_path"},
            {"header": "Brand", "source": "product_field", "field": "brand"},
            {"header": "Quantity", "source": "product_field", "field": "quantity"},
            {"header": "Price", "source": "price", "price_type_id": retail_id},
            {"header": "Images", "source": "product_field", "field": "images"},
            {"header": "Material", "source": "product_field", "field": "custom.material"},
            {"header": "Currency", "source": "custom_value", "value": "EUR"},
        ],
    }
    if file_type == "csv":
        body["csv_separator"] = "comma"
    else:
        body["sheet_name"] = "Stock"
    return body


# --- loading ----------------------------------------------------------------------------------


def _batches(total: int, size: int) -> Iterator[tuple[int, int, int]]:
    """(batch index, first product number, count) covering products 1..total."""
    for index, start in enumerate(range(1, total + 1, size)):
        yield index, start, min(size, total - start + 1)


def load_catalog(
    database: Database,
    *,
    products: int,
    seed: int = DEFAULT_SEED,
    account: str = ACCOUNT_NAME,
    file_types: tuple[str, ...] = ("csv", "xlsx", "xls"),
    progress: Callable[[str], None] | None = None,
) -> tuple[CatalogAccount, IngestReport]:
    """Create the account ``account`` with ``products`` products, their stock and one
    feed per file type; every write goes through the services, batch by batch."""
    say = progress or (lambda _message: None)
    with transaction(database.writes) as session:
        created = accounts.create_account(session, account, "business")
        account_id = created.id
        warehouse_ids = [
            catalog.create_warehouse(
                session, account_id, catalog_schemas.WarehouseCreate(name=name)
            ).id
            for name in WAREHOUSES
        ]
        price_type_ids = {
            name: catalog.create_price_type(
                session, account_id, catalog_schemas.PriceTypeCreate(name=name, currency=currency)
            ).id
            for name, currency in PRICE_TYPES
        }
        for key, label, type_ in CUSTOM_FIELDS:
            catalog.create_custom_field(
                session,
                account_id,
                catalog_schemas.CustomFieldCreate(key=key, label=label, type=type_),
            )

    report = IngestReport()
    for index, start, count in _batches(products, PRODUCT_BATCH):
        items = product_items(seed, account, index, start, count)
        started = time.perf_counter()
        cpu_started = time.process_time()
        body = catalog_schemas.ProductsUpsert.model_validate({"products": items})
        with transaction(database.writes) as session:
            catalog.upsert_products(session, account_id, body)
        seconds = time.perf_counter() - started
        report.products_cpu_seconds += time.process_time() - cpu_started
        report.products += count
        report.products_seconds += seconds
        say(f"products {report.products:,}/{products:,}  ({count / seconds:,.0f}/s)")

    per_batch = STOCK_BATCH // len(warehouse_ids)
    for index, start, count in _batches(products, per_batch):
        levels = stock_levels(seed, account, index, start, count, warehouse_ids)
        started = time.perf_counter()
        stock = catalog_schemas.StockSet.model_validate({"levels": levels})
        with transaction(database.writes) as session:
            catalog.set_stock(session, account_id, stock)
        seconds = time.perf_counter() - started
        report.stock_rows += len(levels)
        report.stock_seconds += seconds
        say(f"stock levels {report.stock_rows:,}  ({len(levels) / seconds:,.0f}/s)")

    with transaction(database.writes) as session:
        feeds.set_integration_enabled(session, account_id, True)
        feed_ids = {
            file_type: feeds.create_feed(
                session,
                account_id,
                FeedCreate.model_validate(
                    feed_body(file_type, warehouse_ids, price_type_ids["Retail"])
                ),
            ).id
            for file_type in file_types
        }
    if database.engine.dialect.name == "sqlite":
        # One self-contained file: the cached copy needs no -wal beside it.
        with database.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    loaded = CatalogAccount(account_id, products, warehouse_ids, price_type_ids, feed_ids)
    return loaded, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=DEFAULT_PRODUCTS)
    parser.add_argument(
        "--database-url", required=True, help="sqlite:///... or postgresql+psycopg://..."
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--account", default=ACCOUNT_NAME, help="name of the account to create")
    parser.add_argument("--data-dir", type=Path, default=Path("bench/.cache/data"))
    args = parser.parse_args(argv)
    database = open_database(Settings(database_url=args.database_url, data_dir=args.data_dir))
    try:
        started = time.perf_counter()
        loaded, report = load_catalog(
            database,
            products=args.products,
            seed=args.seed,
            account=args.account,
            progress=lambda message: print(message, file=sys.stderr),
        )
    finally:
        database.close()
    print(f"loaded in {time.perf_counter() - started:,.1f} s: {asdict(loaded)}")
    print(
        f"ingest: {report.products_per_s:,.0f} products/s ({report.products:,} in"
        f" {report.products_seconds:,.1f} s, {report.products_cpu_seconds:,.1f} CPU-s),"
        f" {report.stock_rows_per_s:,.0f} stock rows/s"
        f" ({report.stock_rows:,} in {report.stock_seconds:,.1f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
