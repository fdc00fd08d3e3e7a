"""What the XLSX and XLS writers share: Excel's limits, checked before a library trips on them.

XlsxWriter silently truncates an over-long string and silently ignores a cell
outside the sheet (it returns an error code); xlwt raises a bare ``Exception``.
Checking here instead gives the merchant an error that says what to change.
"""

from __future__ import annotations

from dataclasses import dataclass

from shelfcast.render.errors import CellTooLong, FeedTooLarge, InvalidSheetName
from shelfcast.render.spec import FeedSpec
from shelfcast.render.writers._common import check_header_row

# Excel counts a cell's length in UTF-16 code units (an emoji counts twice).
TEXT_LIMIT = 32_767
# A str of at most this many code points cannot exceed TEXT_LIMIT UTF-16 units,
# so the (costly) exact count is only needed for longer strings.
TEXT_FAST_LIMIT = TEXT_LIMIT // 2

_SHEET_NAME_FORBIDDEN = frozenset("[]:*?/\\")


@dataclass(frozen=True, slots=True)
class SheetLimits:
    """The grid size of one Excel format and how to name it in messages."""

    format_name: str
    max_rows: int
    max_columns: int
    advice: str


def utf16_length(text: str) -> int:
    """The length Excel sees: UTF-16 code units, not code points."""
    return len(text.encode("utf-16-le")) // 2


def text_problem(text: str) -> str | None:
    """What is wrong with ``text`` as one Excel cell (None: nothing); Excel counts UTF-16."""
    if len(text) <= TEXT_FAST_LIMIT:
        return None
    length = utf16_length(text)
    if length <= TEXT_LIMIT:
        return None
    return (
        f"must be at most {TEXT_LIMIT:,} characters as Excel counts them (it has "
        f"{length:,}; an emoji or other character outside the BMP counts 2)"
    )


def check_text(text: str, column: str, row: int | None) -> None:
    """Raise :class:`CellTooLong` if ``text`` does not fit in one Excel cell."""
    length = utf16_length(text)
    if length > TEXT_LIMIT:
        raise CellTooLong(column, row, length, TEXT_LIMIT)


SHEET_NAME_MAX = 31  # UTF-16 code units, as Excel and XlsxWriter count them


def sheet_name_problem(name: str) -> str | None:
    """What is wrong with ``name`` as an Excel sheet name (None: nothing).

    The one home of the rules: the writers check with it before writing and the
    feed settings are validated with it (through ``WRITERS``), so a name that
    validates is a name that builds. Lengths are UTF-16 code units, as Excel
    counts them: an emoji counts 2.
    """
    length = utf16_length(name)
    if not 1 <= length <= SHEET_NAME_MAX:
        return (
            f"must be 1 to {SHEET_NAME_MAX} characters long as Excel counts them "
            f"(it has {length}; an emoji or other character outside the BMP counts 2)"
        )
    bad = sorted(set(name) & _SHEET_NAME_FORBIDDEN)
    if bad:
        return f"must not contain {' '.join(bad)} (Excel forbids [ ] : * ? / \\ in sheet names)"
    if name.startswith("'") or name.endswith("'"):
        return "must not start or end with an apostrophe (Excel's rule)"
    if name.casefold() == "history":
        return "must not be 'History', a name Excel reserves"
    return None


def check_sheet_name(name: str) -> None:
    """Raise :class:`InvalidSheetName` unless Excel (and both libraries) accept ``name``."""
    problem = sheet_name_problem(name)
    if problem is not None:
        raise InvalidSheetName(name, problem)


def check_layout(spec: FeedSpec, limits: SheetLimits) -> None:
    """Reject a spec whose sheet can never fit, before any work is done.

    Rows are checked again while writing (the row count is unknown until the
    rows run out); the header row itself must fit.
    """
    check_header_row(spec)
    check_sheet_name(spec.sheet_name)
    if len(spec.columns) > limits.max_columns:
        raise FeedTooLarge(
            f"The feed has {len(spec.columns):,} columns, more than an "
            f"{limits.format_name} sheet holds",
            limits.max_columns,
            limits.advice,
        )
    if spec.header_row > limits.max_rows:
        raise too_many_rows(spec, limits)
    for position, column in enumerate(spec.columns, start=1):
        if len(column.header) > TEXT_FAST_LIMIT:
            check_text(column.header, f"#{position}", None)


def too_many_rows(spec: FeedSpec, limits: SheetLimits) -> FeedTooLarge:
    """The error for a sheet that ran out of rows (header and empty rows above it included)."""
    return FeedTooLarge(
        f"The feed needs more than {limits.max_rows:,} rows in an {limits.format_name} "
        f"sheet (its header is on row {spec.header_row:,} and the data starts below it)",
        limits.max_rows,
        limits.advice,
    )
