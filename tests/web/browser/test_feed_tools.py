"""Feed tools in a real browser: files from marketplace presets and from a sample file,
the validation report, the publish guard holding a file, the health page, and a new
link with a grace period. Screenshots at desktop and phone width go to
``/tmp/shots-feedtools/`` (and the suite's screenshot folder)."""

from __future__ import annotations

import io
import urllib.request
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from shelfcast.catalog import schemas as catalog_schemas
from shelfcast.catalog import service as catalog
from shelfcast.db.session import transaction
from tests.web.browser.conftest import LiveServer, shot, sign_in
from tests.web.browser.test_integration import column, fetch, open_window
from tests.web.merchants import Merchant, add_feed, feed_url, new_merchant

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-feedtools")
NEW_FILE = "/settings/integrations/custom/files/new"


def shots(page: Any, name: str, also: Path | None = None) -> None:
    """Desktop (1280) and phone (390) screenshots of the current page (into ``also``
    as well, when given)."""
    folders = [SHOTS] if also is None else [SHOTS, also]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, width in (("desktop", 1280), ("phone", 390)):
        page.set_viewport_size({"width": width, "height": 900})
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": width, "height": max(height, 900)})
        for folder in folders:
            page.screenshot(path=str(folder / f"{name}-{label}.png"))
    page.set_viewport_size(size)
    shot(page, f"feedtools-{name}")


def set_stock(live_server: LiveServer, merchant: Merchant, levels: dict[str, str]) -> None:
    body = {
        "levels": [
            {"sku": sku, "warehouse_id": warehouse_id, "quantity": quantity}
            for sku, quantity in levels.items()
            for warehouse_id in merchant.warehouse_ids
        ]
    }
    with transaction(live_server.runtime.database.writes) as session:
        catalog.set_stock(
            session, merchant.account_id, catalog_schemas.StockSet.model_validate(body)
        )
    live_server.runtime.builder.request_account(merchant.account_id)
    assert live_server.runtime.builder.wait_idle()


def start_from(page: Any, marketplace: str) -> None:
    page.goto(NEW_FILE)
    page.get_by_label("Start from a marketplace").select_option(label=marketplace)
    page.get_by_role("button", name="Fill in the form").click()
    expect(page.get_by_label("Online store name")).to_have_value(marketplace)


def test_google_merchant_and_prom_ua_files_from_presets(page: Any, live_server: LiveServer) -> None:
    merchant = new_merchant(live_server.runtime, products=6, image_base=live_server.images)
    sign_in(page, merchant.email, merchant.password)

    start_from(page, "Google Merchant Center")
    expect(page.get_by_label("File type")).to_have_value("csv")
    expect(page.get_by_label("Separator")).to_have_value("tab")
    expect(column(page, 1).get_by_label("Header of column 1")).to_have_value("id")
    # Google's own availability labels; sold-out products stay in the file as
    # out_of_stock; a line break would end a row of a tab-separated file.
    expect(page.locator("#in_stock")).to_have_value("in_stock")
    expect(page.locator("#out_of_stock")).to_have_value("out_of_stock")
    expect(page.locator("#line_breaks")).to_have_value("space")
    expect(page.locator("#include_zero_stock")).to_be_checked()
    expect(column(page, 5).get_by_label("Header of column 5")).to_have_value("image_link")
    shots(page, "01-preset-google-form", also=Path("/tmp/shots-presets2"))
    # The report shows what Google would refuse: no product has a description, and
    # the product link is the merchant's to give.
    report = page.get_by_test_id("validation-report")
    expect(report).to_contain_text("Required values are empty")
    expect(report.locator("a").first).to_have_attribute("href", "/products?q=AN-001")
    column(page, 4).get_by_label("Value of column 4").fill("https://atelier-nord.example/shop")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("file-name").first).to_have_text("google_products.csv")

    start_from(page, "Prom.ua")
    expect(page.get_by_label("Sheet name")).to_have_value("Export Products Sheet")
    expect(page.locator("#in_stock")).to_have_value("+")
    expect(page.locator("#out_of_stock")).to_have_value("-")
    expect(page.locator("#round_quantities_down")).to_be_checked()
    shots(page, "01b-preset-prom-form", also=Path("/tmp/shots-presets2"))
    page.set_viewport_size({"width": 390, "height": 900})
    page.get_by_test_id("output-options").screenshot(
        path="/tmp/shots-presets2/01c-prom-options-phone.png"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(column(page, 4).get_by_label("Price of column 4")).to_have_value(
        str(merchant.price_type_ids["Retail"])
    )
    expect(page.get_by_test_id("preview-table")).to_contain_text("Назва_позиції")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("file-name")).to_have_count(2)
    page.get_by_label("Integration enabled").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Integration enabled: every enabled file")).to_be_visible()
    shots(page, "02-window-with-preset-files")

    # The Prom.ua file is served as an XLSX with its sheet and columns.
    page.get_by_test_id("file-name").filter(has_text="prom_import.xlsx").click()
    url = page.locator("#form-link-" + page.url.rsplit("/", 1)[1]).input_value()
    live_server.runtime.builder.wait_idle()
    status, body = fetch(url)
    assert status == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Export Products Sheet"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Код_товару", "Назва_позиції", "Опис", "Ціна")
    assert rows[1][0] == "AN-001" and rows[1][3] == 11.25
    assert rows[0][6] == "Наявність" and rows[1][6] == "+"


