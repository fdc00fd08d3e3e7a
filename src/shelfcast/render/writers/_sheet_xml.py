"""Sheet rows as SpreadsheetML, built column by column with Arrow compute.

The XLSX writer hands over a step of rows as one *text* per cell and column
(an Arrow ``large_string`` array, or one ``str`` for every row): the text of a
text cell as it is, the plain decimal of a number, ``""`` for an empty cell.
:meth:`SheetXml.rows` turns them into the ``<row>`` elements of the sheet in
a handful of Arrow kernels per column, never a Python call per cell:

- a text cell is an inline string (``t="inlineStr"``, no shared-string table),
  escaped as Excel and XlsxWriter do: ``& < >`` as entities, the control
  characters XML 1.0 forbids and U+FFFE/U+FFFF as ``_xHHHH_``, a literal
  ``_xHHHH_`` as ``_x005F_xHHHH_`` (so readers that decode the escapes give
  the text back), ``xml:space="preserve"`` on a text with whitespace at
  either end;
- a number is a numeric cell (``<v>``), prices with the ``0.00`` style;
- an empty cell is left out, and a row of empty cells too.

Both the row path and the Arrow path of the writer come through here, so the
two cannot write different XML for the same cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from shelfcast.render.errors import CellTooLong, InvalidValue, RenderError
from shelfcast.render.writers._excel import TEXT_FAST_LIMIT, TEXT_LIMIT, utf16_length
from shelfcast.render.writers._xlsx_parts import PRICE_STYLE

__all__ = ["CellKind", "SheetXml", "Texts", "column_letters", "text_data"]

TEXT = pa.large_string()

Texts: TypeAlias = pa.Array | str
"""One column of a step: a text per row, or one text for every row."""


class CellKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    PRICE = "price"  # a number shown with two places


# The bytes that may make a text need more than copying: control characters,
# & < >, "_" (of a literal "_xHHHH_") and the lead byte of U+FFFE/U+FFFF. Deleting
# every other byte of a column (bytes.translate) leaves nothing in most columns
# (SKUs, barcodes, URLs, most names), many times faster than a regex search.
_MAYBE_SPECIAL = bytes(range(0x09)) + bytes(range(0x0B, 0x20)) + b"&<>_\xef"
_ORDINARY = bytes(byte for byte in range(256) if byte not in _MAYBE_SPECIAL)
_CONTROL_BYTES = bytes(range(0x09)) + bytes(range(0x0B, 0x20))
_NOT_CONTROL = bytes(byte for byte in range(256) if byte not in _CONTROL_BYTES)
_LITERAL_ESCAPE_BYTES = re.compile(rb"_x[0-9A-Fa-f]{4}_")
# Texts needing Excel's _xHHHH_ escapes (the same characters, in RE2 and Python).
_EXCEL_ESCAPES = r"[\x00-\x08\x0b-\x1f\x{fffe}\x{ffff}]|_x[0-9A-Fa-f]{4}_"
_LITERAL_ESCAPE = re.compile("(_x[0-9A-Fa-f]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")
# Python's whitespace (XlsxWriter's test for xml:space="preserve") less what
# was escaped above.
_SPACE = (
    "\t\n \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)
# Numbers of more digits than this may be beyond a double's range: checked one by one.
_NUMBER_FAST_LENGTH = 300

_ROW_END = "</row>"


def column_letters(index: int) -> str:
    """Excel's name of the 0-based column ``index``: A, B, ..., Z, AA, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_data(texts: pa.Array) -> memoryview:
    """The UTF-8 bytes of every string of a large-string array, back to back, uncopied."""
    _validity, offsets, data = texts.buffers()
    if data is None or len(texts) == 0:
        return memoryview(b"")
    positions = memoryview(offsets).cast("q")  # large_string: 64-bit offsets
    return memoryview(data)[positions[texts.offset] : positions[texts.offset + len(texts)]]


def _scalar(text: str) -> pa.Scalar:
    return pa.scalar(text, TEXT)


def _integer(value: int) -> pa.Scalar:
    """An int for a kernel, as an Arrow scalar: given a Python int, pyarrow tries to
    import numpy on every call (~0.5 ms when numpy is not installed)."""
    return pa.scalar(value, pa.int64())


def _excel_escape(text: str) -> str:
    text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    return _CONTROL.sub(lambda match: f"_x{ord(match.group()):04X}_", text)


