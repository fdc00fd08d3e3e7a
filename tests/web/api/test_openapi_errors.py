"""The OpenAPI document declares the error answers each route can give, with their shape."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.api.support import PUBLIC_API_PATHS

OPERATIONS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    result: dict[str, Any] = client.get("/api/v1/openapi.json").json()
    return result


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        if path not in PUBLIC_API_PATHS
        for method, operation in item.items()
        if method in OPERATIONS
    ]


def test_every_operation_declares_401_and_422(document: dict[str, Any]) -> None:
    found = operations(document)
    assert len(found) > 30
    missing = [(m, p) for m, p, op in found if not {"401", "422"} <= set(op["responses"])]
    assert missing == []


def test_every_operation_with_a_path_id_declares_404(document: dict[str, Any]) -> None:
    missing = [
        (m, p) for m, p, op in operations(document) if "{" in p and "404" not in op["responses"]
    ]
    assert missing == []


def test_writes_declare_409_and_json_bodies_413(document: dict[str, Any]) -> None:
    for method, path, operation in operations(document):
        responses = operation["responses"]
        if method != "get":
            assert "409" in responses, (method, path)
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            assert "413" in responses, (method, path)
    creating = document["paths"]["/api/v1/feeds"]["post"]["responses"]
    assert "403" in creating  # the plan's feed file limit


def test_error_answers_carry_the_error_shape(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["Error"]["required"] == ["detail"]
    assert set(schemas["Error"]["properties"]) >= {"detail", "type"}
    feed = document["paths"]["/api/v1/feeds/{feed_id}"]["get"]["responses"]
    assert feed["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    unprocessable = feed["422"]["content"]["application/json"]["schema"]
    assert unprocessable == {"$ref": "#/components/schemas/HTTPValidationError"}


def test_the_codes_in_the_bodies_match_the_document(client: TestClient, account: Any) -> None:
    response = client.get("/api/v1/feeds/999999", headers=account.headers)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "type": "not_found"}
