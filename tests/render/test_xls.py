"""XLS output, read back with xlrd."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import xlrd
from hypothesis import given, settings
from hypothesis import strategies as st

from shelfcast.render import CellTooLong, FeedTooLarge, FileType, InvalidSheetName

from .support import (
    MIXED_COLUMNS,
    MIXED_EXPECTED,
    MIXED_HEADERS,
    MIXED_ROWS,
    NUMERIC_COLUMNS,
    PRICE_COLUMN,
    any_text,
    make_spec,
    read_xls,
    render_bytes,
    text_column,
)

SHEET = "Прайс"


@pytest.fixture(scope="module")
def mixed_xls() -> bytes:
    spec = make_spec(FileType.XLS, MIXED_COLUMNS, header_row=2, sheet_name=SHEET)
    return render_bytes(spec, MIXED_ROWS)


def test_layout_types_and_values(mixed_xls: bytes) -> None:
    book = read_xls(mixed_xls)
    assert book.sheet_names() == [SHEET]
    sheet = book.sheet_by_index(0)
    assert sheet.nrows == 2 + len(MIXED_ROWS)
    assert all(cell.ctype == xlrd.XL_CELL_EMPTY for cell in sheet.row(0))
    assert sheet.row_values(1) == MIXED_HEADERS
    assert all(cell.ctype == xlrd.XL_CELL_TEXT for cell in sheet.row(1))

    for row_offset, expected_row in enumerate(MIXED_EXPECTED):
        for col, expected in enumerate(expected_row):
            cell = sheet.cell(2 + row_offset, col)
            if expected is None:
                assert cell.ctype == xlrd.XL_CELL_EMPTY, (row_offset, col)
                continue
            assert cell.value == expected, (row_offset, col)
            if col in NUMERIC_COLUMNS:
                assert cell.ctype == xlrd.XL_CELL_NUMBER, (row_offset, col)
            else:
                assert cell.ctype == xlrd.XL_CELL_TEXT, (row_offset, col)
            number_format = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
            assert number_format == ("0.00" if col == PRICE_COLUMN else "General")

    assert sheet.cell_value(2, 0) == "0012345678905"
    assert sheet.cell_value(2, 3) == "=1+1"


def test_two_renders_are_byte_identical(mixed_xls: bytes) -> None:
    spec = make_spec(FileType.XLS, MIXED_COLUMNS, header_row=2, sheet_name=SHEET)
    assert render_bytes(spec, MIXED_ROWS) == mixed_xls


@settings(max_examples=50, deadline=None)
@given(
    rows=st.lists(st.lists(any_text.filter(bool), min_size=2, max_size=2), min_size=1, max_size=4),
    header_row=st.integers(min_value=1, max_value=3),
)
def test_any_text_round_trips(rows: list[list[str]], header_row: int) -> None:
    spec = make_spec(FileType.XLS, [text_column("A"), text_column("B")], header_row=header_row)
    sheet = read_xls(render_bytes(spec, rows)).sheet_by_index(0)
    grid = [sheet.row_values(index) for index in range(sheet.nrows)]
    assert grid == [["", ""]] * (header_row - 1) + [["A", "B"], *rows]


def _numbered_rows(count: int, pulled: list[int]) -> Iterator[tuple[str]]:
    """Rows made on demand, so a too-large feed never sits in memory."""
    for number in range(count):
        pulled[0] += 1
        yield (str(number),)


def test_fills_the_sheet_exactly() -> None:
    spec = make_spec(FileType.XLS, [text_column("N")], header_row=3)
    pulled = [0]
    data = render_bytes(spec, _numbered_rows(65_536 - 3, pulled))
    sheet = read_xls(data).sheet_by_index(0)
    assert sheet.nrows == 65_536
    assert sheet.cell_value(65_535, 0) == str(65_536 - 3 - 1)


def test_more_than_65536_rows_is_rejected_before_writing_them() -> None:
    spec = make_spec(FileType.XLS, [text_column("N")], header_row=3)
    pulled = [0]
    with pytest.raises(FeedTooLarge) as caught:
        render_bytes(spec, _numbered_rows(1_000_000, pulled))
    assert pulled[0] == 65_536 - 3 + 1  # stopped at the first row that did not fit
    message = str(caught.value)
    assert "more than 65,536 rows in an XLS sheet" in message
    assert "header is on row 3" in message
    assert "Choose XLSX" in message


def test_more_than_256_columns_is_rejected() -> None:
    spec = make_spec(FileType.XLS, [text_column(f"C{number}") for number in range(257)])
    with pytest.raises(
        FeedTooLarge, match=r"257 columns, more than an XLS sheet holds.*Choose XLSX"
    ):
        render_bytes(spec, [])


def test_256_columns_fit() -> None:
    spec = make_spec(FileType.XLS, [text_column(f"C{number}") for number in range(256)])
    sheet = read_xls(render_bytes(spec, [])).sheet_by_index(0)
    assert sheet.ncols == 256
    assert sheet.cell_value(0, 255) == "C255"


def test_cell_over_32767_characters_is_rejected() -> None:
    spec = make_spec(FileType.XLS, [text_column("Description")])
    with pytest.raises(CellTooLong, match=r"data row 1, column 'Description'.*32,767"):
        render_bytes(spec, [("x" * 32_768,)])


def test_cell_of_32767_characters_fits() -> None:
    text = "é" * 32_767
    spec = make_spec(FileType.XLS, [text_column("Description")])
    assert read_xls(render_bytes(spec, [(text,)])).sheet_by_index(0).cell_value(1, 0) == text


def test_invalid_sheet_name() -> None:
    spec = make_spec(FileType.XLS, [text_column("A")], sheet_name="a:b")
    with pytest.raises(InvalidSheetName, match="must not contain :"):
        render_bytes(spec, [])
