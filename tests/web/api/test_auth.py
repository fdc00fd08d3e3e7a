"""Every API route answers 401 with ``WWW-Authenticate`` without a valid key."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shelfcast.accounts import service as accounts
from shelfcast.db.session import transaction
from shelfcast.web.runtime import Runtime
from tests.web.api.support import Api, api_routes
from tests.web.conftest import ApiAccount, new_account


def _concrete(path: str) -> str:
    """A path template with its ids filled in (any id: auth comes before lookup)."""
    for name in (
        "{warehouse_id}",
        "{product_id}",
        "{feed_id}",
        "{price_type_id}",
        "{field_id}",
        "{import_id}",
    ):
        path = path.replace(name, "1")
    assert "{" not in path, f"a path parameter this test does not know: {path}"
    return path


def _assert_every_route_refuses(client: TestClient, headers: dict[str, str]) -> None:
    app = client.app
    assert isinstance(app, FastAPI)
    routes = sorted(api_routes(app))
    assert len(routes) >= 20
    for method, path in routes:
        response = client.request(method, _concrete(path), headers=headers, json={})
        where = f"{method} {path} with {headers}"
        assert response.status_code == 401, f"{where}: {response.status_code} {response.text}"
        assert response.headers["www-authenticate"] == "Bearer", where
        assert "API key" in response.json()["detail"], where


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer sc_not-a-key"},
        {"Authorization": "Bearer not-even-our-prefix"},
        {"Authorization": "Bearer sc_" + "x" * 10_000},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "sc_a-key-without-scheme"},
    ],
    ids=[
        "missing",
        "empty bearer",
        "blank bearer",
        "unknown key",
        "foreign format",
        "huge key",
        "basic auth",
        "no scheme",
    ],
)
def test_without_a_valid_key_every_route_answers_401(
    client: TestClient, headers: dict[str, str]
) -> None:
    _assert_every_route_refuses(client, headers)


def test_a_revoked_key_is_refused_everywhere_while_the_others_still_work(
    client: TestClient, runtime: Runtime, account: ApiAccount
) -> None:
    with transaction(runtime.database.writes) as session:
        kept, kept_raw = accounts.create_api_key(session, account.id, "kept")
        key_ids = [k.id for k in accounts.list_api_keys(session, account.id) if k.id != kept.id]
    assert Api(client, account).get("/warehouses").status_code == 200
    with transaction(runtime.database.writes) as session:
        for key_id in key_ids:
            accounts.revoke_api_key(session, account.id, key_id)

    _assert_every_route_refuses(client, account.headers)
    still = Api(client, ApiAccount(account.id, kept_raw))
    assert still.get("/warehouses").status_code == 200


def test_the_key_decides_the_account_whatever_else_the_request_says(
    client: TestClient, runtime: Runtime
) -> None:
    first, second = new_account(runtime, name="First"), new_account(runtime, name="Second")
    Api(client, first).warehouse("First's")
    # A bearer scheme in any case is accepted; the key alone picks the account.
    response = client.get(
        "/api/v1/warehouses",
        headers={"Authorization": f"bearer {second.key}", "X-Account-Id": str(first.id)},
    )
    assert response.status_code == 200
    assert response.json() == []
