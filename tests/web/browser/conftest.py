"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded
browser) against a real uvicorn server on a free 127.0.0.1 port.

``make test-packages`` installs Chromium with apt when ``/usr/bin/chromium`` is
missing (``make test`` depends on it). Screenshots of the main screens go to
``test-artifacts/screenshots/`` (not in git); the run prints the folder.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from shelfcast.settings import Settings
from shelfcast.web.app import create_app
from shelfcast.web.runtime import Runtime

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
IMAGE_COLOURS = ["#c8d3f5", "#f5dcc8", "#cdebd8", "#eed3e6"]


@dataclass
class LiveServer:
    url: str
    app: FastAPI

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.app.state.runtime
        return runtime

    @property
    def images(self) -> str:
        return f"{self.url}/test-images"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run `make test-packages` (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


def _product_images(folder: Path) -> None:
    """Small product pictures, so thumbnails show something without the internet."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, colour in enumerate(IMAGE_COLOURS):
        (folder / f"{n}.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 80 80">'
            f'<rect width="80" height="80" fill="{colour}"/>'
            '<rect x="18" y="26" width="44" height="34" rx="4" fill="#fff" opacity=".85"/>'
            '<circle cx="40" cy="22" r="8" fill="#fff" opacity=".85"/></svg>',
            encoding="utf-8",
        )


@pytest.fixture(scope="module")
def live_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    folder = Path(tmp_path_factory.mktemp("live"))
    settings = Settings(
        database_url=database_url,
        data_dir=folder / "data",
        base_url=url,
        secret_key="browser-tests-secret-key-0123456789",
        link_wait_seconds=10,
        first_build_wait_seconds=30,
        # The test database holds every test's feeds: a start-up check would build them all.
        rebuild_on_start=False,
    )
    app = create_app(settings)
    _product_images(folder / "images")
    app.mount("/test-images", StaticFiles(directory=folder / "images"), name="test-images")
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, ws="none", lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(url, app)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1360, "height": 900},
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Script errors and Content-Security-Policy violations fail the test.
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, errors


def shot(page: Any, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot of the current screen for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = str(SCREENSHOTS / f"{name}.png")
    if not full_page:
        page.screenshot(path=path)
        return
    # A viewport as tall as the page, so sticky bars sit where a person sees them.
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    try:
        page.screenshot(path=path)
    finally:
        page.set_viewport_size(size)


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/overview")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"browser test screenshots: {SCREENSHOTS}")
