"""The import pages without a browser: upload, mapping, create missing, check, import, export."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from shelfcast.web.runtime import Runtime
from tests.web.merchants import new_merchant
from tests.web.ui.conftest import csrf_of, signed_in

FRENCH = (
    "Référence;Désignation;Prix TTC;Quantité\n"
    "0012;Crème hydratante à l'aloé;12,50;3\n"
    "0013;Café moulu;douze;1\n"
).encode("cp1252")


def _finished(browser: TestClient, runtime: Runtime, url: str) -> str:
    assert runtime.imports.wait_idle()
    return browser.get(url).text


def test_upload_map_check_fix_and_import(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, name="Boutique", products=0)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = csrf_of(browser.get("/imports").text)
    response = browser.post(
        "/imports", data={"csrf_token": token}, files={"file": ("cat.csv", FRENCH)},
        follow_redirects=False,
    )  # fmt: skip
    assert response.headers["location"] == "/imports/new"
    mapping = browser.get("/imports/new").text
    assert "cp1252" in mapping and "semicolon" in mapping
    assert 'value="stock:Main warehouse" selected' in mapping
    assert "Crème hydratante" in mapping
    # "Prix TTC" proposes the account's first price type; map it to a new one instead.
    form = {
        "csrf_token": token, "header": ["Référence", "Désignation", "Prix TTC", "Quantité"],
        "target": ["sku", "name", "price:TTC", "stock:Main warehouse"],
    }  # fmt: skip
    created = browser.post("/imports/new/definitions", data={**form, "currency": "EUR"})
    assert created.status_code == 200
    assert "price:TTC" in browser.get("/imports/new").text
    checked = browser.post("/imports/new", data=form, follow_redirects=False)
    job_url = checked.headers["location"]
    page = _finished(browser, runtime, job_url)
    assert 'data-status="validated"' in page and "douze" in page
    errors = browser.get(job_url + "/errors.csv")
    assert "Prix TTC" in errors.content.decode("utf-8-sig")
    # The fixed file, checked, then imported.
    fixed = FRENCH.replace(b"douze", b"12")
    browser.post("/imports", data={"csrf_token": token}, files={"file": ("cat.csv", fixed)})
    checked = browser.post("/imports/new", data=form, follow_redirects=False)
    page = _finished(browser, runtime, checked.headers["location"])
    assert 'data-testid="error-count">0<' in page
    job_id = re.search(r"/imports/(\d+)/apply", page)
    assert job_id
    applied = browser.post(
        f"/imports/{job_id.group(1)}/apply", data={"csrf_token": token}, follow_redirects=False
    )
    page = _finished(browser, runtime, applied.headers["location"])
    assert 'data-status="succeeded"' in page
    # The imported file is deleted: importing the same check again says so.
    again = browser.post(
        f"/imports/{job_id.group(1)}/apply", data={"csrf_token": token}, follow_redirects=False
    )
    page = _finished(browser, runtime, again.headers["location"])
    assert 'data-status="failed"' in page and "upload it again" in page
    assert "0012" in browser.get("/products").text
    export = browser.get("/imports/export?format=csv")
    assert export.content.decode("utf-8-sig").splitlines()[1].startswith("0012,")
    assert "cat.csv" in browser.get("/imports").text


def test_the_mapping_page_without_an_upload_goes_back(client: TestClient, runtime: Runtime) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    browser = signed_in(app, new_merchant(runtime, products=0))
    assert browser.get("/imports/new", follow_redirects=False).headers["location"] == "/imports"
