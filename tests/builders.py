"""Small typed builders for test data, written straight through the ORM.

They bypass the services on purpose: tests of a service use the service, every
other test just needs rows in the database.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.catalog.models import (
    Category,
    CustomField,
    CustomFieldValue,
    Price,
    PriceType,
    Product,
    ProductImage,
    StockLevel,
    Warehouse,
)

_counter = itertools.count(1)


def make_account(session: Session, *, name: str = "Shop", plan: str = "business") -> Account:
    account = Account(name=name, plan=plan)
    session.add(account)
    session.flush()
    return account


def make_warehouse(session: Session, account: Account, name: str | None = None) -> Warehouse:
    warehouse = Warehouse(account_id=account.id, name=name or f"Warehouse {next(_counter)}")
    session.add(warehouse)
    session.flush()
    return warehouse


def make_price_type(
    session: Session, account: Account, name: str | None = None, currency: str = "EUR"
) -> PriceType:
    price_type = PriceType(
        account_id=account.id, name=name or f"Price {next(_counter)}", currency=currency
    )
    session.add(price_type)
    session.flush()
    return price_type


def make_custom_field(
    session: Session, account: Account, key: str | None = None, type: str = "text"
) -> CustomField:
    key = key or f"field_{next(_counter)}"
    field = CustomField(account_id=account.id, key=key, label=key.title(), type=type)
    session.add(field)
    session.flush()
    return field


def make_category(session: Session, account: Account, path: Sequence[str]) -> Category:
    """The leaf of ``path`` (root first), creating the missing nodes."""
    parent: Category | None = None
    for depth in range(1, len(path) + 1):
        joined = " > ".join(path[:depth])
        found = session.query(Category).filter_by(account_id=account.id, path=joined).one_or_none()
        if found is None:
            found = Category(
                account_id=account.id,
                parent_id=parent.id if parent else None,
                name=path[depth - 1],
                path=joined,
            )
            session.add(found)
            session.flush()
        parent = found
    assert parent is not None
    return parent


def make_product(
    session: Session,
    account: Account,
    *,
    stock: Mapping[Warehouse, Decimal | int | str] | None = None,
    prices: Mapping[PriceType, Decimal | str] | None = None,
    images: Sequence[str] = (),
    custom: Mapping[CustomField, str] | None = None,
    category: Sequence[str] = (),
    **fields: object,
) -> Product:
    n = next(_counter)
    values: dict[str, object] = {"sku": f"SKU-{n:05d}", "name": f"Product {n}"}
    values.update(fields)
    if category:
        values["category_id"] = make_category(session, account, category).id
    product = Product(account_id=account.id, **values)
    session.add(product)
    session.flush()
    for warehouse, quantity in (stock or {}).items():
        session.add(
            StockLevel(
                account_id=account.id,
                product_id=product.id,
                warehouse_id=warehouse.id,
                quantity=Decimal(str(quantity)),
            )
        )
    for price_type, amount in (prices or {}).items():
        session.add(
            Price(
                account_id=account.id,
                product_id=product.id,
                price_type_id=price_type.id,
                amount=Decimal(str(amount)),
            )
        )
    for position, url in enumerate(images):
        session.add(
            ProductImage(account_id=account.id, product_id=product.id, position=position, url=url)
        )
    for field, value in (custom or {}).items():
        session.add(
            CustomFieldValue(
                account_id=account.id, product_id=product.id, custom_field_id=field.id, value=value
            )
        )
    session.flush()
    return product
