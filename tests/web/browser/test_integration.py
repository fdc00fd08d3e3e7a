"""The help article's flow in a real browser: Settings → Integrations → Custom
integration → Configure → + File → the file form → Save → Copy link."""

from __future__ import annotations

import csv
import io
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.browser.conftest import LiveServer, shot, sign_in
from tests.web.merchants import add_feed, feed_url, new_merchant

pytestmark = pytest.mark.browser


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def csv_rows(body: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8"), newline=""), delimiter=delimiter))


def preview_cells(page: Any) -> list[list[str]]:
    """The preview grid as text, without the row numbers: header row first."""
    rows = page.get_by_test_id("preview-table").locator("tbody tr")
    return [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in rows.all()]


def open_window(page: Any) -> None:
    """Settings → Integrations → Online connectors → Custom integration → Configure."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Integrations").click()
    connector = page.get_by_role("article", name="Custom integration with online stores")
    expect(page.get_by_role("heading", name="Online connectors")).to_be_visible()
    connector.get_by_role("link", name="Configure").click()
    expect(
        page.get_by_role("heading", name="Custom integration with online stores")
    ).to_be_visible()


def column(page: Any, n: int) -> Any:
    return page.locator("[data-column]").nth(n - 1)


def test_create_a_csv_file_with_the_three_column_types(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, products=6, image_base=live_server.images)
    sign_in(page, merchant.email, merchant.password)
    open_window(page)
    shot(page, "05-integration-window-empty")
    page.get_by_role("link", name="+ File").click()

    page.get_by_label("Online store name").fill("Ozon")
    page.get_by_label("Online store URL").fill("https://seller.ozon.example")
    expect(page.get_by_role("checkbox", name="Main warehouse")).to_be_checked()
    page.get_by_role("checkbox", name="Outlet").uncheck()
    page.get_by_label("File type").select_option("csv")
    page.get_by_label("Separator").select_option("semicolon")
    page.get_by_label("File name").fill("ozon_stock")
    page.get_by_label("Header row number").fill("1")

    # The new file starts with SKU and Quantity; make them the article's three types.
    column(page, 1).get_by_label("Header of column 1").fill("Артикул")
    column(page, 2).get_by_label("Header of column 2").fill("Цена")
    column(page, 2).get_by_label("Type of column 2").select_option(label="Price")
    expect(column(page, 2).get_by_label("Product field of column 2")).to_be_hidden()
    column(page, 2).get_by_label("Price of column 2").select_option(label="Retail (EUR)")
    page.get_by_role("button", name="+ Column").click()
    expect(page.locator("[data-column]")).to_have_count(3)
    expect(column(page, 3).get_by_label("Header of column 3")).to_be_focused()
    page.keyboard.type("Валюта")
    column(page, 3).get_by_label("Type of column 3").select_option(label="Custom value")
    column(page, 3).get_by_label("Value of column 3").fill("EUR")
    # A fourth column, moved up with the keyboard, then removed again.
    page.get_by_role("button", name="+ Column").click()
    page.keyboard.type("Qty")
    column(page, 4).get_by_label("Product field of column 4").select_option("quantity")
    page.get_by_role("button", name="Move up column 4").focus()
    page.keyboard.press("Enter")
    expect(column(page, 3).get_by_label("Header of column 3")).to_have_value("Qty")
    expect(page.get_by_role("button", name="Move up column 3")).to_be_focused()
    page.get_by_role("button", name="Remove column 3").press("Enter")
    expect(page.locator("[data-column]")).to_have_count(3)
    expect(column(page, 3).get_by_label("Header of column 3")).to_have_value("Валюта")

    preview = page.get_by_test_id("preview-table")
    expect(preview.locator("tr[data-row='header']")).to_contain_text("Валюта")
    expected = [
        ["Артикул", "Цена", "Валюта"],
        *[[f"AN-{n:03d}", f"{10 + 1.25 * n:.2f}", "EUR"] for n in range(1, 7) if n != 3],
    ]
    # Product 3 has no stock in the main warehouse: left out (zero stock is off).
    expect(preview.locator("tr[data-row='data']")).to_have_count(5)
    preview_before = preview_cells(page)
    assert preview_before == expected
    shot(page, "06-file-form-csv")

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("ozon_stock.csv")
    row = page.locator("tr", has=page.get_by_test_id("file-name"))
    expect(row.get_by_test_id("file-name")).to_have_text("ozon_stock.csv")
    # Not green while the integration is off: stores cannot download it yet.
    expect(row.get_by_test_id("file-status")).to_have_text("Off")
    expect(row).to_contain_text("CSV")

    # The article's last step: tick Integration enabled and save the window.
    page.get_by_label("Integration enabled").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Integration enabled")
    expect(row.get_by_test_id("file-status")).to_have_text("Enabled")
    row.get_by_role("button", name="Copy link").click()
    expect(row.get_by_role("button", name="Copied ✓")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == row.get_by_role("textbox").input_value()
    assert copied.startswith(f"{live_server.url}/f/") and copied.endswith("/ozon_stock.csv")
    page.reload()
    expect(row).to_contain_text("5 rows", timeout=20_000)
    shot(page, "07-integration-window")

    status, body = fetch(copied)
    assert status == 200
    assert csv_rows(body, ";") == expected == preview_before


def test_the_separator_is_shown_for_csv_only(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, products=2)
    sign_in(page, merchant.email, merchant.password)
    page.goto("/settings/integrations/custom/files/new")
    separator = page.get_by_label("Separator")
    sheet = page.get_by_label("Sheet name")
    expect(separator).to_be_visible()
    expect(sheet).to_be_hidden()
    page.get_by_label("File type").select_option("xlsx")
    expect(separator).to_be_hidden()
    expect(sheet).to_be_visible()
    expect(page.locator("[data-extension]")).to_have_text(".xlsx")
    page.get_by_label("File type").select_option("xls")
    expect(separator).to_be_hidden()
    page.get_by_label("File type").select_option("csv")
    expect(separator).to_be_visible()
    expect(sheet).to_be_hidden()
    expect(page.locator("[data-extension]")).to_have_text(".csv")


def test_an_invalid_sheet_name_is_shown_next_to_it_and_the_form_is_kept(
    page: Any, live_server: LiveServer
) -> None:
    merchant = new_merchant(live_server.runtime, products=3)
    sign_in(page, merchant.email, merchant.password)
    page.goto("/settings/integrations/custom/files/new")
    page.get_by_label("Online store name").fill("Cdiscount")
    page.get_by_label("Online store URL").fill("https://seller.cdiscount.example")
    page.get_by_label("File type").select_option("xlsx")
    page.get_by_label("File name").fill("offres")
    page.get_by_label("Sheet name").fill("Offres/Stock")
    page.get_by_label("Header row number").fill("3")
    page.get_by_label("Upload products with zero stock").check()
    page.get_by_role("button", name="+ Column").click()
    page.keyboard.type("Délai")
    column(page, 3).get_by_label("Type of column 3").select_option(label="Custom value")
    column(page, 3).get_by_label("Value of column 3").fill("2 jours")
    page.get_by_role("button", name="Save").click()

    sheet = page.get_by_label("Sheet name")
    expect(sheet).to_have_attribute("aria-invalid", "true")
    error = page.locator("#sheet_name-error")
    expect(error).to_contain_text("Sheet name must not contain / (Excel forbids")
    assert sheet.get_attribute("aria-describedby") == "sheet_name-error"
    # Everything typed is still there.
    expect(sheet).to_have_value("Offres/Stock")
    expect(page.get_by_label("Online store name")).to_have_value("Cdiscount")
    expect(page.get_by_label("Online store URL")).to_have_value("https://seller.cdiscount.example")
    expect(page.get_by_label("File type")).to_have_value("xlsx")
    expect(page.get_by_label("Header row number")).to_have_value("3")
    expect(page.get_by_label("Upload products with zero stock")).to_be_checked()
    expect(page.locator("[data-column]")).to_have_count(3)
    expect(column(page, 3).get_by_label("Value of column 3")).to_have_value("2 jours")
    expect(page.get_by_label("Separator")).to_be_hidden()
    # The preview still shows the rows, the header on row 3 (two empty rows above it).
    preview = page.get_by_test_id("preview-table")
    expect(preview.locator("tr.empty-row")).to_have_count(2)
    expect(preview.locator("tr[data-row='data']")).to_have_count(3)
    shot(page, "08-file-form-errors")

    page.get_by_label("Online store URL").fill("not a url")
    page.get_by_label("Sheet name").fill("Offres")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#store_url-error")).to_contain_text("Online store URL must be a valid")
    expect(page.locator("#sheet_name-error")).to_have_count(0)
    page.get_by_label("Online store URL").fill("https://seller.cdiscount.example")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("offres.xlsx")


def test_disabling_a_file_shows_disabled_and_its_link_answers_404(
    page: Any, live_server: LiveServer
) -> None:
    merchant = new_merchant(live_server.runtime, products=4)
    feed_id = add_feed(live_server.runtime, merchant, store_name="Allegro", file_name="allegro")
    url = feed_url(live_server.runtime, merchant, feed_id)
    assert fetch(url)[0] == 200
    sign_in(page, merchant.email, merchant.password)
    open_window(page)

    page.get_by_test_id("file-name").dblclick()  # as the article says
    expect(page).to_have_url(f"{live_server.url}/settings/integrations/custom/files/{feed_id}")
    expect(page.get_by_label("Online store name")).to_have_value("Allegro")
    page.get_by_label("File upload enabled").uncheck()
    page.get_by_role("button", name="Save").click()

    row = page.locator("tr", has=page.get_by_test_id("file-name"))
    expect(row.get_by_test_id("file-status")).to_have_text("Disabled")
    assert fetch(url)[0] == 404

    # A normal click, or the keyboard, opens the file too.
    row.get_by_test_id("file-name").focus()
    page.keyboard.press("Enter")
    page.get_by_label("File upload enabled").check()
    page.get_by_role("button", name="Save").click()
    expect(row.get_by_test_id("file-status")).to_have_text("Enabled")
    assert fetch(url)[0] == 200


def test_the_preview_shows_the_rows_the_link_returns(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, products=25, image_base=live_server.images)
    feed_id = add_feed(
        live_server.runtime,
        merchant,
        file_name="kaufland",
        csv_separator="comma",
        header_row=2,
        include_zero_stock=True,
    )
    sign_in(page, merchant.email, merchant.password)
    page.goto(f"/settings/integrations/custom/files/{feed_id}")
    preview = page.get_by_test_id("preview-table")
    expect(preview.locator("tr[data-row='data']")).to_have_count(20)
    shown = preview_cells(page)
    shot(page, "09-file-form-edit")

    link = page.get_by_label("Link of kaufland.csv")
    status, body = fetch(link.input_value())
    assert status == 200
    rows = csv_rows(body, ",")
    assert len(rows) == 1 + 1 + 25  # an empty first row, the header, every product
    assert rows[0] == []
    assert shown[0] == [""] * 5  # the empty row above the header
    assert shown[1:] == rows[1:22]
    assert "Oak chopping board; size 2" in body.decode()


def test_regenerating_the_link_asks_first_and_stops_the_old_one(
    page: Any, live_server: LiveServer
) -> None:
    merchant = new_merchant(live_server.runtime, products=2)
    feed_id = add_feed(live_server.runtime, merchant, file_name="rotate_me")
    old = feed_url(live_server.runtime, merchant, feed_id)
    assert fetch(old)[0] == 200
    sign_in(page, merchant.email, merchant.password)
    page.goto(f"/settings/integrations/custom/files/{feed_id}")
    page.get_by_role("link", name="Regenerate link…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("will stop working at once")
    shot(page, "10-regenerate-link", full_page=False)
    dialog.get_by_role("link", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert page.get_by_label("Link of rotate_me.csv").input_value() == old

    page.get_by_role("link", name="Regenerate link…").click()
    dialog.get_by_role("button", name="Regenerate link").click()
    expect(page.get_by_role("status")).to_contain_text("the old one no longer works")
    new = page.get_by_label("Link of rotate_me.csv").input_value()
    assert new != old
    assert fetch(old)[0] == 404
    assert fetch(new)[0] == 200


def test_hobby_shows_that_the_connector_needs_startup_or_business(
    page: Any, live_server: LiveServer
) -> None:
    merchant = new_merchant(live_server.runtime, plan="hobby", products=1)
    sign_in(page, merchant.email, merchant.password)
    page.goto("/settings/integrations")
    connector = page.get_by_role("article", name="Custom integration with online stores")
    expect(connector.get_by_test_id("plan-notice")).to_contain_text(
        "Needs the Startup or Business plan"
    )
    shot(page, "11-integrations-hobby")
    connector.get_by_role("link", name="Configure").click()
    expect(page.get_by_test_id("plan-notice")).to_contain_text("Hobby plan does not include")
    page.get_by_role("link", name="+ File").click()
    expect(page.get_by_test_id("plan-limit")).to_contain_text("Startup allows up to 10 feed files")


def test_startup_explains_the_limit_of_ten_files_at_the_eleventh(
    page: Any, live_server: LiveServer
) -> None:
    merchant = new_merchant(live_server.runtime, plan="startup", products=1)
    for n in range(10):
        add_feed(live_server.runtime, merchant, store_name=f"Store {n + 1}", integration=n == 0)
    sign_in(page, merchant.email, merchant.password)
    open_window(page)
    expect(page.get_by_test_id("file-count")).to_have_text("10 of 10 files (Startup plan)")
    page.get_by_role("link", name="+ File").click()
    limit = page.get_by_test_id("plan-limit")
    expect(limit).to_contain_text("allows up to 10 feed files and this account has 10")
    expect(limit).to_contain_text("Business plan allows an unlimited number")
    shot(page, "12-startup-limit")
