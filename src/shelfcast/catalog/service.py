"""The rules of the inventory: what may be written, checked before anything is.

Every function here is one unit of work for the edge (API request, CLI
command), which commits. Writes follow one pattern: validate the whole input
(collecting up to ``MAX_ERRORS`` field errors, so a client fixes a batch in one
round), raise ``InvalidInput`` before touching the database, then bump the
account's ``catalog_version`` once and write set-based. A rejected batch writes
nothing; an accepted one marks every feed of the account stale.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from itertools import groupby
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shelfcast.catalog import repository as repo
from shelfcast.catalog.models import CustomField, CustomFieldType
from shelfcast.catalog.schemas import (
    CategoryRead,
    CustomFieldCreate,
    CustomFieldRead,
    CustomValue,
    PriceTypeCreate,
    PriceTypeRead,
    ProductPage,
    ProductRead,
    ProductsUpsert,
    ProductUpsert,
    StockRead,
    StockSet,
    StockSetResult,
    UpsertResult,
    WarehouseCreate,
    WarehouseRead,
    WarehouseUpdate,
)
from shelfcast.db.base import utcnow
from shelfcast.errors import Conflict, FieldError, InvalidInput, NotFound

MAX_PRODUCTS = 10_000
MAX_LEVELS = 100_000
MAX_ERRORS = 100
MAX_IMAGES = 100
MAX_CATEGORY_DEPTH = 10
# The joined path is in a unique index: PostgreSQL's btree entries stop at ~2,700 bytes.
CATEGORY_PATH_LENGTH = 500
MAX_PAGE = 500

# Lengths: the columns' sizes, and Excel's 32,767 characters per cell for long text.
NAME_LENGTH = 200
SKU_LENGTH = 200
PRODUCT_NAME_LENGTH = 1000
BARCODE_LENGTH = 64
BRAND_LENGTH = 200
UNIT_LENGTH = 50
LONG_TEXT_LENGTH = 32_767
URL_LENGTH = 2000

DECIMAL_PLACES = 4
# Stored as ten-thousandths in a BIGINT (max ~9.2e18): stay well inside it.
DECIMAL_LIMIT = Decimal("1E14")
# Number custom fields are text in the database but numeric cells in feeds.
NUMBER_INTEGER_DIGITS = 15
NUMBER_PLACES = 10

_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
_CURRENCY = re.compile(r"[A-Za-z]{3}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Control characters, and lone surrogates (which no database can store as UTF-8).
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_BLANK_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f\ud800-\udfff]")
# The common shape of an image URL, accepted without the full parse (10,000s per batch).
_PLAIN_URL = re.compile(r"https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?:[/?#][!-~]*)?", re.IGNORECASE)
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
# Exact arithmetic: the default context (28 digits) would round while we inspect.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
_CENTS = Decimal("0.01")
_ONE = Decimal(1)

Loc = tuple[str | int, ...]


# --- checking input ---------------------------------------------------------------------


class _Errors:
    """Collects field errors; raises once ``MAX_ERRORS`` are known (the rest can wait)."""

    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, loc: Loc, message: str) -> None:
        self.items.append(FieldError(loc, message))
        if len(self.items) >= MAX_ERRORS:
            raise InvalidInput(self.items)

    def raise_any(self) -> None:
        if self.items:
            raise InvalidInput(self.items)


def _text_problem(text: str, max_length: int, *, multiline: bool = False) -> str | None:
    if len(text) > max_length:
        return f"must be at most {max_length} characters (got {len(text)})"
    if multiline:
        if _CONTROL_MULTILINE.search(text):
            return "must not contain control characters (tabs and line breaks are allowed)"
    elif _CONTROL.search(text):
        return "must not contain control characters such as tabs or line breaks"
    return None


def _required_text(errors: _Errors, loc: Loc, value: str, max_length: int) -> str:
    """The text stripped of surrounding blanks; an error if empty, too long or with controls."""
    text = value.strip()
    problem = (
        f"must not be empty (1 to {max_length} characters)"
        if not text
        else _text_problem(text, max_length)
    )
    if problem:
        errors.add(loc, problem)
    return text


def _optional_text(
    errors: _Errors, loc: Loc, value: str | None, max_length: int, *, multiline: bool = False
) -> str | None:
    """Stripped text, or None for null or blank (which clears the field)."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    problem = _text_problem(text, max_length, multiline=multiline)
    if problem:
        errors.add(loc, problem)
    return text


