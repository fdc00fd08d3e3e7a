"""Feed links behind nginx (``accel_redirect_prefix`` set): the app decides and names the
file in ``X-Accel-Redirect``; nginx sends it (tests/deploy/test_nginx.py runs nginx)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shelfcast.settings import Settings
from shelfcast.web.runtime import Runtime
from tests.publish.support import Shop, fetches, idle, published_file, stocked_shop
from tests.web.conftest import BASE_URL

PREFIX = "/_feedfiles/"


@pytest.fixture(scope="module")
def app_settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=Path(tmp_path_factory.mktemp("data")),
        base_url=BASE_URL,
        secret_key="test-secret",
        accel_redirect_prefix=PREFIX,
    )


@pytest.fixture
def shop(client: TestClient, runtime: Runtime) -> Shop:
    shop = stocked_shop(client, runtime)
    idle(runtime)
    return shop


def test_a_link_names_the_built_file_for_nginx_and_sends_no_body(
    shop: Shop, runtime: Runtime
) -> None:
    path = published_file(runtime, shop.feed_id)

    response = shop.fetch(**{"Accept-Encoding": "identity"})

    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["x-accel-redirect"] == f"{PREFIX}{shop.feed_id}/{path.name}"
    assert response.headers["etag"] == f'"{shop.feed_id}-{path.name.removesuffix(".csv")}"'
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="stock.csv"')
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["last-modified"]
    assert "content-encoding" not in response.headers


def test_gzip_clients_are_sent_to_the_pre_compressed_file(shop: Shop, runtime: Runtime) -> None:
    path = published_file(runtime, shop.feed_id)

    response = shop.fetch(**{"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["x-accel-redirect"] == f"{PREFIX}{shop.feed_id}/{path.name}.gz"
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["etag"].endswith('-gz"')
    # A range is of the plain file (nginx answers it).
    ranged = shop.fetch(**{"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
    assert ranged.headers["x-accel-redirect"] == f"{PREFIX}{shop.feed_id}/{path.name}"


def test_304_and_head_are_still_decided_by_the_app(shop: Shop) -> None:
    first = shop.fetch()

    not_modified = shop.fetch(**{"If-None-Match": first.headers["etag"]})
    head = shop.fetch("HEAD")

    assert not_modified.status_code == 304
    assert "x-accel-redirect" not in not_modified.headers
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["x-accel-redirect"] == first.headers["x-accel-redirect"]


def test_the_fetch_log_counts_the_file_nginx_sends(shop: Shop, runtime: Runtime) -> None:
    size = published_file(runtime, shop.feed_id).stat().st_size

    shop.fetch(**{"Accept-Encoding": "identity"})

    logged = fetches(runtime, shop.feed_id)[-1]
    assert (logged.status, logged.bytes) == (200, size)
