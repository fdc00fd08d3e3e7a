"""Upsert input rules: each bad field is named with what is allowed; nothing is half-written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.catalog.models import Category, CustomFieldValue, Price, Product, ProductImage
from shelfcast.errors import InvalidInput
from tests.builders import make_account, make_custom_field, make_price_type, make_product
from tests.catalog.support import catalog_version, count, invalid, upsert


@pytest.fixture
def account(session: Session) -> Account:
    account = make_account(session)
    make_price_type(session, account, "Retail")
    make_price_type(session, account, "Wholesale")
    make_custom_field(session, account, "color", type="choice")
    make_custom_field(session, account, "organic", type="boolean")
    make_custom_field(session, account, "size", type="number")
    make_custom_field(session, account, "since", type="date")
    make_custom_field(session, account, "notes", type="text")
    return account


def errors_for(session: Session, account: Account, **fields: Any) -> dict[tuple[Any, ...], str]:
    """The errors of a batch whose second product carries ``fields``."""
    good = {"sku": "good", "name": "Good"}
    with pytest.raises(InvalidInput) as excinfo:
        upsert(session, account, good, {"sku": "bad", "name": "Bad", **fields})
    return invalid(excinfo)


@pytest.mark.parametrize(
    ("fields", "loc", "message"),
    [
        ({"sku": "  "}, ("sku",), "must not be empty (1 to 200 characters)"),
        ({"sku": "x" * 201}, ("sku",), "must be at most 200 characters (got 201)"),
        ({"sku": "a\tb"}, ("sku",), "must not contain control characters such as tabs"),
        ({"name": ""}, ("name",), "must not be empty (1 to 1000 characters)"),
        ({"barcode": "1" * 65}, ("barcode",), "must be at most 64 characters (got 65)"),
        ({"brand": "A\x00"}, ("brand",), "must not contain the NUL character (U+0000)"),
        ({"name": "A\x00"}, ("name",), "any other text is allowed, tabs and line breaks"),
        ({"name": "\ud800"}, ("name",), "lone surrogates"),
        ({"unit": "u" * 51}, ("unit",), "must be at most 50 characters (got 51)"),
        ({"description": "a\x00b"}, ("description",), "must not contain the NUL"),
        ({"weight": "-1"}, ("weight",), "must be 0 or more"),
        ({"weight": "0.12345"}, ("weight",), "must have at most 4 decimal places (got 5)"),
        ({"weight": 1e14}, ("weight",), "must be less than 100000000000000 in size"),
        ({"category": ["Home", " "]}, ("category", 1), "must not be empty"),
        ({"category": ["Home > Garden"]}, ("category", 0), "it separates the levels"),
        ({"category": ["Home >"]}, ("category", 0), "give each level as its own list item"),
        ({"category": ["c"] * 11}, ("category",), "must have at most 10 levels (got 11)"),
        ({"images": ["ftp://x.example/a.jpg"]}, ("images", 0), "must be an http(s) URL"),
        ({"images": ["cdn.example/a.jpg"]}, ("images", 0), "must be an http(s) URL"),
        ({"images": ["https://"]}, ("images", 0), "must be an http(s) URL"),
        ({"images": ["https://x.example:port/a"]}, ("images", 0), "must be an http(s) URL"),
        ({"images": ["https://x.example:99999/a"]}, ("images", 0), "must be an http(s) URL"),
        ({"images": ["https://x.example/a b.jpg"]}, ("images", 0), "without spaces"),
        ({"images": ["https://x.example/"] * 101}, ("images",), "at most 100 image URLs"),
        ({"prices": {"Retail": "-0.01"}}, ("prices", "Retail"), "must be 0 or more"),
        ({"prices": {"Retail": "1.23456"}}, ("prices", "Retail"), "at most 4 decimal places"),
        ({"prices": {"Retail": "1E20"}}, ("prices", "Retail"), "must be less than"),
        ({"custom": {"size": "big"}}, ("custom", "size"), "must be a number with at most 15"),
        ({"custom": {"size": "1E+20"}}, ("custom", "size"), "must be a number"),
        ({"custom": {"size": True}}, ("custom", "size"), "must be a number value, not a boolean"),
        ({"custom": {"organic": "maybe"}}, ("custom", "organic"), '"yes"/"no"'),
        ({"custom": {"organic": 2}}, ("custom", "organic"), "must be a boolean"),
        ({"custom": {"since": "2024-02-30"}}, ("custom", "since"), "YYYY-MM-DD"),
        ({"custom": {"since": "31/12/2024"}}, ("custom", "since"), "YYYY-MM-DD"),
        ({"custom": {"since": "20241231"}}, ("custom", "since"), "YYYY-MM-DD"),
        ({"custom": {"color": "red\nblue"}}, ("custom", "color"), "must not contain control"),
        ({"custom": {"notes": "red\x00blue"}}, ("custom", "notes"), "must not contain the NUL"),
        ({"custom": {"notes": "x" * 32_768}}, ("custom", "notes"), "at most 32767 characters"),
    ],
)
def test_field_rules(
    session: Session, account: Account, fields: dict[str, Any], loc: tuple[Any, ...], message: str
) -> None:
    errors = errors_for(session, account, **fields)
    assert list(errors) == [("products", 1, *loc)]
    assert message in errors[("products", 1, *loc)]
    assert count(session, Product, account) == 0


def test_unknown_price_type_lists_the_accounts_price_types(
    session: Session, account: Account
) -> None:
    other = make_account(session)
    make_price_type(session, other, "Theirs")

    errors = errors_for(session, account, prices={"Retail": "1", "Theirs": "2", "retail": "3"})

    assert errors == {
        ("products", 1, "prices", "Theirs"): "unknown price type 'Theirs';"
        " this account's price types: Retail, Wholesale",
        ("products", 1, "prices", "retail"): "unknown price type 'retail';"
        " this account's price types: Retail, Wholesale",
    }


def test_unknown_price_type_when_there_are_none(session: Session) -> None:
    account = make_account(session)
    with pytest.raises(InvalidInput) as excinfo:
        upsert(session, account, {"sku": "a", "name": "A", "prices": {"Retail": "1"}})
    assert invalid(excinfo) == {
        ("products", 0, "prices", "Retail"): "unknown price type 'Retail';"
        " this account has no price types yet; create one first"
    }


def test_unknown_custom_field(session: Session, account: Account) -> None:
    errors = errors_for(session, account, custom={"colour": "red"})
    assert errors == {
        ("products", 1, "custom", "colour"): "unknown custom field 'colour'; this account's"
        " custom fields: color, organic, size, since, notes"
    }


@pytest.mark.parametrize(
    ("key", "value", "stored"),
    [
        ("organic", True, "true"),
        ("organic", "FALSE", "false"),
        ("organic", "1", "true"),
        ("organic", 0, "false"),
        ("organic", " No ", "false"),
        ("size", "12.50", "12.5"),
        ("size", 1.25, "1.25"),
        ("size", "1e3", "1000"),
        ("size", -0, "0"),
        ("size", "-3", "-3"),
        ("since", " 2024-12-31 ", "2024-12-31"),
        ("color", " Navy blue ", "Navy blue"),  # a choice: one line, stripped
        ("notes", " tab\there\r\n ", " tab\there\r\n "),  # free text: exactly as sent
        ("color", 42, "42"),
        ("notes", "line one\nline two", "line one\nline two"),
    ],
)
def test_custom_values_are_stored_in_canonical_form(
    session: Session, account: Account, key: str, value: Any, stored: str
) -> None:
    upsert(session, account, {"sku": "a", "name": "A", "custom": {key: value}})
    values = [v.value for v in session.query(CustomFieldValue).filter_by(account_id=account.id)]
    assert values == [stored]


@pytest.mark.parametrize("weight", ["1.50000", 2, 0.5, "1E+3", "0"])
def test_decimals_accept_strings_and_numbers_with_up_to_four_places(
    session: Session, account: Account, weight: Any
) -> None:
    upsert(session, account, {"sku": "a", "name": "A", "weight": weight})


def test_duplicate_sku_in_a_batch(session: Session, account: Account) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        upsert(
            session,
            account,
            {"sku": "A", "name": "1"},
            {"sku": "B", "name": "2"},
            {"sku": " A ", "name": "3"},
        )
    assert invalid(excinfo) == {
        ("products", 2, "sku"): "duplicate sku 'A', also at products[0];"
        " each sku may appear once per batch"
    }


def test_a_rejected_batch_writes_nothing(session: Session, account: Account) -> None:
    existing = make_product(session, account, sku="kept", name="Kept", images=["https://a/1"])
    before = catalog_version(session, account)
    rows = {
        count(session, model, account)
        for model in (Product, Category, Price, ProductImage, CustomFieldValue)
    }

    with pytest.raises(InvalidInput) as excinfo:
        upsert(
            session,
            account,
            {
                "sku": "new",
                "name": "New",
                "category": ["Fresh", "Node"],
                "images": ["https://a/2"],
                "prices": {"Retail": "1"},
                "custom": {"color": "red"},
            },
            {"sku": "kept", "name": "Changed", "images": []},
            {"sku": "broken", "name": "", "weight": "-1"},
        )

    assert invalid(excinfo) == {
        ("products", 2, "name"): "must not be empty (1 to 1000 characters)",
        ("products", 2, "weight"): "must be 0 or more",
    }
    assert catalog_version(session, account) == before
    assert rows == {
        count(session, model, account)
        for model in (Product, Category, Price, ProductImage, CustomFieldValue)
    }
    session.refresh(existing)
    assert existing.name == "Kept"
    assert count(session, ProductImage, account) == 1


def test_errors_of_every_row_are_reported_up_to_a_hundred(
    session: Session, account: Account
) -> None:
    with pytest.raises(InvalidInput) as few:
        upsert(session, account, *({"sku": f"s{i}", "name": " "} for i in range(30)))
    assert list(invalid(few)) == [("products", i, "name") for i in range(30)]

    with pytest.raises(InvalidInput) as many:
        upsert(session, account, *({"sku": f"s{i}", "name": " "} for i in range(500)))
    assert len(many.value.errors) == 100


@pytest.mark.parametrize("size", [0, 10_001])
def test_batch_size_limit(session: Session, account: Account, size: int) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        upsert(session, account, *({"sku": f"s{i}", "name": "n"} for i in range(size)))
    assert invalid(excinfo) == {
        ("products",): f"must hold 1 to 10000 products (got {size});"
        " send a larger catalog in several calls"
    }


def test_another_accounts_definitions_are_unknown(session: Session) -> None:
    mine, other = make_account(session), make_account(session)
    make_price_type(session, other, "Retail")
    make_custom_field(session, other, "color")

    with pytest.raises(InvalidInput) as excinfo:
        upsert(
            session,
            mine,
            {"sku": "a", "name": "A", "prices": {"Retail": "1"}, "custom": {"color": "x"}},
        )

    assert list(invalid(excinfo)) == [
        ("products", 0, "prices", "Retail"),
        ("products", 0, "custom", "color"),
    ]
