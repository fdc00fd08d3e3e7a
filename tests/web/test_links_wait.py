"""A short wait bound: a request during a slow rebuild gets the previous complete file."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shelfcast.settings import Settings
from shelfcast.web.runtime import Runtime
from tests.publish.support import (
    BlockedRender,
    add_feed,
    csv_rows,
    idle,
    published_file,
    stocked_account,
    stocked_shop,
)
from tests.web.conftest import BASE_URL

LINK_WAIT_S = 0.3
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture(scope="module")
def app_settings(app_settings: Settings) -> Settings:
    """The module's app waits at most ``LINK_WAIT_S`` for a running rebuild."""
    assert app_settings.base_url == BASE_URL
    return app_settings.model_copy(update={"link_wait_seconds": LINK_WAIT_S})


def test_a_request_after_a_change_gets_the_previous_file_while_the_rebuild_runs(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runtime.settings.link_wait_seconds == LINK_WAIT_S
    shop = stocked_shop(client, runtime)
    idle(runtime)
    old = shop.fetch(**IDENTITY)
    old_gzip = shop.fetch(**{"Accept-Encoding": "gzip"})
    render = BlockedRender(monkeypatch, shop.feed_id)
    try:
        shop.stock("A-1", "77")
        assert render.started.wait(10)
        partial = [
            p for p in runtime.store.folder(shop.feed_id).iterdir() if p.name.startswith(".")
        ]
        assert partial and partial[0].stat().st_size > 0  # half the new file is on disk

        started = time.monotonic()
        stale = shop.fetch(**IDENTITY)
        waited = time.monotonic() - started
        stale_gzip = shop.fetch(**{"Accept-Encoding": "gzip"})
        stale_head = shop.fetch("HEAD", **IDENTITY)
    finally:
        render.release.set()

    assert LINK_WAIT_S <= waited < LINK_WAIT_S + 5
    assert stale.status_code == 200
    assert stale.content == old.content  # the previous file, whole
    assert stale.headers["etag"] == old.headers["etag"]
    assert stale.headers["last-modified"] == old.headers["last-modified"]
    assert int(stale.headers["age"]) >= 0
    assert stale_gzip.content == old_gzip.content
    assert stale_gzip.headers["content-encoding"] == "gzip"
    assert "age" in stale_gzip.headers
    assert stale_head.headers["etag"] == old.headers["etag"] and "age" in stale_head.headers

    idle(runtime)
    fresh = shop.fetch(**IDENTITY)
    assert "age" not in fresh.headers
    assert csv_rows(fresh.content)["A-1"][2] == "77"
    assert render.calls == 1


def test_the_age_header_counts_from_when_the_previous_file_was_built(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = stocked_shop(client, runtime)
    idle(runtime)
    path = published_file(runtime, shop.feed_id)
    built_at = time.time() - 3600
    for built in (path, Path(f"{path}.gz")):
        os.utime(built, (built_at, built_at))
    render = BlockedRender(monkeypatch, shop.feed_id)
    try:
        shop.stock("A-1", "1")
        assert render.started.wait(10)
        stale = shop.fetch(**IDENTITY)
    finally:
        render.release.set()

    assert 3600 <= int(stale.headers["age"]) < 3700
    idle(runtime)


def test_the_first_request_of_a_new_feed_waits_past_the_link_bound(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = stocked_account(client, runtime)
    render = BlockedRender(monkeypatch, account_id=shop.account.id)
    add_feed(shop)  # its first build starts, and is held
    assert render.started.wait(10)
    releasing = threading.Timer(3 * LINK_WAIT_S, render.release.set)
    releasing.start()
    try:
        started = time.monotonic()
        response = shop.fetch(**IDENTITY)
        waited = time.monotonic() - started
    finally:
        render.release.set()
        releasing.cancel()

    assert response.status_code == 200
    assert waited >= 2 * LINK_WAIT_S
    assert "age" not in response.headers
    assert csv_rows(response.content)["A-1"][2] == "5"
    assert render.calls == 1
