"""Each output option and stock rule, read back with independent readers: the csv
module (with the file's encoding), openpyxl and python-calamine for XLSX, xlrd for XLS."""

from __future__ import annotations

import codecs
import io
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shelfcast.render import (
    AvailabilityLabels,
    CellFormat,
    Column,
    ColumnSource,
    CsvEncoding,
    CsvSeparator,
    DecimalSeparator,
    FileType,
    LineBreaks,
    StockRules,
    UnencodableText,
    media_type,
)

from .support import make_spec, read_calamine, read_csv, read_xls, render_bytes, text_column

QTY = Column("Qty", ColumnSource.PRODUCT_FIELD, CellFormat.QUANTITY, field="quantity")
HERE = Column("Here", ColumnSource.PRODUCT_FIELD, CellFormat.WAREHOUSE_QUANTITY, field="q.1")
AVAILABLE = Column("Avail", ColumnSource.PRODUCT_FIELD, CellFormat.AVAILABILITY, field="a")
PRICE = Column("Price", ColumnSource.PRICE, CellFormat.PRICE, price_type_id=1)
WEIGHT = Column("Weight", ColumnSource.PRODUCT_FIELD, CellFormat.NUMBER, field="weight")


def csv_cells(data: bytes, encoding: str, separator: CsvSeparator) -> list[list[str]]:
    return read_csv(data.decode(encoding).encode("utf-8"), separator)


# --- encoding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        (CsvEncoding.UTF_8, "Чай 😀"),
        (CsvEncoding.UTF_8_SIG, "Чай 😀"),
        (CsvEncoding.CP1251, "Чай «Эрл Грей» — їжак"),
        (CsvEncoding.CP1252, "Crème brûlée — 5 €"),
    ],
)
def test_each_encoding_reads_back(encoding: CsvEncoding, text: str) -> None:
    spec = make_spec(FileType.CSV, [text_column("Name"), QTY], encoding=encoding)

    data = render_bytes(spec, [[text, Decimal("2")]])

    assert data.startswith(codecs.BOM_UTF8) is (encoding is CsvEncoding.UTF_8_SIG)
    assert csv_cells(data, encoding.value, CsvSeparator.COMMA) == [["Name", "Qty"], [text, "2"]]


def test_a_character_the_encoding_cannot_hold_names_row_and_column() -> None:
    spec = make_spec(
        FileType.CSV, [text_column("SKU"), text_column("Name")], encoding=CsvEncoding.CP1252
    )

    with pytest.raises(UnencodableText) as raised:
        render_bytes(spec, [["A", "Café"], ["B", "Їжак"]])

    error = raised.value
    assert (error.row, error.column, error.character) == (2, "Name", "Ї")
    assert "data row 2, column 'Name'" in str(error) and "cp1252" in str(error)
    assert "product 'UA-1'" in str(error.of_product("UA-1"))


def test_an_unencodable_header_or_constant_is_refused_too() -> None:
    header = make_spec(FileType.CSV, [text_column("Назва")], encoding=CsvEncoding.CP1252)
    constant = make_spec(
        FileType.CSV,
        [text_column("SKU"), Column("Cur", ColumnSource.CUSTOM_VALUE, value="₴")],
        encoding=CsvEncoding.CP1251,
    )

    with pytest.raises(UnencodableText, match="the header of column 'Назва'"):
        render_bytes(header, [])
    with pytest.raises(UnencodableText) as raised:
        render_bytes(constant, [["A", None]])
    assert (raised.value.row, raised.value.column) == (1, "Cur")


def test_the_charset_follows_the_encoding() -> None:
    assert media_type(FileType.CSV) == "text/csv; charset=utf-8"
    assert media_type(FileType.CSV, CsvEncoding.UTF_8_SIG) == "text/csv; charset=utf-8"
    assert media_type(FileType.CSV, CsvEncoding.CP1251) == "text/csv; charset=windows-1251"
    assert media_type(FileType.CSV, CsvEncoding.CP1252) == "text/csv; charset=windows-1252"
    assert media_type(FileType.XLSX, CsvEncoding.CP1251).startswith("application/")


# --- decimal separator -----------------------------------------------------------------


@pytest.mark.parametrize("separator", list(CsvSeparator))
def test_a_decimal_comma_in_csv(separator: CsvSeparator) -> None:
    spec = make_spec(
        FileType.CSV,
        [text_column("Code"), QTY, PRICE, WEIGHT],
        csv_separator=separator,
        decimal_separator=DecimalSeparator.COMMA,
    )

    data = render_bytes(spec, [["1.5", Decimal("2.5"), Decimal("1299.5"), Decimal("-0.25")]])

    # Text stays as it is; numbers take the comma (quoted when it is the separator).
    assert read_csv(data, separator)[1] == ["1.5", "2,5", "1299,50", "-0,25"]
    if separator is CsvSeparator.COMMA:
        assert b'"2,5","1299,50","-0,25"' in data


@pytest.mark.parametrize("file_type", [FileType.XLSX, FileType.XLS])
def test_excel_cells_stay_numeric_whatever_the_csv_options(file_type: FileType) -> None:
    options = {
        "decimal_separator": DecimalSeparator.COMMA,
        "line_breaks": LineBreaks.SPACE,
        "formula_protection": True,
        "encoding": CsvEncoding.CP1252,
    }
    spec = make_spec(file_type, [text_column("Name"), QTY, PRICE], sheet_name="S", **options)

    data = render_bytes(spec, [["=Їжак\nx", Decimal("2.5"), Decimal("7")]])

    if file_type is FileType.XLSX:
        assert read_calamine(data)[1][1] == ["=Їжак\nx", 2.5, 7.0]
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        assert sheet is not None and sheet["C2"].number_format == "0.00"
    else:
        sheet = read_xls(data).sheet_by_index(0)
        assert sheet.row_values(1) == ["=Їжак\nx", 2.5, 7.0]


