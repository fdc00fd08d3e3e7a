"""The demo account: a small home-goods shop selling on three marketplaces.

Built through the same services the API uses, from a fixed seed, so every
``shelfcast demo`` produces the same catalog.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from shelfcast.accounts import service as accounts
from shelfcast.accounts.models import Language
from shelfcast.catalog import schemas as catalog_schemas
from shelfcast.catalog import service as catalog
from shelfcast.feeds import service as feeds
from shelfcast.feeds.models import FeedFile
from shelfcast.feeds.schemas import FeedCreate

DEMO_ACCOUNT_NAME = "Maison Lumière (demo)"
DEMO_EMAIL = "demo@maison-lumiere.example"
DEMO_PRODUCTS = 300
SEED = 20261128

# Two-level category tree with product name stems (French, Russian, English).
CATALOG: dict[tuple[str, str], list[str]] = {
    ("Cuisine", "Couteaux"): ["Couteau de chef", "Нож сантоку", "Paring knife", "Couteau à pain"],
    ("Cuisine", "Casseroles"): ["Casserole en fonte", "Сотейник", "Stockpot", "Poêle crêpière"],
    ("Cuisine", "Ustensiles"): ["Fouet inox", "Лопатка силиконовая", "Râpe à fromage"],
    ("Maison", "Textile"): ["Plaid en laine", "Плед «Уют»", "Coussin brodé", "Linen napkins"],
    ("Maison", "Éclairage"): [
        "Lampe de chevet",
        "Торшер",
        "Guirlande lumineuse",
        "Bougie parfumée",
    ],
    ("Jardin", "Outils"): ["Sécateur", "Лейка 5 л", "Garden trowel", "Râteau à feuilles"],
}
BRANDS = ["Lumière", "Ателье Север", "Côté Sud", "Nordhaus", "Émile & Fils"]
COLORS = ["Rouge", "Noir", "Blanc", "Бежевый", "Vert sauge", 'Gris "ardoise"']
WAREHOUSES = ["Paris — entrepôt central", "Lyon", "Склад Москва"]


@dataclass(frozen=True)
class Demo:
    account_id: int
    api_key: str
    feeds: list[FeedFile]
    # The web UI's login (the password is new with every demo, shown once).
    email: str = DEMO_EMAIL
    password: str = ""


def delete_demo(session: Session) -> None:
    """Remove an earlier demo account and everything it owns."""
    accounts.delete_accounts_named(session, DEMO_ACCOUNT_NAME)


def create_demo(session: Session, products: int = DEMO_PRODUCTS) -> Demo:
    """Create the demo account with its catalog and three example feeds."""
    rng = random.Random(SEED)
    account = accounts.create_account(session, DEMO_ACCOUNT_NAME, "business")
    # A French shop: its users see the UI in French unless they or their browser choose.
    accounts.set_default_language(session, account.id, Language.FR)
    warehouses = [
        catalog.create_warehouse(session, account.id, catalog_schemas.WarehouseCreate(name=name))
        for name in WAREHOUSES
    ]
    retail = catalog.create_price_type(
        session, account.id, catalog_schemas.PriceTypeCreate(name="Retail", currency="EUR")
    )
    wholesale = catalog.create_price_type(
        session, account.id, catalog_schemas.PriceTypeCreate(name="Wholesale", currency="EUR")
    )
    catalog.create_custom_field(
        session,
        account.id,
        catalog_schemas.CustomFieldCreate(key="color", label="Colour", type="choice"),
    )
    items, levels = _catalog_items(rng, products, [w.id for w in warehouses])
    catalog.upsert_products(
        session, account.id, catalog_schemas.ProductsUpsert.model_validate({"products": items})
    )
    catalog.set_stock(
        session, account.id, catalog_schemas.StockSet.model_validate({"levels": levels})
    )
    feeds.set_integration_enabled(session, account.id, True)
    made = [
        feeds.create_feed(session, account.id, FeedCreate.model_validate(body))
        for body in _feed_bodies([w.id for w in warehouses], retail.id, wholesale.id)
    ]
    _key, api_key = accounts.create_api_key(session, account.id, name="demo")
    password = accounts.generate_password()
    accounts.create_user(session, account.id, DEMO_EMAIL, password)
    return Demo(account_id=account.id, api_key=api_key, feeds=made, password=password)


def _catalog_items(
    rng: random.Random, count: int, warehouse_ids: list[int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    items: list[dict[str, Any]] = []
    levels: list[dict[str, Any]] = []
    groups = list(CATALOG.items())
    for n in range(1, count + 1):
        (root, leaf), stems = groups[n % len(groups)]
        color = rng.choice(COLORS)
        sku = f"ML-{n:05d}"
        retail = Decimal(rng.randrange(390, 25900)) / 100
        item: dict[str, Any] = {
            "sku": sku,
            "name": f"{rng.choice(stems)} — {color}",
            "barcode": f"0{rng.randrange(10**11, 10**12)}",  # EAN-13 with a leading zero
            "category": [root, leaf],
            "brand": rng.choice(BRANDS),
            "unit": "pcs" if leaf != "Textile" else rng.choice(["pcs", "m"]),
            "weight": str(Decimal(rng.randrange(50, 5000)) / 1000),
            "description": f"{rng.choice(stems)}; couleur {color}. Livré sous 48 h.",
            "images": [
                f"https://cdn.maison-lumiere.example/{sku}/{i}.jpg"
                for i in range(1, rng.randrange(0, 5) + 1)
            ],
            "prices": {"Retail": str(retail)},
            "custom": {"color": color},
        }
        if rng.random() < 0.8:
            item["prices"]["Wholesale"] = str((retail * Decimal("0.6")).quantize(Decimal("0.01")))
        items.append(item)
        sold_out = rng.random() < 0.08  # out of stock everywhere: left out of most feeds
        for warehouse_id in warehouse_ids:
            roll = rng.random()
            if sold_out:
                quantity = rng.choice(["0", "0", "-1"])
            elif roll < 0.15:
                quantity = "0"
            elif roll < 0.2:
                quantity = str(-rng.randrange(1, 4))  # oversold in the books
            elif item["unit"] == "m":
                quantity = str(Decimal(rng.randrange(5, 400)) / 10)  # sold by the metre
            else:
                quantity = str(rng.randrange(1, 60))
            levels.append({"sku": sku, "warehouse_id": warehouse_id, "quantity": quantity})
    return items, levels


def _feed_bodies(warehouse_ids: list[int], retail: int, wholesale: int) -> list[dict[str, Any]]:
    return [
        {
            "store_name": "Ozon",
            "store_url": "https://seller.ozon.example",
            "warehouse_ids": warehouse_ids,
            "file_type": "csv",
            "csv_separator": "semicolon",
            "file_name": "ozon_stock",
            "columns": [
                {"header": "Артикул", "source": "product_field", "field": "sku"},
                {"header": "Название товара", "source": "product_field", "field": "name"},
                {"header": "Штрихкод", "source": "product_field", "field": "barcode"},
                {"header": "Количество", "source": "product_field", "field": "quantity"},
                {"header": "Цена", "source": "price", "price_type_id": retail},
                {"header": "Валюта", "source": "custom_value", "value": "EUR"},
            ],
        },
        {
            "store_name": "Cdiscount",
            "store_url": "https://seller.cdiscount.example",
            "warehouse_ids": warehouse_ids[:2],
            "file_type": "xlsx",
            "file_name": "cdiscount_offers",
            "sheet_name": "Offres",
            "header_row": 3,
            "include_zero_stock": True,
            "columns": [
                {"header": "Référence vendeur", "source": "product_field", "field": "sku"},
                {"header": "EAN", "source": "product_field", "field": "barcode"},
                {"header": "Libellé", "source": "product_field", "field": "name"},
                {"header": "Marque", "source": "product_field", "field": "brand"},
                {"header": "Catégorie", "source": "product_field", "field": "category_path"},
                {"header": "Couleur", "source": "product_field", "field": "custom.color"},
                {"header": "Stock", "source": "product_field", "field": "quantity"},
                {"header": "Prix TTC", "source": "price", "price_type_id": retail},
                {"header": "Images", "source": "product_field", "field": "images"},
                {"header": "Délai de livraison", "source": "custom_value", "value": "2"},
            ],
        },
        {
            "store_name": "B2B wholesale portal",
            "store_url": "http://b2b.partner.example/import",
            "warehouse_ids": [warehouse_ids[0]],
            "file_type": "xls",
            "file_name": "wholesale",
            "sheet_name": "Stock",
            "columns": [
                {"header": "Code", "source": "product_field", "field": "sku"},
                {"header": "Designation", "source": "product_field", "field": "name"},
                {"header": "Category", "source": "product_field", "field": "category"},
                {"header": "Unit", "source": "product_field", "field": "unit"},
                {"header": "Qty", "source": "product_field", "field": "quantity"},
                {"header": "Wholesale price", "source": "price", "price_type_id": wholesale},
            ],
        },
    ]
