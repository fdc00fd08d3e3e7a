"""A merchant sets the file format and stock options in the form, saves, and the
file a marketplace downloads holds them: cp1251, ``;``, decimal commas, a stock
buffer of 2 and quantities rounded down, read back cell by cell."""

from __future__ import annotations

import csv
import io
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.browser.conftest import LiveServer, shot, sign_in
from tests.web.merchants import new_merchant

pytestmark = pytest.mark.browser


def column(page: Any, n: int) -> Any:
    return page.locator("[data-column]").nth(n - 1)


def preview_cells(page: Any) -> list[list[str]]:
    rows = page.get_by_test_id("preview-table").locator("tbody tr")
    return [[cell.strip() for cell in row.locator("td").all_inner_texts()] for row in rows.all()]


def test_cp1251_decimal_comma_buffer_and_round_down_reach_the_file(
    page: Any, live_server: LiveServer
) -> None:
    # Products 1-6: Main holds n (product 3: 0), Outlet 0.5 (product 5: -2).
    merchant = new_merchant(live_server.runtime, products=6)
    sign_in(page, merchant.email, merchant.password)
    page.goto("/settings/integrations/custom/files/new")
    page.get_by_label("Online store name").fill("Prom.ua")
    page.get_by_label("Online store URL").fill("https://prom.example")
    page.get_by_role("checkbox", name="Outlet").check()
    page.get_by_label("File type").select_option("csv")
    page.get_by_label("Separator").select_option("semicolon")
    page.get_by_label("File name").fill("prom_stock")
    column(page, 1).get_by_label("Header of column 1").fill("Артикул")
    column(page, 2).get_by_label("Header of column 2").fill("Кількість")
    page.get_by_role("button", name="+ Column").click()
    page.keyboard.type("Ціна")
    column(page, 3).get_by_label("Type of column 3").select_option(label="Price")
    column(page, 3).get_by_label("Price of column 3").select_option(label="Retail (EUR)")
    page.get_by_role("button", name="+ Column").click()
    page.keyboard.type("Наявність")
    column(page, 4).get_by_label("Product field of column 4").select_option("availability")

    page.get_by_label("Encoding").select_option("cp1251")
    page.get_by_label("Decimal mark").select_option("comma")
    page.get_by_label("Stock buffer").fill("2")
    page.get_by_label("Round quantities down to whole numbers").check()
    page.get_by_label("Availability: in stock").fill("в наявності")

    # floor(n + 0.5) - 2, never below 0; products at 0 are left out.
    expected = [
        ["Артикул", "Кількість", "Ціна", "Наявність"],
        ["AN-004", "2", "15,00", "в наявності"],
        ["AN-005", "1", "16,25", "в наявності"],
        ["AN-006", "4", "17,50", "в наявності"],
    ]
    preview = page.get_by_test_id("preview-table")
    expect(preview.locator("tr[data-row='data']").first).to_contain_text("15,00")
    expect(preview.locator("tr[data-row='data']").first).to_contain_text("в наявності")
    expect(preview.locator("tr[data-row='data']")).to_have_count(3)
    assert preview_cells(page) == expected
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "20-file-options-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_test_id("output-options").scroll_into_view_if_needed()
    shot(page, "21-file-options-phone", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("prom_stock.csv")
    page.get_by_label("Integration enabled").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Integration enabled")
    row = page.locator("tr", has=page.get_by_test_id("file-name"))
    link = row.get_by_role("textbox").input_value()

    with urllib.request.urlopen(link, timeout=30) as response:
        content_type = response.headers["Content-Type"]
        body = response.read()

    assert content_type == "text/csv; charset=windows-1251"
    cells = list(csv.reader(io.StringIO(body.decode("cp1251"), newline=""), delimiter=";"))
    assert cells == expected
    assert "Кількість".encode("cp1251") in body  # not UTF-8

    # The saved form shows the options as they were set.
    row.get_by_test_id("file-name").click()
    expect(page.get_by_label("Encoding")).to_have_value("cp1251")
    expect(page.get_by_label("Decimal mark")).to_have_value("comma")
    expect(page.get_by_label("Stock buffer")).to_have_value("2")
    expect(page.get_by_label("Round quantities down to whole numbers")).to_be_checked()


def test_a_character_the_encoding_cannot_hold_shows_in_the_preview(
    page: Any, live_server: LiveServer
) -> None:
    merchant = new_merchant(live_server.runtime, products=2)
    sign_in(page, merchant.email, merchant.password)
    page.goto("/settings/integrations/custom/files/new")
    column(page, 1).get_by_label("Header of column 1").fill("Артикул")
    page.get_by_label("Encoding").select_option("cp1252")

    problems = page.get_by_test_id("preview-build-problems")
    expect(problems).to_contain_text("'Артикул'")
    expect(problems).to_contain_text("cp1252")
    page.get_by_label("Encoding").select_option("cp1251")
    expect(problems).to_be_hidden()
