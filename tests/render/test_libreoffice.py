"""A third reader of our XLSX and XLS files: LibreOffice, headless, converting them to CSV.

Runs where ``soffice`` is installed (``make test`` installs Debian's
``libreoffice-calc-nogui``); elsewhere skipped. The CSV holds the cells' values
(not as formatted), which must be what openpyxl and python-calamine read.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from shelfcast.render import FileType

from .support import (
    MIXED_COLUMNS,
    MIXED_ROWS,
    make_spec,
    read_calamine,
    read_xls,
    render_bytes,
    text_column,
)

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

# Separator ",", quote '"', UTF-8 (76), from line 1, ..., cell values as stored
# rather than as shown (token 9 "false"), the first sheet.
_CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false"

TRICKY = [
    ("Tom & Jerry <b>", " leading space", "trailing tab\t"),
    ("_x0041_ stays", "bell \x07 and \x1f", "line\nbreak"),
    ("Crème brûlée 😀", "=SUM(A1:A2)", "  "),
    ("<r>not rich</r>", "a\u00a0b\u2003", "\ufffe"),
]


def libreoffice_grid(data: bytes, tmp_path: Path, extension: str = "xlsx") -> list[list[str]]:
    source = tmp_path / f"feed.{extension}"
    source.write_bytes(data)
    assert SOFFICE is not None
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            _CSV_FILTER,
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = (tmp_path / "feed.csv").read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def as_text(value: object) -> str:
    """A cell as LibreOffice writes its value to CSV."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_libreoffice_reads_what_openpyxl_and_calamine_read(tmp_path: Path) -> None:
    spec = make_spec(FileType.XLSX, MIXED_COLUMNS, header_row=2, sheet_name="Товары & Co")
    data = render_bytes(spec, MIXED_ROWS)

    office = libreoffice_grid(data, tmp_path)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Товары & Co"]
    from_openpyxl = [[as_text(cell.value) for cell in row] for row in sheet.iter_rows()]
    from_calamine = [[as_text(value) for value in row] for row in read_calamine(data)[1]]

    assert office == from_openpyxl == from_calamine
    assert office[2][5] == "1299.5"  # a price is a number (shown 0.00), not the text "1299.50"


def test_libreoffice_reads_tricky_text_as_written(tmp_path: Path) -> None:
    """Excel's _xHHHH_ escapes (control characters, U+FFFE, a literal "_x0041_")
    are decoded by LibreOffice and calamine (but U+FFFE), not by openpyxl."""
    spec = make_spec(FileType.XLSX, [text_column("A"), text_column("B"), text_column("C")])
    data = render_bytes(spec, TRICKY)

    office = libreoffice_grid(data, tmp_path)
    from_calamine = read_calamine(data)[1]
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    from_openpyxl = [[as_text(cell.value) for cell in row] for row in sheet.iter_rows()]

    assert office == [["A", "B", "C"], *[list(row) for row in TRICKY]]
    assert from_calamine[:-1] == office[:-1]
    assert from_calamine[-1][:2] == office[-1][:2]
    escaped = {(2, 0), (2, 1), (4, 2)}
    for row, cells in enumerate(office):
        for col, text in enumerate(cells):
            if (row, col) not in escaped:
                assert from_openpyxl[row][col] == text, (row, col)


def test_libreoffice_reads_a_long_xls_as_xlrd_does(tmp_path: Path) -> None:
    """Past the rows the XLS writer keeps in memory at a time (flushed to a file)."""
    spec = make_spec(FileType.XLS, MIXED_COLUMNS, header_row=2, sheet_name="Прайс")
    rows = MIXED_ROWS * 3_000
    data = render_bytes(spec, rows)

    office = libreoffice_grid(data, tmp_path, "xls")
    sheet = read_xls(data).sheet_by_index(0)
    from_xlrd = [
        [as_text(value if value != "" else None) for value in sheet.row_values(row)]
        for row in range(sheet.nrows)
    ]

    assert len(office) == 2 + len(rows)
    assert office == from_xlrd
