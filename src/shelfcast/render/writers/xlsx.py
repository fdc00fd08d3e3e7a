"""XLSX feeds through XlsxWriter, in constant-memory mode so a million rows stay flat in memory."""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, BinaryIO

import xlsxwriter

from shelfcast.render.errors import InvalidValue
from shelfcast.render.spec import CellFormat, FeedSpec
from shelfcast.render.writers._common import wrong_width
from shelfcast.render.writers._excel import (
    TEXT_FAST_LIMIT,
    TEXT_LIMIT,
    SheetLimits,
    check_layout,
    check_text,
    too_many_rows,
)

__all__ = ["XlsxWriter"]

LIMITS = SheetLimits(
    format_name="XLSX",
    max_rows=1_048_576,
    max_columns=16_384,
    advice="Choose CSV, which has no row limit, or split the feed.",
)

# Fixed document properties: two renders of the same data are byte-identical,
# so a file only changes when its data does (and golden-file tests work).
_PROPERTIES = {
    "created": datetime(2000, 1, 1),
    "author": "Shelfcast",
}

_WORKBOOK_OPTIONS = {
    # Rows are flushed to a temp file as soon as the next row starts; strings
    # are written inline instead of collected in a shared-string table.
    "constant_memory": True,
    # Cells are typed by the column format, never guessed from the text: no
    # formulas ("=1+1" is text), no hyperlinks, no numbers from digit strings
    # (a barcode keeps its leading zeros).
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class XlsxWriter:
    """Writes a feed as an Office Open XML workbook (.xlsx) with one sheet.

    The header stands on row ``spec.header_row`` with empty rows above it. Text
    cells are strings (never formulas or links); QUANTITY, NUMBER and PRICE
    cells are numbers, prices shown with the ``0.00`` number format. An empty
    cell is left out. Output is deterministic: fixed document properties and
    zip timestamps.
    """

    extension = "xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    max_rows: int | None = LIMITS.max_rows
    max_columns: int | None = LIMITS.max_columns
    max_text_length: int | None = TEXT_LIMIT  # UTF-16 code units, as Excel counts

    def write(self, spec: FeedSpec, cells: Iterable[Sequence[str | Decimal]], out: BinaryIO) -> int:
        """Write the workbook to ``out`` and return the number of data rows.

        Raises :class:`~shelfcast.render.errors.FeedTooLarge` past 1,048,576 rows
        or 16,384 columns and :class:`~shelfcast.render.errors.CellTooLong` for
        a text over 32,767 characters. Nothing reaches ``out`` until every row
        is written (the zip is assembled at the end), so on error ``out`` is
        untouched. Needs a writable temp directory.
        """
        check_layout(spec, LIMITS)
        # Our own temp directory: whatever happens, XlsxWriter's row files go with it.
        with tempfile.TemporaryDirectory(prefix="shelfcast-xlsx-") as tmpdir:
            workbook = xlsxwriter.Workbook(out, {**_WORKBOOK_OPTIONS, "tmpdir": tmpdir})
            try:
                workbook.set_properties(_PROPERTIES)
                rows = _fill_sheet(workbook, spec, cells)
            except BaseException:
                _discard(workbook)
                raise
            workbook.close()
        return rows


def _fill_sheet(workbook: Any, spec: FeedSpec, cells: Iterable[Sequence[str | Decimal]]) -> int:
    sheet = workbook.add_worksheet(spec.sheet_name)
    price_format = workbook.add_format({"num_format": "0.00"})
    headers = [column.header for column in spec.columns]
    number_formats = [
        price_format if column.cell_format is CellFormat.PRICE else None for column in spec.columns
    ]
    width = len(headers)
    write_string = sheet.write_string
    write_number = sheet.write_number
    isinf = math.isinf

    header_index = spec.header_row - 1  # XlsxWriter rows are 0-based
    for col, header in enumerate(headers):
        if header:
            write_string(header_index, col, header)

    last_index = LIMITS.max_rows - 1
    row_index = header_index
    rows = 0
    for row in cells:
        rows += 1
        row_index += 1
        if row_index > last_index:
            raise too_many_rows(spec, LIMITS)
        if len(row) != width:
            raise wrong_width(rows, len(row), width)
        for col, cell in enumerate(row):
            if isinstance(cell, str):
                if cell:
                    if len(cell) > TEXT_FAST_LIMIT:
                        check_text(cell, headers[col], rows)
                    write_string(row_index, col, cell)
            else:
                number = float(cell)
                if isinf(number):
                    raise InvalidValue(headers[col], cell, "it is too large for Excel", rows)
                write_number(row_index, col, number, number_formats[col])
    return rows


def _discard(workbook: Any) -> None:
    """Close the row files of an abandoned workbook without writing it.

    Calling ``close()`` would assemble a partial workbook into ``out``; leaving
    the files open leaks handles (and a ResourceWarning). XlsxWriter has no
    public "abort", so this reaches for the one attribute it keeps them in.
    """
    for sheet in workbook.worksheets():
        handle = getattr(sheet, "row_data_fh", None)
        if handle is not None:
            handle.close()
