"""The XLSX writer writes the same file from cell rows and from Arrow record batches.

Every test renders the same raw values twice: as rows through ``render_feed``
(the row path, read back with openpyxl and python-calamine in test_xlsx.py)
and as Arrow record batches through ``write_xlsx_batches``, and compares the
files byte for byte, and each XML part of them.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shelfcast.render import (
    CellTooLong,
    FeedSpec,
    FileType,
    InvalidValue,
    RawValue,
    RenderError,
    render_feed,
    write_xlsx_batches,
)

from .support import make_spec, read_calamine, text_column
from .test_columnar import KIND, KINDS, Kind, any_text, batches_of, column_for, raw_of, value_of


def render_rows(spec: FeedSpec, rows: Sequence[Sequence[RawValue]]) -> tuple[bytes, int]:
    out = io.BytesIO()
    result = render_feed(spec, rows, out)
    return out.getvalue(), result.rows


def render_batches(spec: FeedSpec, batches: list[pa.RecordBatch], scale: int) -> tuple[bytes, int]:
    out = io.BytesIO()
    rows = write_xlsx_batches(spec, batches, out, scale=scale)
    return out.getvalue(), rows


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def assert_same_file(
    spec: FeedSpec, kinds: Sequence[Kind], rows: list[list[Any]], scale: int, data: st.DataObject
) -> None:
    raw_rows = [
        [raw_of(kind, value, scale) for kind, value in zip(kinds, row, strict=True)] for row in rows
    ]
    batches = batches_of(kinds, rows, data)
    try:
        expected = render_rows(spec, raw_rows)
    except RenderError as error:
        with pytest.raises(type(error)) as raised:
            render_batches(spec, batches, scale)
        assert str(raised.value) == str(error)
        return
    actual = render_batches(spec, batches, scale)
    assert parts(actual[0]) == parts(expected[0])
    assert actual == expected


# Excel text: no NUL-free restriction here (the writer escapes control characters).
excel_text = any_text.filter(lambda text: len(text) < 1000)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=5),
    header_row=st.integers(min_value=1, max_value=4),
    scale=st.sampled_from([4, 4, 0, 2]),
    sheet_name=st.sampled_from(["Sheet1", "Товары & <Co>", 'a"b']),
)
def test_both_paths_write_the_same_bytes(
    data: st.DataObject, kinds: list[Kind], header_row: int, scale: int, sheet_name: str
) -> None:
    headers = data.draw(st.lists(excel_text, min_size=len(kinds), max_size=len(kinds)))
    constants = data.draw(
        st.lists(st.one_of(st.none(), excel_text), min_size=len(kinds), max_size=len(kinds))
    )
    columns = [column_for(k, h, c) for k, h, c in zip(kinds, headers, constants, strict=True)]
    spec = make_spec(FileType.XLSX, columns, header_row=header_row, sheet_name=sheet_name)
    row = st.tuples(*(value_of(kind) for kind in kinds)).map(list)
    rows = data.draw(st.lists(row, max_size=8))

    assert_same_file(spec, kinds, rows, scale, data)


def test_many_rows_cross_the_internal_steps() -> None:
    spec = make_spec(
        FileType.XLSX,
        [
            text_column("Name"),
            column_for(KIND["quantity"], "Qty", None),
            column_for(KIND["price"], "Price", None),
            column_for(KIND["constant"], "Cur", "EUR"),
        ],
    )
    count = 20_000
    names = ["" if i % 89 == 0 else f"Товар {i} & <{i % 7}>" for i in range(count)]
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

    data, written = render_batches(spec, table.to_batches(max_chunksize=9_000), 4)
    assert (data, written) == render_rows(spec, rows)
    grid = read_calamine(data)[1]
    assert len(grid) == count + 1
    assert grid[91] == ["Товар 90 & <6>", 2.25, 0.33, "EUR"]  # row 0 is the header
    assert grid[90][0] == ""  # an empty text cell


def test_a_text_too_long_for_a_cell_names_its_row_in_both_paths() -> None:
    spec = make_spec(
        FileType.XLSX, [text_column("A"), column_for(KIND["number as text"], "N", None)]
    )
    rows: list[list[Any]] = [["ok", "1"], ["x" * 32_768, "1"], ["ok", "not a number"]]
    batch = pa.record_batch(
        [pa.array([r[0] for r in rows]), pa.array([r[1] for r in rows])], ["a", "n"]
    )

    with pytest.raises(CellTooLong) as from_rows:
        render_rows(spec, rows)
    with pytest.raises(CellTooLong) as from_batches:
        render_batches(spec, [batch], 4)
    assert str(from_batches.value) == str(from_rows.value)
    assert from_batches.value.row == 2


def test_a_bad_number_after_the_long_text_comes_second() -> None:
    spec = make_spec(
        FileType.XLSX, [text_column("A"), column_for(KIND["number as text"], "N", None)]
    )
    rows: list[list[Any]] = [["ok", "x"], ["y" * 32_768, "1"]]
    batch = pa.record_batch(
        [pa.array([r[0] for r in rows]), pa.array([r[1] for r in rows])], ["a", "n"]
    )

    with pytest.raises(InvalidValue) as from_rows:
        render_rows(spec, rows)
    with pytest.raises(InvalidValue) as from_batches:
        render_batches(spec, [batch], 4)
    assert str(from_batches.value) == str(from_rows.value)
    assert from_batches.value.row == 1


def test_a_number_beyond_excel_is_refused_in_both_paths() -> None:
    spec = make_spec(FileType.XLSX, [column_for(KIND["number as text"], "N", None)])
    rows: list[list[Any]] = [["5"], ["1E+400"]]
    batch = pa.record_batch([pa.array(["5", "1E+400"])], ["n"])

    with pytest.raises(InvalidValue) as from_rows:
        render_rows(spec, rows)
    with pytest.raises(InvalidValue) as from_batches:
        render_batches(spec, [batch], 4)
    assert str(from_batches.value) == str(from_rows.value)
    assert "too large for Excel" in str(from_rows.value)
    assert from_rows.value.row == 2


def test_only_xlsx() -> None:
    batch = pa.record_batch([pa.array(["x"])], names=["a"])
    with pytest.raises(ValueError, match="XLSX"):
        render_batches(make_spec(FileType.CSV, [text_column("A")]), [batch], 4)
