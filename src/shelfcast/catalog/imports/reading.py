"""Open an uploaded spreadsheet (CSV, XLSX, XLS, ODS) and stream its rows as text.

The format is told from the bytes, never from the file name; a CSV's encoding
and separator are detected and can be overridden, so a file saved by a French
or Ukrainian Excel opens as the merchant sees it. Cells come out as text
(identifiers keep their leading zeros; a number Excel stored as a float
becomes its exact digits, and a row says when Excel had already lost some).
Bounds live in ``limits.py``. The module reads files only: it knows nothing
of products, so other vocabularies (marketplace sample files) use it as is.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from python_calamine import CalamineError, CalamineWorkbook

from shelfcast.catalog.imports.limits import DEFAULT_LIMITS, ReadLimits
from shelfcast.catalog.imports.numbers import DecimalMark
from shelfcast.errors import InvalidInput, shown

# Excel keeps 15 significant digits of a number: an identifier typed as a
# number with more digits than that has already lost its tail.
EXCEL_DIGITS = 15
_SAMPLE_BYTES = 1024 * 1024
_SNIFF_LINES = 50
# csv's default field limit (128 KiB) is below what a long description holds.
csv.field_size_limit(16 * 1024 * 1024)


class SheetFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    XLS = "xls"
    ODS = "ods"


class TextEncoding(StrEnum):
    """The CSV encodings we detect; values are Python codec names."""

    UTF8 = "utf-8"
    UTF8_BOM = "utf-8-sig"
    UTF16 = "utf-16"
    CP1251 = "cp1251"
    CP1252 = "cp1252"


class Separator(StrEnum):
    COMMA = ","
    SEMICOLON = ";"
    PIPE = "|"
    TAB = "\t"


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What the merchant chose over the detection; ``None`` means detect.

    ``header_row`` is the 1-based row number as a spreadsheet shows it.
    """

    sheet: str | None = None
    header_row: int | None = None
    separator: Separator | None = None
    encoding: TextEncoding | None = None


class SheetRow(NamedTuple):
    """One data row: its 1-based row number in the file, one text cell per
    header, and the cells whose digits Excel had already lost."""

    number: int
    cells: tuple[str, ...]
    lost_digits: frozenset[int]


_NONE_LOST: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Spreadsheet:
    """An opened upload: what was detected, the header, and ``rows()``, which
    streams the data rows afresh on each call (validation, then the import)."""

    path: Path
    format: SheetFormat
    encoding: TextEncoding | None
    separator: Separator | None
    sheets: tuple[str, ...]
    sheet: str | None
    header_row: int
    headers: tuple[str, ...]
    limits: ReadLimits = field(default=DEFAULT_LIMITS, repr=False)

    @property
    def decimal_mark(self) -> DecimalMark | None:
        """The decimal mark the file most likely uses where a number alone cannot
        tell (``1,234``): Excel writes ``;``-separated CSV where the decimal mark
        is a comma, ``,``-separated CSV where it is a point; a workbook's numeric
        cells come out with a point."""
        if self.format is not SheetFormat.CSV:
            return DecimalMark.POINT
        return {Separator.SEMICOLON: DecimalMark.COMMA, Separator.COMMA: DecimalMark.POINT}.get(
            self.separator or Separator.TAB
        )

    def rows(self, on_total: Callable[[int], None] | None = None) -> Iterator[SheetRow]:
        """The data rows; ``on_total`` is told how many rows follow the header
        (at most; blank rows are skipped) before the first one is read."""
        width = len(self.headers)
        count = 0
        for number, raw, lost in self._raw_rows(on_total):
            if number <= self.header_row:
                continue
            cells = tuple(raw[:width]) if len(raw) >= width else (*raw, *[""] * (width - len(raw)))
            if not any(cells):
                continue
            count += 1
            if count > self.limits.max_rows:
                raise _file_error(f"more than {self.limits.max_rows:,} rows; split the file")
            yield SheetRow(number, cells, lost)

    def _raw_rows(
        self, on_total: Callable[[int], None] | None = None
    ) -> Iterator[tuple[int, list[str], frozenset[int]]]:
        if self.format is SheetFormat.CSV:
            assert self.encoding is not None and self.separator is not None
            # UTF-16 has no cheap line count (a 0x0A byte is half of many letters).
            if on_total is not None and self.encoding is not TextEncoding.UTF16:
                on_total(max(0, _count_lines(self.path) - self.header_row))
            return _csv_rows(self.path, self.encoding, self.separator)
        assert self.sheet is not None
        return _workbook_rows(self.path, self.sheet, self.header_row, on_total)


