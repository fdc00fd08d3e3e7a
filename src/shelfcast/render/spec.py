"""The feed spec: everything the renderer needs to know about one feed file.

Plain frozen dataclasses, built by the ``feeds`` package from the database and
handed to :func:`shelfcast.render.render_feed`. Nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
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


class CsvEncoding(StrEnum):
    """The character set of a CSV file. ``utf-8-sig`` is UTF-8 with a byte order
    mark, what Excel needs to show Cyrillic from a double-clicked CSV."""

    UTF_8 = "utf-8"
    UTF_8_SIG = "utf-8-sig"
    CP1251 = "cp1251"
    CP1252 = "cp1252"

    @property
    def charset(self) -> str:
        """The ``charset`` of the HTTP ``Content-Type`` (IANA's name)."""
        return _CHARSETS[self]

    @property
    def holds_everything(self) -> bool:
        """Whether every character a database holds can be written (the UTF-8 ones)."""
        return self in (CsvEncoding.UTF_8, CsvEncoding.UTF_8_SIG)


_CHARSETS = {
    CsvEncoding.UTF_8: "utf-8",
    CsvEncoding.UTF_8_SIG: "utf-8",
    CsvEncoding.CP1251: "windows-1251",
    CsvEncoding.CP1252: "windows-1252",
}


class DecimalSeparator(StrEnum):
    """The decimal mark of numbers in a CSV file (Excel cells stay numeric)."""

    POINT = "point"
    COMMA = "comma"


class LineBreaks(StrEnum):
    """What becomes of line breaks and tabs inside CSV values.

    KEEP: written as they are, the field quoted (RFC 4180). SPACE: each CR, LF,
    CRLF or tab becomes one space, for importers that read one line per product.
    """

    KEEP = "keep"
    SPACE = "space"


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
    (``1299.50``). QUANTITY is the published stock, shaped by the feed's
    :class:`StockRules`; WAREHOUSE_QUANTITY and AVAILABILITY are described below.
    """

    TEXT = "text"
    QUANTITY = "quantity"
    NUMBER = "number"
    PRICE = "price"
    # One warehouse's stock: like QUANTITY, without the feed's buffer and cap.
    WAREHOUSE_QUANTITY = "warehouse_quantity"
    # A text cell: the feed's in-stock or out-of-stock label, chosen by the
    # published quantity (the raw value is the quantity, as for QUANTITY).
    AVAILABILITY = "availability"


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


_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class StockRules:
    """How a product's summed stock becomes the quantity a feed publishes.

    In this order: negatives count as 0 (oversold is "none left"), then
    ``round_down`` (whole numbers, floor), then ``buffer`` is taken off (never
    below 0), then ``cap`` limits it. The zero-stock rule (leave out products
    whose published quantity is 0) and the availability label come after, from
    the published quantity. Whether a warehouse's negative stock counts as 0
    *before* the sum is the rows query's business (it sums).
    """

    round_down: bool = False
    buffer: Decimal | None = None
    cap: Decimal | None = None

    @property
    def shapes(self) -> bool:
        """Whether any rule changes a quantity beyond clamping negatives to 0."""
        return self.round_down or bool(self.buffer) or self.cap is not None

    def publish(self, quantity: Decimal) -> Decimal:
        """The published quantity of a summed ``quantity`` (0 or more)."""
        if quantity <= _ZERO:
            return _ZERO
        if self.round_down:
            quantity = quantity.to_integral_value(rounding=ROUND_FLOOR)
        if self.buffer:
            quantity = max(quantity - self.buffer, _ZERO)
        if self.cap is not None and quantity > self.cap:
            quantity = self.cap
        return quantity

    def listed_from(self) -> tuple[Decimal, bool] | None:
        """The summed quantities whose published quantity is above 0: ``(q, True)``
        means from ``q`` on (inclusive), ``(q, False)`` above ``q``; None when no
        quantity is (a cap of 0). The rows query filters by this, so the
        zero-stock rule has its one home here, next to :meth:`publish`."""
        if self.cap is not None and self.cap <= _ZERO:
            return None
        buffer = self.buffer or _ZERO
        if self.round_down:
            # floor(q) > buffer  <=>  floor(q) >= floor(buffer) + 1  <=>  q >= that.
            return buffer.to_integral_value(rounding=ROUND_FLOOR) + 1, True
        return buffer, False


@dataclass(frozen=True, slots=True)
class AvailabilityLabels:
    """The texts of an AVAILABILITY column."""

    in_stock: str = "in stock"
    out_of_stock: str = "out of stock"


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed file's settings. The CSV-only options (``encoding``,
    ``decimal_separator``, ``line_breaks``, ``formula_protection``) are ignored
    by the Excel writers: Excel cells are typed and Unicode."""

    file_type: FileType
    file_name: str
    columns: tuple[Column, ...]
    header_row: int = 1
    csv_separator: CsvSeparator = CsvSeparator.COMMA
    sheet_name: str = "Sheet1"
    encoding: CsvEncoding = CsvEncoding.UTF_8
    decimal_separator: DecimalSeparator = DecimalSeparator.POINT
    line_breaks: LineBreaks = LineBreaks.KEEP
    # Prefix ' to text values starting with = + - @ tab or CR (spreadsheet formulas).
    formula_protection: bool = False
    stock: StockRules = StockRules()
    availability_labels: AvailabilityLabels = AvailabilityLabels()


# A raw value as the rows query yields it, one per column (ignored for CUSTOM_VALUE).
RawValue = str | Decimal | None
