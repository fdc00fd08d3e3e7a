"""The feed spec: everything the renderer needs to know about one feed file.

Plain frozen dataclasses, built by the ``feeds`` package from the database and
handed to :func:`shelfcast.render.render_feed`. Nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class FileType(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    XLS = "xls"


class CsvSeparator(StrEnum):
    COMMA = "comma"
    SEMICOLON = "semicolon"
    PIPE = "pipe"
    TAB = "tab"

    @property
    def char(self) -> str:
        return _SEPARATOR_CHARS[self]


_SEPARATOR_CHARS = {
    CsvSeparator.COMMA: ",",
    CsvSeparator.SEMICOLON: ";",
    CsvSeparator.PIPE: "|",
    CsvSeparator.TAB: "\t",
}


class ColumnSource(StrEnum):
    """The article's three column types."""

    PRODUCT_FIELD = "product_field"
    PRICE = "price"
    CUSTOM_VALUE = "custom_value"


class CellFormat(StrEnum):
    """How a column's values are written.

    TEXT: a text cell / the string as it is. QUANTITY and NUMBER: a numeric cell;
    in CSV a plain decimal without trailing zeros (``5``, ``2.5``). PRICE: a
    numeric cell shown with two places; in CSV a plain decimal with two places
    (``1299.50``).
    """

    TEXT = "text"
    QUANTITY = "quantity"
    NUMBER = "number"
    PRICE = "price"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the file: the header the store expects and where values come from.

    ``field`` names a product field for PRODUCT_FIELD columns, ``price_type_id``
    the price type for PRICE columns, ``value`` the constant for CUSTOM_VALUE
    columns. ``cell_format`` is decided by whoever builds the spec (it knows the
    custom fields' types).
    """

    header: str
    source: ColumnSource
    cell_format: CellFormat = CellFormat.TEXT
    field: str | None = None
    price_type_id: int | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class FeedSpec:
    file_type: FileType
    file_name: str
    columns: tuple[Column, ...]
    header_row: int = 1
    csv_separator: CsvSeparator = CsvSeparator.COMMA
    sheet_name: str = "Sheet1"


# A raw value as the rows query yields it, one per column (ignored for CUSTOM_VALUE).
RawValue = str | Decimal | None
