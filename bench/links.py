"""The link figures: freshness, and requests/s and MB/s in three set-ups.

1. ``shelfcast serve`` as a user runs it (one worker, the fetch log on): Python
   decides and sends the bytes (``link_*``);
2. a bare nginx sending the same built files as static files (``static_*``);
3. the production set-up: nginx (``deploy/nginx/shelfcast.conf``) in front of
   ``shelfcast serve`` with ``SHELFCAST_ACCEL_REDIRECT_PREFIX``: Python decides,
   nginx sends the bytes (``accel_*``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.load import LoadResult, run_wrk
from bench.nginx import STATIC_PREFIX, running_nginx
from bench.servers import HOST, free_port, running_shelfcast

ACCEL_PREFIX = "/_feedfiles/"
FIRST_BUILD_TIMEOUT_S = 900.0
FRESHNESS_TIMEOUT_S = 300.0
FRESHNESS_POLL_S = 0.02


@dataclass(frozen=True)
class Link:
    feed_id: int
    path: str  # /f/{token}/{file name}


@dataclass(frozen=True)
class StockChange:
    """A stock change of one product whose effect on the CSV feed is known."""

    api_key: str
    sku: str
    levels: list[dict[str, Any]]  # for POST /api/v1/stock/set
    expected_line_start: bytes  # the product's CSV line starts with this ...
    expected_cell: bytes  # ... and holds this


def _get(client: httpx.Client, url: str, **headers: str) -> httpx.Response:
    response = client.get(url, headers=headers)
    if response.status_code not in (200, 304):
        raise RuntimeError(f"GET {url}: {response.status_code} {response.text[:200]}")
    return response


def warm(base_url: str, links: list[Link]) -> None:
    """Fetch each link once: the first request of a feed waits for its first build."""
    with httpx.Client(timeout=FIRST_BUILD_TIMEOUT_S) as client:
        for link in links:
            _get(client, base_url + link.path, **{"Accept-Encoding": "identity"})


def freshness(base_url: str, link: Link, change: StockChange) -> dict[str, float]:
    """Seconds from sending a stock change (committed when the API answers) to the link
    serving bytes that hold it, polling with conditional requests as a marketplace would."""
    url = base_url + link.path
    with httpx.Client(timeout=FIRST_BUILD_TIMEOUT_S) as client:
        before = _get(client, url, **{"Accept-Encoding": "gzip"})
        etag = before.headers["etag"]
        started = time.perf_counter()
        response = client.post(
            f"{base_url}/api/v1/stock/set",
            json={"levels": change.levels},
            headers={"Authorization": f"Bearer {change.api_key}"},
        )
        committed = time.perf_counter() - started
        response.raise_for_status()
        polls = 0
        while True:
            polls += 1
            got = _get(client, url, **{"Accept-Encoding": "gzip", "If-None-Match": etag})
            if got.status_code == 200:
                etag = got.headers["etag"]
                if _holds(got.content, change):
                    return {
                        "freshness_s": time.perf_counter() - started,
                        "freshness_commit_s": committed,
                        "freshness_polls": polls,
                    }
            if time.perf_counter() - started > FRESHNESS_TIMEOUT_S:
                raise RuntimeError("the link never served the stock change")
            time.sleep(FRESHNESS_POLL_S)


def _holds(body: bytes, change: StockChange) -> bool:
    start = body.find(change.expected_line_start)
    if start < 0:
        return False
    end = body.find(b"\r\n", start + len(change.expected_line_start))
    return change.expected_cell in body[start : end if end >= 0 else len(body)]


def _etag(base_url: str, path: str) -> str:
    with httpx.Client(timeout=60) as client:
        return _get(client, base_url + path, **{"Accept-Encoding": "identity"}).headers["etag"]


def _load_figures(
    prefix: str, base_url: str, small: str, big: str, say: Callable[[str], None]
) -> dict[str, Any]:
    """requests/s of 200s and of 304s for the small file, MB/s for the big one."""
    figures: dict[str, Any] = {}
    etag = _etag(base_url, small)
    runs: list[tuple[str, str, dict[str, str]]] = [
        (f"{prefix}_200_rps", small, {}),
        (f"{prefix}_304_rps", small, {"If-None-Match": etag}),
        (f"{prefix}_big_mb_per_s", big, {}),
    ]
    for name, path, headers in runs:
        say(f"wrk: {name}")
        result = run_wrk(base_url + path, headers=headers)
        _check(name, result)
        value = result.mb_per_s if name.endswith("mb_per_s") else result.requests_per_s
        figures[name] = value
        figures[f"{name}_detail"] = {
            "requests": result.requests,
            "seconds": result.seconds,
            "bytes": result.bytes,
            "errors": result.errors,
        }
    return figures


def _check(name: str, result: LoadResult) -> None:
    if result.bad_status:
        raise RuntimeError(f"{name}: {result.bad_status} responses with an error status")


def link_figures(
    *,
    database_url: str,
    data_dir: Path,
    work_dir: Path,
    small: Link,
    big: Link,
    change: StockChange,
    file_path: Callable[[Link], Path],
    settle: Callable[[], None],
    say: Callable[[str], None],
) -> dict[str, Any]:
    """Every link figure, the three set-ups one after the other on the same files."""
    figures: dict[str, Any] = {}

    say("shelfcast serve: first builds of the link files")
    with running_shelfcast(database_url, data_dir, work_dir / "serve.log") as server:
        started = time.perf_counter()
        warm(server.base_url, [small, big])
        figures["first_request_s"] = time.perf_counter() - started
        say("freshness")
        figures.update(freshness(server.base_url, big, change))
        # The change queued the account's other feeds (XLSX, XLS) too: let those
        # builds finish before measuring, or they would share the CPU with the load.
        say("waiting for the change's other builds")
        settle()
        figures.update(_load_figures("link", server.base_url, small.path, big.path, say))

    say("nginx: static files, and in front of shelfcast serve with X-Accel-Redirect")
    with running_shelfcast(
        database_url,
        data_dir,
        work_dir / "serve-accel.log",
        accel_redirect_prefix=ACCEL_PREFIX,
    ) as server:
        warm(server.base_url, [small, big])  # the files the links serve now
        static_path = {
            link.feed_id: STATIC_PREFIX + str(file_path(link).relative_to(data_dir / "feeds"))
            for link in (small, big)
        }
        nginx_port, static_port = free_port(), free_port()
        with running_nginx(
            work_dir / "nginx",
            listen_port=nginx_port,
            upstream=f"{HOST}:{server.port}",
            data_dir=data_dir,
            static_port=static_port,
        ):
            figures.update(
                _load_figures(
                    "static",
                    f"http://{HOST}:{static_port}",
                    static_path[small.feed_id],
                    static_path[big.feed_id],
                    say,
                )
            )
            figures.update(
                _load_figures("accel", f"http://{HOST}:{nginx_port}", small.path, big.path, say)
            )
    return figures
