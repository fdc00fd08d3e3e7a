"""Every error answer carries a stable ``type`` code, in English whatever the caller's
language, and the OpenAPI document lists every code."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shelfcast.web.errors import ERROR_TYPES
from shelfcast.web.runtime import Runtime
from tests.web.api.support import API_PREFIX, Api, feed_body
from tests.web.conftest import new_account

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def test_each_kind_of_error_answers_its_type(client: TestClient, runtime: Runtime) -> None:
    api = Api(client, new_account(runtime))
    hobby = Api(client, new_account(runtime, plan="hobby"))
    api.warehouse("Main")
    answers = {
        "invalid_input": api.post("/warehouses", {"name": ""}, headers=FRENCH),
        "unauthorized": client.get(f"{API_PREFIX}/warehouses", headers=FRENCH),
        "not_found": api.get("/feeds/999999", headers=FRENCH),
        "conflict": api.post("/warehouses", {"name": "Main"}, headers=FRENCH),
        "plan_limit": hobby.post("/feeds", feed_body([hobby.warehouse()]), headers=FRENCH),
        "method_not_allowed": api.request("PUT", "/warehouses", headers=FRENCH),
    }
    for kind, response in answers.items():
        status_code, _meaning = ERROR_TYPES[kind]
        assert response.status_code == status_code, (kind, response.text)
        assert response.json()["type"] == kind, response.text
    # English messages, whatever the Accept-Language.
    assert "already exists" in answers["conflict"].json()["detail"]
    assert answers["not_found"].json()["detail"] == "Not found."
    assert "Business" in answers["plan_limit"].json()["detail"]
    field = answers["invalid_input"].json()["detail"][0]
    assert field["loc"][-1] == "name" and field["type"]


def test_a_schema_error_is_invalid_input_too(client: TestClient, runtime: Runtime) -> None:
    api = Api(client, new_account(runtime))
    response = api.post("/warehouses", {"name": 5, "extra": 1})
    assert response.status_code == 422
    body = response.json()
    assert body["type"] == "invalid_input"
    assert {tuple(e["loc"]) for e in body["detail"]} >= {("body", "extra")}


def test_the_openapi_document_lists_every_type(client: TestClient) -> None:
    description = client.get(f"{API_PREFIX}/openapi.json").json()["info"]["description"]
    for kind, (status_code, _meaning) in ERROR_TYPES.items():
        assert f"| `{kind}` | {status_code} |" in description
