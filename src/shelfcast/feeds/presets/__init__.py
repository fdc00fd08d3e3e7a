"""Marketplace presets: the file each well-known channel expects, as data.

A preset is a starting point, never a constraint: the form (and ``GET
/feed-presets``) opens it as an ordinary feed body and the merchant edits
anything. What stays with the feed is the preset's key, so the validation
report can check that the marketplace's required columns are present and
filled (``feeds/validation.py``).

Each preset names where its column names come from (``source``). Where a
marketplace's own page was not reachable, the source is the most direct
public description found (an integrator's help page) and the comment says so.
A preset sets an output option (availability labels, whole quantities, sold-out
products listed, encoding, line breaks) only where the marketplace asks for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from shelfcast.feeds.presets.catalogs import CATALOG_PRESETS
from shelfcast.feeds.presets.marketplaces import MARKETPLACE_PRESETS
from shelfcast.feeds.presets.model import Preset, PresetColumn
from shelfcast.feeds.presets.shops import SHOP_PRESETS
from shelfcast.render.spec import ColumnSource, FileType

__all__ = ["PRESETS", "Preset", "PresetColumn", "preset_body", "preset_columns", "preset_options"]

PRESETS: Mapping[str, Preset] = MappingProxyType(
    {p.key: p for p in (*CATALOG_PRESETS, *MARKETPLACE_PRESETS, *SHOP_PRESETS)}
)


def preset_columns(preset: Preset, price_type_id: int | None) -> list[dict[str, Any]]:
    """The preset's columns as the feed body writes them.

    Price columns take ``price_type_id`` (the account's first price type); an
    account without price types gets an empty constant in their place, which the
    validation report flags until the merchant adds a price type.
    """
    columns: list[dict[str, Any]] = []
    for column in preset.columns:
        body: dict[str, Any]
        if column.field is not None:
            body = {"source": ColumnSource.PRODUCT_FIELD.value, "field": column.field.value}
        elif column.price and price_type_id is not None:
            body = {"source": ColumnSource.PRICE.value, "price_type_id": price_type_id}
        else:
            body = {"source": ColumnSource.CUSTOM_VALUE.value, "value": column.value or ""}
        columns.append({"header": column.header, **body})
    return columns


def preset_options(preset: Preset) -> dict[str, Any]:
    """The preset's output options and stock settings as the feed body writes them."""
    in_stock, out_of_stock = preset.availability_labels
    return {
        "include_zero_stock": preset.include_zero_stock,
        "round_quantities_down": preset.round_quantities_down,
        "availability_labels": {"in_stock": in_stock, "out_of_stock": out_of_stock},
        "encoding": preset.encoding.value,
        "decimal_separator": preset.decimal_separator.value,
        "line_breaks": preset.line_breaks.value,
    }


def preset_body(
    preset: Preset, price_type_id: int | None, warehouse_ids: Sequence[int]
) -> dict[str, Any]:
    """A feed body (``POST /feeds``) that starts from ``preset``, for one account."""
    body: dict[str, Any] = {
        "preset": preset.key,
        "store_name": preset.marketplace,
        "store_url": preset.store_url,
        "warehouse_ids": list(warehouse_ids),
        "file_type": preset.file_type.value,
        "file_name": preset.file_name,
        "header_row": preset.header_row,
        "enabled": True,
        "columns": preset_columns(preset, price_type_id),
        **preset_options(preset),
    }
    if preset.file_type is FileType.CSV:
        body["csv_separator"] = preset.csv_separator.value
    else:
        body["sheet_name"] = preset.sheet_name
    return body
