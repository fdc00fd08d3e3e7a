"""Reading uploads: format, encoding and separator detection, header row, cells as text, limits."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from shelfcast.catalog.imports.limits import ReadLimits
from shelfcast.catalog.imports.reading import (
    ReadOptions,
    Separator,
    SheetFormat,
    TextEncoding,
    detect_encoding,
    exact_digits,
    open_spreadsheet,
)
from shelfcast.errors import InvalidInput

FRENCH = (
    "Référence;Désignation;Prix TTC;Quantité\n"
    "0012;Crème hydratante à l'aloé;12,50;3\n"
    "0013;Café moulu « Brésil » 250 g;1 234,00;1\n"
)
UKRAINIAN = (
    "Артикул,Назва,Ціна,Кількість\n"
    "A-1,Кава мелена «Їжачок» 250 г,120.50,4\n"
    "A-2,Чай зелений з жасмином,85,0\n"
)


def write(tmp_path: Path, data: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rows(path: Path, options: ReadOptions | None = None) -> list[tuple[str, ...]]:
    return [row.cells for row in open_spreadsheet(path, options).rows()]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (FRENCH.encode("cp1252"), TextEncoding.CP1252),
        (UKRAINIAN.encode("cp1251"), TextEncoding.CP1251),
        (UKRAINIAN.encode("utf-8"), TextEncoding.UTF8),
        (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), TextEncoding.UTF8_BOM),
        (UKRAINIAN.encode("utf-16"), TextEncoding.UTF16),
        (FRENCH.replace("Désignation", "Nom").encode("cp1252"), TextEncoding.CP1252),
        ("Код;Найменування\n1;Цукор\n".encode("cp1251"), TextEncoding.CP1251),
        ("Наименование;Количество\nСахар;3\n".encode("cp1251"), TextEncoding.CP1251),
        ("Prix à l'unité;Été\n1;2\n".encode("cp1252"), TextEncoding.CP1252),
    ],
)
def test_the_encoding_is_detected_and_text_reads_back(
    tmp_path: Path, data: bytes, encoding: TextEncoding
) -> None:
    sheet = open_spreadsheet(write(tmp_path, data))
    assert sheet.format is SheetFormat.CSV
    assert sheet.encoding is encoding
    text = data.decode(encoding)
    assert sheet.headers[0] in text
    assert all(cell in text for row in rows(sheet.path) for cell in row)


def test_french_excel_csv_reads_as_the_merchant_sees_it(tmp_path: Path) -> None:
    sheet = open_spreadsheet(write(tmp_path, FRENCH.encode("cp1252")))
    assert sheet.separator is Separator.SEMICOLON
    assert sheet.headers == ("Référence", "Désignation", "Prix TTC", "Quantité")
    assert sheet.header_row == 1
    assert [row.number for row in sheet.rows()] == [2, 3]
    assert rows(sheet.path)[1] == ("0013", "Café moulu « Brésil » 250 g", "1 234,00", "1")


@pytest.mark.parametrize("separator", list(Separator))
def test_each_separator_is_detected(tmp_path: Path, separator: Separator) -> None:
    text = "\n".join(
        separator.join(cells) for cells in [["sku", "name", "price"], ["1", "a, b; c", "2,5"]]
    )
    if separator in (Separator.COMMA, Separator.SEMICOLON):
        text = text.replace("a, b; c", '"a, b; c"').replace("2,5", '"2,5"')
    sheet = open_spreadsheet(write(tmp_path, text.encode()))
    assert sheet.separator is separator
    assert rows(sheet.path) == [("1", "a, b; c", "2,5")]


def test_overrides_win_over_detection(tmp_path: Path) -> None:
    path = write(tmp_path, b"title line\n\nsku|name\n1|a\n")
    detected = open_spreadsheet(path)
    assert detected.header_row == 1 and detected.headers == ("title line",)
    chosen = open_spreadsheet(
        path, ReadOptions(header_row=3, separator=Separator.PIPE, encoding=TextEncoding.CP1252)
    )
    assert (chosen.headers, chosen.encoding, chosen.header_row) == (
        ("sku", "name"),
        TextEncoding.CP1252,
        3,
    )
    assert rows(path, ReadOptions(header_row=3, separator=Separator.PIPE)) == [("1", "a")]


def test_blank_lines_before_the_header_and_between_rows_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, b"\n;;\nsku;name\n1;a\n;\n2\n")
    sheet = open_spreadsheet(path)
    assert sheet.header_row == 3
    assert [(row.number, row.cells) for row in sheet.rows()] == [(4, ("1", "a")), (6, ("2", ""))]


def test_a_wrong_encoding_choice_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, b"sku,name\n1,x\n" + "2,Référence\n".encode("cp1252"))
    with pytest.raises(InvalidInput, match=r"not utf-8.*choose the file's encoding"):
        list(open_spreadsheet(path, ReadOptions(encoding=TextEncoding.UTF8)).rows())


def make_xlsx(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Notes").write(0, 0, "nothing here")
    sheet = book.add_worksheet("Товари")
    sheet.write_row(2, 1, ["Артикул", "Штрихкод", "Ціна", "Кількість", "Дата"])
    sheet.write_row(3, 1, ["007", 4.82000001234e12, 12.5, 3, True])
    sheet.write_row(4, 1, ["008", 12345678901234567890, 0.1, -1.25, "так"])
    book.close()
    return path


def test_a_workbook_sheet_is_chosen_and_cells_come_as_text(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "catalog.xlsx")
    first = open_spreadsheet(path)
    assert first.format is SheetFormat.XLSX
    assert first.sheets == ("Notes", "Товари") and first.sheet == "Notes"
    sheet = open_spreadsheet(path, ReadOptions(sheet="Товари"))
    assert sheet.header_row == 3
    assert sheet.headers == ("Артикул", "Штрихкод", "Ціна", "Кількість", "Дата")
    got = list(sheet.rows())
    assert got[0].cells == ("007", "4820000012340", "12.5", "3", "true")
    assert got[0].lost_digits == frozenset()
    assert got[1].cells[1].startswith("123456789012345")
    assert got[1].lost_digits == {1}
    assert got[1].cells[2:4] == ("0.1", "-1.25")
    with pytest.raises(InvalidInput, match=r"no sheet 'Stock'.*Notes, Товари"):
        open_spreadsheet(path, ReadOptions(sheet="Stock"))


def test_ods_and_xls_open_too(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    assert book.active is not None
    book.active.append(["sku", "name"])
    book.active.append(["1", "Кава"])
    book.save(tmp_path / "a.xlsx")
    assert rows(tmp_path / "a.xlsx") == [("1", "Кава")]
    import xlwt  # type: ignore[import-untyped]

    xls = xlwt.Workbook()
    page = xls.add_sheet("S")
    for col, value in enumerate(["sku", "name"]):
        page.write(0, col, value)
    page.write(1, 0, "0042")
    page.write(1, 1, "Café")
    xls.save(str(tmp_path / "b.xls"))
    sheet = open_spreadsheet(tmp_path / "b.xls")
    assert sheet.format is SheetFormat.XLS
    assert [r.cells for r in sheet.rows()] == [("0042", "Café")]


def test_ods_is_told_from_its_mimetype(tmp_path: Path) -> None:
    path = tmp_path / "c.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<broken/>")
    with pytest.raises(InvalidInput, match="file: the workbook cannot be read"):
        open_spreadsheet(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.82000001234E12", ("4820000012340", False)),
        ("4,82000001234E+12", ("4820000012340", False)),
        ("1.23456789012345678E17", ("123456789012345678", True)),
        ("0012", ("0012", False)),
        ("1.5E0", ("1.5E0", False)),
        ("ABC", ("ABC", False)),
    ],
)
def test_identifiers_in_scientific_notation_become_digits(
    text: str, expected: tuple[str, bool]
) -> None:
    assert exact_digits(text) == expected


def test_limits_are_clear_errors(tmp_path: Path) -> None:
    path = write(tmp_path, b"a,b,c\n1,2,3\n4,5,6\n")
    with pytest.raises(InvalidInput, match="file: 18 bytes; at most 10 bytes"):
        open_spreadsheet(path, limits=ReadLimits(max_bytes=10))
    with pytest.raises(InvalidInput, match="3 columns; at most 2"):
        open_spreadsheet(path, limits=ReadLimits(max_columns=2))
    with pytest.raises(InvalidInput, match="more than 1 rows"):
        list(open_spreadsheet(path, limits=ReadLimits(max_rows=1)).rows())
    with pytest.raises(InvalidInput, match="not a spreadsheet"):
        open_spreadsheet(write(tmp_path, b"\x7fELF\x00\x00\x01", "x.bin"))
    with pytest.raises(InvalidInput, match="file is empty"):
        open_spreadsheet(write(tmp_path, b"\n\n", "empty.csv"))


def test_a_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    with pytest.raises(InvalidInput, match="zip bomb"):
        open_spreadsheet(path)
    with pytest.raises(InvalidInput, match="inflates to"):
        open_spreadsheet(path, limits=ReadLimits(max_unzipped_bytes=1024))


def test_detect_encoding_on_longer_mixed_text() -> None:
    french = "Désignation;Prix\nSérum éclat à la vitamine C;29,90\nCrème de jour;19\n" * 20
    assert detect_encoding(french.encode("cp1252")) is TextEncoding.CP1252
    ukrainian = "Назва;Ціна\nSKU-1 Сироватка з вітаміном C;299\n" * 20
    assert detect_encoding(ukrainian.encode("cp1251")) is TextEncoding.CP1251
