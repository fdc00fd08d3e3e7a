"""Setting stock levels: absolute, validated per row, one statement."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfcast.catalog import service
from shelfcast.catalog.models import StockLevel
from shelfcast.catalog.schemas import StockLevelSet, StockSet
from shelfcast.errors import InvalidInput
from tests.builders import make_account, make_product, make_warehouse
from tests.catalog.support import (
    catalog_version,
    count,
    invalid,
    recorded_statements,
    stock_body,
)


def test_sets_absolute_quantities(session: Session) -> None:
    account = make_account(session)
    main, depot = make_warehouse(session, account), make_warehouse(session, account)
    product = make_product(session, account, sku="A", stock={main: 10})
    before = catalog_version(session, account)

    result = service.set_stock(
        session,
        account.id,
        stock_body(
            {"sku": "A", "warehouse_id": main.id, "quantity": "5"},
            {"sku": " A ", "warehouse_id": depot.id, "quantity": 2.5},
        ),
    )

    assert result.updated == 2
    assert catalog_version(session, account) == before + 1
    stock = service.get_product(session, account.id, product.id).stock
    assert [(s.warehouse_id, s.quantity) for s in stock] == [(main.id, "5"), (depot.id, "2.5")]


@pytest.mark.parametrize(
    ("quantity", "shown"), [("-3", "-3"), ("0.0001", "0.0001"), ("7.000", "7"), (0, "0")]
)
def test_quantities_may_be_negative_or_fractional(
    session: Session, quantity: str | int, shown: str
) -> None:
    account = make_account(session)
    warehouse = make_warehouse(session, account)
    product = make_product(session, account, sku="A")

    service.set_stock(
        session,
        account.id,
        stock_body({"sku": "A", "warehouse_id": warehouse.id, "quantity": quantity}),
    )

    assert service.get_product(session, account.id, product.id).stock[0].quantity == shown
    stored = session.scalar(select(StockLevel.quantity))
    assert stored == Decimal(quantity)


def test_row_errors_name_the_field_and_nothing_is_written(session: Session) -> None:
    account, other = make_account(session), make_account(session)
    warehouse = make_warehouse(session, account)
    theirs = make_warehouse(session, other)
    make_product(session, account, sku="A")
    make_product(session, other, sku="B")
    before = catalog_version(session, account)

    with pytest.raises(InvalidInput) as excinfo:
        service.set_stock(
            session,
            account.id,
            stock_body(
                {"sku": "A", "warehouse_id": warehouse.id, "quantity": "1"},
                {"sku": "B", "warehouse_id": warehouse.id, "quantity": "1"},
                {"sku": "A", "warehouse_id": theirs.id, "quantity": "1"},
                {"sku": "A", "warehouse_id": 999_999, "quantity": "1"},
                {"sku": "A", "warehouse_id": warehouse.id, "quantity": "1.00001"},
            ),
        )

    assert invalid(excinfo) == {
        ("levels", 1, "sku"): "no product with sku 'B'; create it with the products upsert first",
        ("levels", 2, "warehouse_id"): f"no warehouse with id {theirs.id} in this account",
        ("levels", 3, "warehouse_id"): "no warehouse with id 999999 in this account",
        ("levels", 4, "quantity"): "must have at most 4 decimal places (got 5);"
        " values are stored exactly, never rounded",
        ("levels", 4): f"duplicate level for sku 'A' in warehouse {warehouse.id},"
        " also at levels[0]; send each pair once",
    }
    assert count(session, StockLevel) == 0
    assert catalog_version(session, account) == before


def test_quantities_out_of_range(session: Session) -> None:
    account = make_account(session)
    warehouse = make_warehouse(session, account)
    make_product(session, account, sku="A")
    with pytest.raises(InvalidInput) as excinfo:
        service.set_stock(
            session,
            account.id,
            stock_body({"sku": "A", "warehouse_id": warehouse.id, "quantity": "-1E14"}),
        )
    assert invalid(excinfo) == {
        ("levels", 0, "quantity"): "must be less than 100000000000000 in size"
    }


@pytest.mark.parametrize("size", [0, 100_001])
def test_levels_per_call_limit(session: Session, size: int) -> None:
    account = make_account(session)
    level = StockLevelSet(sku="A", warehouse_id=1, quantity=Decimal(1))
    with pytest.raises(InvalidInput) as excinfo:
        service.set_stock(session, account.id, StockSet.model_construct(levels=[level] * size))
    assert invalid(excinfo) == {
        ("levels",): f"must hold 1 to 100000 levels (got {size}); send more in several calls"
    }


def test_one_upsert_statement_whatever_the_number_of_levels(session: Session) -> None:
    account = make_account(session)
    warehouses = [make_warehouse(session, account) for _ in range(4)]
    skus = [f"S{i}" for i in range(250)]
    for sku in skus:
        make_product(session, account, sku=sku)

    def levels(n_skus: int) -> StockSet:
        return stock_body(
            *(
                {"sku": sku, "warehouse_id": w.id, "quantity": "3"}
                for sku in skus[:n_skus]
                for w in warehouses
            )
        )

    with recorded_statements(session) as few:
        service.set_stock(session, account.id, levels(2))
    with recorded_statements(session) as many:
        service.set_stock(session, account.id, levels(250))

    assert len(few) <= 5
    assert len(many) <= len(few) + 1  # PostgreSQL sends VALUES in batches of 1,000 rows
    assert count(session, StockLevel, account) == 1000
