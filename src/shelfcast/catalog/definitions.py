"""Renaming and deleting what products are described with: warehouses, price types,
custom fields (creating them is in ``service``).

A delete takes the stock, prices or values that belong to the thing with it,
but is refused (``InUseByFeeds``, naming the feeds) while a feed file uses it:
the file would otherwise lose a column or a warehouse without the merchant
knowing. The account's row is locked first on PostgreSQL, so a feed created
meanwhile cannot slip in (the foreign keys are the last guard).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from shelfcast.catalog import definitions_repository as defs
from shelfcast.catalog import repository as repo
from shelfcast.catalog.models import CustomField, CustomFieldType, PriceType, Warehouse
from shelfcast.catalog.rules import (
    NAME_LENGTH,
    Errors,
    currency_code,
    required_text,
    unique_clash,
)
from shelfcast.catalog.schemas import (
    CustomFieldRead,
    CustomFieldUpdate,
    PriceTypeRead,
    PriceTypeUpdate,
)
from shelfcast.errors import Conflict, FeedRef, InUseByFeeds, NotFound, shown


def _refuse_if_used(kind: str, name: str, feeds: list[FeedRef]) -> None:
    if feeds:
        names = ", ".join(f"“{feed.name}”" for feed in feeds)
        raise InUseByFeeds(
            f"the {kind} “{name}” is used by the feed file{'s' if len(feeds) > 1 else ''}"
            f" {names}; remove it from {'them' if len(feeds) > 1 else 'it'} first",
            feeds,
        )


def delete_warehouse(session: Session, account_id: int, warehouse_id: int) -> None:
    """Delete a warehouse and its stock levels, unless a feed sums or shows its stock."""
    repo.lock_account(session, account_id)
    warehouse = repo.get_warehouse(session, account_id, warehouse_id)
    if warehouse is None:
        raise NotFound(f"no warehouse with id {warehouse_id}")
    _refuse_if_used(
        "warehouse", warehouse.name, defs.feeds_using_warehouse(session, account_id, warehouse_id)
    )
    repo.bump_catalog_version(session, account_id)
    with unique_clash("warehouse: a feed file started using it meanwhile; reload and retry"):
        defs.delete_row(session, Warehouse, warehouse_id)


def _price_type(session: Session, account_id: int, price_type_id: int) -> PriceType:
    price_type = defs.get_price_type(session, account_id, price_type_id)
    if price_type is None:
        raise NotFound(f"no price type with id {price_type_id}")
    return price_type


def update_price_type(
    session: Session, account_id: int, price_type_id: int, body: PriceTypeUpdate
) -> PriceTypeRead:
    """Rename a price type or change its currency (prices and feeds keep referring to it)."""
    price_type = _price_type(session, account_id, price_type_id)
    errors = Errors()
    name = price_type.name
    if body.name is not None:
        name = required_text(errors, ("name",), body.name, NAME_LENGTH)
    currency = price_type.currency
    if body.currency is not None:
        currency = currency_code(errors, ("currency",), body.currency)
    errors.raise_any()
    taken = f"name: a price type named {shown(name)} already exists; price type names are unique"
    if name != price_type.name and repo.find_price_type_by_name(session, account_id, name):
        raise Conflict(taken)
    if (name, currency) != (price_type.name, price_type.currency):
        repo.bump_catalog_version(session, account_id)
        with unique_clash(taken):
            defs.change(session, price_type, name=name, currency=currency)
    return PriceTypeRead(id=price_type.id, name=price_type.name, currency=price_type.currency)


def delete_price_type(session: Session, account_id: int, price_type_id: int) -> None:
    """Delete a price type and every product's price of it, unless a feed shows it."""
    repo.lock_account(session, account_id)
    price_type = _price_type(session, account_id, price_type_id)
    _refuse_if_used(
        "price type",
        price_type.name,
        defs.feeds_using_price_type(session, account_id, price_type_id),
    )
    repo.bump_catalog_version(session, account_id)
    with unique_clash("price type: a feed file started using it meanwhile; reload and retry"):
        defs.delete_row(session, PriceType, price_type_id)


def _custom_field(session: Session, account_id: int, field_id: int) -> CustomField:
    found = defs.get_custom_field(session, account_id, field_id)
    if found is None:
        raise NotFound(f"no custom field with id {field_id}")
    return found


def custom_field_read(field: CustomField) -> CustomFieldRead:
    return CustomFieldRead(
        id=field.id, key=field.key, label=field.label, type=CustomFieldType(field.type)
    )


def update_custom_field(
    session: Session, account_id: int, field_id: int, body: CustomFieldUpdate
) -> CustomFieldRead:
    """Change a custom field's label (what the product form shows)."""
    found = _custom_field(session, account_id, field_id)
    errors = Errors()
    label = required_text(errors, ("label",), body.label, NAME_LENGTH)
    errors.raise_any()
    if label != found.label:
        repo.bump_catalog_version(session, account_id)
        defs.change(session, found, label=label)
    return custom_field_read(found)


def delete_custom_field(session: Session, account_id: int, field_id: int) -> None:
    """Delete a custom field and every product's value of it, unless a feed shows it."""
    repo.lock_account(session, account_id)
    found = _custom_field(session, account_id, field_id)
    _refuse_if_used(
        "custom field",
        f"{found.label} ({found.key})",
        defs.feeds_using_custom_field(session, account_id, found.key),
    )
    repo.bump_catalog_version(session, account_id)
    defs.delete_row(session, CustomField, field_id)


def choices_in_use(session: Session, account_id: int, limit: int = 50) -> dict[str, list[str]]:
    """For each choice field, the values products already hold (the form offers them)."""
    return {
        field.key: defs.values_in_use(session, account_id, field.id, limit)
        for field in repo.list_custom_fields(session, account_id)
        if field.type == CustomFieldType.CHOICE
    }
