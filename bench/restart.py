"""Restart convergence after ``kill -9``: seconds from the restarted server's start
until the file of a change committed just before the kill is on disk, with no
request to the link.

    python -m bench.restart --products 50000
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from bench import catalog as bench_catalog
from bench.servers import running_shelfcast
from bench.storm_run import _api_key, _storm_feed
from shelfcast.db.engine import make_engine
from shelfcast.publish.models import FeedBuild
from shelfcast.publish.store import FileStore

CONVERGE_TIMEOUT_S = 120.0


def _feed_id(link: str, base_url: str, api_key: str) -> int:
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=f"{base_url}/api/v1", headers=headers, timeout=60) as api:
        for feed in api.get("/feeds").json():
            if httpx.URL(feed["url"]).path == link:
                return int(feed["id"])
    raise RuntimeError("the storm feed is gone")


def restart_convergence(
    database_url: str, meta: dict[str, Any], work_dir: Path, port: int | None = None
) -> dict[str, Any]:
    main = meta["main"]
    api_key = _api_key(database_url, main["account_id"])
    data_dir = work_dir / "restart-data"
    sku = bench_catalog.sku_of(bench_catalog.ACCOUNT_NAME, 1)
    warehouse = main["warehouse_ids"][0]
    with running_shelfcast(database_url, data_dir, work_dir / "restart-1.log", port=port) as server:
        link = _storm_feed(server.base_url, api_key, warehouse)
        with httpx.Client(timeout=900) as client:
            client.get(server.base_url + link).raise_for_status()  # the first build
        feed_id = _feed_id(link, server.base_url, api_key)
        level = {"sku": sku, "warehouse_id": warehouse, "quantity": "424242"}
        httpx.post(
            f"{server.base_url}/api/v1/stock/set",
            json={"levels": [level]},
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=60,
        ).raise_for_status()
        os.kill(server.process.pid, signal.SIGKILL)  # committed, not yet built
        server.process.wait()
    engine = make_engine(database_url)
    store = FileStore(data_dir)
    try:
        with running_shelfcast(
            database_url, data_dir, work_dir / "restart-2.log", port=port
        ) as server:
            started = time.perf_counter()
            while time.perf_counter() - started < CONVERGE_TIMEOUT_S:
                with engine.connect() as connection:
                    key = connection.scalar(
                        select(FeedBuild.published_key).where(FeedBuild.feed_id == feed_id)
                    )
                if key and store.path(feed_id, key, "csv").exists():
                    text = store.path(feed_id, key, "csv").read_text(encoding="utf-8-sig")
                    if f"{sku},424242" in text:
                        return {"restart_convergence_s": time.perf_counter() - started}
                time.sleep(0.05)
    finally:
        engine.dispose()
    return {"restart_convergence_s": None, "timeout_s": CONVERGE_TIMEOUT_S}


def main(argv: list[str] | None = None) -> int:
    from bench.run import CACHE, sqlite_catalog

    parser = argparse.ArgumentParser(description="Convergence after kill -9 and a restart.")
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=bench_catalog.DEFAULT_SEED)
    parser.add_argument("--port", type=int, default=None, help="for the server (default: free)")
    args = parser.parse_args(argv)
    run_dir = CACHE / "restart-run"
    run_dir.mkdir(parents=True, exist_ok=True)
    url, meta = sqlite_catalog(args.products, args.seed, False, run_dir, "restart", fresh=False)
    print(
        json.dumps(
            {"products": args.products, **restart_convergence(url, meta, run_dir, args.port)}
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