def _one_text(loc: Loc, value: str, max_length: int) -> str:
    errors = _Errors()
    text = _required_text(errors, loc, value, max_length)
    errors.raise_any()
    return text


def _places(value: Decimal) -> int:
    exponent = value.normalize(_EXACT).as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    return max(0, -exponent)


def _decimal_problem(value: Decimal, *, negative_ok: bool) -> str | None:
    """What is wrong with an amount, quantity or weight; they are never rounded."""
    if not value.is_finite():
        return "must be a finite number"
    if value < 0 and not negative_ok:
        return "must be 0 or more"
    if abs(value) >= DECIMAL_LIMIT:
        return f"must be less than {DECIMAL_LIMIT:f} in size"
    places = _places(value)
    if places > DECIMAL_PLACES:
        return (
            f"must have at most {DECIMAL_PLACES} decimal places (got {places});"
            " values are stored exactly, never rounded"
        )
    return None


def _url_problem(url: str) -> str | None:
    allowed = "must be an http(s) URL such as https://example.com/image.jpg"
    if len(url) > URL_LENGTH:
        return f"must be at most {URL_LENGTH} characters (got {len(url)})"
    if _PLAIN_URL.fullmatch(url):
        return None
    if _BLANK_OR_CONTROL.search(url):
        return f"{allowed}, without spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return allowed
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return allowed
    return None


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: ``5``, ``2.5``, ``500``, ``0``."""
    normal = value.normalize(_EXACT)
    if normal.as_tuple().exponent > 0:  # type: ignore[operator]  # finite: an int
        normal = normal.quantize(_ONE, context=_EXACT)
    return f"{normal + 0:f}"  # + 0 turns -0 into 0


def _price_text(value: Decimal) -> str:
    """A price with at least two places, as feeds show them: ``12.50``, ``7.00``, ``0.125``."""
    normal = value.normalize(_EXACT)
    if normal.as_tuple().exponent > -2:  # type: ignore[operator]  # finite: an int
        normal = normal.quantize(_CENTS, context=_EXACT)
    return f"{normal:f}"


def _custom_value(type_: str, raw: str | bool | int | Decimal) -> str:
    """The canonical text of a custom field value; ValueError says what is allowed."""
    if type_ == CustomFieldType.BOOLEAN:
        if isinstance(raw, bool):
            return "true" if raw else "false"
        word = str(raw).strip().lower()
        if isinstance(raw, str | int) and word in _TRUE | _FALSE:
            return "true" if word in _TRUE else "false"
        raise ValueError('must be a boolean: true/false, "true"/"false", "1"/"0" or "yes"/"no"')
    if isinstance(raw, bool):
        raise ValueError(f"must be a {type_} value, not a boolean")
    if type_ == CustomFieldType.NUMBER:
        return _custom_number(raw)
    text = raw.strip() if isinstance(raw, str) else _plain(Decimal(raw))
    if type_ == CustomFieldType.DATE:
        try:
            if not _DATE.fullmatch(text):
                raise ValueError
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("must be a date written YYYY-MM-DD, e.g. 2024-12-31") from None
    multiline = type_ == CustomFieldType.TEXT
    problem = _text_problem(
        text, LONG_TEXT_LENGTH if multiline else NAME_LENGTH, multiline=multiline
    )
    if problem:
        raise ValueError(problem)
    return text


def _custom_number(raw: str | int | Decimal) -> str:
    allowed = (
        f"must be a number with at most {NUMBER_INTEGER_DIGITS} digits before the decimal"
        f" point and {NUMBER_PLACES} after, e.g. 12.5"
    )
    try:
        number = Decimal(raw.strip()) if isinstance(raw, str) else Decimal(raw)
    except ArithmeticError:
        raise ValueError(allowed) from None
    if (
        not number.is_finite()
        or (number and number.adjusted() >= NUMBER_INTEGER_DIGITS)
        or _places(number) > NUMBER_PLACES
    ):
        raise ValueError(allowed)
    return _plain(number)


@contextmanager
def _unique_clash(message: str) -> Iterator[None]:
    """A unique constraint hit by a concurrent writer (our own check passed): a Conflict."""
    try:
        yield
    except IntegrityError as error:
        raise Conflict(message) from error


# --- warehouses, price types, custom fields, categories ---------------------------------


def list_warehouses(session: Session, account_id: int) -> list[WarehouseRead]:
    return [WarehouseRead(id=w.id, name=w.name) for w in repo.list_warehouses(session, account_id)]


def get_warehouse(session: Session, account_id: int, warehouse_id: int) -> WarehouseRead:
    warehouse = repo.get_warehouse(session, account_id, warehouse_id)
    if warehouse is None:
        raise NotFound(f"no warehouse with id {warehouse_id}")
    return WarehouseRead(id=warehouse.id, name=warehouse.name)


def _warehouse_name_taken(name: str) -> str:
    return f"name: a warehouse named {name!r} already exists; warehouse names are unique"


def create_warehouse(session: Session, account_id: int, body: WarehouseCreate) -> WarehouseRead:
    """Add a stock location; names are 1-200 characters and unique within the account."""
    name = _one_text(("name",), body.name, NAME_LENGTH)
    if repo.find_warehouse_by_name(session, account_id, name) is not None:
        raise Conflict(_warehouse_name_taken(name))
    repo.bump_catalog_version(session, account_id)
    with _unique_clash(_warehouse_name_taken(name)):
        warehouse = repo.add_warehouse(session, account_id, name)
    return WarehouseRead(id=warehouse.id, name=warehouse.name)


def rename_warehouse(
    session: Session, account_id: int, warehouse_id: int, body: WarehouseUpdate
) -> WarehouseRead:
    """Rename a warehouse (feeds may show warehouse names, so this bumps the catalog)."""
    warehouse = repo.get_warehouse(session, account_id, warehouse_id)
    if warehouse is None:
        raise NotFound(f"no warehouse with id {warehouse_id}")
    name = _one_text(("name",), body.name, NAME_LENGTH)
    if name != warehouse.name:
        other = repo.find_warehouse_by_name(session, account_id, name)
        if other is not None:
            raise Conflict(_warehouse_name_taken(name))
        repo.bump_catalog_version(session, account_id)
        with _unique_clash(_warehouse_name_taken(name)):
            repo.set_warehouse_name(session, warehouse, name)
    return WarehouseRead(id=warehouse.id, name=warehouse.name)


def list_price_types(session: Session, account_id: int) -> list[PriceTypeRead]:
    return [
        PriceTypeRead(id=p.id, name=p.name, currency=p.currency)
        for p in repo.list_price_types(session, account_id)
    ]


def create_price_type(session: Session, account_id: int, body: PriceTypeCreate) -> PriceTypeRead:
    """Add a named price ("Retail"); the currency is an ISO 4217 code, stored upper case."""
    errors = _Errors()
    name = _required_text(errors, ("name",), body.name, NAME_LENGTH)
    currency = body.currency.strip().upper()
    if not _CURRENCY.fullmatch(currency):
        errors.add(("currency",), "must be a 3-letter ISO 4217 currency code such as EUR or USD")
    errors.raise_any()
    taken = f"name: a price type named {name!r} already exists; price type names are unique"
    if repo.find_price_type_by_name(session, account_id, name) is not None:
        raise Conflict(taken)
    repo.bump_catalog_version(session, account_id)
    with _unique_clash(taken):
        price_type = repo.add_price_type(session, account_id, name, currency)
    return PriceTypeRead(id=price_type.id, name=price_type.name, currency=price_type.currency)


def _custom_field_read(field: CustomField) -> CustomFieldRead:
    return CustomFieldRead(
        id=field.id, key=field.key, label=field.label, type=CustomFieldType(field.type)
    )


def list_custom_fields(session: Session, account_id: int) -> list[CustomFieldRead]:
    return [_custom_field_read(f) for f in repo.list_custom_fields(session, account_id)]


def create_custom_field(
    session: Session, account_id: int, body: CustomFieldCreate
) -> CustomFieldRead:
    """Define an extra product field; feeds refer to it as ``custom.<key>``."""
    errors = _Errors()
    key = body.key.strip()
    if not _KEY.fullmatch(key):
        errors.add(
            ("key",),
            "must start with a lowercase letter followed by up to 63 lowercase letters,"
            " digits or underscores (e.g. color or size_eu)",
        )
    label = _required_text(errors, ("label",), body.label, NAME_LENGTH)
    errors.raise_any()
    taken = f"key: a custom field with key {key!r} already exists; keys are unique"
    if repo.find_custom_field_by_key(session, account_id, key) is not None:
        raise Conflict(taken)
    repo.bump_catalog_version(session, account_id)
    with _unique_clash(taken):
        created = repo.add_custom_field(session, account_id, key, label, body.type.value)
    return _custom_field_read(created)


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


_OPTIONAL_TEXT = {
    "barcode": (BARCODE_LENGTH, False),
    "brand": (BRAND_LENGTH, False),
    "unit": (UNIT_LENGTH, False),
    "description": (LONG_TEXT_LENGTH, True),
}
_NEW_PRODUCT = dict.fromkeys(
    ("name", "barcode", "category_id", "description", "brand", "unit", "weight")
)


def _known(kind: str, names: Sequence[str]) -> str:
    if not names:
        return f"this account has no {kind}s yet; create one first"
    return f"this account's {kind}s: {', '.join(names)}"


def _check_product(
    errors: _Errors,
    loc: Loc,
    item: ProductUpsert,
    price_types: dict[str, int],
    custom_fields: dict[str, CustomField],
) -> _Product:
    given = item.model_fields_set
    product = _Product(sku=_required_text(errors, (*loc, "sku"), item.sku, SKU_LENGTH))
    product.columns["name"] = _required_text(errors, (*loc, "name"), item.name, PRODUCT_NAME_LENGTH)
    for name, (max_length, multiline) in _OPTIONAL_TEXT.items():
        if name in given:
            product.columns[name] = _optional_text(
                errors, (*loc, name), getattr(item, name), max_length, multiline=multiline
            )
    if "weight" in given:
        if item.weight is not None:
            problem = _decimal_problem(item.weight, negative_ok=False)
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


def _check_category(errors: _Errors, loc: Loc, names: list[str] | None) -> tuple[str, ...] | None:
    if not names:
        return None
    if len(names) > MAX_CATEGORY_DEPTH:
        errors.add(loc, f"must have at most {MAX_CATEGORY_DEPTH} levels (got {len(names)})")
    path = tuple(_required_text(errors, (*loc, i), n, NAME_LENGTH) for i, n in enumerate(names))
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


def _check_images(errors: _Errors, loc: Loc, urls: list[str]) -> list[str]:
    if len(urls) > MAX_IMAGES:
        errors.add(loc, f"must hold at most {MAX_IMAGES} image URLs (got {len(urls)})")
    cleaned = [url.strip() for url in urls]
    for i, url in enumerate(cleaned):
        problem = _url_problem(url)
        if problem:
            errors.add((*loc, i), problem)
    return cleaned


def _check_prices(
    errors: _Errors, loc: Loc, prices: dict[str, Decimal | None], price_types: dict[str, int]
) -> dict[int, Decimal | None]:
    checked: dict[int, Decimal | None] = {}
    for name, amount in prices.items():
        price_type_id = price_types.get(name)
        if price_type_id is None:
            errors.add(
                (*loc, name), f"unknown price type {name!r}; {_known('price type', [*price_types])}"
            )
            continue
        if amount is not None:
            problem = _decimal_problem(amount, negative_ok=False)
            if problem:
                errors.add((*loc, name), problem)
        checked[price_type_id] = amount
    return checked


def _check_custom(
    errors: _Errors,
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
                f"unknown custom field {key!r}; {_known('custom field', [*custom_fields])}",
            )
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            checked[custom_field.id] = None
            continue
        try:
            checked[custom_field.id] = _custom_value(custom_field.type, raw)
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
    errors = _Errors()
    products: list[_Product] = []
    first_at: dict[str, int] = {}
    for i, item in enumerate(items):
        product = _check_product(errors, ("products", i), item, price_types, custom_fields)
        if product.sku and product.sku in first_at:
            errors.add(
                ("products", i, "sku"),
                f"duplicate sku {product.sku!r}, also at products[{first_at[product.sku]}];"
                " each sku may appear once per batch",
            )
        first_at.setdefault(product.sku, i)
        products.append(product)
    errors.raise_any()

    repo.lock_account(session, account_id)
    existing = repo.product_ids_by_sku(session, account_id, [p.sku for p in products])
    repo.bump_catalog_version(session, account_id)
    category_ids = _ensure_categories(
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
    with _unique_clash("products: another request created some of these skus meanwhile; retry"):
        ids = {**existing, **repo.insert_products(session, new_rows)}
    repo.update_products(session, changed_rows)
    _write_images(session, account_id, products, ids, existing)
    _write_prices(session, account_id, products, ids, existing)
    _write_custom_values(session, account_id, products, ids, existing)
    return UpsertResult(created=len(new_rows), updated=len(changed_rows))


def _ensure_categories(
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


def _write_prices(
    session: Session,
    account_id: int,
    products: list[_Product],
    ids: dict[str, int],
    existing: dict[str, int],
) -> None:
    repo.delete_prices(
        session, [existing[p.sku] for p in products if p.clear_prices and p.sku in existing]
    )
    removed: defaultdict[int, list[int]] = defaultdict(list)
    rows: list[dict[str, Any]] = []
    for product in products:
        product_id = ids[product.sku]
        for price_type_id, amount in (product.prices or {}).items():
            if amount is not None:
                rows.append(
                    {
                        "account_id": account_id,
                        "product_id": product_id,
                        "price_type_id": price_type_id,
                        "amount": amount,
                    }
                )
            elif product.sku in existing:
                removed[price_type_id].append(product_id)
    for price_type_id, product_ids in removed.items():
        repo.delete_prices(session, product_ids, price_type_id)
    repo.upsert_prices(session, rows)


def _write_custom_values(
    session: Session,
    account_id: int,
    products: list[_Product],
    ids: dict[str, int],
    existing: dict[str, int],
) -> None:
    repo.delete_custom_values(
        session, [existing[p.sku] for p in products if p.clear_custom and p.sku in existing]
    )
    removed: defaultdict[int, list[int]] = defaultdict(list)
    rows: list[dict[str, Any]] = []
    for product in products:
        product_id = ids[product.sku]
        for custom_field_id, value in (product.custom or {}).items():
            if value is not None:
                rows.append(
                    {
                        "account_id": account_id,
                        "product_id": product_id,
                        "custom_field_id": custom_field_id,
                        "value": value,
                    }
                )
            elif product.sku in existing:
                removed[custom_field_id].append(product_id)
    for custom_field_id, product_ids in removed.items():
        repo.delete_custom_values(session, product_ids, custom_field_id)
    repo.upsert_custom_values(session, rows)


# --- products: reads and delete ---------------------------------------------------------


def list_products(
    session: Session,
    account_id: int,
    *,
    q: str | None = None,
    category_id: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> ProductPage:
    """A page of products in id order; pass ``next_after`` back as ``after`` for the next.

    ``q`` matches part of the sku or name (case-insensitive) or the whole
    barcode; ``category_id`` keeps products of that category and those below it.
    Five queries per page, whatever its size.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput.one(("limit",), f"must be between 1 and {MAX_PAGE} (got {limit})")
    query = q.strip() if q else None
    if query:
        problem = _text_problem(query, NAME_LENGTH)
        if problem:
            raise InvalidInput.one(("q",), problem)
    rows = repo.product_page(
        session, account_id, q=query or None, category_id=category_id, after=after, limit=limit + 1
    )
    page = rows[:limit]
    return ProductPage(
        products=_product_reads(session, page),
        next_after=page[-1].id if len(rows) > limit else None,
    )


