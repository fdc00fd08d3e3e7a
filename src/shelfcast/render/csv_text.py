"""How a cell becomes the text of a CSV field: the one home of the CSV options.

The decimal separator, line breaks and formula protection change the text of
a field; the encoding decides which characters a file can hold at all. The
row path (:class:`~shelfcast.render.writers.csv.CsvWriter`) calls these
functions per cell; the columnar path (:mod:`shelfcast.render.columnar`) does
the same with Arrow kernels and the same patterns, and the property tests hold
the two to the same bytes.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from decimal import Decimal

from shelfcast.render.errors import UnencodableText
from shelfcast.render.spec import CsvEncoding, DecimalSeparator, FeedSpec, LineBreaks
from shelfcast.render.values import format_decimal

__all__ = [
    "FORMULA_START",
    "LINE_BREAK",
    "check_encodable",
    "codec_of",
    "csv_text",
    "file_start",
    "plain_text",
]

# One pattern for Python's re and Arrow's RE2: each CRLF, CR, LF or tab.
LINE_BREAK = r"\r\n|[\r\n\t]"
# What a spreadsheet would read as a formula (OWASP's list).
FORMULA_START = r"^[=+\-@\t\r]"
_LINE_BREAK = re.compile(LINE_BREAK)
_FORMULA_CHARS = frozenset("=+-@\t\r")
FORMULA_PREFIX = "'"


def plain_text(cell: str | Decimal) -> str:
    """The text of a cell with the default options."""
    # str(Decimal) may use exponent notation ("5E+2"); format_decimal never does.
    return cell if isinstance(cell, str) else format_decimal(cell)


def csv_text(spec: FeedSpec) -> Callable[[str | Decimal], str]:
    """The text a cell is written as in ``spec``'s CSV file, before quoting.

    Numbers: plain decimals (``7.00``, ``2.5``), with a comma for a decimal
    comma. Text: as it is; with ``line_breaks`` SPACE each CRLF, CR, LF or tab
    becomes one space; then with ``formula_protection`` a text starting with
    ``= + - @``, tab or CR gets a leading ``'``. Numbers are never prefixed (a
    negative weight stays a number).
    """
    comma = spec.decimal_separator is DecimalSeparator.COMMA
    spaces = spec.line_breaks is LineBreaks.SPACE
    protect = spec.formula_protection
    if not (comma or spaces or protect):
        return plain_text
    substitute = _LINE_BREAK.sub
    formula_chars = _FORMULA_CHARS

    def text(cell: str | Decimal) -> str:
        if isinstance(cell, str):
            if spaces and cell:
                cell = substitute(" ", cell)
            if protect and cell and cell[0] in formula_chars:
                cell = FORMULA_PREFIX + cell
            return cell
        written = format_decimal(cell)
        return written.replace(".", ",") if comma else written

    return text


def codec_of(encoding: CsvEncoding) -> str:
    """The codec each chunk of the file is encoded with (the BOM is written once)."""
    return "utf-8" if encoding.holds_everything else encoding.value


def file_start(encoding: CsvEncoding) -> bytes:
    """The bytes before anything else: the byte order mark of ``utf-8-sig``."""
    return codecs.BOM_UTF8 if encoding is CsvEncoding.UTF_8_SIG else b""


def check_encodable(text: str, codec: str, column: str, row: int | None) -> None:
    """Raise :class:`UnencodableText` if ``codec`` cannot hold a character of ``text``."""
    if text.isascii():
        return
    try:
        text.encode(codec)
    except UnicodeEncodeError as error:
        raise UnencodableText(column, row, text[error.start], codec) from None
