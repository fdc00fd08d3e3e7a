"""Reading and deleting products: pages, filters, few queries, account isolation."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from shelfcast.catalog import service
from shelfcast.catalog.models import Price, Product, ProductImage, StockLevel
from shelfcast.errors import InvalidInput, NotFound
from tests.builders import (
    make_account,
    make_category,
    make_custom_field,
    make_price_type,
    make_product,
    make_warehouse,
)
from tests.catalog.support import catalog_version, count, invalid, recorded_statements


def test_pages_follow_the_after_cursor(session: Session) -> None:
    account = make_account(session)
    products = [make_product(session, account) for _ in range(5)]
    make_product(session, make_account(session))

    first = service.list_products(session, account.id, limit=2)
    second = service.list_products(session, account.id, limit=2, after=first.next_after)
    last = service.list_products(session, account.id, limit=2, after=second.next_after)

    seen = [p.id for page in (first, second, last) for p in page.products]
    assert seen == [p.id for p in products]
    assert first.next_after == products[1].id
    assert last.next_after is None


@pytest.mark.parametrize("limit", [0, 501])
def test_page_size_limit(session: Session, limit: int) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        service.list_products(session, make_account(session).id, limit=limit)
    assert invalid(excinfo) == {("limit",): f"must be between 1 and 500 (got {limit})"}


def test_search_by_sku_name_or_barcode(session: Session) -> None:
    account = make_account(session)
    make_product(session, account, sku="TSHIRT-RED", name="Red shirt", barcode="111")
    make_product(session, account, sku="MUG-1", name="Coffee mug", barcode="222")
    make_product(session, account, sku="100%_COTTON", name="Sock", barcode="333")

    def skus(q: str) -> list[str]:
        return [p.sku for p in service.list_products(session, account.id, q=q).products]

    assert skus("shirt") == ["TSHIRT-RED"]
    assert skus("COFFEE") == ["MUG-1"]
    assert skus("222") == ["MUG-1"]
    assert skus("22") == []  # barcodes match whole
    assert skus("%_") == ["100%_COTTON"]  # wildcards are literal
    assert len(skus("  ")) == 3


def test_category_filter_includes_subcategories(session: Session) -> None:
    account = make_account(session)
    make_product(session, account, sku="knife", category=["Home", "Kitchen", "Knives"])
    make_product(session, account, sku="pan", category=["Home", "Kitchen"])
    make_product(session, account, sku="rake", category=["Home", "Garden"])
    make_product(session, account, sku="kitchenette", category=["Home", "Kitchenette"])
    kitchen = make_category(session, account, ["Home", "Kitchen"])
    other = make_account(session)
    theirs = make_category(session, other, ["Home"])
    make_product(session, other, sku="their", category=["Home"])

    page = service.list_products(session, account.id, category_id=kitchen.id)

    assert [p.sku for p in page.products] == ["knife", "pan"]
    assert service.list_products(session, account.id, category_id=theirs.id).products == []


def test_a_page_costs_the_same_few_queries_whatever_its_size(session: Session) -> None:
    account = make_account(session)
    warehouse = make_warehouse(session, account)
    retail = make_price_type(session, account, "Retail")
    color = make_custom_field(session, account, "color")
    for _ in range(30):
        make_product(
            session,
            account,
            stock={warehouse: 1},
            prices={retail: "1"},
            images=["https://x/1", "https://x/2"],
            custom={color: "red"},
            category=["A", "B"],
        )

    with recorded_statements(session) as one:
        small = service.list_products(session, account.id, limit=1)
    with recorded_statements(session) as thirty:
        large = service.list_products(session, account.id, limit=30)

    assert len(one) == len(thirty) == 5
    assert len(small.products) == 1
    assert len(large.products) == 30
    product = large.products[-1]
    assert (product.prices, product.custom, product.category) == (
        {"Retail": "1.00"},
        {"color": "red"},
        ["A", "B"],
    )


def test_get_product_of_another_account_is_not_found(session: Session) -> None:
    account, other = make_account(session), make_account(session)
    theirs = make_product(session, other)

    with pytest.raises(NotFound, match=f"no product with id {theirs.id}"):
        service.get_product(session, account.id, theirs.id)
    with pytest.raises(NotFound):
        service.get_product(session, account.id, 999_999)
    assert service.get_product(session, other.id, theirs.id).sku == theirs.sku


def test_delete_product_removes_everything_of_it(session: Session) -> None:
    account = make_account(session)
    warehouse = make_warehouse(session, account)
    retail = make_price_type(session, account, "Retail")
    product = make_product(
        session, account, stock={warehouse: 3}, prices={retail: "2"}, images=["https://x/1"]
    )
    kept = make_product(session, account, stock={warehouse: 1})
    before = catalog_version(session, account)

    service.delete_product(session, account.id, product.id)

    assert catalog_version(session, account) == before + 1
    assert [p.id for p in service.list_products(session, account.id).products] == [kept.id]
    assert (count(session, StockLevel), count(session, Price), count(session, ProductImage)) == (
        1,
        0,
        0,
    )
    with pytest.raises(NotFound):
        service.delete_product(session, account.id, product.id)


def test_delete_product_of_another_account_is_not_found(session: Session) -> None:
    account, other = make_account(session), make_account(session)
    theirs = make_product(session, other)

    with pytest.raises(NotFound, match=f"no product with id {theirs.id}"):
        service.delete_product(session, account.id, theirs.id)

    assert count(session, Product, other) == 1
    assert catalog_version(session, account) == 1
