"""The integration window merchants trust, in a real browser: edits that ask before
they break a marketplace, live build status, the overview, the reachable link, and
the small things that looked broken (search, images, favicon, phone, wide tables)."""

from __future__ import annotations

import re
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from shelfcast.catalog import schemas as catalog_schemas
from shelfcast.catalog import service as catalog
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import FeedCreate
from tests.web.browser.conftest import LiveServer, shot, sign_in
from tests.web.merchants import Merchant, add_feed, new_merchant

pytestmark = pytest.mark.browser
WINDOW = "/settings/integrations/custom"


def dialogs(page: Any) -> list[str]:
    """Records the browser's "leave this page?" questions and answers "stay"."""
    seen: list[str] = []

    def answer(dialog: Any) -> None:
        seen.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    return seen


def test_a_rename_warns_with_both_addresses_and_unsaved_changes_ask(
    page: Any, live_server: LiveServer
) -> None:
    merchant = new_merchant(live_server.runtime, products=3)
    feed_id = add_feed(live_server.runtime, merchant, store_name="Ozon", file_name="ozon_stock")
    sign_in(page, merchant.email, merchant.password)
    page.goto(f"{WINDOW}/files/{feed_id}")
    expect(page.get_by_test_id("preview-table")).to_be_visible()

    asked = dialogs(page)
    page.get_by_label("File name").fill("new_name")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_label("File name")).to_have_value("new_name")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Products").click()
    expect(page.get_by_label("File name")).to_have_value("new_name")
    assert asked == ["beforeunload", "beforeunload"]

    page.get_by_label("File type").select_option("xlsx")
    page.get_by_role("button", name="Save", exact=True).click()
    check = page.get_by_test_id("save-check")
    expect(check).to_be_visible()
    expect(check).to_be_focused()
    expect(page.get_by_test_id("link-change")).to_contain_text(
        re.compile(
            r"Ozon fetches http://\S+/ozon_stock\.csv; after this change it must fetch "
            r"http://\S+/new_name\.xlsx"
        )
    )
    page.get_by_label("Keep the old address working for").select_option("30")
    shot(page, "window-rename-question")
    page.get_by_role("button", name="Save and change the link").click()
    expect(page).to_have_url(re.compile(r"/settings/integrations/custom\?highlight="))
    expect(page.get_by_test_id("retired-name")).to_contain_text(
        "ozon_stock.csv still answers until"
    )
    assert asked == ["beforeunload", "beforeunload"]  # saving never asks

    # The integration switch asks too when it was changed and not saved.
    page.get_by_label("Integration enabled").uncheck()
    page.get_by_role("link", name="Close").click()
    expect(page.get_by_label("Integration enabled")).not_to_be_checked()
    assert asked[-1] == "beforeunload" and len(asked) == 3


def test_errors_take_the_focus_and_the_preview_names_the_column(
    page: Any, live_server: LiveServer
) -> None:
    merchant = new_merchant(live_server.runtime, products=3)
    sign_in(page, merchant.email, merchant.password)
    page.goto(f"{WINDOW}/files/new")
    page.get_by_label("Online store name").fill("Ozon")
    page.locator("[data-column]").nth(1).get_by_label("Type of column 2").select_option(
        label="Price"
    )
    expect(page.get_by_test_id("preview-problems")).to_contain_text(
        "Column 2 “Quantity”: choose the price the column shows"
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_label("Online store URL")).to_be_focused()


def test_a_file_of_many_columns_previews_and_saves(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, products=2)
    columns = [{"header": f"C{n}", "source": "custom_value", "value": str(n)} for n in range(256)]
    feed_id = add_feed(
        live_server.runtime,
        merchant,
        file_type="xls",
        csv_separator=None,
        sheet_name="Stock",
        columns=columns,
    )
    sign_in(page, merchant.email, merchant.password)
    page.goto(f"{WINDOW}/files/{feed_id}")
    expect(page.get_by_test_id("preview-table").locator("tr.header-row td")).to_have_count(256)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("saved")


def unbuilt_feed(live_server: LiveServer, merchant: Merchant) -> int:
    """A file whose build nobody has asked for yet (as after a restart)."""
    body = {
        "store_name": "Allegro",
        "store_url": "https://allegro.example",
        "warehouse_ids": merchant.warehouse_ids,
        "file_type": "csv",
        "file_name": "allegro",
        "columns": [{"header": "SKU", "source": "product_field", "field": "sku"}],
    }
    with transaction(live_server.runtime.database.writes) as session:
        feed = feeds.create_feed(session, merchant.account_id, FeedCreate.model_validate(body))
        feeds.set_integration_enabled(session, merchant.account_id, True)
        return feed.id


def test_the_last_build_refreshes_by_itself(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, products=4)
    feed_id = unbuilt_feed(live_server, merchant)
    sign_in(page, merchant.email, merchant.password)
    page.goto(WINDOW)
    cell = page.locator(f"#build-{feed_id}")
    expect(cell).to_have_text("Building…")
    live_server.runtime.builder.request(feed_id)
    expect(cell).to_contain_text("4 rows", timeout=15_000)  # no reload
    expect(page.get_by_test_id("build-poll")).to_have_count(1)
    page.wait_for_timeout(2_500)  # the next poll is answered "stop"
    polls: list[str] = []
    page.on(
        "request", lambda request: polls.append(request.url) if "builds" in request.url else None
    )
    page.wait_for_timeout(4_500)
    assert polls == []


