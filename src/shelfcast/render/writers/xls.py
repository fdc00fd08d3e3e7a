"""Legacy XLS (BIFF8) feeds through xlwt, for stores that still only read Excel 97-2003 files."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import BinaryIO

import xlwt

from shelfcast.render.errors import InvalidValue
from shelfcast.render.spec import CellFormat, FeedSpec
from shelfcast.render.writers._common import wrong_width
from shelfcast.render.writers._excel import (
    TEXT_FAST_LIMIT,
    TEXT_LIMIT,
    SheetLimits,
    check_layout,
    check_text,
    sheet_name_problem,
    text_problem,
    too_many_rows,
)

__all__ = ["XlsWriter"]

# Rows kept as xlwt's cell objects at a time: then they are written out as BIFF
# records to xlwt's temporary file (flush_row_data). A sheet of 65,535 rows of
# 10 cells peaked at 78 MB more without it (bench/README.md).
_FLUSH_ROWS = 4096

LIMITS = SheetLimits(
    format_name="XLS",
    max_rows=65_536,
    max_columns=256,
    advice="Choose XLSX (up to 1,048,576 rows and 16,384 columns) or CSV.",
)


class XlsWriter:
    """Writes a feed as an Excel 97-2003 workbook (.xls) with one sheet.

    Same layout and cell types as :class:`~shelfcast.render.writers.xlsx.XlsxWriter`:
    header on row ``spec.header_row``, text cells for text, numeric cells for
    QUANTITY/NUMBER/PRICE (prices shown ``0.00``), empty cells left out. xlwt
    keeps the strings (its shared-string table) and, at the end, the file's
    bytes in memory, which the format's 65,536-row limit keeps small; the rows
    themselves go to a temporary file every few thousand.
    """

    extension = "xls"
    media_type = "application/vnd.ms-excel"
    max_rows: int | None = LIMITS.max_rows
    max_columns: int | None = LIMITS.max_columns
    max_text_length: int | None = TEXT_LIMIT  # UTF-16 code units, as Excel counts

    def sheet_name_problem(self, name: str) -> str | None:
        """What is wrong with ``name`` as this format's sheet name (None: nothing)."""
        return sheet_name_problem(name)

    def text_problem(self, text: str) -> str | None:
        """What is wrong with ``text`` as one cell of this format (None: nothing)."""
        return text_problem(text)

    def write(self, spec: FeedSpec, cells: Iterable[Sequence[str | Decimal]], out: BinaryIO) -> int:
        """Write the workbook to ``out`` and return the number of data rows.

        Raises :class:`~shelfcast.render.errors.FeedTooLarge` before a row past
        65,536 (counting the empty rows and the header) or for more than 256
        columns, and :class:`~shelfcast.render.errors.CellTooLong` for a text
        over 32,767 characters. ``out`` is written only at the end, so on error
        it is untouched.
        """
        check_layout(spec, LIMITS)
        workbook = xlwt.Workbook(encoding="utf-8")
        sheet = workbook.add_sheet(spec.sheet_name)
        try:
            return self._write(spec, workbook, sheet, cells, out)
        finally:
            if sheet.row_tempfile is not None:
                sheet.row_tempfile.close()

    def _write(
        self,
        spec: FeedSpec,
        workbook: xlwt.Workbook,
        sheet: xlwt.Worksheet,
        cells: Iterable[Sequence[str | Decimal]],
        out: BinaryIO,
    ) -> int:
        price_style = xlwt.easyxf(num_format_str="0.00")
        plain_style = xlwt.Style.default_style
        headers = [column.header for column in spec.columns]
        number_styles = [
            price_style if column.cell_format is CellFormat.PRICE else plain_style
            for column in spec.columns
        ]
        width = len(headers)
        isinf = math.isinf

        header_index = spec.header_row - 1  # xlwt rows are 0-based
        header_row = sheet.row(header_index)
        for col, header in enumerate(headers):
            if header:
                header_row.write(col, header, plain_style)

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
            if rows % _FLUSH_ROWS == 0:
                sheet.flush_row_data()
            sheet_row = sheet.row(row_index)
            for col, cell in enumerate(row):
                if isinstance(cell, str):
                    if cell:
                        if len(cell) > TEXT_FAST_LIMIT:
                            check_text(cell, headers[col], rows)
                        sheet_row.write(col, cell, plain_style)
                else:
                    number = float(cell)
                    if isinf(number):
                        raise InvalidValue(headers[col], cell, "it is too large for Excel", rows)
                    sheet_row.write(col, number, number_styles[col])
        workbook.save(out)
        return rows
