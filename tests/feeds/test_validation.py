"""Validation of feed settings: every rule names its field and says what is allowed."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from shelfcast.errors import InvalidInput, NotFound, PlanLimit
from shelfcast.feeds import service
from shelfcast.feeds.schemas import FeedCreate, FeedUpdate
from tests.builders import make_account, make_custom_field, make_price_type, make_warehouse
from tests.feeds.builders import feed_body, make_feed


class FakeWarehouse:
    id = 1


def schema_errors(**overrides: Any) -> dict[str, str]:
    """The pydantic errors of a body, as {dotted location: message}."""
    with pytest.raises(ValidationError) as caught:
        FeedCreate.model_validate(feed_body([FakeWarehouse()], **overrides))  # type: ignore[list-item]
    return {".".join(map(str, e["loc"])): e["msg"] for e in caught.value.errors()}


@pytest.mark.parametrize(
    ("file_name", "message"),
    [
        ("../etc/passwd", "without folders"),
        ("a/b", "without folders"),
        ("a\\b", "without folders"),
        ("stock file", "may contain only letters"),
        ("-stock", "must start with a letter or digit"),
        ("", "is required"),
        ("x" * 101, "at most 100"),
    ],
)
def test_file_name_must_be_safe(file_name: str, message: str) -> None:
    assert message in schema_errors(file_name=file_name)["file_name"]


def test_file_name_drops_the_extension_of_its_type(session: Session) -> None:
    account = make_account(session)
    wh = make_warehouse(session, account)
    feed = make_feed(session, account, [wh], file_name="Stock.CSV")
    assert feed.file_name == "Stock"


@pytest.mark.parametrize(
    ("sheet_name", "message"),
    [
        ("", "1 to 31 characters"),
        ("x" * 32, "1 to 31 characters"),
        ("Stock[1]", "must not contain [ ]"),
        ("a:b", "must not contain :"),
        ("a*b?c", "must not contain * ?"),
        ("a/b\\c", "must not contain / \\"),
        ("'quoted", "apostrophe"),
        ("History", "reserves"),
        ("history", "reserves"),
    ],
)
def test_sheet_name_follows_excels_rules(sheet_name: str, message: str) -> None:
    errors = schema_errors(file_type="xlsx", csv_separator=None, sheet_name=sheet_name)
    assert message in errors["sheet_name"]


def test_sheet_name_is_required_for_excel(session: Session) -> None:
    account = make_account(session)
    wh = make_warehouse(session, account)
    with pytest.raises(InvalidInput) as caught:
        make_feed(session, account, [wh], file_type="xls", csv_separator=None)
    assert caught.value.errors[0].loc == ("sheet_name",)
    assert "required for Excel" in caught.value.errors[0].message


@pytest.mark.parametrize("header_row", [0, -1, 1001])
def test_header_row_is_at_least_one(header_row: int) -> None:
    assert "header_row" in schema_errors(header_row=header_row)


def test_separator_is_for_csv_only(session: Session) -> None:
    account = make_account(session)
    wh = make_warehouse(session, account)
    with pytest.raises(InvalidInput) as caught:
        make_feed(session, account, [wh], file_type="xlsx", sheet_name="Stock")
    assert [(e.loc, e.message) for e in caught.value.errors] == [
        (("csv_separator",), "applies to CSV files only; leave it out for Excel")
    ]


def test_separator_must_be_one_of_four() -> None:
    assert (
        "'comma', 'semicolon', 'pipe' or 'tab'"
        in schema_errors(csv_separator="colon")["csv_separator"]
    )


def test_store_url_must_be_http() -> None:
    for url in ("ftp://x.example", "market", "https://", "javascript:alert(1)"):
        assert "valid http:// or https://" in schema_errors(store_url=url)["store_url"]


def test_at_least_one_column_and_non_empty_headers() -> None:
    assert "at least 1 item" in schema_errors(columns=[])["columns"]
    errors = schema_errors(columns=[{"header": "  ", "source": "product_field", "field": "sku"}])
    assert "is required" in errors["columns.0.header"]


def test_each_source_needs_its_own_setting() -> None:
    errors = schema_errors(
        columns=[
            {"header": "a", "source": "product_field"},
            {"header": "b", "source": "price"},
            {"header": "c", "source": "custom_value"},
            {"header": "d", "source": "price", "price_type_id": 1, "field": "sku"},
        ]
    )
    assert "needs 'field'" in errors["columns.0"]
    assert "needs 'price_type_id'" in errors["columns.1"]
    assert "needs 'value'" in errors["columns.2"]
    assert "'field' does not apply to a 'price' column" in errors["columns.3"]


def test_warehouses_and_price_types_must_belong_to_the_account(session: Session) -> None:
    mine, theirs = make_account(session), make_account(session)
    wh = make_warehouse(session, mine)
    their_wh = make_warehouse(session, theirs)
    their_price = make_price_type(session, theirs)
    columns = [{"header": "p", "source": "price", "price_type_id": their_price.id}]
    with pytest.raises(InvalidInput) as caught:
        make_feed(session, mine, [wh, their_wh], columns=columns)
    assert {e.loc: e.message for e in caught.value.errors} == {
        ("warehouse_ids", 1): f"warehouse {their_wh.id} is not one of this account's",
        (
            "columns",
            0,
            "price_type_id",
        ): f"price type {their_price.id} is not one of this account's",
    }


def test_product_fields_must_exist(session: Session) -> None:
    account = make_account(session)
    wh = make_warehouse(session, account)
    make_custom_field(session, account, "color")
    columns = [
        {"header": "a", "source": "product_field", "field": "colour"},
        {"header": "b", "source": "product_field", "field": "custom.size"},
        {"header": "c", "source": "product_field", "field": "custom.color"},
    ]
    with pytest.raises(InvalidInput) as caught:
        make_feed(session, account, [wh], columns=columns)
    messages = {e.loc: e.message for e in caught.value.errors}
    assert set(messages) == {("columns", 0, "field"), ("columns", 1, "field")}
    assert "unknown product field 'colour'; allowed: sku, name" in messages[("columns", 0, "field")]
    assert messages[("columns", 1, "field")] == (
        "no custom field 'size' in this account (custom fields: custom.color)"
    )


def test_xls_holds_at_most_256_columns(session: Session) -> None:
    account = make_account(session)
    wh = make_warehouse(session, account)
    columns = [{"header": f"c{i}", "source": "custom_value", "value": ""} for i in range(257)]
    with pytest.raises(InvalidInput) as caught:
        make_feed(
            session,
            account,
            [wh],
            file_type="xls",
            csv_separator=None,
            sheet_name="S",
            columns=columns,
        )
    assert "at most 256 columns (257 given); choose XLSX" in caught.value.errors[0].message


def test_update_checks_the_same_rules_and_bumps_the_version(session: Session) -> None:
    account = make_account(session)
    wh = make_warehouse(session, account)
    feed = make_feed(session, account, [wh])
    version = feed.settings_version

    with pytest.raises(InvalidInput):
        service.update_feed(
            session, account.id, feed.id, FeedUpdate.model_validate({"warehouse_ids": [999999]})
        )
    updated = service.update_feed(
        session, account.id, feed.id, FeedUpdate.model_validate({"header_row": 3})
    )
    assert updated.header_row == 3
    assert updated.settings_version == version + 1
    with pytest.raises(ValidationError, match="cannot be null"):
        FeedUpdate.model_validate({"store_name": None})


def test_another_accounts_feed_is_not_found(session: Session) -> None:
    mine, theirs = make_account(session), make_account(session)
    feed = make_feed(session, theirs, [make_warehouse(session, theirs)])
    with pytest.raises(NotFound):
        service.get_feed(session, mine.id, feed.id)


def test_plan_limits(session: Session) -> None:
    hobby = make_account(session, plan="hobby")
    with pytest.raises(PlanLimit, match="Hobby plan does not include"):
        make_feed(session, hobby, [make_warehouse(session, hobby)])

    startup = make_account(session, plan="startup")
    wh = make_warehouse(session, startup)
    for _ in range(10):
        make_feed(session, startup, [wh])
    with pytest.raises(PlanLimit, match=r"allows up to 10 feed files .* Business plan allows"):
        make_feed(session, startup, [wh])
