"""A real uvicorn server in a thread, for tests that need truly parallel requests.

The TestClient runs one request at a time through the app; races (plan limits,
SQLite's locks) only show with a server that takes requests concurrently.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from shelfcast.settings import Settings
from shelfcast.web.app import create_app

# One request made on its own thread, with its own connection: answers what it checks.
Call = Callable[[httpx.Client], Any]


@contextmanager
def live_server(settings: Settings) -> Iterator[str]:
    """Serve ``create_app(settings)`` on a free 127.0.0.1 port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings),
        log_level="warning",
        lifespan="on",
        ws="none",
        http="h11",
        loop="asyncio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive(), "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def in_parallel(calls: Sequence[Call], base_url: str) -> list[Any]:
    """Run each call on its own thread and connection, all released at the same moment."""
    barrier = threading.Barrier(len(calls))

    def run(call: Call) -> Any:
        with httpx.Client(base_url=base_url, timeout=60) as http:
            http.get("/api/v1/docs")  # connect before the start line (a small page)
            barrier.wait()
            return call(http)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))
