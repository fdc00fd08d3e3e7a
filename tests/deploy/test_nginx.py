"""The production set-up of deploy/nginx/shelfcast.conf, for real: Debian's nginx in front
of a ``shelfcast serve`` subprocess with ``SHELFCAST_ACCEL_REDIRECT_PREFIX``.

Python decides (token, status, version, 304); nginx sends the file. Every check
compares what a client gets through nginx with the bytes the renderer makes.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from shelfcast.accounts import service as accounts
from shelfcast.catalog import schemas as catalog_schemas
from shelfcast.catalog import service as catalog
from shelfcast.db.database import open_database
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import FeedCreate
from shelfcast.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SITE_TEMPLATE = REPO / "deploy" / "nginx" / "shelfcast.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
ACCEL_PREFIX = "/_feedfiles/"
START_TIMEOUT_S = 60.0
HOST = "127.0.0.1"

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx; make bench does)"
)


@dataclass
class Shop:
    base_url: str  # nginx
    link: str  # path of the enabled CSV feed's link
    disabled_link: str
    feed_id: int
    expected: bytes  # the feed's file as the renderer makes it
    data_dir: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{process.args[0]} did not start: {log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def render_site(listen: str, upstream: str, data_dir: Path) -> str:
    """The template with its three variables filled in, as envsubst does it."""
    text = SITE_TEMPLATE.read_text()
    for name, value in (
        ("SHELFCAST_LISTEN", listen),
        ("SHELFCAST_UPSTREAM", upstream),
        ("SHELFCAST_DATA_DIR", str(data_dir)),
    ):
        text = text.replace("${" + name + "}", value)
    return text


def nginx_config(prefix: Path, site: str) -> str:
    # As root nginx's workers would be "nobody", who cannot enter pytest's 0700 folders.
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    default_type application/octet-stream;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{site}
}}
"""


def _seed(settings: Settings) -> tuple[int, str, str, bytes]:
    """An account with three products, one CSV feed enabled and one disabled."""
    database = open_database(settings)
    try:
        with transaction(database.writes) as session:
            account = accounts.create_account(session, "Nginx shop", "business")
            warehouse = catalog.create_warehouse(
                session, account.id, catalog_schemas.WarehouseCreate(name="Main")
            )
            retail = catalog.create_price_type(
                session, account.id, catalog_schemas.PriceTypeCreate(name="Retail", currency="EUR")
            )
            catalog.upsert_products(
                session,
                account.id,
                catalog_schemas.ProductsUpsert.model_validate(
                    {
                        "products": [
                            {"sku": f"N-{n}", "name": name, "prices": {"Retail": f"{n}.50"}}
                            for n, name in enumerate(
                                ["Плед «Уют»", 'Mug "Grand", 350 ml; blanc', "Sécateur"] * 200,
                                start=1,
                            )
                        ]
                    }
                ),
            )
            catalog.set_stock(
                session,
                account.id,
                catalog_schemas.StockSet.model_validate(
                    {
                        "levels": [
                            {"sku": f"N-{n}", "warehouse_id": warehouse.id, "quantity": n}
                            for n in range(1, 601)
                        ]
                    }
                ),
            )
            feeds.set_integration_enabled(session, account.id, True)
            made = [
                feeds.create_feed(
                    session,
                    account.id,
                    FeedCreate.model_validate(
                        {
                            "store_name": "Market",
                            "store_url": "https://market.example",
                            "warehouse_ids": [warehouse.id],
                            "file_type": "csv",
                            "file_name": name,
                            "enabled": enabled,
                            "columns": [
                                {"header": "SKU", "source": "product_field", "field": "sku"},
                                {"header": "Name", "source": "product_field", "field": "name"},
                                {"header": "Qty", "source": "product_field", "field": "quantity"},
                                {"header": "Price", "source": "price", "price_type_id": retail.id},
                            ],
                        }
                    ),
                )
                for name, enabled in (("stock", True), ("paused", False))
            ]
            reads = feeds.feed_reads(session, made, "http://unused")
            expected = io.BytesIO()
            feeds.render_feed_file(session, made[0], expected)
        paths = [read.url.removeprefix("http://unused") for read in reads]
        return made[0].id, paths[0], paths[1], expected.getvalue()
    finally:
        database.close()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    assert NGINX is not None
    root = tmp_path_factory.mktemp("nginx")
    data_dir = root / "data"
    database_url = f"sqlite:///{root / 'shelfcast.db'}"
    settings = Settings(database_url=database_url, data_dir=data_dir)
    feed_id, link, disabled_link, expected = _seed(settings)

    app_port, nginx_port = _free_port(), _free_port()
    app_log = root / "serve.log"
    env = {
        **os.environ,
        "SHELFCAST_DATABASE_URL": database_url,
        "SHELFCAST_DATA_DIR": str(data_dir),
        "SHELFCAST_SECRET_KEY": "test-secret",
        "SHELFCAST_ACCEL_REDIRECT_PREFIX": ACCEL_PREFIX,
    }
    command = [sys.executable, "-m", "shelfcast.cli.main", "serve", "--port", str(app_port)]
    with open(app_log, "wb") as log:
        app = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(app_port, app, app_log)
        prefix = root / "nginx"
        prefix.mkdir()
        site = render_site(f"{HOST}:{nginx_port}", f"{HOST}:{app_port}", data_dir)
        (prefix / "nginx.conf").write_text(nginx_config(prefix, site))
        nginx_log = prefix / "error.log"
        nginx = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(nginx_log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_port(nginx_port, nginx, nginx_log)
            base_url = f"http://{HOST}:{nginx_port}"
            # The first request of a feed waits for its first build.
            httpx.get(base_url + link, timeout=START_TIMEOUT_S).raise_for_status()
            yield Shop(base_url, link, disabled_link, feed_id, expected, data_dir)
        finally:
            _stop(nginx)
    finally:
        _stop(app)


@pytest.fixture
def client(shop: Shop) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=shop.base_url, timeout=START_TIMEOUT_S) as client:
        yield client


