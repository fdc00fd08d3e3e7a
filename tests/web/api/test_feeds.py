"""``/feeds``: create, read, list, PATCH, delete, rotate the link, preview."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from python_calamine import CalamineWorkbook

from shelfcast.web.runtime import Runtime
from tests.web.api.support import Api, feed_body, link_path, locs
from tests.web.conftest import BASE_URL, ApiAccount

COLUMNS: list[dict[str, Any]] = [
    {"header": "SKU", "source": "product_field", "field": "sku"},
    {"header": "Name", "source": "product_field", "field": "name"},
    {"header": "Qty", "source": "product_field", "field": "quantity"},
    {"header": "Price", "source": "price", "price_type_id": None},
    {"header": "Currency", "source": "custom_value", "value": "EUR"},
    {"header": "Images", "source": "product_field", "field": "images"},
    {"header": "Category", "source": "product_field", "field": "category_path"},
    {"header": "Color", "source": "product_field", "field": "custom.color"},
    {"header": "Weight", "source": "product_field", "field": "weight"},
    {"header": "About", "source": "product_field", "field": "description"},
]


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    api = Api(client, account)
    api.ok("PATCH", "/integration", {"enabled": True})
    return api


@pytest.fixture
def catalog(api: Api) -> dict[str, int]:
    """Two warehouses, a price type, a custom field and four products with stock."""
    main, backroom = api.warehouse("Main"), api.warehouse("Backroom")
    retail = api.price_type("Retail")
    api.custom_field("color")
    api.upsert(
        {
            "sku": "TEA-1",
            "name": 'Tea "Sencha"; green, 100 g',
            "prices": {"Retail": "12.5"},
            "images": ["https://img.example/1.jpg", "https://img.example/2.jpg"],
            "category": ["Drinks", "Tea"],
            "custom": {"color": "green"},
            "weight": "0.100",
        },
        {
            "sku": "MUG-1",
            "name": "Mug",
            "description": "Stoneware,\r\nholds 300 ml",
            "prices": {"Retail": "7"},
        },
        {"sku": "ZERO", "name": "Sold out"},
        {"sku": "NEG", "name": "Oversold"},
    )
    api.stock(
        ("TEA-1", main, "3"),
        ("TEA-1", backroom, "2.5"),
        ("MUG-1", backroom, "10"),
        ("ZERO", main, "0"),
        ("NEG", main, "-2"),
    )
    return {"main": main, "backroom": backroom, "retail": retail}


def _columns(retail: int) -> list[dict[str, Any]]:
    return [{**c, "price_type_id": retail} if c["source"] == "price" else c for c in COLUMNS]


def test_create_answers_the_feed_with_its_link_and_status(
    api: Api, catalog: dict[str, int], runtime: Runtime
) -> None:
    body = feed_body([catalog["main"], catalog["backroom"]], columns=_columns(catalog["retail"]))
    response = api.post("/feeds", body)
    assert response.status_code == 201, response.text
    feed = response.json()
    expected = {k: v for k, v in body.items() if k != "columns"}
    assert {k: feed[k] for k in expected} == expected
    assert feed["columns"] == [
        {"field": None, "price_type_id": None, "value": None, **c} for c in body["columns"]
    ]
    assert feed["sheet_name"] == "Sheet1"
    assert (feed["include_zero_stock"], feed["enabled"], feed["status"]) == (False, True, "enabled")
    token = feed["url"].removeprefix(f"{BASE_URL}/f/").removesuffix("/stock.csv")
    assert feed["url"] == f"{BASE_URL}/f/{token}/stock.csv"
    assert len(token) >= 22  # at least 128 bits, URL-safe base64

    runtime.builder.wait_idle()
    read = api.get(f"/feeds/{feed['id']}").json()
    assert read["build"]["status"] == "ok"
    assert read["build"]["rows"] == 2  # TEA-1 and MUG-1; zero and negative left out
    assert {k: v for k, v in read.items() if k != "build"} == {
        k: v for k, v in feed.items() if k != "build"
    }
    assert api.get("/feeds").json() == [read]

    # The file the link serves.
    link = api.client.get(link_path(feed["url"]))
    assert link.status_code == 200
    assert link.headers["content-type"].startswith("text/csv")
    assert 'filename="stock.csv"' in link.headers["content-disposition"]
    assert list(csv.reader(io.StringIO(link.text, newline=""), delimiter=";")) == [
        [column["header"] for column in COLUMNS],
        [
            "TEA-1",
            'Tea "Sencha"; green, 100 g',
            "5.5",
            "12.50",
            "EUR",
            "https://img.example/1.jpg,https://img.example/2.jpg",
            "Drinks > Tea",
            "green",
            "0.1",
            "",
        ],
        ["MUG-1", "Mug", "10", "7.00", "EUR", "", "", "", "", "Stoneware,\r\nholds 300 ml"],
    ]


def test_include_zero_stock_shows_zero_and_negative_as_zero(
    api: Api, catalog: dict[str, int], client: TestClient, runtime: Runtime
) -> None:
    feed = api.feed([catalog["main"]], include_zero_stock=True)
    runtime.builder.wait_idle()
    text = client.get(link_path(feed["url"])).text
    assert text.splitlines() == ["SKU;Qty", "TEA-1;3", "MUG-1;0", "ZERO;0", "NEG;0"]


def test_patch_changes_only_the_fields_given(
    api: Api, catalog: dict[str, int], client: TestClient, runtime: Runtime
) -> None:
    feed = api.feed([catalog["main"]])
    runtime.builder.wait_idle()
    before = api.get(f"/feeds/{feed['id']}").json()

    response = api.patch(f"/feeds/{feed['id']}", {"store_name": "Other shop"})
    assert response.status_code == 200, response.text
    after = response.json()
    changed = {k for k in before if before[k] != after[k]}
    assert changed <= {"store_name", "updated_at", "build"}
    assert after["store_name"] == "Other shop"
    assert after["url"] == before["url"]

    # Lists are replaced whole; the file follows the new settings.
    new_columns = [
        {"header": "Article", "source": "product_field", "field": "sku"},
        {"header": "Stock", "source": "product_field", "field": "quantity"},
        {"header": "Price", "source": "price", "price_type_id": catalog["retail"]},
    ]
    body = {
        "warehouse_ids": [catalog["backroom"]],
        "columns": new_columns,
        "csv_separator": "pipe",
        "header_row": 2,
        "file_name": "export.csv",
    }
    after = api.ok("PATCH", f"/feeds/{feed['id']}", body)
    assert after["warehouse_ids"] == [catalog["backroom"]]
    assert [c["header"] for c in after["columns"]] == ["Article", "Stock", "Price"]
    assert (after["csv_separator"], after["header_row"]) == ("pipe", 2)
    assert after["file_name"] == "export"  # the extension follows the file type
    assert after["url"].endswith("/export.csv")
    assert after["store_name"] == "Other shop"
    runtime.builder.wait_idle()
    text = client.get(link_path(after["url"])).text
    assert text == "\r\nArticle|Stock|Price\r\nTEA-1|2.5|12.50\r\nMUG-1|10|7.00\r\n"

    # An empty PATCH changes nothing.
    same = api.ok("PATCH", f"/feeds/{feed['id']}", {})
    assert {k: same[k] for k in body} == {k: after[k] for k in body}


def test_switching_file_type_needs_a_sheet_name_for_excel(
    api: Api, catalog: dict[str, int], client: TestClient, runtime: Runtime
) -> None:
    feed = api.feed([catalog["main"]])
    path = f"/feeds/{feed['id']}"
    assert locs(api.patch(path, {"file_type": "xlsx"})) == [("body", "sheet_name")]
    response = api.patch(path, {"file_type": "xlsx", "csv_separator": "tab", "sheet_name": "S"})
    assert locs(response) == [("body", "csv_separator")]
    assert api.get(path).json()["file_type"] == "csv"

    xlsx = api.ok("PATCH", path, {"file_type": "xlsx", "sheet_name": "Stock"})
    assert (xlsx["file_type"], xlsx["sheet_name"]) == ("xlsx", "Stock")
    assert xlsx["url"].endswith("/stock.xlsx")
    runtime.builder.wait_idle()
    download = client.get(link_path(xlsx["url"]))
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.content), read_only=True)["Stock"]
    assert [list(row) for row in sheet.values] == [["SKU", "Qty"], ["TEA-1", 3]]
    # The old .csv name of the same link no longer answers.
    assert client.get(link_path(feed["url"])).status_code == 404

    back = api.ok("PATCH", path, {"file_type": "csv", "csv_separator": "tab"})
    assert (back["file_type"], back["csv_separator"]) == ("csv", "tab")


def test_disabling_a_file_stops_its_link_and_enabling_restores_it(
    api: Api, catalog: dict[str, int], client: TestClient, runtime: Runtime
) -> None:
    feed = api.feed([catalog["main"]])
    runtime.builder.wait_idle()
    link = link_path(feed["url"])
    assert client.get(link).status_code == 200

    off = api.ok("PATCH", f"/feeds/{feed['id']}", {"enabled": False})
    assert (off["enabled"], off["status"]) == (False, "disabled")
    assert client.get(link).status_code == 404
    on = api.ok("PATCH", f"/feeds/{feed['id']}", {"enabled": True})
    assert (on["status"], on["url"]) == ("enabled", feed["url"])
    assert client.get(link).status_code == 200


def test_create_disabled_answers_status_disabled(api: Api, catalog: dict[str, int]) -> None:
    feed = api.feed([catalog["main"]], enabled=False)
    assert (feed["enabled"], feed["status"]) == (False, "disabled")


def test_delete_then_get_is_404(
    api: Api, catalog: dict[str, int], client: TestClient, runtime: Runtime
) -> None:
    kept = api.feed([catalog["main"]], file_name="kept")
    feed = api.feed([catalog["main"]])
    runtime.builder.wait_idle()
    assert client.get(link_path(feed["url"])).status_code == 200

    response = api.delete(f"/feeds/{feed['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert api.get(f"/feeds/{feed['id']}").status_code == 404
    assert api.patch(f"/feeds/{feed['id']}", {"enabled": True}).status_code == 404
    assert api.get(f"/feeds/{feed['id']}/preview").status_code == 404
    assert api.post(f"/feeds/{feed['id']}/rotate-link").status_code == 404
    assert api.delete(f"/feeds/{feed['id']}").status_code == 404
    assert client.get(link_path(feed["url"])).status_code == 404
    assert [f["id"] for f in api.get("/feeds").json()] == [kept["id"]]


def test_unknown_feed_ids_answer_404(api: Api) -> None:
    for method, path in [
        ("GET", "/feeds/999999"),
        ("PATCH", "/feeds/999999"),
        ("DELETE", "/feeds/999999"),
        ("POST", "/feeds/999999/rotate-link"),
        ("GET", "/feeds/999999/preview"),
    ]:
        response = api.request(method, path, json={} if method == "PATCH" else None)
        assert response.status_code == 404, (method, path, response.text)
    assert locs(api.get("/feeds/abc")) == [("path", "feed_id")]


def test_rotate_link_stops_the_old_link_and_starts_a_new_one(
    api: Api, catalog: dict[str, int], client: TestClient, runtime: Runtime
) -> None:
    feed = api.feed([catalog["main"]])
    runtime.builder.wait_idle()
    old = link_path(feed["url"])
    assert client.get(old).status_code == 200

    response = api.post(f"/feeds/{feed['id']}/rotate-link")
    assert response.status_code == 200, response.text
    rotated = response.json()
    assert rotated["url"] != feed["url"]
    assert rotated["url"].endswith("/stock.csv")
    assert {k: v for k, v in rotated.items() if k not in ("url", "updated_at", "build")} == {
        k: v for k, v in feed.items() if k not in ("url", "updated_at", "build")
    }
    assert api.get(f"/feeds/{feed['id']}").json()["url"] == rotated["url"]
    assert client.get(old).status_code == 404
    new = client.get(link_path(rotated["url"]))
    assert new.status_code == 200
    assert new.text.splitlines() == ["SKU;Qty", "TEA-1;3"]


def test_rotate_link_with_a_grace_period_keeps_the_old_link_for_now(
    api: Api, catalog: dict[str, int], client: TestClient, runtime: Runtime
) -> None:
    feed = api.feed([catalog["main"]])
    rotated = api.ok("POST", f"/feeds/{feed['id']}/rotate-link", {"grace_days": 7})
    runtime.builder.wait_idle()
    assert client.get(link_path(feed["url"])).status_code == 200
    assert client.get(link_path(rotated["url"])).status_code == 200
    for grace in (-1, 91, "soon"):
        found = locs(api.post(f"/feeds/{feed['id']}/rotate-link", {"grace_days": grace}))
        assert found == [("body", "grace_days")]
    assert api.get(f"/feeds/{feed['id']}").json()["url"] == rotated["url"]


def test_preview_holds_the_cells_exactly_as_the_csv_file(
    api: Api, catalog: dict[str, int], client: TestClient, runtime: Runtime
) -> None:
    body = feed_body(
        [catalog["main"], catalog["backroom"]],
        columns=_columns(catalog["retail"]),
        header_row=3,
        csv_separator="comma",
        include_zero_stock=True,
    )
    feed = api.ok("POST", "/feeds", body, 201)
    response = api.get(f"/feeds/{feed['id']}/preview")
    assert response.status_code == 200
    preview = response.json()

    runtime.builder.wait_idle()
    download = client.get(link_path(feed["url"]))
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8"), newline="")))
    assert rows[:2] == [[], []]  # the rows above the header stay empty
    assert [preview["header"], *preview["rows"]] == rows[2:]
    assert len(preview["rows"]) == 4

    limited = api.get(f"/feeds/{feed['id']}/preview", params={"limit": 1}).json()
    assert limited == {"header": preview["header"], "rows": preview["rows"][:1], "problems": []}
    for limit in (0, 1001, "all"):
        found = locs(api.get(f"/feeds/{feed['id']}/preview", params={"limit": limit}))
        assert found == [("query", "limit")]


def test_preview_of_an_excel_file_holds_typed_cells_as_the_workbook(
    api: Api, catalog: dict[str, int], client: TestClient, runtime: Runtime
) -> None:
    body = feed_body(
        [catalog["main"], catalog["backroom"]],
        columns=_columns(catalog["retail"]),
        file_type="xlsx",
        csv_separator=None,
        sheet_name="Feed",
        header_row=2,
    )
    del body["csv_separator"]
    feed = api.ok("POST", "/feeds", body, 201)
    preview = api.ok("GET", f"/feeds/{feed['id']}/preview")

    runtime.builder.wait_idle()
    download = client.get(link_path(feed["url"]))
    assert download.status_code == 200
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(download.content))
    rows = workbook.get_sheet_by_name("Feed").to_python(skip_empty_area=False)
    assert rows[0] == [""] * len(COLUMNS)  # the row above the header stays empty
    # Calamine reads a blank cell as "" and every number as a float.
    cells = [[None if cell == "" else cell for cell in row] for row in rows[1:]]
    assert [preview["header"], *preview["rows"]] == cells
    assert preview["rows"][0][2:4] == [5.5, 12.5]  # numbers are numeric cells
    assert preview["rows"][1][-1] == "Stoneware,\r\nholds 300 ml"
