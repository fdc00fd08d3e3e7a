"""Raw values to cells: the rules every writer relies on."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shelfcast.render import (
    CellFormat,
    Column,
    ColumnSource,
    InvalidValue,
    RenderError,
    cell_converters,
    feed_cells,
    format_decimal,
)

from .support import text_column

LONG_FRACTION = "1." + "0" * 35 + "1"


def convert(cell_format: CellFormat, raw: object) -> str | Decimal:
    column = Column("Col", ColumnSource.PRODUCT_FIELD, cell_format, field="f")
    (converter,) = cell_converters([column])
    return converter(raw)


def as_text(cell: str | Decimal) -> str:
    """A numeric cell as CSV shows it; also asserts it is a Decimal."""
    assert isinstance(cell, Decimal)
    return format_decimal(cell)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (Decimal("5.000"), "5"),
        (Decimal("2.50"), "2.5"),
        (Decimal("500"), "500"),
        (Decimal("0.125"), "0.125"),
        (Decimal("0.000"), "0"),
        (Decimal("-3"), "0"),
        (Decimal("-0.5"), "0"),
        (Decimal("-0"), "0"),
        (Decimal("1E+3"), "1000"),
        ("5.000", "5"),
        ("  12  ", "12"),
        ("-7", "0"),
        (7, "7"),
        (2.5, "2.5"),
        (0.1, "0.1"),
        (Decimal("1" + "0" * 40), "1" + "0" * 40),
        (
            Decimal("1.000000000000000000000000000000000001"),
            "1.000000000000000000000000000000000001",
        ),
    ],
)
def test_quantity_drops_trailing_zeros_and_clamps_negatives(raw: object, expected: str) -> None:
    cell = convert(CellFormat.QUANTITY, raw)
    assert as_text(cell) == expected
    assert str(cell) == expected  # no exponent form even in repr: 500, not 5E+2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (Decimal("-2.50"), "-2.5"),
        (Decimal("-0.000"), "0"),
        (Decimal("4.200"), "4.2"),
        (Decimal("100"), "100"),
        ("-12.0", "-12"),
    ],
)
def test_number_drops_trailing_zeros_and_keeps_negatives(raw: object, expected: str) -> None:
    assert str(convert(CellFormat.NUMBER, raw)) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (Decimal("1299.5"), "1299.50"),
        ("1299.5", "1299.50"),
        (7, "7.00"),
        (Decimal("7"), "7.00"),
        (Decimal("0.005"), "0.01"),  # half up, not half even
        (Decimal("2.675"), "2.68"),
        (Decimal("2.674"), "2.67"),
        (Decimal("-0.001"), "0.00"),  # never "-0.00"
        (Decimal("1E+3"), "1000.00"),
        (19.99, "19.99"),  # via str(): no binary noise
    ],
)
def test_price_has_two_places_rounded_half_up(raw: object, expected: str) -> None:
    assert as_text(convert(CellFormat.PRICE, raw)) == expected


@pytest.mark.parametrize("cell_format", [f for f in CellFormat if f is not CellFormat.AVAILABILITY])
@pytest.mark.parametrize("raw", [None, ""])
def test_missing_value_is_an_empty_cell(cell_format: CellFormat, raw: object) -> None:
    assert convert(cell_format, raw) == ""


@pytest.mark.parametrize("raw", [None, ""])
def test_no_quantity_is_out_of_stock(raw: object) -> None:
    assert convert(CellFormat.AVAILABILITY, raw) == "out of stock"


@pytest.mark.parametrize("cell_format", [CellFormat.QUANTITY, CellFormat.NUMBER, CellFormat.PRICE])
def test_blank_string_in_numeric_column_is_an_empty_cell(cell_format: CellFormat) -> None:
    assert convert(cell_format, "  \t") == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  keep  spaces ", "  keep  spaces "),
        ("0012345678905", "0012345678905"),
        ("=1+1", "=1+1"),
        (Decimal("1E+2"), "100"),
        (Decimal("7.00"), "7.00"),
        (42, "42"),
    ],
)
def test_text_is_kept_as_is(raw: object, expected: str) -> None:
    assert convert(CellFormat.TEXT, raw) == expected


@pytest.mark.parametrize("cell_format", list(CellFormat))
def test_custom_value_is_the_constant_whatever_the_raw_value(cell_format: CellFormat) -> None:
    columns = [
        Column("Currency", ColumnSource.CUSTOM_VALUE, cell_format, value="RUB"),
        Column("Empty", ColumnSource.CUSTOM_VALUE, cell_format, value=None),
    ]
    rows = [(None, None), ("other", Decimal(5)), ("not a number", "x")]
    assert list(feed_cells(columns, rows)) == [["RUB", ""]] * 3


@pytest.mark.parametrize("cell_format", [CellFormat.QUANTITY, CellFormat.NUMBER, CellFormat.PRICE])
@pytest.mark.parametrize(
    "bad",
    ["abc", "1,5", "NaN", "Infinity", Decimal("NaN"), Decimal("-Infinity"), float("nan"), True],
)
def test_non_number_in_numeric_column_names_column_and_row(
    cell_format: CellFormat, bad: object
) -> None:
    columns = [
        text_column("SKU"),
        Column("Stock level", ColumnSource.PRODUCT_FIELD, cell_format, field="q"),
    ]
    rows = [("a", Decimal(1)), ("b", Decimal(2)), ("c", bad)]
    with pytest.raises(InvalidValue) as caught:
        list(feed_cells(columns, rows))
    error = caught.value
    assert isinstance(error, RenderError)
    assert isinstance(error, ValueError)
    assert error.column == "Stock level"
    assert error.row == 3
    assert "'Stock level'" in str(error)
    assert "data row 3" in str(error)


def test_row_with_wrong_number_of_values_is_rejected() -> None:
    with pytest.raises(RenderError, match="Data row 2 has 1 values but the feed has 2 columns"):
        list(feed_cells([text_column("A"), text_column("B")], [("a", "b"), ("a",)]))


def test_feed_cells_is_lazy() -> None:
    """Rows are pulled one at a time: a cursor is never read ahead into memory."""
    pulled = 0

    def rows() -> Iterator[tuple[str]]:
        nonlocal pulled
        for number in itertools.count():
            pulled += 1
            yield (str(number),)

    cells = feed_cells([text_column("N")], rows())
    assert next(cells) == ["0"]
    assert next(cells) == ["1"]
    assert pulled == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("5E+2"), "500"),
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("7.00"), "7.00"),
        (Decimal("-12.5"), "-12.5"),
    ],
)
def test_format_decimal_never_uses_exponent_notation(value: Decimal, expected: str) -> None:
    assert format_decimal(value) == expected


finite_decimals = st.decimals(
    allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12
)


@given(finite_decimals)
def test_quantity_property(raw: Decimal) -> None:
    cell = convert(CellFormat.QUANTITY, raw)
    assert isinstance(cell, Decimal)
    assert cell == max(raw, Decimal(0))
    text = format_decimal(cell)
    assert "E" not in text
    assert not text.startswith("-")
    if "." in text:
        assert not text.endswith("0")


@given(finite_decimals)
def test_price_property(raw: Decimal) -> None:
    cell = convert(CellFormat.PRICE, raw)
    assert isinstance(cell, Decimal)
    assert cell == raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format_decimal(cell)
    assert "E" not in text
    assert len(text.split(".")[1]) == 2
    assert text != "-0.00"
