"""End to end: ``shelfcast serve --workers 2`` on a real port, two processes sharing
the database and the data folder, build a change once and serve it."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from shelfcast.publish.builder import BUSY_RETRY_S
from tests.publish.support import csv_rows

START_S = 90.0  # two worker processes importing the app, on a busy 2-core machine too
CHANGE_S = 10.0  # a change shows on the link within this
WATCH_S = 4 * BUSY_RETRY_S  # then nothing is built again, retries included
PRODUCTS = 1000
FETCHERS = 12


@dataclass
class Server:
    base_url: str
    api_key: str
    data_dir: Path
    log: Path

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=f"{self.base_url}/api/v1",
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=CHANGE_S,
        )


def _command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("shelfcast")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "shelfcast.cli.main", *args]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SHELFCAST_DATABASE_URL": database_url,
        "SHELFCAST_DATA_DIR": str(tmp_path / "data"),
        "SHELFCAST_BASE_URL": base_url,
        "SHELFCAST_SECRET_KEY": secrets.token_urlsafe(32),
        "SHELFCAST_REBUILD_ON_START": "false",  # the test database holds every test's feeds
    }
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            _command("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"),
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers go with it
        )
    try:
        created = subprocess.run(  # while the workers start
            _command("accounts", "create", "--name", "End to end", "--plan", "business"),
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=START_S,
            check=True,
        )
        api_key = json.loads(created.stdout)["api_key"]
        _wait_until_up(process, base_url, log)
        yield Server(base_url, api_key, tmp_path / "data", log)
    finally:
        _stop(process)


def _build_recorded(api: httpx.Client, feed_id: int) -> dict[str, Any]:
    deadline = time.monotonic() + START_S
    while (build := _ok(api.get(f"/feeds/{feed_id}"))["build"]) is None:
        assert time.monotonic() < deadline, "the build served was never recorded"
        time.sleep(0.05)
    return dict(build)


def _wait_until_up(process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/api/v1/openapi.json", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the server did not answer within {START_S} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            pass
    # Whatever is left of the group this test started (the workers).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=15)


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_two_workers_serve_a_change_after_building_it_once(server: Server) -> None:
    with server.api() as api, _link_client() as fetcher:
        warehouse = _ok(api.post("/warehouses", json={"name": "Main"}), 201)["id"]
        # Enough rows that a build takes a while: time for both workers to be asked.
        products = [{"sku": f"P-{i:05}", "name": f"Product {i}"} for i in range(PRODUCTS)]
        _ok(api.post("/products/upsert", json={"products": products}))
        levels = [{"sku": p["sku"], "warehouse_id": warehouse, "quantity": "3"} for p in products]
        _ok(api.post("/stock/set", json={"levels": levels}))
        _ok(api.patch("/integration", json={"enabled": True}))
        body = {
            "store_name": "Marketplace",
            "store_url": "https://market.example",
            "warehouse_ids": [warehouse],
            "file_type": "csv",
            "file_name": "stock",
            "columns": [
                {"header": "SKU", "source": "product_field", "field": "sku"},
                {"header": "Qty", "source": "product_field", "field": "quantity"},
            ],
        }
        feed = _ok(api.post("/feeds", json=body), 201)
        link = feed["url"]
        assert link.startswith(f"{server.base_url}/f/")
        folder = server.data_dir / "feeds" / str(feed["id"])

        def fetch(_: object = None) -> httpx.Response:
            response = fetcher.get(link)
            assert response.status_code == 200, server.log.read_text()
            return response

        first = fetch()  # the first request waits for the build
        assert csv_rows(first.content, ",")["P-00001"] == ["P-00001", "3"]
        # The file is renamed in a moment before its build is recorded.
        before = _build_recorded(api, feed["id"])
        assert before["status"] == "ok"
        with ThreadPoolExecutor(FETCHERS) as pool:
            # Open a connection per fetcher now: the kernel spreads them over the workers.
            assert {r.content for r in pool.map(fetch, range(FETCHERS))} == {first.content}

            with _FolderWatch(folder) as watch:
                change = {"sku": "P-00001", "warehouse_id": warehouse, "quantity": "4"}
                _ok(api.post("/stock/set", json={"levels": [change]}))
                # Right after the commit, both workers are asked while the file is built.
                during = list(pool.map(fetch, range(FETCHERS)))
                shown = _fetch_until(fetch, lambda rows: rows["P-00001"] == ["P-00001", "4"])
                build = _ok(api.get(f"/feeds/{feed['id']}"))["build"]
                # Both workers keep answering from that one build; neither builds it again.
                watch_until = time.monotonic() + WATCH_S
                while time.monotonic() < watch_until:
                    assert {r.content for r in pool.map(fetch, range(FETCHERS))} == {shown.content}
                    time.sleep(0.05)

        assert {r.content for r in during} <= {first.content, shown.content}
        assert shown.headers["etag"] != first.headers["etag"]
        assert build["built_at"] != before["built_at"]
        after = _ok(api.get(f"/feeds/{feed['id']}"))["build"]
        assert (after["status"], after["built_at"]) == ("ok", build["built_at"])
        # The replaced version stays for its grace period: a request may have chosen it.
        built = max(
            (p for p in folder.iterdir() if p.suffix == ".csv"), key=lambda p: p.stat().st_mtime
        )
        assert {built.name, f"{built.name}.gz"} <= {p.name for p in folder.iterdir()}
        assert len(list(folder.iterdir())) == 4  # this version's and the one before
        assert watch.files[built.name] == {built.stat().st_ino}, "the file was built twice"
        assert watch.most_temporary <= 1, "two builds ran at once"


def _link_client() -> httpx.Client:
    limits = httpx.Limits(max_connections=FETCHERS, max_keepalive_connections=FETCHERS)
    return httpx.Client(timeout=CHANGE_S, limits=limits)


def _fetch_until(fetch: Any, shows: Any) -> httpx.Response:
    deadline = time.monotonic() + CHANGE_S
    while True:
        response: httpx.Response = fetch()
        if shows(csv_rows(response.content, ",")):
            return response
        assert time.monotonic() < deadline, "the change did not show on the link in time"
        time.sleep(0.02)


class _FolderWatch:
    """Samples a feed's folder every millisecond or two from another thread: the
    inodes each file name had, and the most temporary (in-progress) files at once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, set[int]] = {}
        self.most_temporary = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _FolderWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(CHANGE_S)

    def _run(self) -> None:
        while not self._stop.wait(0.001):
            temporary = 0
            with contextlib.suppress(FileNotFoundError):
                for entry in os.scandir(self.folder):
                    if entry.name.startswith(".tmp-"):
                        temporary += entry.name.endswith(".csv")
                        continue
                    with contextlib.suppress(FileNotFoundError):
                        self.files.setdefault(entry.name, set()).add(entry.inode())
            self.most_temporary = max(self.most_temporary, temporary)
