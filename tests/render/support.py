"""Builders and independent readers for the renderer tests.

Files are always read back with a library that did not write them: the csv
module for CSV, python-calamine and openpyxl for XLSX, xlrd for XLS.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import python_calamine
import xlrd
from hypothesis import strategies as st

from shelfcast.render import (
    CellFormat,
    Column,
    ColumnSource,
    CsvSeparator,
    FeedSpec,
    FileType,
    RawValue,
    render_feed,
)

# Any text a database can hold: no NUL (PostgreSQL rejects it) and no lone
# surrogates (not encodable as UTF-8).
any_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=30,
)

# The characters that stress a CSV writer most, mixed into the text above.
tricky_text = st.one_of(
    any_text,
    st.text(alphabet=st.sampled_from(list(",;|\t\"\r\n=+-@ 'a1")), max_size=12),
)


def text_column(header: str, field: str = "name") -> Column:
    return Column(header=header, source=ColumnSource.PRODUCT_FIELD, field=field)


def make_spec(file_type: FileType, columns: Sequence[Column], **overrides: Any) -> FeedSpec:
    values: dict[str, Any] = {
        "file_type": file_type,
        "file_name": f"feed.{file_type.value}",
        "columns": tuple(columns),
    }
    values.update(overrides)
    return FeedSpec(**values)


def render_bytes(spec: FeedSpec, rows: Iterable[Sequence[RawValue]]) -> bytes:
    out = io.BytesIO()
    render_feed(spec, rows, out)
    return out.getvalue()


def read_csv(data: bytes, separator: CsvSeparator) -> list[list[str]]:
    text = data.decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator.char))


def read_calamine(data: bytes) -> tuple[list[str], list[list[Any]]]:
    """Sheet names and the first sheet's grid, empty leading rows kept."""
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    grid = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    return list(workbook.sheet_names), [list(row) for row in grid]


def read_xls(data: bytes) -> xlrd.book.Book:
    return xlrd.open_workbook(file_contents=data, formatting_info=True)


# One feed with every kind of column and the values most likely to go wrong.
MIXED_COLUMNS = (
    text_column("Barcode", "barcode"),
    text_column("Name", "name"),
    text_column("Link", "url"),
    text_column("Note", "note"),
    Column("Qty", ColumnSource.PRODUCT_FIELD, CellFormat.QUANTITY, field="quantity"),
    Column("Price", ColumnSource.PRICE, CellFormat.PRICE, price_type_id=1),
    Column("Weight", ColumnSource.PRODUCT_FIELD, CellFormat.NUMBER, field="weight"),
    Column("Currency", ColumnSource.CUSTOM_VALUE, value="RUB"),
)
MIXED_ROWS: list[tuple[RawValue, ...]] = [
    (
        "0012345678905",
        'Чай "Эрл Грей"; 100 г',
        "https://shop.example/tea",
        "=1+1",
        Decimal("5.000"),
        Decimal("1299.5"),
        Decimal("-0.250"),
        None,
    ),
    ("4600000000001", "Café crème\nline 2", "", "@SUM(A1)", Decimal("-3"), None, None, None),
    ("0000", "x", "mailto:a@b.c", "+7", "500", "7", "12", "ignored"),
]
# What a reader must find in the data rows: text as text, numbers as floats,
# None where the cell is empty.
MIXED_EXPECTED: list[list[str | float | None]] = [
    [
        "0012345678905",
        'Чай "Эрл Грей"; 100 г',
        "https://shop.example/tea",
        "=1+1",
        5.0,
        1299.5,
        -0.25,
        "RUB",
    ],
    ["4600000000001", "Café crème\nline 2", None, "@SUM(A1)", 0.0, None, None, "RUB"],
    ["0000", "x", "mailto:a@b.c", "+7", 500.0, 7.0, 12.0, "RUB"],
]
MIXED_HEADERS = [column.header for column in MIXED_COLUMNS]
PRICE_COLUMN = MIXED_HEADERS.index("Price")
NUMERIC_COLUMNS = frozenset({4, 5, 6})
