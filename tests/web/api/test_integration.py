"""``/integration``: the account's switch, off for a new account, and what it does to links."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from shelfcast.web.runtime import Runtime
from tests.web.api.support import Api, link_path, locs
from tests.web.conftest import ApiAccount


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


def test_off_for_a_new_account_and_switched_by_patch(api: Api) -> None:
    assert api.get("/integration").json() == {"enabled": False}
    response = api.patch("/integration", {"enabled": True})
    assert response.status_code == 200
    assert response.json() == {"enabled": True}
    assert api.get("/integration").json() == {"enabled": True}
    # Setting the same value again is fine.
    assert api.patch("/integration", {"enabled": True}).json() == {"enabled": True}
    assert api.patch("/integration", {"enabled": False}).json() == {"enabled": False}
    assert api.get("/integration").json() == {"enabled": False}


@pytest.mark.parametrize(
    "body",
    [{}, {"enabled": None}, {"enabled": "sometimes"}, {"enabled": [True]}, {"on": True}],
    ids=["missing", "null", "word", "list", "unknown field"],
)
def test_invalid_bodies_answer_422_and_change_nothing(api: Api, body: dict[str, Any]) -> None:
    api.ok("PATCH", "/integration", {"enabled": True})
    found = locs(api.patch("/integration", body))
    assert found[0][0] == "body"
    assert found[0][1:] in ((), ("enabled",), ("on",))
    assert api.get("/integration").json() == {"enabled": True}


def test_the_switch_stops_and_restores_every_link_of_the_account(
    api: Api, client: TestClient, runtime: Runtime
) -> None:
    warehouse = api.warehouse()
    api.upsert({"sku": "A", "name": "Apples"})
    api.stock(("A", warehouse, "4"))
    links = [link_path(api.feed([warehouse], file_name=f"feed{i}")["url"]) for i in range(2)]
    runtime.builder.wait_idle()

    # Off for a new account: the links exist but answer 404, like unknown ones.
    for link in links:
        assert client.get(link).status_code == 404
    api.ok("PATCH", "/integration", {"enabled": True})
    for link in links:
        response = client.get(link)
        assert response.status_code == 200
        assert response.text == "SKU;Qty\r\nA;4\r\n"
    api.ok("PATCH", "/integration", {"enabled": False})
    for link in links:
        response = client.get(link)
        assert response.status_code == 404
        assert response.content == b""
    api.ok("PATCH", "/integration", {"enabled": True})
    assert [client.get(link).status_code for link in links] == [200, 200]
