"""``shelfcast serve`` stops within its grace period on SIGTERM, even while a request
waits for a first build that cannot make progress (another process holds its lock)."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import filelock
import httpx
from sqlalchemy import func, select

from shelfcast.db.engine import make_engine
from shelfcast.feeds.models import FeedFile
from shelfcast.publish.store import FileStore
from tests.web.serving import running_serve

GRACE_S = 2
# The server's own shutdown on top of the grace period (builder, fetch log, database).
SHUTDOWN_MARGIN_S = 8


def _next_feed_ids(database_url: str, count: int) -> list[int]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            highest = connection.scalar(select(func.max(FeedFile.id))) or 0
    finally:
        engine.dispose()
    return list(range(highest + 1, highest + 1 + count))


def test_sigterm_stops_serve_within_its_grace_period_during_a_stuck_build(
    database_url: str, tmp_path: Path
) -> None:
    with running_serve(database_url, tmp_path, shutdown_grace_seconds=str(GRACE_S)) as (
        process,
        base_url,
        api_key,
    ):
        store = FileStore(tmp_path / "data")
        # Whichever id the new feed gets, its build lock is held by "another worker".
        locks = [
            filelock.FileLock(str(store.lock_path(feed_id)), timeout=0)
            for feed_id in _next_feed_ids(database_url, 20)
        ]
        for lock in locks:
            lock.acquire()
        try:
            headers = {"Authorization": f"Bearer {api_key}"}
            with httpx.Client(base_url=f"{base_url}/api/v1", headers=headers) as api:
                warehouse = api.post("/warehouses", json={"name": "Main"}).json()["id"]
                api.post("/products/upsert", json={"products": [{"sku": "A", "name": "A"}]})
                api.patch("/integration", json={"enabled": True})
                feed = api.post(
                    "/feeds",
                    json={
                        "store_name": "Marketplace",
                        "store_url": "https://market.example",
                        "warehouse_ids": [warehouse],
                        "file_type": "csv",
                        "file_name": "stock",
                        "columns": [{"header": "SKU", "source": "product_field", "field": "sku"}],
                    },
                ).json()
            answers: list[object] = []

            def fetch() -> None:
                try:
                    answers.append(httpx.get(feed["url"], timeout=60).status_code)
                except httpx.HTTPError as error:
                    answers.append(error)

            waiting = threading.Thread(target=fetch, daemon=True)
            waiting.start()
            waiting.join(1.0)
            assert waiting.is_alive(), "the first fetch did not wait for the build"

            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=GRACE_S + SHUTDOWN_MARGIN_S + 20)
            took = time.monotonic() - started
        finally:
            for lock in locks:
                lock.release()

    assert took < GRACE_S + SHUTDOWN_MARGIN_S, took
    waiting.join(10)
    assert answers  # the waiting client got an answer or a closed connection, not a hang
