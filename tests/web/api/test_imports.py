"""The import API: upload, follow, errors as CSV; feeds rebuilt once after the commit."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shelfcast.web.runtime import Runtime
from tests.web.api.support import Api, link_path, locs
from tests.web.conftest import ApiAccount

FRENCH = (
    "Référence;Désignation;Prix TTC;Quantité\n"
    "0012;Crème hydratante à l'aloé;12,50;3\n"
    "0013;Café moulu;1 234,00;1\n"
).encode("cp1252")


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


def upload(api: Api, content: bytes, name: str = "catalog.csv", **form: Any) -> Any:
    return api.request("POST", "/imports", files={"file": (name, content)}, data=form)


def finished(api: Api, runtime: Runtime, job: dict[str, Any]) -> dict[str, Any]:
    assert runtime.imports.wait_idle()
    result: dict[str, Any] = api.ok("GET", f"/imports/{job['id']}")
    return result


def test_upload_import_and_follow(api: Api, runtime: Runtime) -> None:
    warehouse_id = api.warehouse("Main")
    api.price_type("Retail")
    api.ok("PATCH", "/integration", {"enabled": True})
    feed = api.feed([warehouse_id])
    runtime.builder.wait_idle()
    response = upload(api, FRENCH)
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["status"] == "queued" and job["reading"]["encoding"] == "cp1252"
    done = finished(api, runtime, job)
    assert {k: done[k] for k in ("status", "rows_total", "rows_done", "created", "errors")} == {
        "status": "succeeded",
        "rows_total": 2,
        "rows_done": 2,
        "created": 2,
        "errors": [],
    }
    assert done["mapping"]["Quantité"] == "stock:Main"
    runtime.builder.wait_idle()
    link = api.client.get(link_path(feed["url"]))
    assert link.text.splitlines() == ["SKU;Qty", "0012;3", "0013;1"]
    listed = api.ok("GET", "/imports")
    assert [j["id"] for j in listed][:1] == [job["id"]]


def test_a_bad_row_is_reported_and_nothing_changes(api: Api, runtime: Runtime) -> None:
    api.warehouse("Main")
    api.price_type("Retail")
    bad = FRENCH + "0014;Thé;12,5,0;1\n".encode("cp1252")
    done = finished(api, runtime, upload(api, bad).json())
    assert done["status"] == "failed" and done["error_count"] == 1
    assert done["errors"][0]["row"] == 4 and done["errors"][0]["column"] == "Prix TTC"
    assert api.all_products() == []
    errors = api.get(f"/imports/{done['id']}/errors.csv")
    assert errors.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(errors.content.decode("utf-8-sig"))))
    assert rows[0] == ["row", "column", "value", "message"]
    assert rows[1][:3] == ["4", "Prix TTC", "12,5,0"]


def test_form_options_and_mapping(api: Api, runtime: Runtime) -> None:
    api.warehouse("Depot")
    text = "title\n\nRef|Name|Left\nX-1|Thing|2\n"
    mapping = json.dumps({"Ref": "sku", "Name": "name", "Left": "stock:Depot"})
    response = upload(
        api, text.encode(), mapping=mapping, separator="|", header_row="3", dry_run="true"
    )
    assert response.status_code == 202, response.text
    done = finished(api, runtime, response.json())
    assert (done["status"], done["created"], done["mapping"]["Left"]) == (
        "validated",
        1,
        "stock:Depot",
    )
    assert api.all_products() == []


@pytest.mark.parametrize(
    ("form", "loc", "message"),
    [
        ({"mapping": "{"}, ("body", "mapping"), "must be a JSON object"),
        ({"mapping": "[1]"}, ("body", "mapping"), "header to target"),
        (
            {"mapping": '{"Référence": "sku", "Prix TTC": "price:Nope"}'},
            ("body", "mapping"),
            "no price types: Nope",
        ),
        ({"separator": "x"}, ("body", "separator"), "must be one of"),
        ({"mode": "merge"}, ("body", "mode"), ""),
    ],
)
def test_bad_requests_are_422_naming_the_field(
    api: Api, form: dict[str, str], loc: tuple[str, ...], message: str
) -> None:
    api.warehouse("Main")
    api.price_type("Retail")
    response = upload(api, FRENCH, **form)
    assert response.status_code == 422, response.text
    assert loc in locs(response)
    assert message in response.text


def test_a_file_that_is_not_a_spreadsheet(api: Api) -> None:
    response = upload(api, b"\x00\x01\x02binary", name="x.png")
    assert response.status_code == 422
    assert ("body", "file") in locs(response)


def test_another_accounts_import_is_not_found(
    api: Api, runtime: Runtime, other_account: ApiAccount
) -> None:
    api.warehouse("Main")
    api.price_type("Retail")
    job = finished(api, runtime, upload(api, FRENCH).json())
    other = Api(api.client, other_account)
    assert other.get(f"/imports/{job['id']}").status_code == 404
    assert other.get(f"/imports/{job['id']}/errors.csv").status_code == 404
    assert other.ok("GET", "/imports") == []


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(api: Api, runtime: Runtime, export_format: str) -> None:
    warehouse_id = api.warehouse("Main")
    api.price_type("Retail")
    api.upsert(
        {"sku": "007", "name": "Кава", "prices": {"Retail": "12.5"}, "category": ["A", "B"]},
        {"sku": "008", "name": "Tea", "images": ["https://x.test/1.jpg"]},
    )
    api.stock(("007", warehouse_id, "1.125"))
    response = api.get("/products/export", params={"format": export_format})
    assert response.status_code == 200, response.text
    assert f"catalog.{export_format}" in response.headers["content-disposition"]
    done = finished(api, runtime, upload(api, response.content, f"catalog.{export_format}").json())
    assert (done["status"], done["unchanged"], done["created"], done["updated"]) == (
        "succeeded",
        2,
        0,
        0,
    )
    exported = list(
        csv.reader(io.StringIO(api.get("/products/export").content.decode("utf-8-sig")))
    )
    assert exported[0][:2] == ["sku", "name"] and exported[1][0] == "007"
    assert api.get("/products/export", params={"format": "pdf"}).status_code == 422
