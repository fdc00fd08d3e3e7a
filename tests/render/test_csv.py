"""CSV output, read back with the csv module."""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shelfcast.render import (
    WRITERS,
    CsvSeparator,
    FileType,
    InvalidSpec,
    RenderError,
    render_feed,
)

from .support import (
    MIXED_COLUMNS,
    MIXED_HEADERS,
    MIXED_ROWS,
    make_spec,
    read_csv,
    render_bytes,
    text_column,
    tricky_text,
)


@st.composite
def text_feeds(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    width = draw(st.integers(min_value=1, max_value=4))
    headers = draw(st.lists(tricky_text, min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(tricky_text, min_size=width, max_size=width), max_size=6))
    return headers, rows


@settings(max_examples=100, deadline=None)
@given(
    feed=text_feeds(),
    separator=st.sampled_from(list(CsvSeparator)),
    header_row=st.integers(min_value=1, max_value=4),
)
def test_any_text_round_trips(
    feed: tuple[list[str], list[list[str]]], separator: CsvSeparator, header_row: int
) -> None:
    headers, rows = feed
    spec = make_spec(
        FileType.CSV,
        [text_column(header) for header in headers],
        csv_separator=separator,
        header_row=header_row,
    )
    data = render_bytes(spec, rows)

    assert read_csv(data, separator) == [[]] * (header_row - 1) + [headers, *rows]
    assert data.startswith(b"\r\n" * (header_row - 1))
    assert not data.startswith(b"\xef\xbb\xbf")


def test_mixed_feed_exact_bytes() -> None:
    spec = make_spec(
        FileType.CSV, MIXED_COLUMNS, csv_separator=CsvSeparator.SEMICOLON, header_row=2
    )
    expected = (
        "\r\n"
        "Barcode;Name;Link;Note;Qty;Price;Weight;Currency\r\n"
        '0012345678905;"Чай ""Эрл Грей""; 100 г";https://shop.example/tea;=1+1;5;1299.50;-0.25;RUB\r\n'
        '4600000000001;"Café crème\nline 2";;@SUM(A1);0;;;RUB\r\n'
        "0000;x;mailto:a@b.c;+7;500;7.00;12;RUB\r\n"
    ).encode()
    assert render_bytes(spec, MIXED_ROWS) == expected


@pytest.mark.parametrize("separator", list(CsvSeparator))
def test_separator_is_used_and_quoted_inside_values(separator: CsvSeparator) -> None:
    char = separator.char
    spec = make_spec(FileType.CSV, [text_column("A"), text_column("B")], csv_separator=separator)
    data = render_bytes(spec, [(f"x{char}y", "plain")])
    assert data == f'A{char}B\r\n"x{char}y"{char}plain\r\n'.encode()


def test_render_feed_reports_rows_and_numbers_stay_plain() -> None:
    spec = make_spec(FileType.CSV, MIXED_COLUMNS)
    out = io.BytesIO()
    result = render_feed(spec, MIXED_ROWS, out)
    assert result.rows == 3
    rows = read_csv(out.getvalue(), CsvSeparator.COMMA)
    assert rows[0] == MIXED_HEADERS
    assert [row[4:7] for row in rows[1:]] == [
        ["5", "1299.50", "-0.25"],
        ["0", "", ""],
        ["500", "7.00", "12"],
    ]


def test_no_rows_gives_just_the_header() -> None:
    spec = make_spec(FileType.CSV, [text_column("A"), text_column("B")], header_row=3)
    out = io.BytesIO()
    assert render_feed(spec, [], out).rows == 0
    assert out.getvalue() == b"\r\n\r\nA,B\r\n"


class RecordingStream(io.BytesIO):
    """Records the size of every write: the writer must stream in bounded chunks."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[int] = []

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.writes.append(len(data))
        return super().write(data)


def test_large_feed_streams_in_bounded_chunks() -> None:
    out = RecordingStream()
    written_before_end: list[int] = []

    def rows() -> Iterator[tuple[str, Decimal]]:
        for number in range(60_000):
            yield (f"SKU-{number:08d}", Decimal(number % 50))
        written_before_end.append(len(out.getvalue()))

    spec = make_spec(
        FileType.CSV,
        [text_column("SKU"), MIXED_COLUMNS[4]],
    )
    rows_written = WRITERS[FileType.CSV].write(spec, _as_cells(rows()), out)

    assert rows_written == 60_000
    assert written_before_end[0] > 0, "nothing was written until the rows ran out"
    assert len(out.writes) > 5
    assert max(out.writes) < 128 * 1024
    assert read_csv(out.getvalue(), CsvSeparator.COMMA)[-1] == ["SKU-00059999", "49"]


def _as_cells(rows: Iterator[tuple[str, Decimal]]) -> Iterator[list[str | Decimal]]:
    for sku, quantity in rows:
        yield [sku, quantity]


def test_header_row_below_one_is_rejected() -> None:
    spec = make_spec(FileType.CSV, [text_column("A")], header_row=0)
    with pytest.raises(InvalidSpec, match="header row number is 0"):
        render_bytes(spec, [])


def test_writer_rejects_rows_of_the_wrong_width() -> None:
    spec = make_spec(FileType.CSV, [text_column("A"), text_column("B")])
    with pytest.raises(RenderError, match="Data row 1 has 3 cells"):
        WRITERS[FileType.CSV].write(spec, [["a", "b", "c"]], io.BytesIO())
