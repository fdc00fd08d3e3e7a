"""The write storm against ``shelfcast serve`` on a bench catalog: link latency and
freshness while stock changes, at several write rates.

    python -m bench.storm_run --products 50000 --rate 10 --rate 70 --seconds 20

``make bench`` runs it at 20 writes/s (``link_p99_under_writes_s``,
``freshness_under_writes_s``). A CSV feed of SKU and quantity is added to the
bench account through the API, so the check of each answer reads its lines.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import httpx

from bench import catalog as bench_catalog
from bench.servers import running_shelfcast
from bench.storm import run_storm
from shelfcast.accounts import service as accounts
from shelfcast.db.database import open_database
from shelfcast.db.session import transaction
from shelfcast.settings import Settings

WRITERS = 8
FETCHERS = 4


def _api_key(database_url: str, account_id: int) -> str:
    database = open_database(Settings(database_url=database_url))
    try:
        with transaction(database.writes) as session:
            _key, api_key = accounts.create_api_key(session, account_id, name="storm")
    finally:
        database.close()
    return api_key


def _storm_feed(base_url: str, api_key: str, warehouse_id: int) -> str:
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=f"{base_url}/api/v1", headers=headers, timeout=60) as api:
        api.patch("/integration", json={"enabled": True}).raise_for_status()
        created = api.post(
            "/feeds",
            json={
                "store_name": "Storm",
                "store_url": "https://storm.example",
                "warehouse_ids": [warehouse_id],
                "file_type": "csv",
                "file_name": "storm",
                "columns": [
                    {"header": "SKU", "source": "product_field", "field": "sku"},
                    {"header": "Qty", "source": "product_field", "field": "quantity"},
                ],
            },
        )
        created.raise_for_status()
        return httpx.URL(created.json()["url"]).path


def storm_figures(
    database_url: str,
    meta: dict[str, Any],
    work_dir: Path,
    rates: list[float],
    seconds: float,
    port: int | None = None,
) -> dict[str, Any]:
    """Per rate: fetch latency p50/p99, 503s, incomplete answers, freshness."""
    main = meta["main"]
    api_key = _api_key(database_url, main["account_id"])
    data_dir = work_dir / "storm-data"
    shutil.rmtree(data_dir, ignore_errors=True)
    figures: dict[str, Any] = {}
    log = work_dir / "storm.log"
    with running_shelfcast(database_url, data_dir, log, port=port) as server:
        link = _storm_feed(server.base_url, api_key, main["warehouse_ids"][0])
        with httpx.Client(timeout=900) as client:
            client.get(server.base_url + link).raise_for_status()  # the first build
        skus = [bench_catalog.sku_of(bench_catalog.ACCOUNT_NAME, n) for n in range(1, WRITERS + 1)]
        for rate in rates:
            result = run_storm(
                base_url=server.base_url,
                link=link,
                api_key=api_key,
                skus=skus,
                warehouse_id=main["warehouse_ids"][0],
                rate=rate,
                seconds=seconds,
                fetchers=FETCHERS,
            )
            figures[f"storm_{rate:g}_per_s"] = result.figures()
    return figures


def main(argv: list[str] | None = None) -> int:
    from bench.run import CACHE, sqlite_catalog

    parser = argparse.ArgumentParser(description="Link latency under a stream of writes.")
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=bench_catalog.DEFAULT_SEED)
    parser.add_argument("--port", type=int, default=None, help="for the server (default: free)")
    parser.add_argument("--rate", type=float, action="append", help="writes a second")
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args(argv)
    run_dir = CACHE / "storm-run"
    run_dir.mkdir(parents=True, exist_ok=True)
    url, meta = sqlite_catalog(args.products, args.seed, False, run_dir, "storm", fresh=False)
    figures = storm_figures(url, meta, run_dir, args.rate or [10, 70], args.seconds, args.port)
    print(
        json.dumps({"products": args.products, "commit": os.environ.get("COMMIT", ""), **figures})
    )
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
