"""``shelfcast backup`` and ``restore``: a restored installation serves the same links
with the same bytes."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from shelfcast.cli.main import app
from tests.web.serving import running_serve

runner = CliRunner()
FEED = {
    "store_name": "Marketplace",
    "store_url": "https://market.example",
    "file_type": "csv",
    "file_name": "stock",
    "columns": [
        {"header": "SKU", "source": "product_field", "field": "sku"},
        {"header": "Qty", "source": "product_field", "field": "quantity"},
    ],
}


def _links_and_bodies(base_url: str, api_key: str) -> dict[str, bytes]:
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=f"{base_url}/api/v1", headers=headers, timeout=60) as api:
        urls = [feed["url"] for feed in api.get("/feeds").json()]
    with httpx.Client(timeout=60) as client:
        return {
            url: client.get(url, headers={"Accept-Encoding": "identity"}).content for url in urls
        }


def test_a_backup_restored_into_an_empty_folder_serves_the_same_links_and_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = tmp_path / "original"
    original.mkdir()
    database_url = f"sqlite:///{original / 'shop.db'}"
    with running_serve(database_url, original) as (process, base_url, api_key):
        headers = {"Authorization": f"Bearer {api_key}"}
        with httpx.Client(base_url=f"{base_url}/api/v1", headers=headers, timeout=60) as api:
            warehouse = api.post("/warehouses", json={"name": "Main"}).json()["id"]
            products = [{"sku": f"P-{n}", "name": f"Product {n}"} for n in range(50)]
            api.post("/products/upsert", json={"products": products}).raise_for_status()
            levels = [
                {"sku": p["sku"], "warehouse_id": warehouse, "quantity": "2"} for p in products
            ]
            api.post("/stock/set", json={"levels": levels}).raise_for_status()
            api.patch("/integration", json={"enabled": True}).raise_for_status()
            api.post("/feeds", json={**FEED, "warehouse_ids": [warehouse]}).raise_for_status()
        before = _links_and_bodies(base_url, api_key)
        original_key = api_key

        # Online: the server keeps running while the backup is taken.
        monkeypatch.setenv("SHELFCAST_DATABASE_URL", database_url)
        monkeypatch.setenv("SHELFCAST_DATA_DIR", str(original / "data"))
        saved = runner.invoke(app, ["backup", str(tmp_path / "backup")], catch_exceptions=False)
        assert saved.exit_code == 0, saved.output
        again = runner.invoke(app, ["backup", str(tmp_path / "backup")], catch_exceptions=False)
        assert again.exit_code == 2 and "not empty" in again.output
        os.kill(process.pid, signal.SIGTERM)

    restored = tmp_path / "restored"
    restored.mkdir()
    restored_url = f"sqlite:///{restored / 'shop.db'}"
    monkeypatch.setenv("SHELFCAST_DATABASE_URL", restored_url)
    monkeypatch.setenv("SHELFCAST_DATA_DIR", str(restored / "data"))
    done = runner.invoke(app, ["restore", str(tmp_path / "backup")], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    twice = runner.invoke(app, ["restore", str(tmp_path / "backup")], catch_exceptions=False)
    assert twice.exit_code == 2 and "already exists" in twice.output

    # The restored database knows the first account's API key (and its links' tokens).
    with running_serve(restored_url, restored) as (_process, base_url, _new_key):
        after = _links_and_bodies(base_url, original_key)
    assert before  # there was something to compare
    assert {_path(url): body for url, body in before.items()} == {
        _path(url): body for url, body in after.items()
    }


def _path(url: str) -> str:
    return httpx.URL(url).path


def test_postgresql_is_pointed_to_pg_dump(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SHELFCAST_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1/none")
    result = runner.invoke(app, ["backup", str(tmp_path / "b")], catch_exceptions=False)
    assert result.exit_code == 2 and "pg_dump" in result.output
