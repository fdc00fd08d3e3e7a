"""Page tests without a browser: signed-in TestClients against the module's app."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import BASE_URL
from tests.web.merchants import Merchant

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def browser_for(app: FastAPI) -> TestClient:
    """A client with its own cookie jar (the app is already running)."""
    return TestClient(app, base_url=BASE_URL)


def signed_in(app: FastAPI, merchant: Merchant) -> TestClient:
    client = browser_for(app)
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": merchant.email, "password": merchant.password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def token_of(client: TestClient, path: str = "/warehouses") -> str:
    return csrf_of(client.get(path).text)
