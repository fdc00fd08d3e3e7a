"""The product fields a feed column can show, and how each is written."""

from __future__ import annotations

from enum import StrEnum

from shelfcast.errors import N_
from shelfcast.render.spec import CellFormat

CUSTOM_PREFIX = "custom."
# ``quantity.<warehouse_id>``: one warehouse's stock, beside the feed's sum.
WAREHOUSE_PREFIX = "quantity."


class ProductField(StrEnum):
    SKU = "sku"
    NAME = "name"
    BARCODE = "barcode"
    CATEGORY = "category"
    CATEGORY_PATH = "category_path"
    DESCRIPTION = "description"
    BRAND = "brand"
    UNIT = "unit"
    WEIGHT = "weight"
    IMAGES = "images"
    IMAGE_1 = "image_1"
    IMAGES_REST = "images_rest"
    QUANTITY = "quantity"
    AVAILABILITY = "availability"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"

    @property
    def cell_format(self) -> CellFormat:
        if self is ProductField.QUANTITY:
            return CellFormat.QUANTITY
        if self is ProductField.AVAILABILITY:
            return CellFormat.AVAILABILITY
        if self is ProductField.WEIGHT:
            return CellFormat.NUMBER
        return CellFormat.TEXT


# How the field select of the UI labels them, in the order it lists them (N_: the UI
# shows them in the page's language).
PRODUCT_FIELD_LABELS: dict[ProductField, str] = {
    ProductField.SKU: N_("SKU (article)"),
    ProductField.NAME: N_("Name"),
    ProductField.BARCODE: N_("Barcode"),
    ProductField.CATEGORY: N_("Category"),
    ProductField.CATEGORY_PATH: N_("Category (full path)"),
    ProductField.DESCRIPTION: N_("Description"),
    ProductField.BRAND: N_("Brand"),
    ProductField.UNIT: N_("Unit"),
    ProductField.WEIGHT: N_("Weight"),
    ProductField.IMAGES: N_("Images"),
    ProductField.IMAGE_1: "First image",
    ProductField.IMAGES_REST: "Other images",
    ProductField.QUANTITY: N_("Quantity (sum of the chosen warehouses)"),
    ProductField.AVAILABILITY: "Availability (in stock / out of stock)",
    ProductField.CREATED_AT: N_("Created at"),
    ProductField.UPDATED_AT: N_("Updated at"),
}


def custom_key(field: str) -> str | None:
    """The custom field key of ``custom.<key>``, or None for a system field name."""
    return field[len(CUSTOM_PREFIX) :] if field.startswith(CUSTOM_PREFIX) else None


def warehouse_key(field: str) -> int | None:
    """The warehouse id of ``quantity.<id>``, or None for any other field name
    (``quantity.x`` included: the validation says what is wrong with it)."""
    if not field.startswith(WAREHOUSE_PREFIX):
        return None
    rest = field[len(WAREHOUSE_PREFIX) :]
    return int(rest) if rest.isascii() and rest.isdigit() and len(rest) < 19 else None
