"""An id in a path that can name nothing (too large for the database, not positive) is a 422.

Ids are 32-bit in the database: without the bound a larger number reached the
driver and failed there (a 500 on both databases).
"""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.api.support import Api, api_routes, locs
from tests.web.conftest import ApiAccount

PARAMETER = re.compile(r"\{(\w+)\}")
# A valid body where a route takes one, so only the id can be wrong.
BODIES = {
    ("PATCH", "/api/v1/warehouses/{warehouse_id}"): {"name": "Renamed"},
    ("PATCH", "/api/v1/custom-fields/{field_id}"): {"label": "Renamed"},
}


def _routes_with_ids(client: TestClient) -> list[tuple[str, str, str]]:
    app = client.app
    assert isinstance(app, FastAPI)
    found = [
        (method, path, name)
        for method, path in sorted(api_routes(app))
        for name in PARAMETER.findall(path)
    ]
    assert len(found) >= 9
    return found


@pytest.mark.parametrize("bad", [0, -1, 2**31, 2**63, 2**70, "1.5", "abc"])
def test_every_id_route_answers_422_naming_the_parameter(
    client: TestClient, account: ApiAccount, bad: object
) -> None:
    api = Api(client, account)
    for method, path, name in _routes_with_ids(client):
        concrete = path.removeprefix("/api/v1").replace(f"{{{name}}}", str(bad))
        response = api.request(method, concrete, json=BODIES.get((method, path), {}))
        assert locs(response) == [("path", name)], (method, path)


def test_the_largest_id_is_an_ordinary_404(client: TestClient, account: ApiAccount) -> None:
    api = Api(client, account)
    for method, path, name in _routes_with_ids(client):
        concrete = path.removeprefix("/api/v1").replace(f"{{{name}}}", str(2**31 - 1))
        response = api.request(method, concrete, json=BODIES.get((method, path), {}))
        assert response.status_code == 404, (method, path, response.text)