def test_with_the_integration_off_files_are_not_green(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, products=2)
    add_feed(live_server.runtime, merchant, integration=False)
    sign_in(page, merchant.email, merchant.password)
    page.goto(WINDOW)
    expect(page.get_by_test_id("file-status")).to_have_text("Off")
    expect(page.get_by_test_id("file-status-why")).to_have_text(
        "Stores cannot download this file: the integration is switched off."
    )
    expect(page.locator(".badge-on")).to_have_count(0)


def test_the_overview_after_sign_in(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, plan="startup", products=6)
    add_feed(live_server.runtime, merchant, store_name="Ozon", file_name="ozon")
    add_feed(live_server.runtime, merchant, store_name="Allegro", file_name="allegro")
    add_product(live_server, merchant, "NEW-1", "Not counted yet", f"{live_server.images}/0.svg")
    assert live_server.runtime.builder.wait_idle(30)
    sign_in(page, merchant.email, merchant.password)
    expect(page).to_have_url(f"{live_server.url}/overview")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("plan-usage")).to_contain_text("2 of 10 files — Startup")
    # Only the product without stock rows is out (product 3 has 0 + 0.5).
    expect(page.get_by_test_id("out-of-stock")).to_contain_text("1 product")
    rows = page.get_by_test_id("overview-file")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("ozon.csv")
    expect(rows.first.get_by_test_id("overview-attention")).to_contain_text(
        "No store has fetched it yet"
    )
    shot(page, "overview")
    page.get_by_test_id("out-of-stock").get_by_role("link", name="See them").click()
    expect(page.locator(".products-table tbody tr")).to_have_count(1)
    expect(page.locator(".products-table tbody tr")).to_contain_text("Not counted yet")

    empty = new_merchant(live_server.runtime, products=0)
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, empty.email, empty.password)
    start = page.get_by_test_id("getting-started")
    expect(start.get_by_role("link", name="Import products")).to_have_attribute(
        "href", "/products/import"
    )
    expect(start.get_by_role("link", name="Add a file")).to_be_visible()


def test_the_window_says_when_marketplaces_cannot_reach_the_links(
    page: Any, live_server: LiveServer
) -> None:
    merchant = new_merchant(live_server.runtime, products=1)
    add_feed(live_server.runtime, merchant)
    sign_in(page, merchant.email, merchant.password)
    page.goto(WINDOW)
    notice = page.get_by_test_id("unreachable-link")
    expect(notice).to_contain_text("Marketplaces cannot reach these links")
    expect(notice).to_contain_text(live_server.url)
    expect(notice).to_contain_text("SHELFCAST_BASE_URL")


def add_product(
    live_server: LiveServer, merchant: Merchant, sku: str, name: str, image: str
) -> None:
    with transaction(live_server.runtime.database.writes) as session:
        catalog.upsert_products(
            session,
            merchant.account_id,
            catalog_schemas.ProductsUpsert.model_validate(
                {"products": [{"sku": sku, "name": name, "images": [image]}]}
            ),
        )


def test_search_images_favicon_and_wide_tables(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, products=3, image_base=live_server.images)
    add_product(live_server, merchant, "RP-1", "Râpe à fromage", f"{live_server.images}/gone.png")
    sign_in(page, merchant.email, merchant.password)
    page.goto("/products")
    page.get_by_label("Search").fill("rape")
    page.get_by_role("button", name="Search").click()
    table = page.locator(".products-table tbody tr")
    expect(table).to_have_count(1)
    expect(table.first).to_contain_text("Râpe à fromage")
    # The image that fails shows a placeholder of the thumbnail's size, no broken icon.
    placeholder = table.first.locator(".image-missing")
    expect(placeholder).to_be_visible()
    expect(table.first.locator("img")).to_have_count(0)
    box = placeholder.bounding_box()
    assert box is not None and box["width"] <= 42 and box["height"] <= 42

    href = page.locator("link[rel=icon]").get_attribute("href")
    with urllib.request.urlopen(f"{live_server.url}{href}", timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("image/svg+xml")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/products")
    scroller = page.locator(".table-scroll").first
    expect(scroller).to_have_class(re.compile(r"\bscrolls-right\b"))
    scroller.evaluate("box => { box.scrollLeft = box.scrollWidth }")
    expect(scroller).to_have_class(re.compile(r"\bscrolls-left\b"))
    expect(scroller).not_to_have_class(re.compile(r"\bscrolls-right\b"))


def pinned_height(page: Any) -> float:
    """How much of the screen stays covered by pinned bars once the page is scrolled."""
    height: float = page.evaluate(
        """() => Array.from(document.querySelectorAll('body *')).filter(e => {
            const p = getComputedStyle(e).position;
            if (p !== 'sticky' && p !== 'fixed') return false;
            const r = e.getBoundingClientRect();
            return r.bottom > 0 && r.top < innerHeight && r.height > 0;
        }).reduce((sum, e) => sum + e.getBoundingClientRect().height, 0)"""
    )
    return height


def test_on_a_phone_pinned_bars_leave_the_screen_to_the_form(
    page: Any, live_server: LiveServer
) -> None:
    merchant = new_merchant(live_server.runtime, products=3)
    feed_id = add_feed(live_server.runtime, merchant)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, merchant.email, merchant.password)
    page.goto(f"{WINDOW}/files/{feed_id}")
    page.mouse.wheel(0, 900)
    page.wait_for_timeout(300)
    assert pinned_height(page) <= 0.15 * 844
    shot(page, "phone-file-form", full_page=False)
