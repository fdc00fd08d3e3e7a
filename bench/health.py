"""The health page's queries against a large fetch log: ``python -m bench.health``.

Loads ``--fetches`` fetch-log rows for one feed (spread over 90 days, three
clients, 2xx/304/404) into a fresh SQLite file, or PostgreSQL with
``SHELFCAST_BENCH_POSTGRES_URL``, through the fetch log's own write (the rows
and their per-day and per-client counts), and times ``publish.health.feed_health``
(every query of the page) and the 90-day prune. Prints the figures; asserts none.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from shelfcast.accounts import service as accounts
from shelfcast.catalog import schemas as catalog_schemas
from shelfcast.catalog import service as catalog
from shelfcast.db.base import utcnow
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import FeedCreate
from shelfcast.publish import health
from shelfcast.publish import repository as repo
from shelfcast.publish.fetch_log import FetchLog
from shelfcast.settings import Settings
from shelfcast.web.runtime import Runtime

BATCH = 50_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fetches", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="shelfcast-bench-health-"))
    url = os.environ.get("SHELFCAST_BENCH_POSTGRES_URL") or f"sqlite:///{folder}/bench.db"
    runtime = Runtime.open(Settings(database_url=url, data_dir=folder / "data"))
    with transaction(runtime.database.writes) as session:
        account = accounts.create_account(session, "Bench", "business")
        warehouse = catalog.create_warehouse(
            session, account.id, catalog_schemas.WarehouseCreate(name="Main")
        )
        body = {
            "store_name": "Bench",
            "store_url": "https://bench.example",
            "warehouse_ids": [warehouse.id],
            "file_type": "csv",
            "file_name": "bench",
            "columns": [{"header": "SKU", "source": "product_field", "field": "sku"}],
        }
        feed = feeds.create_feed(session, account.id, FeedCreate.model_validate(body))
        account_id, feed_id = account.id, feed.id
    now = utcnow()
    started = time.perf_counter()
    for first in range(0, args.fetches, BATCH):
        rows = [
            {
                "account_id": account_id,
                "feed_id": feed_id,
                "at": now - timedelta(seconds=(i * 7_776_000) // args.fetches),
                "method": "GET",
                "status": (200, 200, 304, 404)[i % 4],
                "bytes": 1_000,
                "client": f"10.0.0.{i % 3}",
                "user_agent": ("RozetkaBot/2", "Googlebot/2.1", "curl/8")[i % 3],
            }
            for i in range(first, min(first + BATCH, args.fetches))
        ]
        with transaction(runtime.database.writes) as session:
            # The fetch log's own write: the rows and their counts.
            repo.add_fetches(session, rows)
            repo.add_fetch_rollups(session, rows)
    print(f"loaded {args.fetches:,} fetches in {time.perf_counter() - started:.1f} s ({url})")
    for attempt in range(3):
        started = time.perf_counter()
        with runtime.database.sessions() as session:
            page = health.feed_health(session, account_id, feed_id, "http://bench")
        took = (time.perf_counter() - started) * 1000
        total = sum(d.ok + d.not_modified + d.failed for d in page.fetches.by_day)
        print(
            f"health page queries, run {attempt + 1}: {took:.0f} ms ({total:,} fetches in 30 days)"
        )
    started = time.perf_counter()
    pruned = FetchLog(runtime.database.writes).prune(now + timedelta(days=45))
    print(f"prune of {pruned:,} fetches older than 90 days: {time.perf_counter() - started:.1f} s")
    runtime.database.close()


if __name__ == "__main__":
    main()
