"""What a marketplace preset is: its columns and the file settings it proposes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shelfcast.feeds.fields import ProductField
from shelfcast.render.spec import CsvEncoding, CsvSeparator, DecimalSeparator, FileType, LineBreaks


@dataclass(frozen=True, slots=True)
class PresetColumn:
    """One column: its header, where its values come from, and whether the
    marketplace rejects a file (or a row) without it."""

    header: str
    field: ProductField | None = None
    price: bool = False  # the account's first price type
    value: str | None = None  # a constant; "" when only the merchant knows it
    required: bool = False


@dataclass(frozen=True, slots=True)
class Preset:
    """A marketplace's file. The output options default to the files' own
    defaults; a preset sets one only where the marketplace's documentation asks."""

    key: str
    marketplace: str
    store_url: str
    source: str
    file_type: FileType
    file_name: str
    columns: tuple[PresetColumn, ...]
    csv_separator: CsvSeparator = CsvSeparator.COMMA
    sheet_name: str = "Sheet1"
    header_row: int = 1
    # Stock files list sold-out products with 0 (or "out of stock"): a product
    # left out of the file keeps its last quantity on most marketplaces.
    include_zero_stock: bool = False
    round_quantities_down: bool = False
    # (in stock, out of stock): the texts of an ``availability`` column.
    availability_labels: tuple[str, str] = ("in stock", "out of stock")
    encoding: CsvEncoding = CsvEncoding.UTF_8
    decimal_separator: DecimalSeparator = DecimalSeparator.POINT
    line_breaks: LineBreaks = LineBreaks.KEEP

    @property
    def required_headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns if c.required)


def col(header: str, source: ProductField | str | None = None, **kw: Any) -> PresetColumn:
    """A column from a product field, or from a constant when ``source`` is a str."""
    if isinstance(source, ProductField):
        return PresetColumn(header, field=source, **kw)
    if source is None:
        return PresetColumn(header, **kw)
    return PresetColumn(header, value=source, **kw)


def price(header: str, *, required: bool = False) -> PresetColumn:
    return PresetColumn(header, price=True, required=required)
