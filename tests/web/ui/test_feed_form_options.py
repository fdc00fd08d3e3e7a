"""The file form's file format and stock options without a browser: saved as
typed, a bad one shown next to its control with the form kept."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.web.runtime import Runtime
from tests.web.merchants import new_merchant
from tests.web.ui.conftest import signed_in, token_of
from tests.web.ui.test_feed_form import NEW, form


def test_the_options_are_saved_as_typed(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=1)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    data = form(
        merchant,
        token_of(browser, NEW),
        encoding="cp1251",
        decimal_separator="comma",
        line_breaks="space",
        formula_protection="on",
        stock_buffer="2,5",  # a decimal comma is read as a point
        stock_max="",
        round_quantities_down="on",
        negative_stock_as_zero="on",
        in_stock="є",
        out_of_stock="немає",
        col_field=[f"quantity.{merchant.warehouse_ids[1]}", "", ""],
    )

    response = browser.post(NEW, data=data, follow_redirects=False)

    assert response.status_code == 303, response.text
    with transaction(runtime.database.sessions) as session:
        (feed,) = feeds.list_feeds(session, merchant.account_id)
        read = feeds.feed_reads(session, [feed], "http://x")[0]
    assert (read.encoding.value, read.decimal_separator.value, read.line_breaks.value) == (
        "cp1251",
        "comma",
        "space",
    )
    assert read.formula_protection and read.round_quantities_down and read.negative_stock_as_zero
    assert (read.stock_buffer, read.stock_max) == ("2.5", None)
    assert read.availability_labels.out_of_stock == "немає"
    assert read.columns[0].field == f"quantity.{merchant.warehouse_ids[1]}"


def test_a_bad_option_is_shown_next_to_it_and_the_form_is_kept(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=1)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    data = form(merchant, token_of(browser, NEW), stock_buffer="two", stock_max="-1", in_stock=" ")

    response = browser.post(NEW, data=data)

    assert response.status_code == 400
    page = response.text
    assert 'id="stock_buffer-error">Stock buffer must be a number' in page
    assert 'id="stock_max-error">Maximum quantity must be 0 or more' in page
    assert 'id="availability_labels-error">Availability labels' in page
    assert 'value="two"' in page and 'value="-1"' in page
    with transaction(runtime.database.sessions) as session:
        assert feeds.list_feeds(session, merchant.account_id) == []
