"""XLSX feeds: the sheet's XML written from Arrow arrays and deflated as it goes.

An XLSX file is a zip of XML parts. The fixed parts are templates
(:mod:`._xlsx_parts`); the sheet's rows are built column by column with Arrow
compute (:mod:`._sheet_xml`), deflated at zlib level 1 into a temporary file a
step of rows at a time, and the zip is assembled at the end (the sheet's
``<dimension>`` comes first in its XML and is known only then). Memory stays
flat for any row count; nothing reaches ``out`` before the last row is in.

Cell rows (the row path, :class:`XlsxWriter`) are turned into Arrow arrays a
batch at a time and go through the same :class:`SheetFile` as Arrow record
batches (the columnar path, :func:`shelfcast.render.write_xlsx_batches`): the
two write the same bytes for the same cells.
"""

from __future__ import annotations

import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from types import TracebackType
from typing import BinaryIO

import pyarrow as pa

from shelfcast.render.errors import RenderError
from shelfcast.render.spec import CellFormat, ColumnSource, FeedSpec
from shelfcast.render.values import format_decimal
from shelfcast.render.writers._common import wrong_width
from shelfcast.render.writers._excel import (
    TEXT_LIMIT,
    SheetLimits,
    check_layout,
    sheet_name_problem,
    text_problem,
    too_many_rows,
)
from shelfcast.render.writers._sheet_xml import TEXT, CellKind, SheetXml, Texts
from shelfcast.render.writers._xlsx_parts import SHEET_PART, fixed_parts, sheet_end, sheet_start
from shelfcast.render.writers._zip import RawDeflater, ZipWriter, crc32_combine

__all__ = ["LIMITS", "SheetFile", "XlsxWriter", "cell_kinds"]

LIMITS = SheetLimits(
    format_name="XLSX",
    max_rows=1_048_576,
    max_columns=16_384,
    advice="Choose CSV, which has no row limit, or split the feed.",
)

# Cell rows gathered into Arrow arrays at a time (the row path).
_BATCH_ROWS = 4096
_COPY_CHUNK = 1 << 20
# Steps of XML waiting for the deflate thread: a bound on memory (a step is a
# few MB), and enough for the next step's XML to be built meanwhile.
_PENDING_STEPS = 1


def cell_kinds(spec: FeedSpec) -> list[CellKind]:
    """How each column's cells are stored: text, or a number (prices with two places)."""
    kinds = []
    for column in spec.columns:
        if column.source is ColumnSource.CUSTOM_VALUE:
            kinds.append(CellKind.TEXT)
        elif column.cell_format is CellFormat.PRICE:
            kinds.append(CellKind.PRICE)
        elif column.cell_format in _NUMBER_FORMATS:
            kinds.append(CellKind.NUMBER)
        else:  # TEXT, and AVAILABILITY's labels
            kinds.append(CellKind.TEXT)
    return kinds


_NUMBER_FORMATS = frozenset({CellFormat.QUANTITY, CellFormat.NUMBER, CellFormat.WAREHOUSE_QUANTITY})


