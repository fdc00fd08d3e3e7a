"""`make test-schema`: schemathesis against a real `shelfcast serve`.

Starts the server on a free loopback port with a fresh SQLite database and data
folder, creates an account and an API key with `shelfcast accounts create`, adds
a little data through the API (a warehouse, a price type, a custom field, a
product with stock, a feed) so the first ids exist, then runs a bounded
schemathesis run against /api/v1/openapi.json with every check but the ones
.ci/schemathesis.toml turns off, each with its reason. Any 5xx or answer that breaks the
document fails the run (exit status of schemathesis).

SCHEMA_MAX_EXAMPLES (default 25) bounds the examples per operation.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_EXAMPLES = os.environ.get("SCHEMA_MAX_EXAMPLES", "25")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("shelfcast serve exited before answering")
        try:
            if httpx.get(f"{base}/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("shelfcast serve did not answer within 90 s")


def seed(base: str, key: str) -> None:
    """One of each thing, so that path id 1 names something of the account."""
    with httpx.Client(base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {key}"}) as api:

        def ok(path: str, body: object) -> dict[str, object]:
            response = api.post(path, json=body)
            response.raise_for_status()
            answer: dict[str, object] = response.json()
            return answer

        warehouse = ok("/warehouses", {"name": "Main"})["id"]
        ok("/price-types", {"name": "Retail", "currency": "EUR"})
        ok("/custom-fields", {"key": "color", "label": "Color", "type": "text"})
        ok("/products/upsert", {"products": [{"sku": "A-1", "name": "Apples"}]})
        ok("/stock/set", {"levels": [{"sku": "A-1", "warehouse_id": warehouse, "quantity": "5"}]})
        columns = [
            {"header": "SKU", "source": "product_field", "field": "sku"},
            {"header": "Qty", "source": "product_field", "field": "quantity"},
        ]
        ok(
            "/feeds",
            {
                "store_name": "Market",
                "store_url": "https://market.example",
                "warehouse_ids": [warehouse],
                "file_type": "csv",
                "csv_separator": "semicolon",
                "file_name": "stock",
                "header_row": 1,
                "columns": columns,
            },
        )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="shelfcast-schema-") as folder:
        env = {
            **os.environ,
            "SHELFCAST_DATABASE_URL": f"sqlite:///{folder}/shelfcast.db",
            "SHELFCAST_DATA_DIR": f"{folder}/data",
            "SHELFCAST_SECRET_KEY": "schema-check-" + "x" * 32,
        }
        subprocess.run([BIN / "shelfcast", "db", "upgrade"], env=env, check=True)
        created = subprocess.run(
            [BIN / "shelfcast", "accounts", "create", "--name", "Fuzz", "--plan", "business"],
            env=env,
            check=True,
            capture_output=True,
        )
        key = json.loads(created.stdout)["api_key"]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = [BIN / "shelfcast", "serve", "--host", "127.0.0.1", "--port", str(port)]
        server = subprocess.Popen(serve, env={**env, "SHELFCAST_BASE_URL": base})
        try:
            wait_until_up(base, server)
            seed(base, key)
            run = [
                BIN / "schemathesis", "--config-file", str(CONFIG), "run", f"{base}/api/v1/openapi.json",
                "--max-examples", MAX_EXAMPLES,
                "--header", f"Authorization: Bearer {key}",
                "--seed", os.environ.get("SCHEMA_SEED", "1"),
                "--suppress-health-check", "all",
            ]  # fmt: skip
            return subprocess.run(run, env=env).returncode
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)


if __name__ == "__main__":
    raise SystemExit(main())
