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
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from shelfcast.render.errors import InvalidValue, RenderError
from shelfcast.render.spec import CellFormat, Column, ColumnSource, FeedSpec, FileType
from shelfcast.render.values import CellConverter, cell_converters, format_decimal
from shelfcast.render.writers._common import wrong_width
from shelfcast.render.writers.csv import CsvWriter

__all__ = ["write_csv_batches"]

# Rows converted at a time: the Arrow temporaries of a step stay small, whatever
# size of batch the caller hands over (slices are zero-copy).
_ROWS_PER_STEP = 16_384

# Fixed-point numbers up to this many units take the kernels' path: far from
# int64 overflow after adding half a cent or scaling up to cents.
_FAST_UNITS = 10**15

# Every text is a large string (64-bit offsets): one batch of long descriptions
# can then never overflow a 2 GiB string array.
_TEXT = pa.large_string()

# A numeric column given as text that is already what the row path writes: no
# leading zeros, no trailing fractional zeros, no "-0", no exponent.
_PLAIN_NUMBER = r"^(?:0|-?(?:[1-9][0-9]*(?:\.[0-9]*[1-9])?|0\.[0-9]*[1-9]))$"

_QUOTE = '"'
_LINE_END = "\r\n"

Field: TypeAlias = pa.Array | str
"""One output column of a step: the field text of every row, or one text for all rows."""


def write_csv_batches(
    spec: FeedSpec, batches: Iterable[pa.RecordBatch], out: BinaryIO, *, scale: int = 0
) -> int:
    """Write a CSV feed from Arrow record batches; return the number of data rows.

    The bytes are those :func:`~shelfcast.render.render_feed` writes for
    ``spec`` from the same values: the empty lines and the header on line
    ``spec.header_row``, then one line per row, UTF-8, CRLF line ends, a field
    quoted only when it holds the separator, a quote or a line break (quotes
    doubled), and a row whose only field is empty written as ``""``.

    Each batch holds one column per ``spec.columns`` entry, in order, with the
    raw values the row path would get:

    - TEXT columns: strings (``string``/``large_string``); null is an empty cell.
    - QUANTITY, NUMBER and PRICE columns: ``int64`` fixed-point numbers, the
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

    dialect = _Dialect.of(spec)
    columns = [
        _ColumnWriter.of(column, position, dialect, scale)
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
class _Dialect:
    """The ``csv`` module's QUOTE_MINIMAL rules for one separator."""

    separator: str
    needs_quotes: re.Pattern[str]
    special_bytes: tuple[bytes, ...]  # the characters of needs_quotes, encoded
    single_field: bool  # one column: an empty field is written as ""

    @classmethod
    def of(cls, spec: FeedSpec) -> _Dialect:
        separator = spec.csv_separator.char
        special = (separator, _QUOTE, "\r", "\n")
        # None of the separators (, ; | tab) is special inside a character class,
        # and the same pattern serves Python's re and Arrow's RE2.
        return cls(
            separator=separator,
            needs_quotes=re.compile(f"[{''.join(special)}]"),
            special_bytes=tuple(char.encode() for char in special),
            single_field=len(spec.columns) == 1,
        )

    def _any_needs_quotes(self, texts: pa.Array) -> bool:
        """Whether any text holds a character that needs quotes: one scan of the bytes.

        Most columns (SKUs, barcodes, URLs) never do, and a byte search is many
        times faster than matching row by row. The characters are ASCII, and in
        UTF-8 an ASCII byte is never part of another character.
        """
        data = bytes(_text_data(texts))
        return any(char in data for char in self.special_bytes)

    def field(self, text: str) -> str:
        """One field as the ``csv`` module writes it (for the constants)."""
        if self.needs_quotes.search(text):
            return _QUOTE + text.replace(_QUOTE, _QUOTE * 2) + _QUOTE
        if self.single_field and not text:
            return _QUOTE * 2
        return text

    def fields(self, texts: pa.Array, *, may_need_quotes: bool) -> pa.Array:
        """The same for a column of texts (no nulls); numbers never need quotes."""
        if may_need_quotes and self._any_needs_quotes(texts):
            needs = pc.match_substring_regex(texts, self.needs_quotes.pattern)
            chosen = pc.replace_substring(pc.filter(texts, needs), _QUOTE, _QUOTE * 2)
            quoted = pc.binary_join_element_wise(_text(_QUOTE), chosen, _text(_QUOTE), _text(""))
            texts = pc.replace_with_mask(texts, needs, quoted)
        if self.single_field:
            texts = pc.if_else(pc.equal(texts, _text("")), _text(_QUOTE * 2), texts)
        return texts


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, _TEXT)


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
    dialect: _Dialect
    scale: int
    converter: CellConverter  # the row path's converter, for values off the fast path
    constant: str | None  # the finished field of a CUSTOM_VALUE column

    @classmethod
    def of(cls, column: Column, position: int, dialect: _Dialect, scale: int) -> _ColumnWriter:
        converter = cell_converters([column])[0]
        constant = None
        if column.source is ColumnSource.CUSTOM_VALUE:
            constant = dialect.field(str(converter(None)))
        return cls(column, position, dialect, scale, converter, constant)

    def fields(self, values: pa.Array, problems: list[_Problem]) -> Field:
        if self.constant is not None:
            return self.constant
        value_type = values.type
        if pa.types.is_null(value_type):
            return self.dialect.field("")
        is_text = pa.types.is_string(value_type) or pa.types.is_large_string(value_type)
        cell_format = self.column.cell_format
        if cell_format is CellFormat.TEXT:
            if not is_text:
                raise self._unsupported(value_type)
            texts = values.cast(_TEXT)
            if values.null_count:
                texts = texts.fill_null(_text(""))
            return self.dialect.fields(texts, may_need_quotes=True)
        if is_text:
            texts = self._numbers_from_text(values.cast(_TEXT), problems)
        elif pa.types.is_int64(value_type):
            texts = self._numbers_from_units(values, problems)
        else:
            raise self._unsupported(value_type)
        return self.dialect.fields(texts, may_need_quotes=False)

    def _unsupported(self, value_type: pa.DataType) -> TypeError:
        return TypeError(
            f"column {self.column.header!r} ({self.column.cell_format.value}) cannot be "
            f"written from Arrow {value_type} values"
        )

    # --- numbers given as int64 fixed-point units ---

    def _numbers_from_units(self, units: pa.Array, problems: list[_Problem]) -> pa.Array:
        fast = pc.fill_null(
            pc.and_(pc.greater_equal(units, -_FAST_UNITS), pc.less_equal(units, _FAST_UNITS)),
            True,
        )
        in_range = units if pc.all(fast).as_py() else pc.if_else(fast, units, 0)
        cell_format = self.column.cell_format
        if cell_format is CellFormat.QUANTITY:
            # Oversold stock is "none left": negatives are 0.
            texts = _plain(pc.max_element_wise(in_range, 0, skip_nulls=False), self.scale)
        elif cell_format is CellFormat.PRICE:
            texts = _with_sign(in_range, *_cents(pc.abs(in_range), self.scale))
        else:
            magnitude = pc.abs(in_range)
            texts = _with_sign(in_range, magnitude, _plain(magnitude, self.scale))
        texts = texts.fill_null(_text("")) if units.null_count else texts
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
        texts = raw.fill_null(_text("")) if raw.null_count else raw
        fast = pc.equal(texts, _text(""))
        if self.column.cell_format is not CellFormat.PRICE:  # a price needs its two places
            fast = pc.or_(fast, pc.match_substring_regex(texts, _PLAIN_NUMBER))
            if self.column.cell_format is CellFormat.QUANTITY:
                texts = pc.if_else(pc.starts_with(texts, "-"), _text("0"), texts)
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
        return pa.array(texts, _TEXT)


