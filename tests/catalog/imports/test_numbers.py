"""Numbers as merchants write them: marks, groups, currencies, ambiguity."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shelfcast.catalog.imports.numbers import DecimalMark, parse_number

COMMA, POINT = DecimalMark.COMMA, DecimalMark.POINT


@pytest.mark.parametrize(
    ("text", "value", "mark"),
    [
        ("12", "12", None),
        ("12,50", "12.50", COMMA),
        ("12.50", "12.50", POINT),
        ("1 234,50", "1234.50", COMMA),
        ("1\u00a0234,50", "1234.50", COMMA),
        ("1\u202f234\u202f567,5", "1234567.5", COMMA),
        ("1 234", "1234", None),
        ("1.234,56", "1234.56", COMMA),
        ("1,234.56", "1234.56", POINT),
        ("1.234.567", "1234567", None),
        ("1,234,567.25", "1234567.25", POINT),
        ("12,50 €", "12.50", COMMA),
        ("€12.50", "12.50", POINT),
        ("$ 3", "3", None),
        ("120,00 грн", "120.00", COMMA),
        ("120 грн.", "120", None),
        ("EUR 9,99", "9.99", COMMA),
        ("9.99 usd", "9.99", POINT),
        ("-2,5", "-2.5", COMMA),
        ("−0,25", "-0.25", COMMA),
        ("0,125", "0.125", COMMA),
        ("1234,567", "1234.567", COMMA),
        ("12,5000", "12.5000", COMMA),
    ],
)
def test_numbers_read_exactly(text: str, value: str, mark: DecimalMark | None) -> None:
    assert parse_number(text) == (Decimal(value), mark)


@pytest.mark.parametrize("text", ["1,234", "1.234", "999,000"])
def test_ambiguous_groups_need_the_columns_mark(text: str) -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        parse_number(text)
    digits = text.replace(",", "").replace(".", "")
    assert parse_number(text, COMMA if "." in text else POINT)[0] == Decimal(digits)
    assert parse_number(text, COMMA if "," in text else POINT)[0] == Decimal(text.replace(",", "."))


@pytest.mark.parametrize(
    "text", ["", "abc", "12,5,0", "1 23", "12.5.6", "1.234,5.6", "€", "12 ab", "1e5", "--1"]
)
def test_other_text_is_refused_saying_what_is_allowed(text: str) -> None:
    with pytest.raises(ValueError, match="must be a number"):
        parse_number(text)
