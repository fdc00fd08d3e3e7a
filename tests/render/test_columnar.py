"""The columnar CSV writer writes the bytes of the row path, whatever the values.

Every test renders the same raw values twice: as rows through ``render_feed``
(the row path, itself checked against the csv module in test_csv.py) and as
Arrow record batches through ``write_csv_batches``, and compares the bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shelfcast.render import (
    AvailabilityLabels,
    CellFormat,
    Column,
    ColumnSource,
    CsvEncoding,
    CsvSeparator,
    DecimalSeparator,
    FeedSpec,
    FileType,
    InvalidSpec,
    InvalidValue,
    LineBreaks,
    RawValue,
    RenderError,
    StockRules,
    UnencodableText,
    render_feed,
    write_csv_batches,
)

from .support import make_spec, text_column, tricky_text

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# Text as a database holds it, NUL included (SQLite keeps it), no lone surrogates.
any_text = st.one_of(
    tricky_text,
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=20),
)


@dataclass(frozen=True)
class Kind:
    """One kind of column: its spec entry and how its raw values travel in Arrow."""

    name: str
    source: ColumnSource
    cell_format: CellFormat
    arrow: str  # "text", "units" (int64 fixed-point) or "constant"


KINDS = [
    Kind("text", ColumnSource.PRODUCT_FIELD, CellFormat.TEXT, "text"),
    Kind("quantity", ColumnSource.PRODUCT_FIELD, CellFormat.QUANTITY, "units"),
    Kind("number", ColumnSource.PRODUCT_FIELD, CellFormat.NUMBER, "units"),
    Kind("price", ColumnSource.PRICE, CellFormat.PRICE, "units"),
    Kind("quantity as text", ColumnSource.PRODUCT_FIELD, CellFormat.QUANTITY, "text"),
    Kind("number as text", ColumnSource.PRODUCT_FIELD, CellFormat.NUMBER, "text"),
    Kind("price as text", ColumnSource.PRICE, CellFormat.PRICE, "text"),
    Kind("constant", ColumnSource.CUSTOM_VALUE, CellFormat.TEXT, "constant"),
    Kind("warehouse quantity", ColumnSource.PRODUCT_FIELD, CellFormat.WAREHOUSE_QUANTITY, "units"),
    Kind("availability", ColumnSource.PRODUCT_FIELD, CellFormat.AVAILABILITY, "units"),
    Kind("availability as text", ColumnSource.PRODUCT_FIELD, CellFormat.AVAILABILITY, "text"),
]
KIND = {kind.name: kind for kind in KINDS}

# Units around the rounding and formatting edges: x.xx5 (50 ten-thousandths past a
# cent), just under it, zeros after the point, the fast path's limit, int64's ends.
edge_units = st.sampled_from(
    [
        *(0, 1, -1, 49, 50, 51, -49, -50, -51, 149, 150, -150, 10_000, -10_000, 25_000),
        *(5_000_000, 1_234_550, -1_234_550, 99_995_000, 10**15, 10**15 + 1, -(10**15) - 1),
        *(INT64_MIN, INT64_MAX, INT64_MIN + 1, 10**18),
    ]
)
units = st.one_of(
    st.none(),
    edge_units,
    st.integers(min_value=-(10**9), max_value=10**9),
    st.integers(min_value=-(10**6), max_value=10**6).map(lambda n: n * 100 + 50),  # x.xx5
    st.integers(min_value=INT64_MIN, max_value=INT64_MAX),
)
# Numbers stored as text (custom number fields): plain, not plain, blank, or no number.
numeric_text = st.one_of(
    st.none(),
    st.sampled_from(["", "0", "-0", "5", "-5", "0.5", "-0.5", "2.50", "500", "1E+2", "1e-7"]),
    st.sampled_from(["0012", " 7 ", "  ", "1_000", "0.000", "123456789012345678901234567890"]),
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    st.integers().map(str),
)
bad_numeric_text = st.sampled_from(["abc", "NaN", "Infinity", "1,5", "--1"])


def column_for(kind: Kind, header: str, constant: str | None) -> Column:
    if kind.source is ColumnSource.CUSTOM_VALUE:
        return Column(header, kind.source, value=constant)
    if kind.source is ColumnSource.PRICE:
        return Column(header, kind.source, kind.cell_format, price_type_id=1)
    return Column(header, kind.source, kind.cell_format, field=kind.name)


def raw_of(kind: Kind, value: Any, scale: int) -> RawValue:
    """The raw value the row path gets: units are Decimals as the database layer makes them."""
    if kind.arrow == "units" and value is not None:
        return Decimal(int(value)).scaleb(-scale)
    return value  # type: ignore[no-any-return]


def arrow_column(kind: Kind, values: list[Any], rng: st.DataObject) -> pa.Array:
    if kind.arrow == "constant":
        return pa.nulls(len(values))
    if values and all(value is None for value in values) and rng.draw(st.booleans()):
        return pa.nulls(len(values))  # a column whose values are all NULL may come untyped
    if kind.arrow == "units":
        return pa.array(values, pa.int64())
    return pa.array(values, rng.draw(st.sampled_from([pa.string(), pa.large_string()])))


def render_rows(spec: FeedSpec, rows: Sequence[Sequence[RawValue]]) -> tuple[bytes, int]:
    out = io.BytesIO()
    result = render_feed(spec, rows, out)
    return out.getvalue(), result.rows


def render_batches(spec: FeedSpec, batches: list[pa.RecordBatch], scale: int) -> tuple[bytes, int]:
    out = io.BytesIO()
    rows = write_csv_batches(spec, batches, out, scale=scale)
    return out.getvalue(), rows


def batches_of(
    kinds: Sequence[Kind], rows: list[list[Any]], data: st.DataObject
) -> list[pa.RecordBatch]:
    """``rows`` cut into record batches of random sizes, with an empty one at times."""
    cuts = [0]
    while cuts[-1] < len(rows):
        cuts.append(cuts[-1] + data.draw(st.integers(min_value=1, max_value=4)))
    if data.draw(st.booleans()):
        cuts.insert(data.draw(st.integers(min_value=0, max_value=len(cuts) - 1)), cuts[0])
        cuts.sort()
    batches = []
    for start, end in zip(cuts, cuts[1:] or [0], strict=False):
        chunk = rows[start:end]
        columns = [
            arrow_column(kind, [row[i] for row in chunk], data) for i, kind in enumerate(kinds)
        ]
        batches.append(pa.record_batch(columns, names=[f"c{i}" for i in range(len(kinds))]))
    return batches


def value_of(kind: Kind, text: st.SearchStrategy[str] = any_text) -> st.SearchStrategy[Any]:
    if kind.arrow == "units":
        return units
    if kind.cell_format is CellFormat.TEXT:
        return st.none() if kind.arrow == "constant" else st.one_of(st.none(), text, any_text)
    return numeric_text


def assert_same_file(
    spec: FeedSpec, kinds: Sequence[Kind], rows: list[list[Any]], scale: int, data: st.DataObject
) -> None:
    raw_rows = [
        [raw_of(kind, value, scale) for kind, value in zip(kinds, row, strict=True)] for row in rows
    ]
    batches = batches_of(kinds, rows, data)
    try:
        expected = render_rows(spec, raw_rows)
    except (InvalidValue, UnencodableText) as error:
        with pytest.raises(type(error)) as raised:
            render_batches(spec, batches, scale)
        assert str(raised.value) == str(error)
        return
    assert render_batches(spec, batches, scale) == expected


# Every CSV option and stock rule, any combination (the defaults included).
amounts = st.sampled_from(
    [Decimal(0), Decimal(1), Decimal(2), Decimal("2.5"), Decimal("0.0001"), Decimal("0.00001")]
)
stock_rules = st.builds(
    StockRules,
    round_down=st.booleans(),
    buffer=st.one_of(st.none(), amounts),
    cap=st.one_of(st.none(), amounts, st.just(Decimal("10.5"))),
)
# Latin, Cyrillic and characters neither Windows code page holds.
option_text = st.text(alphabet=st.sampled_from(list("aZé;,|\t\r\n\"=+-@' Жї€😀")), max_size=8)
options = st.fixed_dictionaries(
    {
        "encoding": st.sampled_from(list(CsvEncoding)),
        "decimal_separator": st.sampled_from(list(DecimalSeparator)),
        "line_breaks": st.sampled_from(list(LineBreaks)),
        "formula_protection": st.booleans(),
        "stock": stock_rules,
        "availability_labels": st.builds(
            AvailabilityLabels, in_stock=option_text, out_of_stock=option_text
        ),
    }
)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=5),
    separator=st.sampled_from(list(CsvSeparator)),
    header_row=st.integers(min_value=1, max_value=4),
    scale=st.sampled_from([4, 4, 0, 2]),
    chosen=st.one_of(st.just({}), options),
)
def test_both_paths_write_the_same_bytes(
    data: st.DataObject,
    kinds: list[Kind],
    separator: CsvSeparator,
    header_row: int,
    scale: int,
    chosen: dict[str, Any],
) -> None:
    text = option_text if chosen else any_text
    headers = data.draw(st.lists(text, min_size=len(kinds), max_size=len(kinds)))
    constants = data.draw(
        st.lists(st.one_of(st.none(), text), min_size=len(kinds), max_size=len(kinds))
    )
    columns = [column_for(k, h, c) for k, h, c in zip(kinds, headers, constants, strict=True)]
    spec = make_spec(
        FileType.CSV, columns, csv_separator=separator, header_row=header_row, **chosen
    )
    row = st.tuples(*(value_of(kind, text) for kind in kinds)).map(list)
    rows = data.draw(st.lists(row, max_size=8))

    assert_same_file(spec, kinds, rows, scale, data)


@settings(max_examples=100, deadline=None)
@given(
    data=st.data(),
    kind=st.sampled_from(KINDS),
    separator=st.sampled_from(list(CsvSeparator)),
    header=st.one_of(st.just(""), any_text),
)
def test_single_column_feeds_quote_an_empty_field(
    data: st.DataObject, kind: Kind, separator: CsvSeparator, header: str
) -> None:
    """The csv module writes a row whose only field is empty as "" (else the line
    would be blank); header, data and constant rows alike."""
    constant = data.draw(st.sampled_from([None, "", "x"]))
    spec = make_spec(FileType.CSV, [column_for(kind, header, constant)], csv_separator=separator)
    empty = st.none() if kind.arrow == "units" else st.just("")
    values = st.one_of(st.none(), empty, value_of(kind))
    rows = data.draw(st.lists(values.map(lambda value: [value]), max_size=6))

    assert_same_file(spec, [kind], rows, 4, data)


@settings(max_examples=50, deadline=None)
@given(
    kind=st.sampled_from([KIND["quantity as text"], KIND["number as text"], KIND["price as text"]]),
    bad=bad_numeric_text,
    position=st.integers(min_value=0, max_value=5),
)
def test_a_bad_number_names_the_same_row_and_column(kind: Kind, bad: str, position: int) -> None:
    rows: list[list[Any]] = [["ok", "5"] for _ in range(6)]
    rows[position][1] = bad
    if position < 5:
        rows[position + 1][1] = "also bad"  # only the first one is reported
    spec = make_spec(FileType.CSV, [text_column("A"), column_for(kind, "N", None)])
    batches = [
        pa.record_batch(
            [pa.array([row[0] for row in part]), pa.array([row[1] for row in part])],
            names=["a", "n"],
        )
        for part in (rows[:2], rows[2:3], rows[3:])
    ]

    with pytest.raises(InvalidValue) as from_rows:
        render_rows(spec, rows)
    with pytest.raises(InvalidValue) as from_batches:
        render_batches(spec, batches, 4)
    assert str(from_batches.value) == str(from_rows.value)
    assert from_batches.value.row == position + 1


def test_the_first_bad_cell_in_row_order_is_reported() -> None:
    """Row 2's bad value in the second column comes before row 3's in the first."""
    spec = make_spec(
        FileType.CSV,
        [
            column_for(KIND["number as text"], "A", None),
            column_for(KIND["price as text"], "B", None),
        ],
    )
    rows: list[list[Any]] = [["1", "1"], ["2", "x"], ["y", "3"]]
    batch = pa.record_batch(
        [pa.array(["1", "2", "y"]), pa.array(["1", "x", "3"])], names=["a", "b"]
    )

    with pytest.raises(InvalidValue) as from_rows:
        render_rows(spec, rows)
    with pytest.raises(InvalidValue) as from_batches:
        render_batches(spec, [batch], 4)
    assert str(from_batches.value) == str(from_rows.value)
    assert (from_batches.value.row, from_batches.value.column) == (2, "B")


PRICE_CASES = [
    # (units of 1/10,000, what the file holds)
    (31_000, "3.10"),
    (50, "0.01"),  # 0.005 rounds half up
    (49, "0.00"),
    (-50, "-0.01"),  # half up is away from zero
    (-49, "0.00"),  # never -0.00
    (1_234_550, "123.46"),
    (1_234_549, "123.45"),
    (70_000, "7.00"),
    (10**18, "100000000000000.00"),  # beyond the fast path: the row path's converter
]
QUANTITY_CASES = [
    (25_000, "2.5"),
    (5_000_000, "500"),
    (1, "0.0001"),
    (0, "0"),
    (-30_000, "0"),
    (INT64_MAX, "922337203685477.5807"),
]
NUMBER_CASES = [(-25_000, "-2.5"), (-1, "-0.0001"), (0, "0"), (INT64_MIN, "-922337203685477.5808")]


@pytest.mark.parametrize(
    ("kind", "units_value", "text"),
    [(KIND["price"], u, t) for u, t in PRICE_CASES]
    + [(KIND["quantity"], u, t) for u, t in QUANTITY_CASES]
    + [(KIND["number"], u, t) for u, t in NUMBER_CASES],
)
def test_numbers_are_written_by_the_cell_rules(kind: Kind, units_value: int, text: str) -> None:
    spec = make_spec(FileType.CSV, [text_column("SKU"), column_for(kind, "N", None)])
    batch = pa.record_batch(
        [pa.array(["A"]), pa.array([units_value], pa.int64())], names=["a", "b"]
    )
    expected = f"SKU,N\r\nA,{text}\r\n".encode()

    assert render_batches(spec, [batch], 4) == (expected, 1)
    assert render_rows(spec, [["A", raw_of(kind, units_value, 4)]]) == (expected, 1)


def test_many_rows_cross_the_internal_steps() -> None:
    """More rows than one internal step (slices of a batch) and several batches."""
    spec = make_spec(
        FileType.CSV,
        [
            text_column("Name"),
            column_for(KIND["quantity"], "Qty", None),
            column_for(KIND["price"], "Price", None),
            column_for(KIND["constant"], "Cur", "EUR"),
        ],
        csv_separator=CsvSeparator.SEMICOLON,
    )
    count = 40_000
    names = [f"Товар {i}" + ('; "x"' if i % 97 == 0 else "") for i in range(count)]
    quantities = [(i % 13 - 3) * 2_500 for i in range(count)]
    prices = [None if i % 11 == 0 else i * 37 for i in range(count)]
    table = pa.table(
        {
            "name": pa.array(names),
            "qty": pa.array(quantities, pa.int64()),
            "price": pa.array(prices, pa.int64()),
            "cur": pa.nulls(count),
        }
    )
    rows = [
        [name, raw_of(KIND["quantity"], q, 4), raw_of(KIND["price"], p, 4), None]
        for name, q, p in zip(names, quantities, prices, strict=True)
    ]

    assert render_batches(spec, table.to_batches(max_chunksize=25_000), 4) == render_rows(
        spec, rows
    )


def test_a_feed_of_constants_only() -> None:
    spec = make_spec(
        FileType.CSV,
        [column_for(KIND["constant"], "A", "x,y"), column_for(KIND["constant"], "B", "")],
    )
    batch = pa.record_batch([pa.nulls(3), pa.nulls(3)], names=["a", "b"])

    assert render_batches(spec, [batch], 4) == (b'A,B\r\n"x,y",\r\n"x,y",\r\n"x,y",\r\n', 3)


def test_no_batches_or_empty_ones_give_the_header_alone() -> None:
    spec = make_spec(FileType.CSV, [text_column("A")], header_row=3)
    empty = pa.record_batch([pa.array([], pa.string())], names=["a"])

    assert render_batches(spec, [], 4) == (b"\r\n\r\nA\r\n", 0)
    assert render_batches(spec, [empty, empty], 4) == (b"\r\n\r\nA\r\n", 0)


def test_a_batch_of_the_wrong_width_is_refused() -> None:
    spec = make_spec(FileType.CSV, [text_column("A"), text_column("B")])
    batch = pa.record_batch([pa.array(["x"])], names=["a"])

    with pytest.raises(RenderError, match="feed has 2 columns"):
        render_batches(spec, [batch], 4)


def test_values_of_an_unsupported_arrow_type_are_refused() -> None:
    spec = make_spec(FileType.CSV, [text_column("A"), column_for(KIND["price"], "P", None)])
    with pytest.raises(TypeError, match="'A'"):
        render_batches(spec, [pa.record_batch([pa.array([1]), pa.array([1])], names=["a", "b"])], 4)
    with pytest.raises(TypeError, match="'P'"):
        render_batches(
            spec, [pa.record_batch([pa.array(["x"]), pa.array([1.5])], names=["a", "b"])], 4
        )


def test_only_csv_and_a_valid_header_row() -> None:
    batch = pa.record_batch([pa.array(["x"])], names=["a"])
    with pytest.raises(ValueError, match="CSV"):
        render_batches(make_spec(FileType.XLSX, [text_column("A")]), [batch], 4)
    with pytest.raises(InvalidSpec):
        render_batches(make_spec(FileType.CSV, [text_column("A")], header_row=0), [batch], 4)