class SheetFile:
    """One XLSX file being written: rows go in steps, :meth:`finish` writes the zip.

    Use it as a context manager: the temporary file of the deflated rows goes
    when the block ends, whatever happens.
    """

    def __init__(self, spec: FeedSpec) -> None:
        check_layout(spec, LIMITS)
        self.spec = spec
        self.rows = 0
        self._xml = SheetXml(cell_kinds(spec), [column.header for column in spec.columns])
        # Closed by __exit__ (the sheet's rows live in it until finish()).
        self._body = tempfile.TemporaryFile(prefix="shelfcast-xlsx-")  # noqa: SIM115
        self._deflater = RawDeflater()
        self._compressed = 0
        # Deflating (which releases the GIL) runs in a thread of its own, while
        # Arrow (which releases it too) builds the next step's XML.
        self._deflating = ThreadPoolExecutor(1, thread_name_prefix="xlsx-deflate")
        self._pending: deque[Future[None]] = deque()
        headers: list[Texts] = [pa.array([column.header], TEXT) for column in spec.columns]
        try:
            self._write(self._xml.rows(headers, 1, spec.header_row, 0))
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def __enter__(self) -> SheetFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._deflating.shutdown(wait=True, cancel_futures=True)
        self._body.close()

    def _write(self, xml: memoryview | bytes) -> None:
        """Queue a piece of the sheet's XML for the deflate thread, in order."""
        self._pending.append(self._deflating.submit(self._deflate, xml))
        while len(self._pending) > _PENDING_STEPS:
            self._pending.popleft().result()

    def _deflate(self, xml: memoryview | bytes) -> None:
        compressed = self._deflater.compress(xml)
        self._body.write(compressed)
        self._compressed += len(compressed)

    def _drain(self) -> None:
        while self._pending:
            self._pending.popleft().result()

    def add(self, texts: list[Texts], length: int) -> None:
        """Write ``length`` data rows, one text per cell (see :class:`SheetXml`).

        Raises :class:`~shelfcast.render.errors.FeedTooLarge` for a row past
        the sheet's last, once the rows before it are written (their own
        errors come first, as they come first in the feed).
        """
        room = LIMITS.max_rows - (self.spec.header_row + self.rows)
        if length > room:
            if room > 0:
                self.add([_head(values, room) for values in texts], room)
            raise too_many_rows(self.spec, LIMITS)
        if length:
            first_row = self.spec.header_row + self.rows + 1
            self._write(self._xml.rows(texts, length, first_row, self.rows + 1))
            self.rows += length

    def finish(self, out: BinaryIO) -> None:
        """Write the whole XLSX file to ``out``."""
        self._write(sheet_end())
        self._drain()
        tail = self._deflater.flush(final=True)
        self._body.write(tail)
        self._compressed += len(tail)
        start = RawDeflater()
        head = start.compress(sheet_start(self._xml.dimension())) + start.flush(final=False)
        crc = crc32_combine(start.crc, self._deflater.crc, self._deflater.size)

        archive = ZipWriter(out)
        for name, data in fixed_parts(self.spec.sheet_name):
            archive.add(name, data)
        size = start.size + self._deflater.size
        archive.add_deflated(
            SHEET_PART, crc, size, len(head) + self._compressed, [head, *self._body_pieces()]
        )
        archive.close()

    def _body_pieces(self) -> Iterator[bytes]:
        self._body.flush()
        self._body.seek(0)
        while piece := self._body.read(_COPY_CHUNK):
            yield piece


def _head(values: Texts, length: int) -> Texts:
    return values if isinstance(values, str) else values.slice(0, length)


class XlsxWriter:
    """Writes a feed as an Office Open XML workbook (.xlsx) with one sheet.

    The header stands on row ``spec.header_row`` with empty rows above it. Text
    cells are inline strings (never formulas or links); QUANTITY, NUMBER and
    PRICE cells are numbers, prices shown with the ``0.00`` number format. An
    empty cell is left out. Output is deterministic: fixed parts, no dates.
    """

    extension = "xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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

        Raises :class:`~shelfcast.render.errors.FeedTooLarge` past 1,048,576 rows
        or 16,384 columns, :class:`~shelfcast.render.errors.CellTooLong` for a
        text over 32,767 characters and
        :class:`~shelfcast.render.errors.InvalidValue` for a number beyond
        Excel's range. Nothing reaches ``out`` until every row is written, so on
        error ``out`` is untouched. Needs a writable temp directory.
        """
        width = len(spec.columns)
        with SheetFile(spec) as sheet:
            batch: list[Sequence[str | Decimal]] = []
            try:
                for row in cells:
                    if len(row) != width:
                        raise wrong_width(sheet.rows + len(batch) + 1, len(row), width)
                    batch.append(row)
                    if len(batch) == _BATCH_ROWS:
                        sheet.add(_texts(batch, width), len(batch))
                        batch = []
            except RenderError:
                # The rows before the bad one may hold an error of their own, which comes first.
                sheet.add(_texts(batch, width), len(batch))
                raise
            sheet.add(_texts(batch, width), len(batch))
            sheet.finish(out)
            return sheet.rows


def _texts(batch: list[Sequence[str | Decimal]], width: int) -> list[Texts]:
    """Cell rows as one Arrow array of texts per column: numbers as plain decimals."""
    if not batch:
        return [""] * width
    columns: list[Texts] = []
    for cells in zip(*batch, strict=True):
        texts = [cell if isinstance(cell, str) else format_decimal(cell) for cell in cells]
        columns.append(pa.array(texts, TEXT))
    return columns