def open_spreadsheet(
    path: Path, options: ReadOptions | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> Spreadsheet:
    """Detect the format, encoding, separator, sheet and header row of ``path``.

    Raises ``InvalidInput`` (located at ``file``) for anything the merchant
    must fix: too big, not a spreadsheet, a zip bomb, an unknown sheet, no
    header row, too many columns.
    """
    options = options or ReadOptions()
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise _file_error(f"{size:,} bytes; at most {limits.max_bytes:,} bytes are accepted")
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    kind = detect_format(head)
    encoding = separator = None
    sheets: tuple[str, ...] = ()
    sheet = None
    if kind is SheetFormat.CSV:
        encoding = options.encoding or detect_encoding(head)
        separator = options.separator or detect_separator(_sample_text(head, encoding))
    else:
        if kind is not SheetFormat.XLS:
            check_zip(path, limits)
        sheets = _sheet_names(path)
        sheet = _choose_sheet(sheets, options.sheet)
    draft = Spreadsheet(path, kind, encoding, separator, sheets, sheet, 0, (), limits)
    header_row, headers = _find_header(draft, options.header_row)
    if len(headers) > limits.max_columns:
        raise _file_error(f"{len(headers)} columns; at most {limits.max_columns} are accepted")
    return Spreadsheet(path, kind, encoding, separator, sheets, sheet, header_row, headers, limits)


def detect_format(head: bytes) -> SheetFormat:
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return SheetFormat.XLS
    if head.startswith(b"PK\x03\x04"):
        # An ODS package starts with its uncompressed "mimetype" entry.
        if b"application/vnd.oasis.opendocument.spreadsheet" in head[:200]:
            return SheetFormat.ODS
        return SheetFormat.XLSX
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _file_error("not a spreadsheet; upload a CSV, XLSX, XLS or ODS file")
    return SheetFormat.CSV


def detect_encoding(head: bytes) -> TextEncoding:
    """BOMs first, then strict UTF-8, then Windows-1251 against Windows-1252.

    The two code pages share every byte, so the choice reads the words: in
    Ukrainian or Russian text the high bytes make whole words (``Кількість``),
    in French they sit one or two inside Latin words (``Quantité``).
    """
    if head.startswith(codecs.BOM_UTF8):
        return TextEncoding.UTF8_BOM
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return TextEncoding.UTF16
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return TextEncoding.UTF8
    except UnicodeDecodeError:
        pass
    cyrillic = latin = 0
    for word in re.findall(rb"[A-Za-z\x80-\xff]+", head):
        high = sum(1 for byte in word if byte >= 0x80)
        if high == 0 or (high == len(word) and high < 3):
            continue  # "à", "з": too short to tell
        # A word of high bytes only is Cyrillic, as is one with a stray Latin
        # "i" typed for "і"; accents are a minority of a French word's letters.
        if high == len(word) or (len(word) >= 4 and high * 10 > len(word) * 7):
            cyrillic += high
        else:
            latin += high
    undefined_in_1252 = re.search(rb"[\x81\x8d\x8f\x90\x9d]", head) is not None
    if undefined_in_1252 or (cyrillic > latin and b"\x98" not in head):
        return TextEncoding.CP1251
    return TextEncoding.CP1252


def detect_separator(text: str) -> Separator:
    """The separator that splits the first lines into the same number (> 1) of
    fields most consistently; a comma when nothing does."""
    lines = text.splitlines()[:_SNIFF_LINES]
    best, best_score = Separator.COMMA, (0.0, 0)
    for candidate in Separator:
        counts = [len(row) for row in csv.reader(lines, delimiter=candidate) if any(row)]
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        if modal < 2:
            continue
        score = (counts.count(modal) / len(counts), modal)
        if score > best_score:
            best, best_score = candidate, score
    return best


def check_zip(path: Path, limits: ReadLimits) -> None:
    """Refuse a ZIP container (XLSX/ODS) that would inflate past the limits."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise _file_error(f"a damaged workbook ({exc}); save it again and re-upload") from exc
    unzipped = sum(info.file_size for info in infos)
    zipped = sum(info.compress_size for info in infos)
    if unzipped > limits.max_unzipped_bytes:
        raise _file_error(
            f"the workbook inflates to {unzipped:,} bytes; at most "
            f"{limits.max_unzipped_bytes:,} are accepted"
        )
    if unzipped > 10 * 1024 * 1024 and unzipped > zipped * limits.max_zip_ratio:
        raise _file_error(
            f"the workbook inflates {unzipped // max(zipped, 1)} times its size (a zip bomb?); "
            f"at most {limits.max_zip_ratio} times is accepted"
        )


def exact_digits(text: str) -> tuple[str, bool]:
    """An identifier as its digits when Excel wrote it in scientific notation
    (``4.82000001234E12``, ``4,82000001234E+12`` → ``4820000012340``), with
    whether it has more digits than Excel keeps. Other text is returned as is."""
    if "e" not in text and "E" not in text:  # most codes: no regex needed
        return text, False
    match = _SCIENTIFIC.fullmatch(text.strip())
    if match is None:
        return text, False
    try:
        value = Decimal(match.group(0).replace(",", "."))
    except InvalidOperation:
        return text, False
    if value != value.to_integral_value():
        return text, False
    digits = f"{value:f}".lstrip("+")
    return digits, len(digits.lstrip("-")) > EXCEL_DIGITS


_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")


def _find_header(draft: Spreadsheet, chosen: int | None) -> tuple[int, tuple[str, ...]]:
    for number, raw, _lost in draft._raw_rows():
        if chosen is not None and number < chosen:
            continue
        if chosen is None and not any(cell.strip() for cell in raw):
            continue
        headers = [cell.strip() for cell in raw]
        while headers and not headers[-1]:
            headers.pop()
        if not headers:
            raise _file_error(f"row {number}, chosen as the header row, is empty")
        return number, tuple(headers)
    if chosen is not None:
        raise _file_error(f"the file has no row {chosen} to use as the header row")
    raise _file_error("the file is empty: no header row was found")


def _sample_text(head: bytes, encoding: TextEncoding) -> str:
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    if len(head) == _SAMPLE_BYTES:
        text = text[: text.rfind("\n") + 1] or text  # the last line may be cut
    return text


def _csv_rows(
    path: Path, encoding: TextEncoding, separator: Separator
) -> Iterator[tuple[int, list[str], frozenset[int]]]:
    number = 0
    try:
        with path.open(encoding=encoding, newline="") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter=separator), start=1):
                yield number, row, _NONE_LOST
    except UnicodeDecodeError as exc:
        raise _file_error(
            f"after row {number}, bytes that are not {encoding} ({exc.reason}); "
            f"choose the file's encoding: {', '.join(TextEncoding)}"
        ) from exc
    except csv.Error as exc:
        raise _file_error(f"row {number + 1} cannot be read as CSV: {exc}") from exc


def _sheet_names(path: Path) -> tuple[str, ...]:
    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            return tuple(book.sheet_names)
    except CalamineError as exc:
        raise _file_error(f"the workbook cannot be read ({exc}); save it again") from exc


def _choose_sheet(sheets: tuple[str, ...], chosen: str | None) -> str:
    if not sheets:
        raise _file_error("the workbook has no sheet")
    if chosen is None:
        return sheets[0]
    if chosen not in sheets:
        raise InvalidInput.one(
            ("sheet",), f"no sheet {shown(chosen)} in the workbook; it has {', '.join(sheets)}"
        )
    return chosen


def _count_lines(path: Path) -> int:
    """Line breaks in the file: the rows, when no cell holds a line break."""
    lines = 0
    last = b""
    with path.open("rb") as handle:
        while chunk := handle.read(4 * 1024 * 1024):
            lines += chunk.count(b"\n")
            last = chunk
    return lines + (1 if last and not last.endswith(b"\n") else 0)


def _workbook_rows(
    path: Path, sheet: str, header_row: int = 0, on_total: Callable[[int], None] | None = None
) -> Iterator[tuple[int, list[str], frozenset[int]]]:
    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            data = book.get_sheet_by_name(sheet)
            if on_total is not None:
                end = data.end[0] + 1 if data.end else 0
                on_total(max(0, end - header_row))
            # iter_rows starts at the sheet's first row (so numbers are the
            # row numbers Excel shows) and at its first used column.
            for index, values in enumerate(data.iter_rows(), start=1):
                cells, lost = _cells_text(values)
                yield index, cells, lost
    except CalamineError as exc:
        raise _file_error(f"the workbook cannot be read ({exc}); save it again") from exc


def _cells_text(values: Iterable[object]) -> tuple[list[str], frozenset[int]]:
    cells: list[str] = []
    lost: list[int] = []
    for column, value in enumerate(values):
        if type(value) is str:
            cells.append(value)
        elif type(value) is float:
            text = _float_text(value)
            if text.isdigit() and len(text) > EXCEL_DIGITS:
                lost.append(column)
            cells.append(text)
        else:
            cells.append(_other_text(value))
    return cells, (frozenset(lost) if lost else _NONE_LOST)


def _float_text(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    return f"{Decimal(repr(value)):f}"


def _other_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _file_error(message: str) -> InvalidInput:
    return InvalidInput.one(("file",), message)
