"""Products: the checked, all-or-nothing upsert by sku, and delete.

An upsert checks the whole batch first (every item, against the account's price
types and custom fields), so a rejected batch writes nothing. It then writes
set-based: product rows, categories, images, prices and custom values each take
a few statements for the whole batch, never one per product. Reads are in
``product_reads``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from sqlalchemy.orm import Session

from shelfcast.catalog import repository as repo
from shelfcast.catalog.models import CustomField
from shelfcast.catalog.rules import (
    BARCODE_LENGTH,
    BRAND_LENGTH,
    LONG_TEXT_LENGTH,
    NAME_LENGTH,
    PRODUCT_NAME_LENGTH,
    SKU_LENGTH,
    UNIT_LENGTH,
    Errors,
    Loc,
    custom_value,
    decimal_problem,
    optional_text,
    required_free_text,
    required_text,
    unique_clash,
    url_problem,
)
from shelfcast.catalog.schemas import CustomValue, ProductsUpsert, ProductUpsert, UpsertResult
from shelfcast.db.base import utcnow
from shelfcast.errors import InvalidInput, NotFound, shown

MAX_PRODUCTS = 10_000
MAX_IMAGES = 100
MAX_CATEGORY_DEPTH = 10
# The joined path is in a unique index: PostgreSQL's btree entries stop at ~2,700 bytes.
CATEGORY_PATH_LENGTH = 500


# --- products: upsert -------------------------------------------------------------------


@dataclass(slots=True)
class _Product:
    """One checked upsert item, ready to write."""

    sku: str
    columns: dict[str, Any] = field(default_factory=dict)  # given product columns
    category: tuple[str, ...] | None = None
    category_given: bool = False
    images: list[str] | None = None  # None: not given
    prices: dict[int, Decimal | None] | None = None  # by price type id; None: not given
    clear_prices: bool = False
    custom: dict[int, str | None] | None = None  # by custom field id; None: not given
    clear_custom: bool = False


# Free text (rules.text_problem): kept as sent, anything but NUL.
_OPTIONAL_TEXT = {
    "barcode": BARCODE_LENGTH,
    "brand": BRAND_LENGTH,
    "unit": UNIT_LENGTH,
    "description": LONG_TEXT_LENGTH,
}
_NEW_PRODUCT = dict.fromkeys(
    ("name", "barcode", "category_id", "description", "brand", "unit", "weight")
)


def _known(kind: str, names: Sequence[str]) -> str:
    if not names:
        return f"this account has no {kind}s yet; create one first"
    return f"this account's {kind}s: {', '.join(names)}"


def _check_product(
    errors: Errors,
    loc: Loc,
    item: ProductUpsert,
    price_types: dict[str, int],
    custom_fields: dict[str, CustomField],
) -> _Product:
    given = item.model_fields_set
    product = _Product(sku=required_text(errors, (*loc, "sku"), item.sku, SKU_LENGTH))
    product.columns["name"] = required_free_text(
        errors, (*loc, "name"), item.name, PRODUCT_NAME_LENGTH
    )
    for name, max_length in _OPTIONAL_TEXT.items():
        if name in given:
            product.columns[name] = optional_text(
                errors, (*loc, name), getattr(item, name), max_length, free_text=True
            )
    if "weight" in given:
        if item.weight is not None:
            problem = decimal_problem(item.weight, negative_ok=False)
            if problem:
                errors.add((*loc, "weight"), problem)
        product.columns["weight"] = item.weight
    if "category" in given:
        product.category_given = True
        product.category = _check_category(errors, (*loc, "category"), item.category)
    if "images" in given:
        product.images = _check_images(errors, (*loc, "images"), item.images or [])
    if "prices" in given:
        if item.prices is None:
            product.clear_prices = True
        else:
            product.prices = _check_prices(errors, (*loc, "prices"), item.prices, price_types)
    if "custom" in given:
        if item.custom is None:
            product.clear_custom = True
        else:
            product.custom = _check_custom(errors, (*loc, "custom"), item.custom, custom_fields)
    return product


def _check_category(errors: Errors, loc: Loc, names: list[str] | None) -> tuple[str, ...] | None:
    if not names:
        return None
    if len(names) > MAX_CATEGORY_DEPTH:
        errors.add(loc, f"must have at most {MAX_CATEGORY_DEPTH} levels (got {len(names)})")
    path = tuple(required_text(errors, (*loc, i), n, NAME_LENGTH) for i, n in enumerate(names))
    for i, name in enumerate(path):
        # " > " joins the levels of a stored path: a name must not be confusable with it.
        if repo.PATH_SEPARATOR in f" {name} ":
            errors.add(
                (*loc, i),
                f"must not contain {repo.PATH_SEPARATOR.strip()!r} between spaces or at an"
                " end (it separates the levels of a category path); give each level as its"
                " own list item",
            )
    joined = len(repo.PATH_SEPARATOR.join(path))
    if joined > CATEGORY_PATH_LENGTH:
        errors.add(
            loc,
            f"must be at most {CATEGORY_PATH_LENGTH} characters when joined with"
            f" {repo.PATH_SEPARATOR!r} (got {joined})",
        )
    return path


def _check_images(errors: Errors, loc: Loc, urls: list[str]) -> list[str]:
    if len(urls) > MAX_IMAGES:
        errors.add(loc, f"must hold at most {MAX_IMAGES} image URLs (got {len(urls)})")
    cleaned = [url.strip() for url in urls]
    for i, url in enumerate(cleaned):
        problem = url_problem(url)
        if problem:
            errors.add((*loc, i), problem)
    return cleaned


def _check_prices(
    errors: Errors, loc: Loc, prices: dict[str, Decimal | None], price_types: dict[str, int]
) -> dict[int, Decimal | None]:
    checked: dict[int, Decimal | None] = {}
    for name, amount in prices.items():
        price_type_id = price_types.get(name)
        if price_type_id is None:
            errors.add(
                (*loc, name),
                f"unknown price type {shown(name)}; {_known('price type', [*price_types])}",
            )
            continue
        if amount is not None:
            problem = decimal_problem(amount, negative_ok=False)
            if problem:
                errors.add((*loc, name), problem)
        checked[price_type_id] = amount
    return checked


def _check_custom(
    errors: Errors,
    loc: Loc,
    values: dict[str, CustomValue],
    custom_fields: dict[str, CustomField],
) -> dict[int, str | None]:
    checked: dict[int, str | None] = {}
    for key, raw in values.items():
        custom_field = custom_fields.get(key)
        if custom_field is None:
            errors.add(
                (*loc, key),
                f"unknown custom field {shown(key)}; {_known('custom field', [*custom_fields])}",
            )
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            checked[custom_field.id] = None
            continue
        try:
            checked[custom_field.id] = custom_value(custom_field.type, raw)
        except ValueError as problem:
            errors.add((*loc, key), str(problem))
    return checked


def upsert_products(session: Session, account_id: int, body: ProductsUpsert) -> UpsertResult:
    """Create or update up to ``MAX_PRODUCTS`` products matched by sku, all or nothing.

    A field left out of an item keeps its stored value; null (or a blank string)
    clears it. ``images`` replaces the product's images, in the order given.
    ``prices`` and ``custom`` set the listed entries (null removes one entry; a
    null map removes them all). Missing category nodes are created.
    """
    items = body.products
    if not 1 <= len(items) <= MAX_PRODUCTS:
        raise InvalidInput.one(
            ("products",),
            f"must hold 1 to {MAX_PRODUCTS} products (got {len(items)});"
            " send a larger catalog in several calls",
        )
    price_types = {p.name: p.id for p in repo.list_price_types(session, account_id)}
    custom_fields = {f.key: f for f in repo.list_custom_fields(session, account_id)}
    errors = Errors()
    products: list[_Product] = []
    first_at: dict[str, int] = {}
    for i, item in enumerate(items):
        product = _check_product(errors, ("products", i), item, price_types, custom_fields)
        if product.sku and product.sku in first_at:
            errors.add(
                ("products", i, "sku"),
                f"duplicate sku {shown(product.sku)}, also at products[{first_at[product.sku]}];"
                " each sku may appear once per batch",
            )
        first_at.setdefault(product.sku, i)
        products.append(product)
    errors.raise_any()

    repo.lock_account(session, account_id)
    existing = repo.product_ids_by_sku(session, account_id, [p.sku for p in products])
    repo.bump_catalog_version(session, account_id)
    category_ids = ensure_categories(
        session, account_id, [p.category for p in products if p.category is not None]
    )
    now = utcnow()
    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    for product in products:
        values = dict(product.columns)
        if product.category_given:
            values["category_id"] = category_ids[product.category] if product.category else None
        if product.sku in existing:
            changed_rows.append({"id": existing[product.sku], **values, "updated_at": now})
        else:
            new_rows.append(
                {
                    **_NEW_PRODUCT,
                    **values,
                    "account_id": account_id,
                    "sku": product.sku,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    with unique_clash("products: another request created some of these skus meanwhile; retry"):
        ids = {**existing, **repo.insert_products(session, new_rows)}
    repo.update_products(session, changed_rows)
    _write_images(session, account_id, products, ids, existing)
    _write_keyed(session, _PRICES, account_id, products, ids, existing)
    _write_keyed(session, _CUSTOM_VALUES, account_id, products, ids, existing)
    return UpsertResult(created=len(new_rows), updated=len(changed_rows))


def ensure_categories(
    session: Session, account_id: int, paths: list[tuple[str, ...]]
) -> dict[tuple[str, ...], int]:
    """The id of every path (and prefix), creating missing nodes one level at a time."""
    wanted = {path[:depth] for path in paths for depth in range(1, len(path) + 1)}
    joined = {path: repo.PATH_SEPARATOR.join(path) for path in wanted}
    ids = repo.category_ids_by_path(session, account_id, sorted(joined.values()))
    missing = sorted((path for path in wanted if joined[path] not in ids), key=len)
    for _depth, level in groupby(missing, key=len):
        rows = [
            {
                "parent_id": ids[joined[path[:-1]]] if len(path) > 1 else None,
                "name": path[-1],
                "path": joined[path],
            }
            for path in level
        ]
        ids.update(repo.ensure_categories(session, account_id, rows))
    return {path: ids[joined[path]] for path in wanted}


def _write_images(
    session: Session,
    account_id: int,
    products: list[_Product],
    ids: dict[str, int],
    existing: dict[str, int],
) -> None:
    given = [p for p in products if p.images is not None]
    repo.delete_images(session, [existing[p.sku] for p in given if p.sku in existing])
    repo.insert_images(
        session,
        [
            {"account_id": account_id, "product_id": ids[p.sku], "position": position, "url": url}
            for p in given
            for position, url in enumerate(p.images or ())
        ],
    )


@dataclass(frozen=True)
class _KeyedValues:
    """One product-owned table keyed by (product, key): prices by price type,
    custom values by custom field. Both are written by :func:`_write_keyed`."""

    key_column: str
    value_column: str
    given: Callable[[_Product], Mapping[int, Any] | None]
    cleared: Callable[[_Product], bool]
    delete: Callable[[Session, Sequence[int], int | None], None]
    upsert: Callable[[Session, Sequence[Mapping[str, Any]]], None]


_PRICES = _KeyedValues(
    "price_type_id",
    "amount",
    lambda p: p.prices,
    lambda p: p.clear_prices,
    repo.delete_prices,
    repo.upsert_prices,
)
_CUSTOM_VALUES = _KeyedValues(
    "custom_field_id",
    "value",
    lambda p: p.custom,
    lambda p: p.clear_custom,
    repo.delete_custom_values,
    repo.upsert_custom_values,
)


def _write_keyed(
    session: Session,
    table: _KeyedValues,
    account_id: int,
    products: list[_Product],
    ids: dict[str, int],
    existing: dict[str, int],
) -> None:
    """Clear what a product's ``null`` map clears, delete each ``null`` value, upsert the rest."""
    cleared = [existing[p.sku] for p in products if table.cleared(p) and p.sku in existing]
    table.delete(session, cleared, None)
    removed: defaultdict[int, list[int]] = defaultdict(list)
    rows: list[dict[str, Any]] = []
    for product in products:
        product_id = ids[product.sku]
        for key, value in (table.given(product) or {}).items():
            if value is not None:
                rows.append(
                    {
                        "account_id": account_id,
                        "product_id": product_id,
                        table.key_column: key,
                        table.value_column: value,
                    }
                )
            elif product.sku in existing:
                removed[key].append(product_id)
    for key, product_ids in removed.items():
        table.delete(session, product_ids, key)
    table.upsert(session, rows)


# --- products: delete -------------------------------------------------------------------


def delete_product(session: Session, account_id: int, product_id: int) -> None:
    """Delete a product with its stock, prices, images and custom values."""
    repo.lock_account(session, account_id)
    if not repo.delete_product(session, account_id, product_id):
        raise NotFound(f"no product with id {product_id}")
    repo.bump_catalog_version(session, account_id)
