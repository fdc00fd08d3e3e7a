"""Numbers, money, dates and messages as each language writes them (Babel, CLDR)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from shelfcast.accounts.models import Language
from shelfcast.web.i18n import gettext, in_language, lazy_gettext, ngettext
from shelfcast.web.i18n.formatting import decimal_input, moment, money, number

NBSP, NNBSP = "\u00a0", "\u202f"  # CLDR's spaces: before the currency, between thousands


def plain(text: str) -> str:
    return text.replace(NBSP, " ").replace(NNBSP, " ")


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        (Language.FR, "EUR", "1 299,50 €"),
        (Language.UK, "UAH", "1 299,50 ₴"),
        (Language.EN, "EUR", "€1,299.50"),
        (Language.FR, "KZT", "1 299,50 KZT"),
    ],
)
def test_money(language: Language, currency: str, expected: str) -> None:
    with in_language(language):
        assert plain(money(Decimal("1299.50"), currency)) == expected


def test_money_keeps_its_spaces_unbreakable_and_never_rounds() -> None:
    with in_language(Language.FR):
        assert money(Decimal("1299.5"), "EUR") == f"1{NNBSP}299,50{NBSP}€"
        assert plain(money(Decimal("0.1234"), "EUR")) == "0,1234 €"
        assert plain(money("7", "EUR")) == "7,00 €"
        assert money(None, "EUR") == ""


def test_numbers() -> None:
    with in_language(Language.FR):
        assert number(Decimal("2.5")) == "2,5"
        assert plain(number(Decimal("-12345.0125"))) == "-12 345,0125"
        assert number("5") == "5"
        assert number("n/a") == "n/a"  # not a number: shown as it is
        assert number(1.2, places=2) == "1,20"
        assert plain(number(Decimal("1234.567"), places=0)) == "1 235"
    with in_language(Language.EN):
        assert number(Decimal("12345.5")) == "12,345.5"


def test_moments_in_utc() -> None:
    at = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)
    with in_language(Language.FR):
        assert moment(at) == "29/11/2026 14:05 UTC"
        assert moment(at.replace(tzinfo=None)) == "29/11/2026 14:05 UTC"
    with in_language(Language.UK):
        assert moment(at) == "29.11.26, 14:05 UTC"
    with in_language(Language.EN):
        assert moment(at) == "29/11/2026, 14:05 UTC"
    assert moment(None) == ""


@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        (Language.FR, "1 299,50", "1299.50"),
        (Language.FR, f"1{NNBSP}299,5", "1299.5"),
        (Language.FR, "12.5", "12.5"),
        (Language.UK, "-0,25", "-0.25"),
        (Language.UK, "3", "3"),
        (Language.FR, "1,2,3", "1,2,3"),  # no number: left for the schema to name
        (Language.FR, "1.2,3", "1.2,3"),
        (Language.EN, "12,5", "12.5"),  # a form field has no thousands comma
        (Language.EN, " 12.5 ", "12.5"),
        (Language.UK, "\u22122,5", "-2.5"),  # a minus sign pasted from a document
    ],
)
def test_decimal_input(language: Language, typed: str, read: str) -> None:
    with in_language(language):
        assert decimal_input(typed) == read


def test_messages_follow_the_language() -> None:
    label = lazy_gettext("Warehouses")
    for language, word in ((Language.EN, "Warehouses"), (Language.FR, "Entrepôts")):
        with in_language(language):
            assert gettext("Warehouses") == word
            assert str(label) == word
            assert f"{label}" == word
    with in_language(Language.UK):
        assert gettext("Signed in as %(email)s", email="a@b.example") == "Ви увійшли як a@b.example"


@pytest.mark.parametrize(("count", "ending"), [(1, "хвилину."), (3, "хвилини."), (5, "хвилин.")])
def test_ukrainian_plurals(count: int, ending: str) -> None:
    singular = (
        "Too many failed sign-in attempts for this email from your network. "
        "For your security, try again in %(num)d minute."
    )
    with in_language(Language.UK):
        text = ngettext(singular, singular.replace("minute.", "minutes."), count)
    assert text.endswith(f"{count} {ending}")


def test_outside_a_page_it_is_english() -> None:
    assert gettext("Warehouses") == "Warehouses"
    assert number(Decimal("1299.5")) == "1,299.5"
