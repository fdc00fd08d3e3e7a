"""Warehouses, price types, custom fields: the rules, uniqueness and account isolation."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from shelfcast.catalog import service
from shelfcast.catalog.models import CustomFieldType, Warehouse
from shelfcast.catalog.schemas import (
    CustomFieldCreate,
    PriceTypeCreate,
    WarehouseCreate,
    WarehouseRead,
    WarehouseUpdate,
)
from shelfcast.errors import Conflict, InvalidInput, NotFound
from tests.builders import make_account, make_warehouse
from tests.catalog.support import catalog_version, count, invalid


def test_create_warehouse_strips_the_name_and_bumps_the_catalog(session: Session) -> None:
    account = make_account(session)
    before = catalog_version(session, account)

    created = service.create_warehouse(session, account.id, WarehouseCreate(name="  Main  "))

    assert created == WarehouseRead(id=created.id, name="Main")
    assert service.get_warehouse(session, account.id, created.id) == created
    assert service.list_warehouses(session, account.id) == [created]
    assert catalog_version(session, account) == before + 1


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "must not be empty (1 to 200 characters)"),
        ("x" * 201, "must be at most 200 characters (got 201)"),
        ("Main\nStore", "must not contain control characters"),
    ],
)
def test_warehouse_name_rules(session: Session, name: str, message: str) -> None:
    account = make_account(session)
    with pytest.raises(InvalidInput) as excinfo:
        service.create_warehouse(session, account.id, WarehouseCreate(name=name))
    assert message in invalid(excinfo)[("name",)]
    assert count(session, Warehouse, account) == 0


def test_warehouse_names_are_unique_per_account(session: Session) -> None:
    account, other = make_account(session), make_account(session)
    service.create_warehouse(session, account.id, WarehouseCreate(name="Main"))
    before = catalog_version(session, account)

    with pytest.raises(Conflict, match="name: a warehouse named 'Main' already exists"):
        service.create_warehouse(session, account.id, WarehouseCreate(name=" Main"))

    assert catalog_version(session, account) == before
    # Another account may use the same name.
    service.create_warehouse(session, other.id, WarehouseCreate(name="Main"))


def test_rename_warehouse(session: Session) -> None:
    account = make_account(session)
    main = service.create_warehouse(session, account.id, WarehouseCreate(name="Main"))
    service.create_warehouse(session, account.id, WarehouseCreate(name="Depot"))
    before = catalog_version(session, account)

    renamed = service.rename_warehouse(session, account.id, main.id, WarehouseUpdate(name="North"))

    assert renamed == WarehouseRead(id=main.id, name="North")
    assert catalog_version(session, account) == before + 1
    with pytest.raises(Conflict, match="'Depot' already exists"):
        service.rename_warehouse(session, account.id, main.id, WarehouseUpdate(name="Depot"))
    with pytest.raises(InvalidInput) as excinfo:
        service.rename_warehouse(session, account.id, main.id, WarehouseUpdate(name=""))
    assert ("name",) in invalid(excinfo)
    # Renaming to its own name is no change.
    service.rename_warehouse(session, account.id, main.id, WarehouseUpdate(name="North"))
    assert catalog_version(session, account) == before + 1


def test_another_accounts_warehouse_is_not_found(session: Session) -> None:
    account, other = make_account(session), make_account(session)
    theirs = make_warehouse(session, other, "Theirs")

    with pytest.raises(NotFound) as foreign:
        service.get_warehouse(session, account.id, theirs.id)
    with pytest.raises(NotFound) as missing:
        service.get_warehouse(session, account.id, 999_999)
    with pytest.raises(NotFound):
        service.rename_warehouse(session, account.id, theirs.id, WarehouseUpdate(name="Mine"))

    assert str(foreign.value) == f"no warehouse with id {theirs.id}"
    assert str(missing.value) == "no warehouse with id 999999"
    assert service.list_warehouses(session, account.id) == []
    assert service.get_warehouse(session, other.id, theirs.id).name == "Theirs"


def test_price_types(session: Session) -> None:
    account = make_account(session)
    before = catalog_version(session, account)

    retail = service.create_price_type(
        session, account.id, PriceTypeCreate(name=" Retail ", currency=" eur")
    )

    assert (retail.name, retail.currency) == ("Retail", "EUR")
    assert service.list_price_types(session, account.id) == [retail]
    assert catalog_version(session, account) == before + 1
    with pytest.raises(Conflict, match="name: a price type named 'Retail' already exists"):
        service.create_price_type(
            session, account.id, PriceTypeCreate(name="Retail", currency="USD")
        )
    assert service.list_price_types(session, make_account(session).id) == []


@pytest.mark.parametrize("currency", ["EURO", "E1R", "", "€€€"])
def test_price_type_currency_is_a_three_letter_code(session: Session, currency: str) -> None:
    account = make_account(session)
    with pytest.raises(InvalidInput) as excinfo:
        service.create_price_type(session, account.id, PriceTypeCreate(name="", currency=currency))
    assert invalid(excinfo) == {
        ("name",): "must not be empty (1 to 200 characters)",
        ("currency",): "must be a 3-letter ISO 4217 currency code such as EUR or USD",
    }


def test_custom_fields(session: Session) -> None:
    account = make_account(session)
    before = catalog_version(session, account)

    size = service.create_custom_field(
        session,
        account.id,
        CustomFieldCreate.model_validate({"key": "size_eu", "label": " Size ", "type": "number"}),
    )

    assert (size.key, size.label, size.type) == ("size_eu", "Size", CustomFieldType.NUMBER)
    assert service.list_custom_fields(session, account.id) == [size]
    assert catalog_version(session, account) == before + 1
    with pytest.raises(Conflict, match="key: a custom field with key 'size_eu' already exists"):
        service.create_custom_field(
            session, account.id, CustomFieldCreate(key="size_eu", label="x", type="text")
        )


@pytest.mark.parametrize("key", ["Size", "1size", "size-eu", "_size", "s" * 65, ""])
def test_custom_field_key_rule(session: Session, key: str) -> None:
    account = make_account(session)
    with pytest.raises(InvalidInput) as excinfo:
        service.create_custom_field(
            session, account.id, CustomFieldCreate(key=key, label="Size", type="text")
        )
    assert invalid(excinfo) == {
        ("key",): "must start with a lowercase letter followed by up to 63 lowercase letters,"
        " digits or underscores (e.g. color or size_eu)"
    }


def test_custom_field_type_is_one_of_the_known_types() -> None:
    with pytest.raises(ValueError, match="'text', 'number', 'boolean', 'date' or 'choice'"):
        CustomFieldCreate.model_validate({"key": "k", "label": "K", "type": "color"})


def test_schemas_refuse_unknown_fields() -> None:
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        WarehouseCreate.model_validate({"name": "Main", "city": "Lyon"})
