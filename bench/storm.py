"""A stream of stock writes while clients fetch a feed link: how fast and how whole
the answers are, and how soon the last write shows.

Used by ``make bench`` (``link_p99_under_writes_s``, ``freshness_under_writes_s``),
by the write-storm test (``tests/web/test_links_storm.py``) and by hand:

    python -m bench.storm --base-url http://127.0.0.1:8130 --link /f/... \\
        --api-key ... --sku P-1 --sku P-2 --warehouse-id 1 --rate 70 --seconds 20

One writer per SKU sets its product's stock to 1, 2, 3, ... (``rate`` writes a
second in all);
``fetchers`` clients fetch the link back to back (gzip accepted, as marketplaces
do). Every answer is checked whole (a gzip stream that ends early, or a CSV that
does not end with its line break, is incomplete).
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

FRESHNESS_TIMEOUT_S = 120.0


@dataclass
class StormResult:
    writes: int = 0
    write_errors: int = 0
    fetches: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    incomplete: int = 0
    latencies: list[float] = field(default_factory=list)
    last_quantities: dict[str, int] = field(default_factory=dict)
    freshness_s: float | None = None  # last write answered -> link serves it
    incomplete_example: str = ""  # what the first incomplete answer looked like

    @property
    def unavailable(self) -> int:
        return self.statuses[503]

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def figures(self) -> dict[str, Any]:
        return {
            "writes": self.writes,
            "write_errors": self.write_errors,
            "fetches": self.fetches,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "incomplete": self.incomplete,
            "p50_s": self.percentile(50),
            "p99_s": self.percentile(99),
            "max_s": max(self.latencies, default=0.0),
            "mean_s": statistics.fmean(self.latencies) if self.latencies else 0.0,
            "freshness_s": self.freshness_s,
            "incomplete_example": self.incomplete_example,
        }


def body_of(response: httpx.Response) -> bytes | None:
    """The whole file of a 200 answer, or None when it is cut short (httpx has
    already decompressed a gzip answer, and raises on a gzip stream cut short)."""
    raw = response.content
    return raw if raw.endswith(b"\n") else None


def quantity_in(body: bytes, sku: str, separator: str = ",") -> str | None:
    """The second cell of the product's line (the feeds of the storm put Qty there)."""
    for line in body.decode("utf-8-sig").splitlines():
        cells = line.split(separator)
        if cells and cells[0] == sku:
            return cells[1] if len(cells) > 1 else None
    return None


def run_storm(
    *,
    base_url: str,
    link: str,
    api_key: str,
    skus: list[str],
    warehouse_id: int,
    rate: float,
    seconds: float,
    fetchers: int = 4,
    complete: Callable[[bytes], bool] | None = None,
) -> StormResult:
    """``rate`` writes a second in all, spread over one writer per SKU (a write waits
    for its answer, so one writer alone is held to the server's write latency)."""
    result = StormResult()
    lock = threading.Lock()
    stop = threading.Event()
    last_answered = [time.perf_counter()]

    def fetch_loop() -> None:
        with httpx.Client(base_url=base_url, timeout=120) as client:
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    response = client.get(link, headers={"Accept-Encoding": "gzip"})
                except httpx.HTTPError as error:  # a cut connection or gzip stream
                    status, whole, example = 0, None, repr(error)
                else:
                    status, example = response.status_code, f"{response.content[:60]!r}"
                    whole = body_of(response) if status == 200 else b""
                took = time.perf_counter() - started
                ok = whole is not None and (complete is None or not whole or complete(whole))
                with lock:
                    if not ok and not result.incomplete_example:
                        result.incomplete_example = f"{status}: {example}"
                    result.fetches += 1
                    result.statuses[status] += 1
                    result.latencies.append(took)
                    result.incomplete += 0 if ok else 1

    def write_loop(sku: str) -> None:
        headers = {"Authorization": f"Bearer {api_key}"}
        each = rate / len(skus)
        with httpx.Client(base_url=base_url, timeout=60, headers=headers) as api:
            started = time.perf_counter()
            quantity = 0
            while time.perf_counter() - started < seconds:
                quantity += 1
                level = {"sku": sku, "warehouse_id": warehouse_id, "quantity": str(quantity)}
                response = api.post("/api/v1/stock/set", json={"levels": [level]})
                with lock:
                    result.writes += 1
                    if response.status_code == 200:
                        result.last_quantities[sku] = quantity
                        last_answered[0] = max(last_answered[0], time.perf_counter())
                    else:
                        result.write_errors += 1
                pause = quantity / each - (time.perf_counter() - started)
                if pause > 0:
                    time.sleep(pause)

    threads = [threading.Thread(target=fetch_loop, daemon=True) for _ in range(fetchers)]
    writers = [threading.Thread(target=write_loop, args=(sku,), daemon=True) for sku in skus]
    for thread in [*threads, *writers]:
        thread.start()
    for thread in writers:
        thread.join(seconds + 120)
    stop.set()
    for thread in threads:
        thread.join(120)
    result.freshness_s = _freshness(base_url, link, result.last_quantities, last_answered[0])
    return result


def _freshness(base_url: str, link: str, last: dict[str, int], since: float) -> float | None:
    """Seconds from the last write's answer until the link serves every last quantity."""
    with httpx.Client(base_url=base_url, timeout=120) as client:
        while time.perf_counter() - since < FRESHNESS_TIMEOUT_S:
            response = client.get(link, headers={"Accept-Encoding": "identity"})
            if response.status_code == 200 and all(
                quantity_in(response.content, sku) == str(quantity)
                for sku, quantity in last.items()
            ):
                return time.perf_counter() - since
            time.sleep(0.02)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A write storm against one feed link.")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--link", required=True, help="/f/{token}/{file name}")
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--sku", action="append", required=True, help="one writer each")
    parser.add_argument("--warehouse-id", type=int, required=True)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--fetchers", type=int, default=4)
    args = parser.parse_args(argv)
    result = run_storm(
        base_url=args.base_url,
        link=args.link,
        api_key=args.api_key,
        skus=args.sku,
        warehouse_id=args.warehouse_id,
        rate=args.rate,
        seconds=args.seconds,
        fetchers=args.fetchers,
    )
    print(json.dumps({"rate": args.rate, **result.figures()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
