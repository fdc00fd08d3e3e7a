"""Upserting products: what is written, update semantics, and set-based SQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.catalog import service
from shelfcast.catalog.models import Category, Price, Product, ProductImage
from shelfcast.catalog.schemas import ProductRead, ProductsUpsert, ProductUpsert
from tests.builders import make_account, make_custom_field, make_price_type, make_product
from tests.catalog.support import catalog_version, count, recorded_statements, upsert

FULL = {
    "sku": " SKU-1 ",
    "name": " Linen shirt ",
    "barcode": "4006381333931",
    "category": ["Clothing", "Shirts"],
    "description": "Soft.\nWashable at 40°C.",
    "brand": "Acme",
    "unit": "pcs",
    "weight": "0.2500",
    "images": ["https://cdn.example/1.jpg", "http://cdn.example/2.jpg"],
    "prices": {"Retail": "12.5", "Wholesale": 7},
    "custom": {"color": "Blue", "organic": "yes", "size": "42.0", "since": "2024-02-29"},
}


@pytest.fixture
def account_with_types(session: Session) -> Account:
    account = make_account(session)
    make_price_type(session, account, "Retail")
    make_price_type(session, account, "Wholesale")
    make_custom_field(session, account, "color", type="choice")
    make_custom_field(session, account, "organic", type="boolean")
    make_custom_field(session, account, "size", type="number")
    make_custom_field(session, account, "since", type="date")
    make_custom_field(session, account, "notes", type="text")
    return account


def only_product(session: Session, account_id: int) -> ProductRead:
    page = service.list_products(session, account_id)
    assert len(page.products) == 1
    return page.products[0]


def test_creates_a_product_with_everything(session: Session, account_with_types: Account) -> None:
    account = account_with_types
    before = catalog_version(session, account)

    result = upsert(session, account, FULL)

    assert (result.created, result.updated) == (1, 0)
    assert catalog_version(session, account) == before + 1
    product = only_product(session, account.id)
    assert product.model_dump(exclude={"id", "created_at", "updated_at"}) == {
        "sku": "SKU-1",
        "name": " Linen shirt ",  # free text is kept exactly as sent
        "barcode": "4006381333931",
        "category": ["Clothing", "Shirts"],
        "description": "Soft.\nWashable at 40°C.",
        "brand": "Acme",
        "unit": "pcs",
        "weight": "0.25",
        "images": ["https://cdn.example/1.jpg", "http://cdn.example/2.jpg"],
        "prices": {"Retail": "12.50", "Wholesale": "7.00"},
        "custom": {"color": "Blue", "organic": "true", "size": "42", "since": "2024-02-29"},
        "stock": [],
    }
    assert product.created_at == product.updated_at
    assert service.get_product(session, account.id, product.id) == product


def test_missing_category_nodes_are_created_once(session: Session) -> None:
    account = make_account(session)
    upsert(
        session,
        account,
        {"sku": "a", "name": "A", "category": ["Home", "Kitchen", "Knives"]},
        {"sku": "b", "name": "B", "category": ["Home", "Kitchen"]},
        {"sku": "c", "name": "C", "category": ["Home", "Garden"]},
    )
    upsert(session, account, {"sku": "d", "name": "D", "category": ["Home", "Kitchen", "Pans"]})

    nodes = {c.path: c for c in session.scalars(select(Category))}
    assert sorted(nodes) == [
        "Home",
        "Home > Garden",
        "Home > Kitchen",
        "Home > Kitchen > Knives",
        "Home > Kitchen > Pans",
    ]
    assert nodes["Home"].parent_id is None
    assert nodes["Home > Kitchen"].parent_id == nodes["Home"].id
    assert nodes["Home > Kitchen > Pans"].parent_id == nodes["Home > Kitchen"].id
    assert nodes["Home > Kitchen > Pans"].name == "Pans"
    assert [c.path for c in service.list_categories(session, account.id)][:2] == [
        ["Home"],
        ["Home", "Garden"],
    ]


def test_absent_fields_keep_their_values_and_null_clears(
    session: Session, account_with_types: Account
) -> None:
    account = account_with_types
    upsert(session, account, FULL)
    created = only_product(session, account.id)

    result = upsert(
        session,
        account,
        {"sku": "SKU-1", "name": "Linen shirt II", "barcode": None, "brand": "  ", "weight": None},
    )

    assert (result.created, result.updated) == (0, 1)
    updated = only_product(session, account.id)
    assert (updated.name, updated.barcode, updated.brand, updated.weight) == (
        "Linen shirt II",
        None,
        None,
        None,
    )
    # Left out: unchanged.
    assert updated.model_dump(
        include={"category", "description", "unit", "images", "prices", "custom"}
    ) == (
        created.model_dump(
            include={"category", "description", "unit", "images", "prices", "custom"}
        )
    )
    assert updated.created_at == created.created_at
    assert updated.updated_at > created.updated_at


def test_null_category_images_prices_and_custom_clear_them(
    session: Session, account_with_types: Account
) -> None:
    account = account_with_types
    upsert(session, account, FULL)

    upsert(
        session,
        account,
        {
            "sku": "SKU-1",
            "name": "x",
            "category": None,
            "images": None,
            "prices": None,
            "custom": None,
        },
    )

    product = only_product(session, account.id)
    assert (product.category, product.images, product.prices, product.custom) == (None, [], {}, {})
    assert count(session, Price, account) == 0
    assert count(session, ProductImage, account) == 0
    # The category nodes stay for other products.
    assert count(session, Category, account) == 2


def test_prices_and_custom_values_are_set_one_by_one(
    session: Session, account_with_types: Account
) -> None:
    account = account_with_types
    upsert(session, account, FULL)

    upsert(
        session,
        account,
        {
            "sku": "SKU-1",
            "name": "x",
            "prices": {"Retail": None, "Wholesale": "8.125"},
            "custom": {"color": None, "organic": False, "notes": "  "},
        },
    )

    product = only_product(session, account.id)
    assert product.prices == {"Wholesale": "8.125"}
    assert product.custom == {"organic": "false", "size": "42", "since": "2024-02-29"}


def test_images_are_replaced_in_the_order_given(session: Session) -> None:
    account = make_account(session)
    first = ["https://x.example/b.jpg", "https://x.example/a.jpg"]
    upsert(session, account, {"sku": "s", "name": "S", "images": first})
    assert only_product(session, account.id).images == first

    second = ["https://x.example/c.jpg", "https://x.example/a.jpg", "https://x.example/b.jpg"]
    upsert(session, account, {"sku": "s", "name": "S", "images": second})
    assert only_product(session, account.id).images == second
    upsert(session, account, {"sku": "s", "name": "S", "images": []})
    assert only_product(session, account.id).images == []


def test_mixed_batch_creates_and_updates_and_bumps_once(session: Session) -> None:
    account = make_account(session)
    make_product(session, account, sku="old", name="Old")
    before = catalog_version(session, account)

    result = upsert(
        session, account, {"sku": "old", "name": "Renamed"}, {"sku": "new", "name": "New"}
    )

    assert (result.created, result.updated) == (1, 1)
    assert catalog_version(session, account) == before + 1
    names = {p.sku: p.name for p in service.list_products(session, account.id).products}
    assert names == {"old": "Renamed", "new": "New"}


def test_skus_are_matched_within_the_account_only(session: Session) -> None:
    account, other = make_account(session), make_account(session)
    theirs = make_product(session, other, sku="shared", name="Theirs")

    result = upsert(session, account, {"sku": "shared", "name": "Mine"})

    assert (result.created, result.updated) == (1, 0)
    session.refresh(theirs)
    assert theirs.name == "Theirs"
    assert catalog_version(session, other) == 1


def test_python_callers_get_the_same_semantics(session: Session) -> None:
    """The CLI builds schema objects directly: fields it does not pass stay unset."""
    account = make_account(session)
    make_product(session, account, sku="p", name="P", brand="Acme", weight=Decimal("1.5"))

    body = ProductsUpsert(products=[ProductUpsert(sku="p", name="P2", weight=None)])
    service.upsert_products(session, account.id, body)

    product = only_product(session, account.id)
    assert (product.name, product.brand, product.weight) == ("P2", "Acme", None)


def _catalog(n: int, start: int = 0) -> list[dict[str, object]]:
    return [
        {
            "sku": f"S-{i}",
            "name": f"Product {i}",
            "category": ["Root", f"Leaf {i % 7}"],
            "images": [f"https://img.example/{i}/1.jpg", f"https://img.example/{i}/2.jpg"],
            "prices": {"Retail": f"{i}.99"},
            "custom": {"color": "red"},
        }
        for i in range(start, start + n)
    ]


def test_statements_do_not_grow_with_the_batch(session: Session) -> None:
    account = make_account(session)
    make_price_type(session, account, "Retail")
    make_custom_field(session, account, "color")

    with recorded_statements(session) as small:
        upsert(session, account, *_catalog(100))
    with recorded_statements(session) as large:
        upsert(session, account, *_catalog(1000, start=100))
    with recorded_statements(session) as update:
        upsert(session, account, *_catalog(1000, start=100))

    # Only chunking (IN lists on SQLite, VALUES batches of 1,000 rows) may add some.
    print(len(small), len(large), len(update))
    assert len(large) <= len(small) + 5, large
    assert len(large) <= 25, large
    assert len(update) <= 25, update
    assert count(session, Product, account) == 1100
    assert count(session, ProductImage, account) == 2200
