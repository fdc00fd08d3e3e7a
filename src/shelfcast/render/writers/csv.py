"""CSV feeds: RFC 4180 via the stdlib ``csv`` module, UTF-8 without a BOM, streamed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import BinaryIO

from shelfcast.render.spec import FeedSpec
from shelfcast.render.values import format_decimal
from shelfcast.render.writers._common import check_header_row, wrong_width

__all__ = ["CsvWriter"]

# Encode and hand over the text in pieces of about this many characters: memory
# stays bounded for any row count, and ``out`` sees few, large writes.
_CHUNK_CHARS = 1 << 16


class CsvWriter:
    """Writes a feed as CSV.

    RFC 4180: CRLF line ends, fields quoted only when they hold the separator, a
    quote or a line break (quotes doubled). Values are written exactly as they
    are: no formula escaping (a leading ``=`` stays), since stores import the
    data and would keep any escaping character. Numbers are plain decimals
    (:func:`~shelfcast.render.values.format_decimal`), so prices keep ``7.00``.
    """

    extension = "csv"
    media_type = "text/csv; charset=utf-8"

    def sheet_name_problem(self, name: str) -> str | None:
        """A CSV file has no sheet: any name will do."""
        return None

    def text_problem(self, text: str) -> str | None:
        """A CSV cell holds any text."""
        return None

    def write(self, spec: FeedSpec, cells: Iterable[Sequence[str | Decimal]], out: BinaryIO) -> int:
        """Write the empty rows, the header on line ``spec.header_row``, then the cell rows.

        Returns the number of data rows. ``out`` receives the UTF-8 bytes in
        chunks as rows arrive; if an error is raised midway, ``out`` holds a
        partial file (render into a temporary file and move it into place).
        """
        check_header_row(spec)
        width = len(spec.columns)
        buffer = io.StringIO()
        writer = csv.writer(
            buffer,
            delimiter=spec.csv_separator.char,
            quotechar='"',
            doublequote=True,
            lineterminator="\r\n",
            quoting=csv.QUOTE_MINIMAL,
        )
        buffer.write("\r\n" * (spec.header_row - 1))
        writer.writerow([column.header for column in spec.columns])

        rows = 0
        writerow = writer.writerow
        for row in cells:
            rows += 1
            if len(row) != width:
                raise wrong_width(rows, len(row), width)
            # str(Decimal) may use exponent notation ("5E+2"); format_decimal never does.
            writerow([cell if isinstance(cell, str) else format_decimal(cell) for cell in row])
            if buffer.tell() >= _CHUNK_CHARS:
                out.write(buffer.getvalue().encode("utf-8"))
                buffer.seek(0)
                buffer.truncate()
        out.write(buffer.getvalue().encode("utf-8"))
        return rows