def cdiscount_sample(path: Path) -> Path:
    """A sample like the one Cdiscount gives out: a title row, then the headers."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Offres"
    sheet.append(["Modèle d'import des offres"])
    sheet.append(["SellerProductId", "ProductEan", "ProductCondition", "Price", "Stock"])
    sheet.append(["REF-1", "3600000000017", 6, 19.9, 4])
    book.save(path)
    return path


def test_a_cdiscount_file_from_its_sample_xlsx(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    merchant = new_merchant(live_server.runtime, products=4, image_base=live_server.images)
    sign_in(page, merchant.email, merchant.password)
    page.goto(NEW_FILE)
    page.get_by_label("…or from the marketplace’s sample file").set_input_files(
        str(cdiscount_sample(tmp_path / "cdiscount-offres.xlsx"))
    )
    page.get_by_role("button", name="Read it").click()
    expect(page.get_by_text("5 columns on row 2, 4 matched")).to_be_visible()
    expect(page.get_by_label("File type")).to_have_value("xlsx")
    expect(page.get_by_label("Sheet name")).to_have_value("Offres")
    expect(page.get_by_label("Header row number")).to_have_value("2")
    expect(column(page, 2).get_by_label("Product field of column 2")).to_have_value("barcode")
    shots(page, "03-sample-cdiscount-form")
    page.get_by_label("Online store name").fill("Cdiscount")
    page.get_by_label("Online store URL").fill("https://seller.cdiscount.com")
    column(page, 3).get_by_label("Value of column 3").fill("6")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("file-name")).to_have_text("cdiscount-offres.xlsx")


def test_the_guard_holds_a_file_that_lost_most_rows_and_the_health_page(
    page: Any, live_server: LiveServer
) -> None:
    merchant = new_merchant(live_server.runtime, products=30, image_base=live_server.images)
    feed_id = add_feed(live_server.runtime, merchant)
    assert live_server.runtime.builder.wait_idle()
    url = feed_url(live_server.runtime, merchant, feed_id)
    for agent in ("RozetkaBot/2.1", "RozetkaBot/2.1", "Googlebot/2.1"):
        request = urllib.request.Request(url, headers={"User-Agent": agent})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
    live_server.runtime.fetch_log.flush()

    # A bad import zeroes most of the stock: 30 rows would become 2.
    set_stock(live_server, merchant, {f"AN-{n:03d}": "0" for n in range(3, 31)})
    status, body = fetch(url)
    assert status == 200 and len(body.decode().splitlines()) == 31  # the last good file

    sign_in(page, merchant.email, merchant.password)
    open_window(page)
    expect(page.get_by_test_id("file-held")).to_be_visible()
    expect(page.get_by_text("30 → 2 rows")).to_be_visible()
    shots(page, "04-window-held")
    page.get_by_role("link", name="Review and publish…").click()
    expect(page.get_by_test_id("held")).to_contain_text("30 → 2 rows")
    expect(page.get_by_test_id("clients")).to_contain_text("RozetkaBot/2.1")
    expect(page.get_by_test_id("fetch-chart").locator("rect")).to_have_count(1)
    expect(page.get_by_test_id("builds")).to_contain_text("Held")
    shots(page, "05-health-held")

    page.get_by_role("button", name="Publish the held file (2 rows)").click()
    published = "Published: the link now serves the new file (2 rows)."
    expect(page.get_by_text(published)).to_be_visible()
    expect(page.get_by_test_id("held")).to_have_count(0)
    status, body = fetch(url)
    assert status == 200 and len(body.decode().splitlines()) == 3
    shots(page, "06-health-published")


def test_a_new_link_with_a_grace_period_shows_both_links(
    page: Any, live_server: LiveServer
) -> None:
    merchant = new_merchant(live_server.runtime, products=2, image_base=live_server.images)
    feed_id = add_feed(live_server.runtime, merchant)
    old_url = feed_url(live_server.runtime, merchant, feed_id)
    sign_in(page, merchant.email, merchant.password)
    page.goto(f"/settings/integrations/custom/files/{feed_id}")
    page.get_by_role("link", name="Regenerate link…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Keep the old link working for (days)").fill("7")
    shots(page, "07-rotate-with-grace")
    dialog.get_by_role("button", name="Regenerate link").click()
    expect(page.get_by_text("the old one keeps working for 7 days")).to_be_visible()
    expect(page.get_by_test_id("old-link")).to_contain_text(old_url)
    new_url = feed_url(live_server.runtime, merchant, feed_id)
    assert new_url != old_url
    live_server.runtime.builder.wait_idle()
    assert fetch(old_url)[0] == 200 and fetch(new_url)[0] == 200
    shots(page, "08-both-links")