def _key(shop: Shop) -> str:
    """The version key of the feed's built file (the fixture's first request built it)."""
    (path,) = (shop.data_dir / "feeds" / str(shop.feed_id)).glob("*.csv")
    return path.name.removesuffix(".csv")


def _raw(client: httpx.Client, path: str, **headers: str) -> tuple[httpx.Response, bytes]:
    """The response and its body exactly as sent (not decompressed)."""
    with client.stream("GET", path, headers=headers) as response:
        return response, b"".join(response.iter_raw())


def test_the_link_sends_the_built_file_through_nginx(client: httpx.Client, shop: Shop) -> None:
    response, body = _raw(client, shop.link, **{"Accept-Encoding": "identity"})

    assert response.status_code == 200
    assert body == shop.expected
    assert response.headers["server"].startswith("nginx")
    assert "x-accel-redirect" not in response.headers
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-length"] == str(len(shop.expected))
    assert response.headers["content-disposition"].startswith('attachment; filename="stock.csv"')
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["etag"] == f'"{shop.feed_id}-{_key(shop)}"'
    assert "content-encoding" not in response.headers
    on_disk = list((shop.data_dir / "feeds" / str(shop.feed_id)).glob("*.csv"))
    assert [path.read_bytes() for path in on_disk] == [shop.expected]


def test_a_matching_etag_gets_304_from_the_app(client: httpx.Client, shop: Shop) -> None:
    first = client.get(shop.link)
    etag = first.headers["etag"]

    again = client.get(shop.link, headers={"If-None-Match": etag})

    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get(shop.link, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_csv_goes_out_pre_compressed_to_clients_that_take_gzip(
    client: httpx.Client, shop: Shop
) -> None:
    plain = client.get(shop.link, headers={"Accept-Encoding": "identity"})

    response, body = _raw(client, shop.link, **{"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == shop.expected  # compressed once, not twice
    assert response.headers["etag"] == plain.headers["etag"].removesuffix('"') + '-gz"'
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    revalidated = client.get(
        shop.link, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["etag"]}
    )
    assert revalidated.status_code == 304


def test_nginx_answers_ranges_of_the_file(client: httpx.Client, shop: Shop) -> None:
    response, body = _raw(client, shop.link, Range="bytes=10-59", **{"Accept-Encoding": "gzip"})

    assert response.status_code == 206
    assert body == shop.expected[10:60]
    assert response.headers["content-range"] == f"bytes 10-59/{len(shop.expected)}"
    assert "content-encoding" not in response.headers


def test_head_has_the_headers_of_get_and_no_body(client: httpx.Client, shop: Shop) -> None:
    got = client.get(shop.link, headers={"Accept-Encoding": "identity"})

    head = client.head(shop.link, headers={"Accept-Encoding": "identity"})

    assert head.status_code == 200
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "content-disposition"):
        assert head.headers[name] == got.headers[name], name


def test_what_should_not_be_served_is_404(client: httpx.Client, shop: Shop) -> None:
    assert client.get(shop.disabled_link).status_code == 404
    assert client.get(shop.link.replace("/f/", "/f/x")).status_code == 404
    # The files themselves are reachable only through the app's redirect.
    assert client.get(f"{ACCEL_PREFIX}{shop.feed_id}/{_key(shop)}.csv").status_code == 404
    assert client.get("/metrics").status_code == 404  # scraped on the node, not through nginx