def _needs_excel_escapes(data: bytes, special: bytes) -> bool:
    if special.translate(None, _NOT_CONTROL):
        return True
    if b"_" in special and _LITERAL_ESCAPE_BYTES.search(data):
        return True
    return b"\xef" in special and (b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data)


def escape_texts(texts: pa.Array) -> pa.Array:
    """Texts as the content of a ``<t>`` element (see the module's docstring)."""
    data = bytes(text_data(texts))
    special = data.translate(None, _ORDINARY)
    if not special:
        return texts
    excel = None
    if _needs_excel_escapes(data, special):
        excel = pc.match_substring_regex(texts, _EXCEL_ESCAPES)
    if excel is not None and pc.any(excel).as_py():
        chosen = [_excel_escape(text) for text in pc.filter(texts, excel).to_pylist()]
        texts = pc.replace_with_mask(texts, excel, pa.array(chosen, TEXT))
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        if char.encode() in special:
            texts = pc.replace_substring(texts, char, entity)
    return texts


@dataclass(frozen=True, slots=True)
class _Column:
    kind: CellKind
    header: str
    opening: str  # '<c r="B' : the row number follows


@dataclass(slots=True)
class _Step:
    """One step's parts of the row join, and what the checks found."""

    parts: list[pa.Array | pa.Scalar]
    may_be_empty: bool  # some row may have no cell at all
    problems: list[tuple[int, int, RenderError]]  # (row in step, column, error)


