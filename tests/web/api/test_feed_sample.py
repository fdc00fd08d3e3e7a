"""``POST /feeds/from-sample``: a marketplace's sample file becomes a proposed feed body."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
import xlwt
from fastapi.testclient import TestClient

from tests.web.api.support import Api, locs
from tests.web.conftest import ApiAccount


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


def cdiscount_sample() -> bytes:
    """A sample like Cdiscount's offer template: a title row above the headers."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Offres"
    sheet.append(["Modèle d'offres Cdiscount"])
    sheet.append(["SellerProductId", "ProductEan", "ProductCondition", "Price", "Stock", "Vat"])
    sheet.append(["REF-1", "3600000000017", 6, 19.9, 4, 20])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(api: Api, name: str, content: bytes) -> Any:
    return api.post("/feeds/from-sample", files={"file": (name, content)})


def test_an_xlsx_sample_is_read_and_mapped(api: Api) -> None:
    main = api.warehouse("Main")
    retail = api.price_type("Retail")
    response = _upload(api, "cdiscount offers.xlsx", cdiscount_sample())
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["file_type"], body["sheet_name"], body["header_row"]) == ("xlsx", "Offres", 2)
    assert body["file_name"] == "cdiscount_offers"
    assert body["warehouse_ids"] == [main]
    columns = {c["header"]: c for c in body["columns"]}
    assert list(columns) == [
        "SellerProductId",
        "ProductEan",
        "ProductCondition",
        "Price",
        "Stock",
        "Vat",
    ]
    assert columns["SellerProductId"]["field"] == "sku"
    assert columns["ProductEan"]["field"] == "barcode"
    assert columns["Price"]["price_type_id"] == retail
    assert columns["Stock"]["field"] == "quantity"
    assert (columns["Vat"]["source"], columns["Vat"]["value"]) == ("custom_value", "")
    assert body["detected"]["matched"] == 4
    # Saved once the merchant typed what only they know.
    body.pop("detected")
    body.update(store_name="Cdiscount", store_url="https://www.cdiscount.com")
    for column in body["columns"]:
        if column["source"] == "custom_value":
            column["value"] = "6" if column["header"] == "ProductCondition" else "20"
    body["columns"] = [{k: v for k, v in c.items() if v is not None} for c in body["columns"]]
    created = api.ok("POST", "/feeds", {k: v for k, v in body.items() if v is not None}, 201)
    assert created["sheet_name"] == "Offres" and created["header_row"] == 2


def test_a_cp1251_semicolon_csv_with_ukrainian_headers(api: Api) -> None:
    api.warehouse("Main")
    text = "Артикул;Назва;Ціна;Кількість;Доставка\r\nA-1;Чай;12,50;3;Нова пошта\r\n"
    response = _upload(api, "rozetka.csv", text.encode("cp1251"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["file_type"], body["csv_separator"]) == ("csv", "semicolon")
    assert body["detected"]["encoding"] == "cp1251"
    fields = [c.get("field") or c["source"] for c in body["columns"]]
    # No price type yet: the price column is a constant to fill in, like "Доставка".
    assert fields == ["sku", "name", "custom_value", "quantity", "custom_value"]


def test_an_xls_sample(api: Api) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("Products")
    for i, header in enumerate(["SKU", "Title", "EAN", "Quantity"]):
        sheet.write(0, i, header)
    out = io.BytesIO()
    book.save(out)
    body = _upload(api, "sample.xls", out.getvalue()).json()
    assert (body["file_type"], body["sheet_name"]) == ("xls", "Products")
    assert [c.get("field") for c in body["columns"]] == ["sku", "name", "barcode", "quantity"]


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.csv", b""), ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)],
)
def test_what_is_not_a_spreadsheet_is_refused_at_file(api: Api, name: str, content: bytes) -> None:
    response = _upload(api, name, content)
    assert ("body", "file") in locs(response) or ("file",) in locs(response), response.text


def test_the_upload_is_required(api: Api) -> None:
    assert api.post("/feeds/from-sample").status_code == 422


def test_a_cp1251_sample_with_decimal_commas_is_proposed_as_such_and_saves(api: Api) -> None:
    main = api.warehouse("Main")
    retail = api.price_type("Retail", "UAH")
    text = (
        "Код_товару;Назва_позиції;Ціна;Наявність;Кількість;Головне зображення\r\n"
        "A-1;Чай;12,50;+;3;https://img.example/a.jpg\r\n"
    )
    body = _upload(api, "prom.csv", text.encode("cp1251")).json()
    assert (body["encoding"], body["decimal_separator"], body["csv_separator"]) == (
        "cp1251",
        "comma",
        "semicolon",
    )
    assert body["detected"]["decimal_separator"] == "comma"
    fields = [c.get("field") or c["source"] for c in body["columns"]]
    assert fields == ["sku", "name", "price", "availability", "quantity", "image_1"]
    assert body["columns"][2]["price_type_id"] == retail
    body.pop("detected")
    body.update(store_name="Prom.ua", store_url="https://prom.ua", warehouse_ids=[main])
    body["columns"] = [{k: v for k, v in c.items() if v is not None} for c in body["columns"]]
    created = api.ok("POST", "/feeds", {k: v for k, v in body.items() if v is not None}, 201)
    assert (created["encoding"], created["decimal_separator"]) == ("cp1251", "comma")


def test_a_tab_separated_google_sample_maps_availability_and_images(api: Api) -> None:
    api.warehouse("Main")
    text = (
        "id\ttitle\tavailability\tprice\timage_link\tadditional_image_link\n"
        "A-1\tTea\tin_stock\t9.99\thttps://img.example/a.jpg\thttps://img.example/b.jpg\n"
    )
    body = _upload(api, "google.tsv", text.encode("utf-8-sig")).json()
    assert (body["encoding"], body["decimal_separator"], body["csv_separator"]) == (
        "utf-8-sig",
        "point",
        "tab",
    )
    fields = [c.get("field") or c["source"] for c in body["columns"]]
    assert fields == ["sku", "name", "availability", "custom_value", "image_1", "images_rest"]


def test_a_workbook_sample_keeps_the_default_encoding_and_shows_no_decimal_mark(
    api: Api,
) -> None:
    body = _upload(api, "cdiscount.xlsx", cdiscount_sample()).json()
    assert (body["encoding"], body["decimal_separator"]) == ("utf-8", "point")
    assert body["detected"]["decimal_separator"] is None
