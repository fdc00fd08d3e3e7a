"""The feed tools' pages without a browser: a preset fills the form, the preview's
validation report, bad uploads and bad grace days are told, the health page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.web.runtime import Runtime
from tests.web.merchants import add_feed, new_merchant
from tests.web.ui.conftest import signed_in, token_of

FILES = "/settings/integrations/custom/files"


def test_a_preset_fills_the_new_file_form(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=2)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    page = browser.get(f"{FILES}/new?preset=cdiscount").text
    assert 'value="Cdiscount"' in page
    assert 'name="preset" value="cdiscount"' in page
    assert 'value="SellerProductId"' in page
    # An unknown preset is ignored: the blank form opens.
    assert 'name="preset" value=""' in browser.get(f"{FILES}/new?preset=nope").text


def test_the_preview_carries_the_validation_report(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=3)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser)
    data = {
        "csrf_token": token,
        "preset": "kaspi_kz",
        "store_name": "Kaspi",
        "store_url": "https://kaspi.kz",
        "warehouse_ids": [str(w) for w in merchant.warehouse_ids],
        "file_type": "xlsx",
        "sheet_name": "Sheet1",
        "file_name": "kaspi",
        "header_row": "1",
        "col_header": ["SKU"],
        "col_source": ["product_field"],
        "col_field": ["sku"],
        "col_price_type_id": [""],
        "col_value": [""],
    }
    fragment = browser.post(f"{FILES}/preview", data=data).text
    assert 'data-testid="validation-report"' in fragment
    assert "Kaspi.kz requires these columns" in fragment
    assert "model" in fragment and "PP1" in fragment


def test_bad_uploads_and_grace_days_are_told(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=1)
    feed_id = add_feed(runtime, merchant)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser)
    response = browser.post(
        f"{FILES}/from-sample",
        data={"csrf_token": token},
        files={"file": ("notes.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)},
    )
    assert response.status_code == 200
    assert "The sample file could not be read" in response.text
    response = browser.post(
        f"{FILES}/{feed_id}/link", data={"csrf_token": token, "grace_days": "91"}
    )
    assert "a whole number of days, 0 to 90" in response.text
    with transaction(runtime.database.sessions) as session:
        feed = feeds.get_feed(session, merchant.account_id, feed_id)
        assert feeds.links_in_grace(session, [feed], "http://x") == {}  # nothing rotated


def test_the_health_page_and_publishing_nothing(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=2)
    feed_id = add_feed(runtime, merchant)
    runtime.builder.wait_idle()
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    page = browser.get(f"{FILES}/{feed_id}/health").text
    assert 'data-testid="fetch-chart"' in page and "Never fetched" in page
    assert 'data-testid="builds"' in page
    response = browser.post(f"{FILES}/{feed_id}/publish", data={"csrf_token": token_of(browser)})
    assert "No build is held for this file" in response.text
