"""``/warehouses``: list, create, read, rename."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.api.support import Api, locs
from tests.web.conftest import ApiAccount


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


def test_create_list_read_and_rename(api: Api) -> None:
    assert api.get("/warehouses").json() == []

    created = api.post("/warehouses", {"name": "  Main store  "})
    assert created.status_code == 201
    main = created.json()
    assert main == {"id": main["id"], "name": "Main store"}  # surrounding blanks go
    backroom = api.ok("POST", "/warehouses", {"name": "Backroom"}, 201)

    assert api.get("/warehouses").json() == [main, backroom]
    assert api.get(f"/warehouses/{main['id']}").json() == main

    renamed = api.patch(f"/warehouses/{main['id']}", {"name": "Front"})
    assert renamed.status_code == 200
    assert renamed.json() == {"id": main["id"], "name": "Front"}
    assert api.get(f"/warehouses/{main['id']}").json()["name"] == "Front"
    # Renaming to its own name is no change and no conflict.
    assert api.patch(f"/warehouses/{main['id']}", {"name": "Front"}).status_code == 200


def test_names_are_unique_within_the_account(api: Api) -> None:
    first = api.warehouse("Main")
    second = api.warehouse("Second")

    again = api.post("/warehouses", {"name": "Main"})
    assert again.status_code == 409
    assert "already exists" in again.json()["detail"]
    clash = api.patch(f"/warehouses/{second}", {"name": "Main"})
    assert clash.status_code == 409
    assert [w["id"] for w in api.get("/warehouses").json()] == [first, second]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"name": ""}, ("body", "name")),
        ({"name": "   "}, ("body", "name")),
        ({"name": "x" * 201}, ("body", "name")),
        ({"name": "Main\nstore"}, ("body", "name")),
        ({"name": 12}, ("body", "name")),
        ({}, ("body", "name")),
        ({"name": "Main", "city": "Paris"}, ("body", "city")),
    ],
    ids=["empty", "blank", "too long", "line break", "not text", "missing", "unknown field"],
)
def test_invalid_names_answer_422_naming_the_field(
    api: Api, body: dict[str, Any], loc: tuple[str, ...]
) -> None:
    assert locs(api.post("/warehouses", body)) == [loc]
    main = api.warehouse("Main")
    assert locs(api.patch(f"/warehouses/{main}", body)) == [loc]
    assert [w["name"] for w in api.get("/warehouses").json()] == ["Main"]


def test_unknown_ids_answer_404(api: Api) -> None:
    assert api.get("/warehouses/999999").status_code == 404
    assert api.patch("/warehouses/999999", {"name": "X"}).status_code == 404
    assert locs(api.get("/warehouses/abc")) == [("path", "warehouse_id")]


def test_a_body_that_is_not_json_answers_422(api: Api) -> None:
    response = api.request(
        "POST", "/warehouses", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert api.get("/warehouses").json() == []
