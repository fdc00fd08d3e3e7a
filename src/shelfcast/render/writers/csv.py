"""CSV feeds: RFC 4180 via the stdlib ``csv`` module, streamed; UTF-8 without a BOM
unless the feed chooses another encoding."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import BinaryIO

from shelfcast.render.csv_text import check_encodable, codec_of, csv_text, file_start, plain_text
from shelfcast.render.spec import CsvEncoding, FeedSpec
from shelfcast.render.values import format_decimal
from shelfcast.render.writers._common import check_header_row, wrong_width

__all__ = ["CsvWriter", "csv_media_type"]

# Encode and hand over the text in pieces of about this many characters: memory
# stays bounded for any row count, and ``out`` sees few, large writes.
_CHUNK_CHARS = 1 << 16


class CsvWriter:
    """Writes a feed as CSV.

    RFC 4180: CRLF line ends, fields quoted only when they hold the separator, a
    quote or a line break (quotes doubled). By default values are written
    exactly as they are: no formula escaping (a leading ``=`` stays), since
    stores import the data and would keep any escaping character. Numbers are
    plain decimals (:func:`~shelfcast.render.values.format_decimal`), so prices
    keep ``7.00``. The feed's CSV options change this text
    (:func:`~shelfcast.render.csv_text.csv_text`); an encoding other than UTF-8
    refuses a character it cannot hold (:class:`~shelfcast.render.errors.UnencodableText`).
    """

    extension = "csv"
    media_type = "text/csv; charset=utf-8"
    # CSV itself has no limits; a spreadsheet opening it has, but machines read feeds.
    max_rows: int | None = None
    max_columns: int | None = None
    max_text_length: int | None = None

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
        headers = [column.header for column in spec.columns]
        codec = codec_of(spec.encoding)
        checks = not spec.encoding.holds_everything
        buffer = io.StringIO()
        writer = csv.writer(
            buffer,
            delimiter=spec.csv_separator.char,
            quotechar='"',
            doublequote=True,
            lineterminator="\r\n",
            quoting=csv.QUOTE_MINIMAL,
        )
        out.write(file_start(spec.encoding))
        buffer.write("\r\n" * (spec.header_row - 1))
        if checks:
            for header in headers:
                check_encodable(header, codec, header, None)
        writer.writerow(headers)

        rows = 0
        writerow = writer.writerow
        text = csv_text(spec)
        for row in cells:
            rows += 1
            if len(row) != width:
                raise wrong_width(rows, len(row), width)
            if text is plain_text:  # the default options, inlined
                texts = [c if isinstance(c, str) else format_decimal(c) for c in row]
            else:
                texts = [text(cell) for cell in row]
            if checks:
                for header, value in zip(headers, texts, strict=True):
                    check_encodable(value, codec, header, rows)
            writerow(texts)
            if buffer.tell() >= _CHUNK_CHARS:
                out.write(buffer.getvalue().encode(codec))
                buffer.seek(0)
                buffer.truncate()
        out.write(buffer.getvalue().encode(codec))
        return rows


def csv_media_type(encoding: CsvEncoding) -> str:
    """The ``Content-Type`` of a CSV file in ``encoding``."""
    return f"text/csv; charset={encoding.charset}"