# --- line breaks and formulas --------------------------------------------------------------


def test_line_breaks_become_one_space_each() -> None:
    spec = make_spec(FileType.CSV, [text_column("Text")], line_breaks=LineBreaks.SPACE)

    data = render_bytes(spec, [["a\r\nb\nc\rd\te"], ["two\n\nbreaks"]])

    assert data == b"Text\r\na b c d e\r\ntwo  breaks\r\n"


def test_kept_line_breaks_are_quoted() -> None:
    spec = make_spec(FileType.CSV, [text_column("Text")])

    assert render_bytes(spec, [["a\nb"]]) == b'Text\r\n"a\nb"\r\n'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_protection_prefixes_an_apostrophe(start: str) -> None:
    spec = make_spec(
        FileType.CSV,
        [text_column("Text"), WEIGHT, Column("C", ColumnSource.CUSTOM_VALUE, value=start + "1")],
        formula_protection=True,
    )

    cells = read_csv(
        render_bytes(spec, [[start + "SUM(A1)", Decimal(-3), None]]), CsvSeparator.COMMA
    )

    assert cells[1] == ["'" + start + "SUM(A1)", "-3", "'" + start + "1"]


def test_line_breaks_go_before_the_formula_check() -> None:
    spec = make_spec(
        FileType.CSV,
        [text_column("Text")],
        formula_protection=True,
        line_breaks=LineBreaks.SPACE,
    )

    assert render_bytes(spec, [["\t=1"], ["ok"], [""]]) == b'Text\r\n =1\r\nok\r\n""\r\n'


# --- stock rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "sums", "published"),
    [
        (StockRules(), ["-3", "0", "0.5", "44.2"], ["0", "0", "0.5", "44.2"]),
        (StockRules(round_down=True), ["0.9", "44.2", "45"], ["0", "44", "45"]),
        (StockRules(buffer=Decimal(2)), ["1", "2", "2.5", "10"], ["0", "0", "0.5", "8"]),
        (StockRules(cap=Decimal(5)), ["3", "5", "7.5"], ["3", "5", "5"]),
        (
            StockRules(round_down=True, buffer=Decimal("1.5"), cap=Decimal(10)),
            ["2.9", "3", "100"],
            ["0.5", "1.5", "10"],
        ),
    ],
)
def test_stock_rules_shape_the_published_quantity(
    rules: StockRules, sums: list[str], published: list[str]
) -> None:
    spec = make_spec(FileType.CSV, [QTY, HERE, AVAILABLE], stock=rules)

    cells = read_csv(render_bytes(spec, [[s, s, s] for s in sums]), CsvSeparator.COMMA)[1:]

    assert [row[0] for row in cells] == published
    # One warehouse's quantity: whole numbers if the feed's are, no buffer, no cap.
    warehouse = [StockRules(round_down=rules.round_down).publish(Decimal(s)) for s in sums]
    assert [Decimal(row[1]) for row in cells] == warehouse
    labels = ["in stock" if Decimal(p) > 0 else "out of stock" for p in published]
    assert [row[2] for row in cells] == labels


def test_availability_labels_are_the_feeds_own_in_excel_too() -> None:
    labels = AvailabilityLabels(in_stock="В наявності", out_of_stock="Немає")
    spec = make_spec(
        FileType.XLSX,
        [AVAILABLE, QTY],
        stock=StockRules(buffer=Decimal(1)),
        availability_labels=labels,
    )

    grid = read_calamine(render_bytes(spec, [["1", "1"], ["3", "3"], [None, None]]))[1]

    assert grid[1:] == [["Немає", 0.0], ["В наявності", 2.0], ["Немає", ""]]


amounts = st.decimals(min_value=0, max_value=100, places=2)


@given(
    quantity=st.decimals(min_value=-10, max_value=200, places=4),
    round_down=st.booleans(),
    buffer=st.one_of(st.none(), amounts),
    cap=st.one_of(st.none(), amounts),
)
def test_listed_from_is_exactly_where_the_published_quantity_is_above_zero(
    quantity: Decimal, round_down: bool, buffer: Decimal | None, cap: Decimal | None
) -> None:
    """The rows query filters by ``listed_from``; it must agree with ``publish``."""
    rules = StockRules(round_down=round_down, buffer=buffer, cap=cap)
    listed = rules.listed_from()

    if listed is None:
        in_range = False
    else:
        bound, inclusive = listed
        in_range = quantity >= bound if inclusive else quantity > bound

    assert in_range is (rules.publish(quantity) > 0)


@pytest.mark.parametrize("labels", [("+", "-"), ("1", "0"), ("in stock", "out of stock")])
def test_availability_labels_are_text_cells_in_xlsx(labels: tuple[str, str]) -> None:
    # Even labels that look like numbers stay the merchant's text, as openpyxl reads it.
    spec = make_spec(
        FileType.XLSX,
        [AVAILABLE, QTY],
        availability_labels=AvailabilityLabels(in_stock=labels[0], out_of_stock=labels[1]),
    )

    book = openpyxl.load_workbook(io.BytesIO(render_bytes(spec, [["2", "2"], ["0", "0"]])))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]

    assert [(c.value, c.data_type) for c in cells] == [(labels[0], "s"), (labels[1], "s")]
