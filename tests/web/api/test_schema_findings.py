"""What the schemathesis run (`make test-schema`) found, each kept as a regression test."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.api.support import API_PREFIX, Api, feed_body
from tests.web.conftest import ApiAccount


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


@pytest.mark.parametrize("preset", [{}, [], 1])
def test_a_preset_that_is_not_a_name_is_bad_input(api: Api, preset: object) -> None:
    """``"preset": {}`` was a 500 (a dict looked up among the presets' names)."""
    warehouse = api.warehouse("Main")
    response = api.post("/feeds", feed_body([warehouse], preset=preset))
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "preset"]


def test_a_body_that_is_not_text_is_a_documented_400(api: Api, client: TestClient) -> None:
    response = api.request(
        "PATCH",
        "/custom-fields/1",
        content=b"\x1f\x8b\x0c\x03\xff\xfeOH\x04",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    document = client.get(f"{API_PREFIX}/openapi.json").json()
    answers = document["paths"]["/api/v1/custom-fields/{field_id}"]["patch"]["responses"]
    assert "400" in answers


@pytest.mark.parametrize("grace_days", [False, True, "3"])
def test_rotate_link_takes_grace_days_only_as_a_number(api: Api, grace_days: object) -> None:
    """``{"grace_days": false}`` was taken as 0 days and the link rotated."""
    warehouse = api.warehouse("Main")
    feed = api.feed([warehouse])
    response = api.post(f"/feeds/{feed['id']}/rotate-link", {"grace_days": grace_days})
    assert response.status_code == 422, response.text
    assert api.get(f"/feeds/{feed['id']}").json()["url"] == feed["url"]
    assert api.post(f"/feeds/{feed['id']}/rotate-link", {"grace_days": 2}).status_code == 200
