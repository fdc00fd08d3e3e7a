"""The pure feed renderer: a :class:`FeedSpec` and raw rows in, a CSV/XLSX/XLS file out.

CSV and XLSX also come from Arrow record batches (:func:`write_csv_batches`,
:func:`write_xlsx_batches`), with the same bytes and no Python per row.

Imports nothing else of Shelfcast and no framework (an import-linter contract
keeps it so): the ``feeds`` package builds the spec from the database, the
``publish`` package streams the rows and chooses where the bytes go.

    with open(tmp_path, "wb") as out:
        result = render_feed(spec, rows_query_result, out)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from shelfcast.render.columnar import write_csv_batches
from shelfcast.render.columnar_xlsx import write_xlsx_batches
from shelfcast.render.csv_text import csv_text
from shelfcast.render.errors import (
    CellTooLong,
    FeedTooLarge,
    InvalidSheetName,
    InvalidSpec,
    InvalidValue,
    RenderError,
    UnencodableText,
)
from shelfcast.render.spec import (
    AvailabilityLabels,
    CellFormat,
    Column,
    ColumnSource,
    CsvEncoding,
    CsvSeparator,
    DecimalSeparator,
    FeedSpec,
    FileType,
    LineBreaks,
    RawValue,
    StockRules,
)
from shelfcast.render.values import Cell, cell_converters, feed_cells, format_decimal
from shelfcast.render.writers import WRITERS, FeedWriter
from shelfcast.render.writers.csv import csv_media_type

__all__ = [
    "WRITERS",
    "AvailabilityLabels",
    "Cell",
    "CellFormat",
    "CellTooLong",
    "Column",
    "ColumnSource",
    "CsvEncoding",
    "CsvSeparator",
    "DecimalSeparator",
    "FeedSpec",
    "FeedTooLarge",
    "FeedWriter",
    "FileType",
    "InvalidSheetName",
    "InvalidSpec",
    "InvalidValue",
    "LineBreaks",
    "RawValue",
    "RenderError",
    "RenderResult",
    "StockRules",
    "UnencodableText",
    "cell_converters",
    "csv_text",
    "extension",
    "feed_cells",
    "format_decimal",
    "media_type",
    "render_feed",
    "write_csv_batches",
    "write_xlsx_batches",
]


@dataclass(frozen=True, slots=True)
class RenderResult:
    """What a render produced: ``rows`` is the number of data rows (header excluded)."""

    rows: int


def render_feed(
    spec: FeedSpec, raw_rows: Iterable[Sequence[RawValue]], out: BinaryIO
) -> RenderResult:
    """Render one feed file into the binary stream ``out``.

    ``raw_rows`` holds one value per column, in ``spec.columns`` order, as the
    rows query yields them (the value for a CUSTOM_VALUE column is ignored). It
    is consumed once, lazily: pass the cursor itself, not a list, and memory
    stays flat for CSV and XLSX. Values become cells by the rules of
    :func:`cell_converters`, then ``WRITERS[spec.file_type]`` writes them.

    Raises a :class:`RenderError` subclass for anything the merchant can fix:
    a value that is not a number in a numeric column, too many rows or
    columns for the file type, a text too long for an Excel cell, a bad sheet
    name, a character a CSV file's encoding cannot hold. ``out`` may hold a
    partial file after an error (CSV streams as it goes), so render into a
    temporary file and move it into place on success.
    """
    writer = WRITERS[spec.file_type]
    cells = feed_cells(spec.columns, raw_rows, stock=spec.stock, labels=spec.availability_labels)
    rows = writer.write(spec, cells, out)
    return RenderResult(rows=rows)


def media_type(file_type: FileType, encoding: CsvEncoding = CsvEncoding.UTF_8) -> str:
    """The HTTP ``Content-Type`` a feed file of this type is served with (a CSV
    file's ``charset`` follows its encoding)."""
    if file_type is FileType.CSV:
        return csv_media_type(encoding)
    return WRITERS[file_type].media_type


def extension(file_type: FileType) -> str:
    """The file name extension (without the dot) for this file type."""
    return WRITERS[file_type].extension