def _plain(magnitude: pa.Array, scale: int) -> pa.Array:
    """Non-negative fixed-point units as a plain decimal without trailing zeros."""
    if scale == 0:
        return magnitude.cast(_TEXT)
    unit = 10**scale
    whole = pc.divide(magnitude, unit)  # integer division truncates; the value is >= 0
    fraction = pc.subtract(magnitude, pc.multiply(whole, unit))
    digits = pc.ascii_rtrim(pc.ascii_lpad(fraction.cast(_TEXT), width=scale, padding="0"), "0")
    # "12" + "." + "" is "12.", and the dot goes; "12.5" keeps it.
    return pc.ascii_rtrim(pc.binary_join_element_wise(whole.cast(_TEXT), digits, _text(".")), ".")


def _cents(magnitude: pa.Array, scale: int) -> tuple[pa.Array, pa.Array]:
    """Non-negative units rounded half-up to cents: the cents, and their text ("7.00")."""
    if scale > 2:
        step = 10 ** (scale - 2)
        cents = pc.divide(pc.add(magnitude, step // 2), step)
    else:
        cents = pc.multiply(magnitude, 10 ** (2 - scale))
    whole = pc.divide(cents, 100)
    rest = pc.subtract(cents, pc.multiply(whole, 100))
    rest_text = pc.ascii_lpad(rest.cast(_TEXT), width=2, padding="0")
    return cents, pc.binary_join_element_wise(whole.cast(_TEXT), rest_text, _text("."))


def _with_sign(values: pa.Array, magnitude: pa.Array, texts: pa.Array) -> pa.Array:
    """A "-" before the text of each negative value that is not written as zero
    (-0.001 rounds to the price 0.00, not -0.00)."""
    negative = pc.and_(pc.less(values, 0), pc.greater(magnitude, 0))
    if not pc.any(negative).as_py():
        return texts
    return pc.if_else(negative, pc.binary_join_element_wise(_text("-"), texts, _text("")), texts)


def _write_step(
    columns: list[_ColumnWriter], dialect: _Dialect, step: pa.RecordBatch, rows: int, out: BinaryIO
) -> None:
    problems: list[_Problem] = []
    fields = [
        column.fields(values, problems)
        for column, values in zip(columns, step.columns, strict=True)
    ]
    if problems:
        # The row path stops at the first bad cell in row order, then column order.
        first = min(problems, key=lambda p: (p.row, p.position))
        raise first.error.at_row(rows + first.row + 1)

    last = fields[-1]
    if isinstance(last, str):
        fields[-1] = last + _LINE_END
    else:
        fields[-1] = pc.binary_join_element_wise(last, _text(""), _text(_LINE_END))
    if all(isinstance(field, str) for field in fields):
        # Nothing varies: every line is the same.
        line = dialect.separator.join(str(field) for field in fields)
        out.write((line * step.num_rows).encode("utf-8"))
        return
    arguments = [_text(field) if isinstance(field, str) else field for field in fields]
    lines = pc.binary_join_element_wise(*arguments, _text(dialect.separator))
    if lines.null_count:
        raise RenderError("a line of the feed came out null")  # a bug, never the data
    out.write(_text_data(lines))


def _text_data(texts: pa.Array) -> memoryview:
    """The UTF-8 bytes of every string of a large-string array, back to back, uncopied."""
    _validity, offsets, data = texts.buffers()
    if data is None or len(texts) == 0:
        return memoryview(b"")
    positions = memoryview(offsets).cast("q")  # large_string: 64-bit offsets
    return memoryview(data)[positions[texts.offset] : positions[texts.offset + len(texts)]]
