"""CSV feeds from Arrow record batches: the bytes of the row path, without Python per row.

:func:`write_csv_batches` writes exactly the file that ``render_feed`` with the
CSV writer writes for the same values: the cell rules of
:mod:`shelfcast.render.values` and the ``csv`` module's minimal quoting, done
column by column with Arrow compute kernels. Only values outside the kernels'
easy domain (a number too large for 64-bit arithmetic, a numeric column given
as text that is not already in plain form) go through the row path's own
converters one by one, so the two paths cannot drift apart on a rare value.

A million-row feed spends most of its time in the database either way; what
this saves is the per-cell Python work of the row path (a converter call and a
``csv`` field per cell), which is most of a CSV build's time on SQLite.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from shelfcast.render._arrow_csv import (
    TEXT,
    Dialect,
    encoded,
    first_unencodable,
    text_data,
    text_scalar,
)
from shelfcast.render._arrow_numbers import (
    FAST_UNITS,
    QUANTITIES,
    UnitShaping,
    cents,
    plain,
    with_sign,
)
from shelfcast.render.errors import InvalidValue, RenderError, UnencodableText
from shelfcast.render.spec import (
    CellFormat,
    Column,
    ColumnSource,
    FeedSpec,
    FileType,
    StockRules,
)
from shelfcast.render.values import (
    CellConverter,
    cell_converters,
    format_decimal,
    warehouse_rules,
)
from shelfcast.render.writers._common import wrong_width
from shelfcast.render.writers.csv import CsvWriter

__all__ = ["write_csv_batches"]

# Rows converted at a time: the Arrow temporaries of a step stay small, whatever
# size of batch the caller hands over (slices are zero-copy).
_ROWS_PER_STEP = 16_384

# A numeric column given as text that is already what the row path writes: no
# leading zeros, no trailing fractional zeros, no "-0", no exponent.
_PLAIN_NUMBER = r"^(?:0|-?(?:[1-9][0-9]*(?:\.[0-9]*[1-9])?|0\.[0-9]*[1-9]))$"

_LINE_END = "\r\n"

Field: TypeAlias = pa.Array | str
"""One output column of a step: the field text of every row, or one text for all rows."""


def write_csv_batches(
    spec: FeedSpec, batches: Iterable[pa.RecordBatch], out: BinaryIO, *, scale: int = 0
) -> int:
    """Write a CSV feed from Arrow record batches; return the number of data rows.

    The bytes are those :func:`~shelfcast.render.render_feed` writes for
    ``spec`` from the same values: the empty lines and the header on line
    ``spec.header_row``, then one line per row in the file's encoding, CRLF
    line ends, a field quoted only when it holds the separator, a quote or a
    line break (quotes doubled), and a row whose only field is empty written as
    ``""``; the CSV options and the stock rules of ``spec`` applied alike.

    Each batch holds one column per ``spec.columns`` entry, in order, with the
    raw values the row path would get:

    - TEXT columns: strings (``string``/``large_string``); null is an empty cell.
    - QUANTITY, WAREHOUSE_QUANTITY, AVAILABILITY, NUMBER and PRICE columns:
      ``int64`` fixed-point numbers, the
      value being ``units * 10**-scale`` (``scale`` 0: whole numbers), or
      strings parsed as the row path parses them (a blank string is an empty
      cell, a non-number raises :class:`~shelfcast.render.errors.InvalidValue`
      naming its data row); null is an empty cell.
    - CUSTOM_VALUE columns: anything (a null column will do); the column's
      constant is written.

    ``batches`` is consumed once, a batch at a time, so memory stays flat when
    it streams from a database cursor. ``out`` may hold a partial file after an
    error: render into a temporary file and move it into place on success.
    """
    if spec.file_type is not FileType.CSV:
        raise ValueError(f"write_csv_batches writes CSV files, not {spec.file_type.value}")
    if scale < 0:
        raise ValueError(f"scale must be 0 or more, not {scale}")
    header = io.BytesIO()
    CsvWriter().write(spec, (), header)  # the empty lines and the header, checked as usual
    out.write(header.getbuffer())

    dialect = Dialect.of(spec)
    columns = [
        _ColumnWriter.of(spec, column, position, dialect, scale)
        for position, column in enumerate(spec.columns)
    ]
    rows = 0
    for batch in batches:
        if batch.num_columns != len(columns):
            raise wrong_width(rows + 1, batch.num_columns, len(columns))
        for start in range(0, batch.num_rows, _ROWS_PER_STEP):
            step = batch.slice(start, _ROWS_PER_STEP)
            _write_step(columns, dialect, step, rows, out)
            rows += step.num_rows
    return rows


@dataclass(frozen=True, slots=True)
class _Problem:
    """The first bad value of a column in a step: raised once every column is seen."""

    row: int  # 0-based within the step
    position: int  # the column's position
    error: InvalidValue


@dataclass(frozen=True, slots=True)
class _ColumnWriter:
    """Turns one column of a step into field texts by the rules of ``values.py``."""

    column: Column
    position: int
    dialect: Dialect
    scale: int
    converter: CellConverter  # the row path's converter, for values off the fast path
    constant: str | None  # the finished field of a CUSTOM_VALUE column
    rules: StockRules  # what shapes a quantity (and decides availability) of this column
    shaping: UnitShaping | None  # the rules in units; None: off the kernels' domain
    labels: dict[str, str]  # an AVAILABILITY column's labels -> their finished fields
    out_of_stock: str  # the finished fields of the two labels
    in_stock: str

    @classmethod
    def of(
        cls, spec: FeedSpec, column: Column, position: int, dialect: Dialect, scale: int
    ) -> _ColumnWriter:
        labels = spec.availability_labels
        converter = cell_converters([column], stock=spec.stock, labels=labels)[0]
        constant = None
        if column.source is ColumnSource.CUSTOM_VALUE:
            constant = dialect.field(str(converter(None)))
        rules = spec.stock
        if column.cell_format is CellFormat.WAREHOUSE_QUANTITY:
            rules = warehouse_rules(spec.stock)
        finished = {label: dialect.field(label) for label in (labels.out_of_stock, labels.in_stock)}
        shapes = column.cell_format in QUANTITIES or column.cell_format is CellFormat.AVAILABILITY
        shaping = UnitShaping.of(rules if shapes else StockRules(), scale)
        return cls(
            column,
            position,
            dialect,
            scale,
            converter,
            constant,
            rules,
            shaping,
            finished,
            finished[labels.out_of_stock],
            finished[labels.in_stock],
        )

    def fields(self, values: pa.Array, problems: list[_Problem]) -> Field:
        if self.constant is not None:
            return self.constant
        value_type = values.type
        cell_format = self.column.cell_format
        if pa.types.is_null(value_type):
            return self.dialect.field(str(self.converter(None)))
        is_text = pa.types.is_string(value_type) or pa.types.is_large_string(value_type)
        if cell_format is CellFormat.TEXT:
            if not is_text:
                raise self._unsupported(value_type)
            texts = values.cast(TEXT)
            if values.null_count:
                texts = texts.fill_null(text_scalar(""))
            return self.dialect.text_fields(texts)
        if not (is_text or pa.types.is_int64(value_type)):
            raise self._unsupported(value_type)
        if cell_format is CellFormat.AVAILABILITY:
            return self._availability(values, is_text, problems)
        if is_text:
            texts = self._numbers_from_text(values.cast(TEXT), problems)
        else:
            texts = self._numbers_from_units(values, problems)
        return self.dialect.number_fields(texts)

    def _fast_units(self, units: pa.Array) -> pa.Array:
        """Where the kernels compute the value (null included: an empty cell)."""
        if self.shaping is None:
            return pc.is_null(units)
        return pc.fill_null(
            pc.and_(pc.greater_equal(units, -FAST_UNITS), pc.less_equal(units, FAST_UNITS)),
            True,
        )

    def _availability(self, values: pa.Array, is_text: bool, problems: list[_Problem]) -> Field:
        """The label fields by the published quantity; text values go the row path's way."""
        if is_text:
            fast = pa.array([False] * len(values))
            fields = pa.array([self.out_of_stock] * len(values), TEXT)
        else:
            fast = self._fast_units(values)
            in_range = values if pc.all(fast).as_py() else pc.if_else(fast, values, 0)
            published = self.shaping.apply(in_range) if self.shaping else in_range
            listed = pc.fill_null(pc.greater(published, 0), False)
            fields = pc.if_else(listed, text_scalar(self.in_stock), text_scalar(self.out_of_stock))
        slow = pc.invert(fast)
        if pc.any(slow).as_py():
            raws = pc.filter(values, slow).to_pylist()
            if not is_text:
                raws = [Decimal(int(value)).scaleb(-self.scale) for value in raws]
            labels = self._converted(raws, slow, problems).to_pylist()
            finished = pa.array([self.labels.get(label, "") for label in labels], TEXT)
            fields = pc.replace_with_mask(fields, slow, finished)
        return fields

    def _unsupported(self, value_type: pa.DataType) -> TypeError:
        return TypeError(
            f"column {self.column.header!r} ({self.column.cell_format.value}) cannot be "
            f"written from Arrow {value_type} values"
        )

    # --- numbers given as int64 fixed-point units ---

    def _numbers_from_units(self, units: pa.Array, problems: list[_Problem]) -> pa.Array:
        fast = self._fast_units(units)
        in_range = units if pc.all(fast).as_py() else pc.if_else(fast, units, 0)
        cell_format = self.column.cell_format
        if cell_format in QUANTITIES:
            # Oversold stock is "none left": negatives are 0 (and the rules shape the rest).
            published = self.shaping.apply(in_range) if self.shaping else in_range
            texts = plain(pc.max_element_wise(published, 0, skip_nulls=False), self.scale)
        elif cell_format is CellFormat.PRICE:
            texts = with_sign(in_range, *cents(pc.abs(in_range), self.scale))
        else:
            magnitude = pc.abs(in_range)
            texts = with_sign(in_range, magnitude, plain(magnitude, self.scale))
        texts = texts.fill_null(text_scalar("")) if units.null_count else texts
        slow = pc.invert(fast)
        if pc.any(slow).as_py():
            # Off the fast path: Decimals exactly as the database layer makes them.
            raws = [
                Decimal(int(value)).scaleb(-self.scale)
                for value in pc.filter(units, slow).to_pylist()
            ]
            texts = pc.replace_with_mask(texts, slow, self._converted(raws, slow, problems))
        return texts

    # --- numbers given as text ---

    def _numbers_from_text(self, raw: pa.Array, problems: list[_Problem]) -> pa.Array:
        texts = raw.fill_null(text_scalar("")) if raw.null_count else raw
        fast = pc.equal(texts, text_scalar(""))
        cell_format = self.column.cell_format
        # A price needs its two places; a shaped quantity, the row path's rules.
        if cell_format is not CellFormat.PRICE and not (
            cell_format in QUANTITIES and self.rules.shapes
        ):
            fast = pc.or_(fast, pc.match_substring_regex(texts, _PLAIN_NUMBER))
            if cell_format in QUANTITIES:
                texts = pc.if_else(pc.starts_with(texts, "-"), text_scalar("0"), texts)
        slow = pc.invert(fast)
        if pc.any(slow).as_py():
            raws = pc.filter(raw, slow).to_pylist()
            texts = pc.replace_with_mask(texts, slow, self._converted(raws, slow, problems))
        return texts

    def _converted(self, raws: list[Any], slow: pa.Array, problems: list[_Problem]) -> pa.Array:
        """The row path's field texts of ``raws`` (the values where ``slow`` is true)."""
        texts: list[str] = []
        for index, raw in enumerate(raws):
            try:
                cell = self.converter(raw)
            except InvalidValue as error:
                # The column's first bad value; the rest of the step is never written.
                row = pc.indices_nonzero(slow)[index].as_py()
                problems.append(_Problem(row, self.position, error))
                texts += [""] * (len(raws) - index)
                break
            texts.append(cell if isinstance(cell, str) else format_decimal(cell))
        return pa.array(texts, TEXT)


