"""A new merchant's catalog arrives by spreadsheet, in a real browser: a French
Excel CSV (Windows-1252, ``;``, decimal commas) with one bad row fixed and
uploaded again, then a Ukrainian XLSX; the feed shows what was imported."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

from shelfcast.accounts import service as accounts
from shelfcast.catalog import service as catalog
from shelfcast.db.session import transaction
from tests.web.browser.conftest import LiveServer, sign_in
from tests.web.merchants import PASSWORD, Merchant, add_feed, feed_url, unique_email

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-imports")
FRENCH = (
    "Référence;Désignation;Prix TTC;Quantité\n"
    "0012;Crème hydratante à l'aloé;12,50;3\n"
    "0013;Café moulu « Brésil » 250 g;douze;1\n"
    "0014;Thé vert;1 234,00;-2\n"
)


def shots(page: Any, name: str) -> None:
    """The screen at desktop (1280) and phone (390) width, whole page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, width in (("desktop", 1280), ("phone", 390)):
        page.set_viewport_size({"width": width, "height": 800})
        height = page.evaluate("document.documentElement.scrollHeight")
        page.set_viewport_size({"width": width, "height": max(800, height)})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"))
    page.set_viewport_size(size)


def empty_merchant(live_server: LiveServer) -> Merchant:
    email = unique_email("new")
    with transaction(live_server.runtime.database.writes) as session:
        account = accounts.create_account(session, "Boutique Lumière", "business")
        accounts.create_user(session, account.id, email, PASSWORD)
        account_id = account.id
    return Merchant(account_id, "Boutique Lumière", email, PASSWORD, [], {}, [])


def upload(page: Any, path: Path) -> None:
    page.goto("/imports")
    page.get_by_label("Spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(path.name)


def check_and_wait(page: Any, status: str) -> None:
    page.get_by_test_id("check").click()
    expect(page.get_by_test_id("import-status")).to_have_attribute("data-status", status)


def test_a_new_merchant_imports_a_french_csv_and_a_ukrainian_workbook(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    merchant = empty_merchant(live_server)
    sign_in(page, merchant.email, merchant.password)
    page.get_by_role("link", name="Products").first.click()  # sign-in lands on the overview
    page.get_by_test_id("import-link").click()
    expect(page).to_have_url(f"{live_server.url}/imports")
    shots(page, "01-imports-empty")

    french = tmp_path / "catalogue.csv"
    french.write_bytes(FRENCH.encode("cp1252"))
    upload(page, french)
    expect(page.get_by_test_id("detected")).to_contain_text("cp1252")
    expect(page.get_by_label("Separator")).to_have_value(";")
    expect(page.get_by_test_id("target-0")).to_have_value("sku")
    expect(page.get_by_test_id("target-1")).to_have_value("name")
    expect(page.get_by_test_id("target-2")).to_have_value("price:Retail")
    expect(page.get_by_test_id("target-3")).to_have_value("stock:Main")
    expect(page.get_by_test_id("missing")).to_contain_text("Retail")
    shots(page, "02-mapping-missing")
    page.get_by_test_id("create-missing").click()
    expect(page.get_by_test_id("missing")).to_have_count(0)
    expect(page.get_by_test_id("target-3")).to_have_value("stock:Main")

    check_and_wait(page, "validated")
    errors = page.get_by_test_id("errors")
    expect(errors).to_contain_text("douze")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody td").first).to_have_text("3")
    expect(page.get_by_test_id("import")).to_have_count(0)
    shots(page, "03-check-errors")
    with page.expect_download() as download:
        page.get_by_test_id("errors-csv").click()
    assert "douze" in Path(download.value.path()).read_text(encoding="utf-8-sig")

    french.write_bytes(FRENCH.replace("douze", "9,90").encode("cp1252"))
    upload(page, french)
    expect(page.get_by_text("mapping remembered")).to_be_visible()
    check_and_wait(page, "validated")
    expect(page.get_by_test_id("created")).to_have_text("3")
    expect(page.get_by_test_id("error-count")).to_have_text("0")
    page.get_by_test_id("import").click()
    expect(page.get_by_test_id("import-status")).to_have_attribute("data-status", "succeeded")
    shots(page, "04-imported")

    with transaction(live_server.runtime.database.sessions) as session:
        merchant.warehouse_ids = [
            w.id for w in catalog.list_warehouses(session, merchant.account_id)
        ]
        merchant.price_type_ids = {
            p.name: p.id for p in catalog.list_price_types(session, merchant.account_id)
        }
    feed_id = add_feed(live_server.runtime, merchant)

    workbook = tmp_path / "товари.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Товари"
    sheet.append(["Артикул", "Назва", "Ціна", "Кількість"])
    sheet.append(["UA-001", "Кава мелена «Їжачок»", 120.5, 4])
    sheet.append(["0013", "Café moulu (nouveau)", 9.9, 7])
    book.save(workbook)
    upload(page, workbook)
    expect(page.get_by_label("Sheet")).to_have_value("Товари")
    expect(page.get_by_test_id("target-0")).to_have_value("sku")
    expect(page.get_by_test_id("target-2")).to_have_value("price:Retail")
    shots(page, "05-mapping-xlsx")
    check_and_wait(page, "validated")
    expect(page.get_by_test_id("created")).to_have_text("1")
    expect(page.get_by_test_id("updated")).to_have_text("1")
    page.get_by_test_id("import").click()
    expect(page.get_by_test_id("import-status")).to_have_attribute("data-status", "succeeded")

    page.goto("/products")
    expect(page.locator("table.products-table tbody tr")).to_have_count(4)
    expect(page.locator("table.products-table")).to_contain_text("Кава мелена «Їжачок»")
    live_server.runtime.builder.wait_idle()
    url = feed_url(live_server.runtime, merchant, feed_id)
    with urllib.request.urlopen(url, timeout=30) as response:
        lines = response.read().decode("utf-8-sig").splitlines()
    assert "UA-001;Кава мелена «Їжачок»;4;120.50;EUR" in lines
    assert "0013;Café moulu (nouveau);7;9.90;EUR" in lines
    page.goto("/imports")
    expect(page.locator("table tbody tr")).to_have_count(5)  # three checks, two imports
    shots(page, "06-imports-list")