def get_product(session: Session, account_id: int, product_id: int) -> ProductRead:
    row = repo.product_row(session, account_id, product_id)
    if row is None:
        raise NotFound(f"no product with id {product_id}")
    return _product_reads(session, [row])[0]


def delete_product(session: Session, account_id: int, product_id: int) -> None:
    """Delete a product with its stock, prices, images and custom values."""
    repo.lock_account(session, account_id)
    if not repo.delete_product(session, account_id, product_id):
        raise NotFound(f"no product with id {product_id}")
    repo.bump_catalog_version(session, account_id)


def _product_reads(session: Session, rows: Sequence[repo.ProductRow]) -> list[ProductRead]:
    if not rows:
        return []
    ids = [row.id for row in rows]
    stock: defaultdict[int, list[StockRead]] = defaultdict(list)
    for product_id, warehouse_id, quantity in repo.stock_of(session, ids):
        stock[product_id].append(StockRead(warehouse_id=warehouse_id, quantity=_plain(quantity)))
    prices: defaultdict[int, dict[str, str]] = defaultdict(dict)
    for product_id, name, amount in repo.prices_of(session, ids):
        prices[product_id][name] = _price_text(amount)
    images: defaultdict[int, list[str]] = defaultdict(list)
    for product_id, url in repo.images_of(session, ids):
        images[product_id].append(url)
    custom: defaultdict[int, dict[str, str]] = defaultdict(dict)
    for product_id, key, value in repo.custom_values_of(session, ids):
        custom[product_id][key] = value
    return [
        ProductRead(
            id=row.id,
            sku=row.sku,
            name=row.name,
            barcode=row.barcode,
            category=row.category_path.split(repo.PATH_SEPARATOR) if row.category_path else None,
            description=row.description,
            brand=row.brand,
            unit=row.unit,
            weight=_plain(row.weight) if row.weight is not None else None,
            images=images[row.id],
            prices=prices[row.id],
            custom=custom[row.id],
            created_at=row.created_at,
            updated_at=row.updated_at,
            stock=stock[row.id],
        )
        for row in rows
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
    lookup = {sku for sku in skus if _text_problem(sku, SKU_LENGTH) is None}
    product_ids = repo.product_ids_by_sku(session, account_id, sorted(lookup))
    warehouse_ids = repo.warehouse_ids(session, account_id)
    errors = _Errors()
    first_at: dict[tuple[str, int], int] = {}
    rows: list[dict[str, Any]] = []
    for i, (sku, level) in enumerate(zip(skus, levels, strict=True)):
        product_id = product_ids.get(sku)
        if product_id is None:
            errors.add(
                ("levels", i, "sku"),
                f"no product with sku {sku!r}; create it with the products upsert first",
            )
        if level.warehouse_id not in warehouse_ids:
            errors.add(
                ("levels", i, "warehouse_id"),
                f"no warehouse with id {level.warehouse_id} in this account",
            )
        problem = _decimal_problem(level.quantity, negative_ok=True)
        if problem:
            errors.add(("levels", i, "quantity"), problem)
        key = (sku, level.warehouse_id)
        if key in first_at:
            errors.add(
                ("levels", i),
                f"duplicate level for sku {sku!r} in warehouse {level.warehouse_id},"
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
