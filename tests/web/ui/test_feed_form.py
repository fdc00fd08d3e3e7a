"""The file form without a browser: saving, errors by field, the no-script buttons,
the live preview, and the rebuild a save queues."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import FeedCreate
from shelfcast.publish import status as publish_status
from shelfcast.web.runtime import Runtime
from shelfcast.web.ui.forms import FormErrors
from tests.web.merchants import Merchant, add_feed, new_merchant
from tests.web.ui.conftest import signed_in, token_of

NEW = "/settings/integrations/custom/files/new"


def form(merchant: Merchant, token: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "csrf_token": token,
        "store_name": "Ozon",
        "store_url": "https://seller.ozon.example",
        "warehouse_ids": [str(w) for w in merchant.warehouse_ids],
        "file_type": "csv",
        "csv_separator": "semicolon",
        "file_name": "ozon.csv",
        "sheet_name": "Sheet1",
        "header_row": "1",
        "enabled": "on",
        "col_header": ["SKU", "Price", "Currency"],
        "col_source": ["product_field", "price", "custom_value"],
        "col_field": ["sku", "", ""],
        "col_price_type_id": ["", str(merchant.price_type_ids["Retail"]), ""],
        "col_value": ["", "", "EUR"],
    }
    data.update(changes)
    return data


def test_saving_the_form_creates_the_file_and_queues_its_build(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=3)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser, NEW)
    response = browser.post(NEW, data=form(merchant, token), follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith("/settings/integrations/custom?highlight=")
    window = browser.get(response.headers["location"]).text
    assert "ozon.csv" in window and "Copy link" in window
    assert runtime.builder.wait_idle(30)
    with transaction(runtime.database.sessions) as session:
        (feed,) = feeds.list_feeds(session, merchant.account_id)
        assert feed.file_name == "ozon"  # the extension follows the file type
        assert feed.csv_separator == "semicolon"
        read = publish_status.with_builds(session, feeds.feed_reads(session, [feed], "http://x"))[0]
        assert read.build is not None and read.build.rows == 3
        assert [c.source.value for c in read.columns] == ["product_field", "price", "custom_value"]


def test_errors_appear_by_their_field_and_the_typed_values_stay(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=1)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser, NEW)
    data = form(
        merchant,
        token,
        store_name="  ",
        store_url="ftp://old.example",
        file_name="my file",
        header_row="two",
        warehouse_ids=[],
        col_header=["SKU", "", "Currency"],
        col_field=["", "", ""],
    )
    response = browser.post(NEW, data=data)
    assert response.status_code == 400
    page = response.text
    assert 'id="store_name-error">Online store name is required' in page
    assert 'id="store_url-error">Online store URL must be a valid http' in page
    assert 'id="file_name-error">File name may contain only letters' in page
    assert 'id="header_row-error">Header row number must be a whole number' in page
    assert "Choose at least one warehouse whose stock the file shows" in page
    assert "Choose the product field the column shows" in page  # row 1
    assert "Column header is required" in page  # row 2
    assert 'value="ftp://old.example"' in page and 'value="my file"' in page
    assert 'value="two"' in page and 'value="Currency"' in page
    with transaction(runtime.database.sessions) as session:
        assert feeds.list_feeds(session, merchant.account_id) == []


def test_account_rules_come_back_by_field_too(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=1)
    other = new_merchant(runtime, products=0)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser, NEW)
    data = form(
        merchant,
        token,
        file_type="xlsx",
        sheet_name="History",
        col_price_type_id=["", str(other.price_type_ids["Retail"]), ""],
    )
    page = browser.post(NEW, data=data).text
    assert "Sheet name must not be &#39;History&#39;" in page
    data["sheet_name"] = "Stock"
    page = browser.post(NEW, data=data).text
    assert re.search(r"Price type \d+ is not one of this account", page)


def test_the_column_buttons_work_without_scripts(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=0)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser, NEW)

    def headers(response_text: str) -> list[str]:
        return re.findall(r'name="col_header" value="([^"]*)"', response_text)

    page = browser.post(NEW, data=form(merchant, token, action="add_column")).text
    assert headers(page)[:4] == ["SKU", "Price", "Currency", ""]
    page = browser.post(NEW, data=form(merchant, token, action="up:2")).text
    assert headers(page)[:3] == ["SKU", "Currency", "Price"]
    page = browser.post(NEW, data=form(merchant, token, action="remove_column:0")).text
    assert headers(page)[:2] == ["Price", "Currency"]
    with transaction(runtime.database.sessions) as session:
        assert feeds.list_feeds(session, merchant.account_id) == []  # nothing saved


def test_the_preview_renders_unsaved_settings(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=4)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser, NEW)
    preview = "/settings/integrations/custom/files/preview"
    data = form(merchant, token, header_row="2", store_url="", file_name="")
    page = browser.post(preview, data=data, headers={"HX-Request": "true"}).text
    assert page.count('data-row="data"') == 4
    assert '<tr class="empty-row"><th scope="row">1</th>' in page
    assert "<td>SKU</td><td>Price</td><td>Currency</td>" in page
    assert '<td class="text">11.25</td>' in page
    # Unsaved means unsaved.
    with transaction(runtime.database.sessions) as session:
        assert feeds.list_feeds(session, merchant.account_id) == []
    page = browser.post(preview, data=form(merchant, token, col_header=[], col_source=[])).text
    assert "Add at least one column with + Column" in page


def test_the_preview_equals_the_saved_files_preview(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=5)
    feed_id = add_feed(runtime, merchant, file_type="xlsx", csv_separator=None, sheet_name="S")
    with transaction(runtime.database.sessions) as session:
        feed = feeds.get_feed(session, merchant.account_id, feed_id)
        read = feeds.feed_reads(session, [feed], "http://x")[0]
        saved = feeds.preview(session, feed, 20)
        body = read.model_dump(
            include={
                "store_name",
                "store_url",
                "warehouse_ids",
                "file_type",
                "file_name",
                "sheet_name",
                "header_row",
                "include_zero_stock",
                "columns",
            }
        )
        body["columns"] = [c.model_dump(exclude_none=True) for c in read.columns]
        unsaved = feeds.preview_unsaved(
            session, merchant.account_id, FeedCreate.model_validate(body), 20
        )
    assert unsaved == saved
    assert any(isinstance(cell, float) for row in saved.rows for cell in row)


def test_the_integration_switch_and_a_plan_limit_at_save(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, plan="startup", products=1)
    for _ in range(10):
        add_feed(runtime, merchant, integration=False)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser, "/settings/integrations/custom")
    window = browser.post(
        "/settings/integrations/custom", data={"csrf_token": token, "enabled": "on"}
    )
    assert "Integration enabled: every enabled file is served" in window.text
    assert 'id="integration-enabled" checked' in window.text
    assert browser.get(NEW).status_code == 403
    response = browser.post(NEW, data=form(merchant, token))
    assert response.status_code == 403
    assert "allows up to 10 feed files and this account has 10" in response.text
    assert 'value="Ozon"' in response.text  # the form is kept
    window = browser.post("/settings/integrations/custom", data={"csrf_token": token})
    assert "stores cannot download any of your files" in window.text


def test_form_errors_are_placed_by_location() -> None:
    errors = FormErrors()
    errors.add(("store_url",), "must be a valid http:// or https:// address")
    errors.add(("columns", 2, "price_type_id"), "price type 7 is not one of this account's")
    errors.add(("columns",), "an XLS file holds at most 256 columns (300 given); choose XLSX")
    errors.add(("something",), "went wrong")
    assert errors.get("store_url") == [
        "Online store URL must be a valid http:// or https:// address"
    ]
    assert errors.get("columns.2") == ["Price type 7 is not one of this account's"]
    assert errors.column_has(2, "price_type_id") and not errors.column_has(2, "field")
    assert errors.get("columns") == [
        "An XLS file holds at most 256 columns (300 given); choose XLSX"
    ]
    assert errors.get("form") == ["Went wrong"]