def _write_step(
    columns: list[_ColumnWriter], dialect: Dialect, step: pa.RecordBatch, rows: int, out: BinaryIO
) -> None:
    problems: list[_Problem] = []
    fields = [
        column.fields(values, problems)
        for column, values in zip(columns, step.columns, strict=True)
    ]
    # The row path stops at the first bad cell in row order, then column order; in
    # a row, a bad value (converting) comes before a character the encoding
    # cannot hold (writing).
    first = min(problems, key=lambda p: (p.row, p.position)) if problems else None
    data = encoded(_lines(fields, dialect, step.num_rows), dialect.codec)
    if data is None:
        assert dialect.codec is not None
        before = first.row if first is not None else step.num_rows
        headers = [column.column.header for column in columns]
        unencodable = first_unencodable(headers, fields, before, dialect.codec)
        if unencodable is not None:
            row, column, character = unencodable
            raise UnencodableText(column, rows + row + 1, character, dialect.codec)
    if first is not None:
        raise first.error.at_row(rows + first.row + 1)
    assert data is not None
    out.write(data)


def _lines(fields: list[Field], dialect: Dialect, count: int) -> memoryview | str:
    """The step's lines: their UTF-8 bytes, or one text when every line is the same."""
    last = fields[-1]
    if isinstance(last, str):
        fields[-1] = last + _LINE_END
    else:
        fields[-1] = pc.binary_join_element_wise(last, text_scalar(""), text_scalar(_LINE_END))
    if all(isinstance(field, str) for field in fields):
        # Nothing varies: every line is the same.
        return dialect.separator.join(str(field) for field in fields) * count
    arguments = [text_scalar(field) if isinstance(field, str) else field for field in fields]
    lines = pc.binary_join_element_wise(*arguments, text_scalar(dialect.separator))
    if lines.null_count:
        raise RenderError("a line of the feed came out null")  # a bug, never the data
    return text_data(lines)
