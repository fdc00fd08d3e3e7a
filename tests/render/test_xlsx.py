"""XLSX output, read back with python-calamine and openpyxl."""

from __future__ import annotations

import io
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shelfcast.render import (
    CellFormat,
    CellTooLong,
    Column,
    ColumnSource,
    FeedTooLarge,
    FileType,
    InvalidSheetName,
    InvalidValue,
    render_feed,
)
from shelfcast.render.writers import _excel, xlsx

from .support import (
    MIXED_COLUMNS,
    MIXED_EXPECTED,
    MIXED_HEADERS,
    MIXED_ROWS,
    NUMERIC_COLUMNS,
    PRICE_COLUMN,
    any_text,
    make_spec,
    read_calamine,
    render_bytes,
    text_column,
)

SHEET = "Товары 2024"


@pytest.fixture(scope="module")
def mixed_xlsx() -> bytes:
    spec = make_spec(FileType.XLSX, MIXED_COLUMNS, header_row=3, sheet_name=SHEET)
    return render_bytes(spec, MIXED_ROWS)


def test_calamine_reads_layout_and_values(mixed_xlsx: bytes) -> None:
    sheet_names, grid = read_calamine(mixed_xlsx)
    width = len(MIXED_HEADERS)
    assert sheet_names == [SHEET]
    expected_rows = [["" if value is None else value for value in row] for row in MIXED_EXPECTED]
    assert grid == [[""] * width, [""] * width, MIXED_HEADERS, *expected_rows]


def test_openpyxl_reads_types_formats_and_no_links(mixed_xlsx: bytes) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(mixed_xlsx))
    assert workbook.sheetnames == [SHEET]
    sheet = workbook[SHEET]
    assert sheet.max_row == 3 + len(MIXED_ROWS)
    assert all(cell.value is None for row in sheet.iter_rows(max_row=2) for cell in row)
    assert [cell.value for cell in sheet[3]] == MIXED_HEADERS
    assert all(cell.data_type == "s" for cell in sheet[3])

    for row_offset, expected_row in enumerate(MIXED_EXPECTED):
        for col, expected in enumerate(expected_row):
            cell = sheet.cell(row=4 + row_offset, column=col + 1)
            assert cell.value == expected, (row_offset, col)
            assert cell.hyperlink is None
            if expected is None:
                continue
            if col in NUMERIC_COLUMNS:
                assert cell.data_type == "n", (row_offset, col)
                assert isinstance(cell.value, int | float)
            else:
                assert cell.data_type == "s", (row_offset, col)
            if col == PRICE_COLUMN:
                assert cell.number_format == "0.00"
            else:
                assert cell.number_format == "General"

    barcode = sheet.cell(row=4, column=1)
    assert barcode.value == "0012345678905"  # leading zeros kept: a text cell
    formula_like = sheet.cell(row=4, column=4)
    assert formula_like.value == "=1+1"
    assert formula_like.data_type == "s"  # not "f": never evaluated


def test_two_renders_are_byte_identical(mixed_xlsx: bytes) -> None:
    spec = make_spec(FileType.XLSX, MIXED_COLUMNS, header_row=3, sheet_name=SHEET)
    assert render_bytes(spec, MIXED_ROWS) == mixed_xlsx


def test_no_rows_gives_just_the_header() -> None:
    spec = make_spec(FileType.XLSX, [text_column("A"), text_column("B")])
    out = io.BytesIO()
    assert render_feed(spec, [], out).rows == 0
    assert read_calamine(out.getvalue())[1] == [["A", "B"]]


@settings(max_examples=50, deadline=None)
@given(
    rows=st.lists(
        st.lists(
            # XlsxWriter stores U+FFFE/U+FFFF as "_xFFFE_" escapes, which calamine
            # leaves escaped; they are not characters a catalog holds.
            any_text.filter(lambda text: "\ufffe" not in text and "\uffff" not in text),
            min_size=2,
            max_size=2,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_text_round_trips(rows: list[list[str]]) -> None:
    spec = make_spec(FileType.XLSX, [text_column("A"), text_column("B")])
    _, grid = read_calamine(render_bytes(spec, rows))
    # Empty text leaves the cell empty, and a sheet ends at its last non-empty row.
    while rows and rows[-1] == ["", ""]:
        rows.pop()
    assert grid == [["A", "B"], *rows]


def test_cell_of_32767_characters_fits() -> None:
    text = "я" * 32_767
    spec = make_spec(FileType.XLSX, [text_column("Description")])
    assert read_calamine(render_bytes(spec, [("short",), (text,)]))[1][2] == [text]


@pytest.mark.parametrize("text", ["x" * 32_768, "😀" * 16_384], ids=["ascii", "astral"])
def test_cell_over_32767_characters_is_rejected(text: str) -> None:
    spec = make_spec(FileType.XLSX, [text_column("SKU"), text_column("Description")])
    out = io.BytesIO()
    with pytest.raises(CellTooLong) as caught:
        render_feed(spec, [("a", "ok"), ("b", text)], out)
    assert caught.value.row == 2
    assert caught.value.column == "Description"
    message = str(caught.value)
    assert "data row 2" in message
    assert "'Description'" in message
    assert "32,767" in message
    assert out.getvalue() == b""  # nothing half-written


def test_too_many_columns() -> None:
    columns = [text_column(f"C{number}") for number in range(16_385)]
    spec = make_spec(FileType.XLSX, columns)
    with pytest.raises(FeedTooLarge, match=r"16,385 columns.*16,384.*Choose CSV"):
        render_bytes(spec, [])


def test_too_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The row limit logic, on a shrunken sheet: a real 1,048,577-row test takes a minute."""
    small = _excel.SheetLimits("XLSX", max_rows=5, max_columns=16_384, advice="Choose CSV.")
    monkeypatch.setattr(xlsx, "LIMITS", small)
    spec = make_spec(FileType.XLSX, [text_column("A")], header_row=2)
    assert render_bytes(spec, [("1",), ("2",), ("3",)])  # rows 3-5: fits exactly
    with pytest.raises(FeedTooLarge, match=r"more than 5 rows.*header is on row 2.*Choose CSV"):
        render_bytes(spec, [("1",), ("2",), ("3",), ("4",)])


def test_error_leaves_no_temp_files_and_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    spec = make_spec(FileType.XLSX, [text_column("A")])
    out = io.BytesIO()
    with pytest.raises(CellTooLong):
        render_feed(spec, [("ok",), ("x" * 40_000,)], out)
    assert out.getvalue() == b""
    assert list(tmp_path.iterdir()) == []
    render_feed(spec, [("ok",)], out)
    assert list(tmp_path.iterdir()) == []


def test_number_too_large_for_excel() -> None:
    column = Column("Weight", ColumnSource.PRODUCT_FIELD, CellFormat.NUMBER, field="w")
    spec = make_spec(FileType.XLSX, [column])
    with pytest.raises(InvalidValue, match=r"data row 1, column 'Weight'"):
        render_bytes(spec, [(Decimal("1E+400"),)])


@pytest.mark.parametrize("name", ["", "a" * 32, "a/b", "[x]", "'quoted'", "History"])
def test_invalid_sheet_name(name: str) -> None:
    spec = make_spec(FileType.XLSX, [text_column("A")], sheet_name=name)
    with pytest.raises(InvalidSheetName, match="Rename the sheet"):
        render_bytes(spec, [])
