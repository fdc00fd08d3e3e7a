"""``nosniff`` on every kind of response, and a CSP on the API docs pages."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from shelfcast.web import ui
from shelfcast.web.runtime import Runtime
from tests.publish.support import idle, stocked_shop


def test_feed_files_docs_static_and_json_are_not_sniffed(
    client: TestClient, runtime: Runtime
) -> None:
    shop = stocked_shop(client, runtime)
    idle(runtime)
    answers = {
        "feed": shop.fetch(),
        "docs": client.get("/api/v1/docs"),
        "redoc": client.get("/api/v1/redoc"),
        "openapi": client.get("/api/v1/openapi.json"),
        "not found": client.get("/f/nope/nope.csv"),
    }
    for name, response in answers.items():
        assert response.headers.get("x-content-type-options") == "nosniff", name
    assert "frame-ancestors 'none'" in answers["docs"].headers["content-security-policy"]
    assert "content-security-policy" in answers["redoc"].headers


def test_static_files_are_not_sniffed(client: TestClient) -> None:
    static = Path(ui.__file__).parent / "static"
    name = next(p.name for p in static.iterdir() if p.is_file())
    response = client.get(f"/static/{name}")
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