class SheetXml:
    """Turns steps of cell texts into ``<row>`` elements, and keeps the used range."""

    def __init__(self, kinds: list[CellKind], headers: list[str]) -> None:
        self._columns = [
            _Column(kind, header, f'<c r="{column_letters(position)}')
            for position, (kind, header) in enumerate(zip(kinds, headers, strict=True))
        ]
        self.first_row = 0  # the used range: 1-based rows, 0-based columns; 0 rows: unused
        self.last_row = 0
        self.first_column = len(kinds)
        self.last_column = -1
        self._range = pa.array([], pa.int64())

    def _offsets(self, length: int) -> pa.Array:
        """0, 1, ..., length - 1 (the row numbers of a step less its first)."""
        if len(self._range) < length:
            self._range = pa.array(range(length), pa.int64())
        return self._range.slice(0, length)

    def dimension(self) -> str:
        """The used range, as ``<dimension ref>`` wants it (``"A1"`` for an empty sheet)."""
        if not self.last_row:
            return "A1"
        first = f"{column_letters(self.first_column)}{self.first_row}"
        last = f"{column_letters(self.last_column)}{self.last_row}"
        return first if first == last else f"{first}:{last}"

    def rows(
        self, texts: list[Texts], length: int, first_row: int, first_data_row: int
    ) -> memoryview:
        """The XML of ``length`` rows, the first on sheet row ``first_row``.

        ``first_data_row`` is the data row number of the first, for error
        messages: a text too long for a cell raises :class:`CellTooLong`, a
        number beyond Excel's range :class:`InvalidValue`. 0 is the header row,
        whose cells are all text.
        """
        numbers = pc.add(self._offsets(length), _integer(first_row)).cast(TEXT)
        step = _Step([_scalar('<row r="'), numbers, _scalar('">')], False, [])
        for position, (column, values) in enumerate(zip(self._columns, texts, strict=True)):
            kind = column.kind if first_data_row else CellKind.TEXT
            self._cells(step, position, column, kind, values, numbers, length)
        if step.problems:
            row, _position, error = min(step.problems, key=lambda found: found[:2])
            if isinstance(error, CellTooLong | InvalidValue) and first_data_row:
                raise _at_row(error, first_data_row + row)
            raise error
        step.parts.append(_scalar(_ROW_END))
        lines = pc.binary_join_element_wise(*_merged(step.parts), _scalar(""))
        if step.may_be_empty:
            bare = pc.add(pc.binary_length(numbers), _integer(len('<row r="">') + len(_ROW_END)))
            used = pc.not_equal(pc.binary_length(lines), bare)
            lines = pc.filter(lines, used)
            self._note_rows(pc.indices_nonzero(used).to_pylist(), first_row)
        elif length:
            self._note_rows([0, length - 1], first_row)
        return text_data(lines)  # the view keeps the array's buffer alive

    def _cells(
        self,
        step: _Step,
        position: int,
        column: _Column,
        kind: CellKind,
        values: Texts,
        numbers: pa.Array,
        length: int,
    ) -> None:
        if isinstance(values, str):
            if not values or not length:
                step.may_be_empty = True
                return
            values = pa.array([values], TEXT)
            close = self._close(column, kind, values, step, position)
            constant = pc.binary_join_element_wise(*close, _scalar("")).to_pylist()[0]
            step.parts += [_scalar(column.opening), numbers, _scalar(constant)]
            self._note_column(position)
            return
        close = self._close(column, kind, values, step, position)
        empty = pc.equal(values, _scalar(""))
        empties = pc.sum(empty).as_py() or 0
        if empties == length:
            step.may_be_empty = True
            return
        self._note_column(position)
        parts = [_scalar(column.opening), numbers, *close]
        if not empties:
            step.parts += parts
            return
        cells = pc.binary_join_element_wise(*parts, _scalar(""))
        step.parts.append(pc.if_else(empty, _scalar(""), cells))
        step.may_be_empty = True

    def _close(
        self, column: _Column, kind: CellKind, values: pa.Array, step: _Step, position: int
    ) -> list[pa.Array | pa.Scalar]:
        """The parts of each cell after its row number: attributes, value, end tags."""
        if kind is CellKind.TEXT:
            self._check_lengths(column, values, step, position)
            escaped = escape_texts(values)
            # Whitespace at either end: trimming it changes the length.
            trimmed = pc.utf8_trim(escaped, characters=_SPACE)
            preserve = pc.not_equal(pc.binary_length(trimmed), pc.binary_length(escaped))
            opening: pa.Array | pa.Scalar = _scalar('" t="inlineStr"><is><t>')
            if pc.any(preserve).as_py():
                opening = pc.if_else(
                    preserve,
                    _scalar('" t="inlineStr"><is><t xml:space="preserve">'),
                    opening,
                )
            return [opening, escaped, _scalar("</t></is></c>")]
        self._check_numbers(column, values, step, position)
        style = f' s="{PRICE_STYLE}"' if kind is CellKind.PRICE else ""
        if kind is CellKind.PRICE:
            # Two places are the style's job: the value is the plain number (7, 7.5).
            values = pc.ascii_rtrim(pc.ascii_rtrim(values, "0"), ".")
        return [_scalar(f'"{style}><v>'), values, _scalar("</v></c>")]

    def _check_lengths(self, column: _Column, values: pa.Array, step: _Step, position: int) -> None:
        """A UTF-8 text of at most TEXT_FAST_LIMIT bytes fits; longer ones are counted."""
        long = pc.greater(pc.binary_length(values), _integer(TEXT_FAST_LIMIT))
        if not pc.any(long).as_py():
            return
        for row in pc.indices_nonzero(long).to_pylist():
            length = utf16_length(values[row].as_py())
            if length > TEXT_LIMIT:
                step.problems.append(
                    (row, position, CellTooLong(column.header, None, length, TEXT_LIMIT))
                )
                return

    def _check_numbers(self, column: _Column, values: pa.Array, step: _Step, position: int) -> None:
        """Excel's numbers are doubles: a number beyond their range is refused."""
        long = pc.greater(pc.binary_length(values), _integer(_NUMBER_FAST_LENGTH))
        if not pc.any(long).as_py():
            return
        for row in pc.indices_nonzero(long).to_pylist():
            text = values[row].as_py()
            if abs(float(text)) == float("inf"):
                error = InvalidValue(column.header, text, "it is too large for Excel")
                step.problems.append((row, position, error))
                return

    def _note_column(self, position: int) -> None:
        self.first_column = min(self.first_column, position)
        self.last_column = max(self.last_column, position)

    def _note_rows(self, used: list[int], first_row: int) -> None:
        """Widen the used range to the rows at these offsets from ``first_row``."""
        if used:
            if not self.first_row:
                self.first_row = first_row + used[0]
            self.last_row = first_row + used[-1]


def _merged(parts: list[pa.Array | pa.Scalar]) -> list[pa.Array | pa.Scalar]:
    """The parts with each run of constants joined into one: the join's time goes
    by the number of pieces per row more than by their bytes."""
    merged: list[pa.Array | pa.Scalar] = []
    for part in parts:
        if isinstance(part, pa.Scalar) and merged and isinstance(merged[-1], pa.Scalar):
            merged[-1] = _scalar(merged[-1].as_py() + part.as_py())
        else:
            merged.append(part)
    return merged


def _at_row(error: CellTooLong | InvalidValue, row: int) -> RenderError:
    if isinstance(error, CellTooLong):
        return CellTooLong(error.column, row, error.length, error.limit)
    return error.at_row(row)
