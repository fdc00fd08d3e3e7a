"""The rules of the inventory: what may be written, checked before anything is.

Every function here is one unit of work for the edge (API request, CLI
command), which commits. Writes follow one pattern: validate the whole input
(collecting up to ``MAX_ERRORS`` field errors, so a client fixes a batch in one
round), raise ``InvalidInput`` before touching the database, then bump the
account's ``catalog_version`` once and write set-based. A rejected batch writes
nothing; an accepted one marks every feed of the account stale.

The input rules live in ``rules``; products in ``products`` (writes) and
``product_reads`` (reads), re-exported here so callers use one module.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from shelfcast.catalog import repository as repo
from shelfcast.catalog.definitions import (
    choices_in_use,
    custom_field_read,
    delete_custom_field,
    delete_price_type,
    delete_warehouse,
    update_custom_field,
    update_price_type,
)
from shelfcast.catalog.product_reads import find_product_id, get_product, list_products
from shelfcast.catalog.products import MAX_PRODUCTS, delete_product, upsert_products
from shelfcast.catalog.rules import (
    NAME_LENGTH,
    SKU_LENGTH,
    Errors,
    currency_code,
    decimal_problem,
    one_text,
    required_text,
    text_problem,
    unique_clash,
)
from shelfcast.catalog.schemas import (
    CategoryRead,
    CustomFieldCreate,
    CustomFieldRead,
    PriceTypeCreate,
    PriceTypeRead,
    StockSet,
    StockSetResult,
    WarehouseCreate,
    WarehouseRead,
    WarehouseUpdate,
)
from shelfcast.catalog.stock import adjust_stock, list_adjustments, set_levels
from shelfcast.errors import Conflict, InvalidInput, NotFound, shown

__all__ = [
    "MAX_LEVELS",
    "MAX_PRODUCTS",
    "adjust_stock",
    "choices_in_use",
    "create_custom_field",
    "create_price_type",
    "create_warehouse",
    "delete_custom_field",
    "delete_price_type",
    "delete_product",
    "delete_warehouse",
    "find_product_id",
    "get_product",
    "get_warehouse",
    "list_adjustments",
    "list_categories",
    "list_custom_fields",
    "list_price_types",
    "list_products",
    "list_warehouses",
    "rename_warehouse",
    "set_levels",
    "set_stock",
    "update_custom_field",
    "update_price_type",
    "upsert_products",
]

MAX_LEVELS = 100_000

_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")


# --- warehouses, price types, custom fields, categories ---------------------------------


def list_warehouses(session: Session, account_id: int) -> list[WarehouseRead]:
    return [WarehouseRead(id=w.id, name=w.name) for w in repo.list_warehouses(session, account_id)]


def get_warehouse(session: Session, account_id: int, warehouse_id: int) -> WarehouseRead:
    warehouse = repo.get_warehouse(session, account_id, warehouse_id)
    if warehouse is None:
        raise NotFound(f"no warehouse with id {warehouse_id}")
    return WarehouseRead(id=warehouse.id, name=warehouse.name)


def _warehouse_name_taken(name: str) -> str:
    return f"name: a warehouse named {shown(name)} already exists; warehouse names are unique"


def create_warehouse(session: Session, account_id: int, body: WarehouseCreate) -> WarehouseRead:
    """Add a stock location; names are 1-200 characters and unique within the account."""
    name = one_text(("name",), body.name, NAME_LENGTH)
    if repo.find_warehouse_by_name(session, account_id, name) is not None:
        raise Conflict(_warehouse_name_taken(name))
    repo.bump_catalog_version(session, account_id)
    with unique_clash(_warehouse_name_taken(name)):
        warehouse = repo.add_warehouse(session, account_id, name)
    return WarehouseRead(id=warehouse.id, name=warehouse.name)


def rename_warehouse(
    session: Session, account_id: int, warehouse_id: int, body: WarehouseUpdate
) -> WarehouseRead:
    """Rename a warehouse (feeds may show warehouse names, so this bumps the catalog)."""
    warehouse = repo.get_warehouse(session, account_id, warehouse_id)
    if warehouse is None:
        raise NotFound(f"no warehouse with id {warehouse_id}")
    name = one_text(("name",), body.name, NAME_LENGTH)
    if name != warehouse.name:
        other = repo.find_warehouse_by_name(session, account_id, name)
        if other is not None:
            raise Conflict(_warehouse_name_taken(name))
        repo.bump_catalog_version(session, account_id)
        with unique_clash(_warehouse_name_taken(name)):
            repo.set_warehouse_name(session, warehouse, name)
    return WarehouseRead(id=warehouse.id, name=warehouse.name)


def list_price_types(session: Session, account_id: int) -> list[PriceTypeRead]:
    return [
        PriceTypeRead(id=p.id, name=p.name, currency=p.currency)
        for p in repo.list_price_types(session, account_id)
    ]


def create_price_type(session: Session, account_id: int, body: PriceTypeCreate) -> PriceTypeRead:
    """Add a named price ("Retail"); the currency is an ISO 4217 code, stored upper case."""
    errors = Errors()
    name = required_text(errors, ("name",), body.name, NAME_LENGTH)
    currency = currency_code(errors, ("currency",), body.currency)
    errors.raise_any()
    taken = f"name: a price type named {shown(name)} already exists; price type names are unique"
    if repo.find_price_type_by_name(session, account_id, name) is not None:
        raise Conflict(taken)
    repo.bump_catalog_version(session, account_id)
    with unique_clash(taken):
        price_type = repo.add_price_type(session, account_id, name, currency)
    return PriceTypeRead(id=price_type.id, name=price_type.name, currency=price_type.currency)


def list_custom_fields(session: Session, account_id: int) -> list[CustomFieldRead]:
    return [custom_field_read(f) for f in repo.list_custom_fields(session, account_id)]


def create_custom_field(
    session: Session, account_id: int, body: CustomFieldCreate
) -> CustomFieldRead:
    """Define an extra product field; feeds refer to it as ``custom.<key>``."""
    errors = Errors()
    key = body.key.strip()
    if not _KEY.fullmatch(key):
        errors.add(
            ("key",),
            "must start with a lowercase letter followed by up to 63 lowercase letters,"
            " digits or underscores (e.g. color or size_eu)",
        )
    label = required_text(errors, ("label",), body.label, NAME_LENGTH)
    errors.raise_any()
    taken = f"key: a custom field with key {shown(key)} already exists; keys are unique"
    if repo.find_custom_field_by_key(session, account_id, key) is not None:
        raise Conflict(taken)
    repo.bump_catalog_version(session, account_id)
    with unique_clash(taken):
        created = repo.add_custom_field(session, account_id, key, label, body.type.value)
    return custom_field_read(created)


def list_categories(session: Session, account_id: int) -> list[CategoryRead]:
    """The category tree as a flat list in path order (a parent before its children)."""
    return [
        CategoryRead(
            id=c.id,
            parent_id=c.parent_id,
            name=c.name,
            path=c.path.split(repo.PATH_SEPARATOR),
        )
        for c in repo.list_categories(session, account_id)
    ]


# --- stock ------------------------------------------------------------------------------


def set_stock(session: Session, account_id: int, body: StockSet) -> StockSetResult:
    """Set absolute quantities per (sku, warehouse), up to ``MAX_LEVELS``, all or nothing.

    Quantities may be negative or fractional (at most four places). Each sku
    must be a product of the account and each warehouse one of its warehouses.
    """
    levels = body.levels
    if not 1 <= len(levels) <= MAX_LEVELS:
        raise InvalidInput.one(
            ("levels",),
            f"must hold 1 to {MAX_LEVELS} levels (got {len(levels)}); send more in several calls",
        )
    repo.lock_account(session, account_id)
    skus = [level.sku.strip() for level in levels]
    # A text no sku can be (e.g. holding NUL, which PostgreSQL refuses) is not looked up.
    lookup = {sku for sku in skus if text_problem(sku, SKU_LENGTH) is None}
    product_ids = repo.product_ids_by_sku(session, account_id, sorted(lookup))
    warehouse_ids = repo.warehouse_ids(session, account_id)
    errors = Errors()
    first_at: dict[tuple[str, int], int] = {}
    rows: list[dict[str, Any]] = []
    for i, (sku, level) in enumerate(zip(skus, levels, strict=True)):
        product_id = product_ids.get(sku)
        if product_id is None:
            errors.add(
                ("levels", i, "sku"),
                f"no product with sku {shown(sku)}; create it with the products upsert first",
            )
        if level.warehouse_id not in warehouse_ids:
            errors.add(
                ("levels", i, "warehouse_id"),
                f"no warehouse with id {level.warehouse_id} in this account",
            )
        problem = decimal_problem(level.quantity, negative_ok=True)
        if problem:
            errors.add(("levels", i, "quantity"), problem)
        key = (sku, level.warehouse_id)
        if key in first_at:
            errors.add(
                ("levels", i),
                f"duplicate level for sku {shown(sku)} in warehouse {level.warehouse_id},"
                f" also at levels[{first_at[key]}]; send each pair once",
            )
        first_at.setdefault(key, i)
        if product_id is not None:
            rows.append(
                {
                    "account_id": account_id,
                    "product_id": product_id,
                    "warehouse_id": level.warehouse_id,
                    "quantity": level.quantity,
                }
            )
    errors.raise_any()
    repo.bump_catalog_version(session, account_id)
    repo.upsert_stock(session, rows)
    return StockSetResult(updated=len(rows))
