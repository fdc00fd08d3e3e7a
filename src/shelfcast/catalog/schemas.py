"""The API shapes of the inventory (SPEC section 8 names these fields; add, don't rename).

Input schemas check shape only (types, unknown keys); the rules (lengths,
decimal places, known price types, ...) live in ``catalog.service`` so that
every caller, API or CLI, gets the same ``InvalidInput`` naming each bad field.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
)

from shelfcast.catalog.models import CustomFieldType

__all__ = [
    "CategoryRead",
    "CustomFieldCreate",
    "CustomFieldRead",
    "CustomFieldUpdate",
    "CustomValue",
    "FeedRefRead",
    "InUseRead",
    "PriceTypeCreate",
    "PriceTypeRead",
    "PriceTypeUpdate",
    "ProductPage",
    "ProductRead",
    "ProductUpsert",
    "ProductsUpsert",
    "StockAdjust",
    "StockAdjustResult",
    "StockAdjustmentRead",
    "StockChange",
    "StockLevelRead",
    "StockLevelSet",
    "StockRead",
    "StockSet",
    "StockSetResult",
    "UpsertResult",
    "WarehouseCreate",
    "WarehouseRead",
    "WarehouseUpdate",
]


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- warehouses, price types, custom fields ---------------------------------------------


class WarehouseCreate(_Schema):
    name: str


class WarehouseUpdate(_Schema):
    name: str


class WarehouseRead(_Schema):
    id: int
    name: str


class PriceTypeCreate(_Schema):
    name: str
    currency: str = Field(description="ISO 4217 code, e.g. EUR (lowercase is accepted)")


class PriceTypeUpdate(_Schema):
    """A field left out keeps its value. Prices and feeds refer to the price type by id,
    so a rename keeps them; API clients that upsert prices by name use the new name."""

    name: str | None = None
    currency: str | None = Field(default=None, description="ISO 4217 code, e.g. EUR")


class PriceTypeRead(_Schema):
    id: int
    name: str
    currency: str


class CustomFieldCreate(_Schema):
    key: str = Field(description="^[a-z][a-z0-9_]{0,63}$; feeds name the field custom.<key>")
    label: str
    type: CustomFieldType


class CustomFieldUpdate(_Schema):
    """The label can change; the key (feeds name the field ``custom.<key>``) and the
    type (the stored values follow it) stay."""

    label: str


class CustomFieldRead(_Schema):
    id: int
    key: str
    label: str
    type: CustomFieldType


class FeedRefRead(_Schema):
    id: int
    name: str = Field(description="The store name and file name of the feed")


class InUseRead(_Schema):
    """409 when deleting something that feed files use: which feeds, so the merchant
    can change them first."""

    detail: str
    type: str = Field(description='Always "in_use_by_feeds" for this refusal')
    feeds: list[FeedRefRead]


class CategoryRead(_Schema):
    id: int
    parent_id: int | None
    name: str
    path: list[str] = Field(description="Names from the root to this category")


# --- products ---------------------------------------------------------------------------

_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")


def _plain_decimal(value: Any) -> Any:
    """A decimal as a JSON number, or as a string of digits with an optional sign,
    point and exponent: "1_000", " 5 ", "0x10" and true are refused, never read as a
    number."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    if isinstance(value, str) and not _DECIMAL_TEXT.fullmatch(value):
        shown = value if len(value) <= 20 else value[:19] + "…"
        raise ValueError(
            f"must be a decimal number such as 12.50 (got {shown!r}): digits, an optional "
            "leading -, one decimal point and an exponent such as E+3; no spaces or "
            "underscores"
        )
    return value


ApiDecimal = Annotated[Decimal, BeforeValidator(_plain_decimal)]

# A custom field's value as sent. Tried left to right with strict types so a
# string stays a string ("0012" is not the number 12) and JSON true is not 1.
CustomValue = Annotated[
    StrictStr | StrictBool | StrictInt | Decimal | None, Field(union_mode="left_to_right")
]


class ProductUpsert(_Schema):
    """One product of an upsert. A field left out keeps its stored value; null clears it."""

    sku: str
    name: str
    barcode: str | None = None
    category: list[str] | None = Field(default=None, description="Category names, root first")
    description: str | None = None
    brand: str | None = None
    unit: str | None = None
    weight: ApiDecimal | None = None
    images: list[str] | None = Field(
        default=None, description="Image URLs in order; replaces the product's images"
    )
    prices: dict[str, ApiDecimal | None] | None = Field(
        default=None,
        description="Amount per price type name; null removes that price, a null map all prices",
    )
    custom: dict[str, CustomValue] | None = Field(
        default=None,
        description="Value per custom field key; null removes that value, a null map all values",
    )


class ProductsUpsert(_Schema):
    products: list[ProductUpsert]


class UpsertResult(_Schema):
    created: int
    updated: int


class StockRead(_Schema):
    warehouse_id: int
    quantity: str


class ProductRead(_Schema):
    """A product as the API shows it: the upsert fields plus id, timestamps and stock.

    Decimals are strings without exponent: prices keep at least two places
    ("12.50"), weight and quantities lose trailing zeros ("5", "2.5").
    """

    id: int
    sku: str
    name: str
    barcode: str | None
    category: list[str] | None
    description: str | None
    brand: str | None
    unit: str | None
    weight: str | None
    images: list[str]
    prices: dict[str, str]
    custom: dict[str, str]
    created_at: datetime
    updated_at: datetime
    stock: list[StockRead]


class ProductPage(_Schema):
    products: list[ProductRead]
    next_after: int | None = Field(
        description="Pass as `after` to get the next page; null on the last page"
    )


# --- stock ------------------------------------------------------------------------------


class StockLevelSet(_Schema):
    sku: str
    warehouse_id: int
    quantity: ApiDecimal


class StockSet(_Schema):
    levels: list[StockLevelSet]


class StockSetResult(_Schema):
    updated: int


class StockChange(_Schema):
    sku: str
    warehouse_id: int
    delta: Decimal = Field(
        description='Added to the level, e.g. "-2" for two sold; a missing level starts at 0'
    )
    reason: str | None = Field(default=None, description="Kept in the adjustment record")


class StockAdjust(_Schema):
    changes: list[StockChange]


class StockLevelRead(_Schema):
    sku: str
    warehouse_id: int
    quantity: str


class StockAdjustResult(_Schema):
    updated: int = Field(description="How many stock levels changed")
    levels: list[StockLevelRead] = Field(description="The new level of each, in request order")


class StockAdjustmentRead(_Schema):
    """One recorded change of a level: ``delta`` null means the quantity was set."""

    warehouse_id: int
    delta: str | None
    quantity: str
    reason: str | None
    actor: str
    created_at: datetime
