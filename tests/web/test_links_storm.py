"""A stream of writes against a real ``shelfcast serve`` while clients fetch the link:
every answer is a whole file, none is a 503, answers do not wait for builds that
the next write makes stale, and the last file holds the last stock.

Bounded for CI: a catalog of ``PRODUCTS`` products (enough that a build takes
longer than the time between two writes, the case that used to stall) and
``STORM_S`` seconds at ``RATE`` writes a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bench.storm import quantity_in, run_storm

from tests.web.serving import running_serve

PRODUCTS = 3000
RATE = 30.0  # writes a second asked for
STORM_S = 20.0
FETCHERS = 3
WRITERS = [f"P-{n}" for n in range(1, 9)]  # one writer each: a write waits for its answer
AT_LEAST = 20.0  # writes a second the storm must reach
# A link answers from a complete file at once; this leaves room for a busy CI machine.
P99_BOUND_S = 3.0  # the old code: ~10 s (a wait for a version never built)
FRESHNESS_BOUND_S = 10.0


@pytest.fixture
def serve(database_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    with running_serve(database_url, tmp_path) as (_process, base_url, api_key):
        yield base_url, api_key


def _ok(response: httpx.Response, status: int = 200) -> dict[str, object]:
    assert response.status_code == status, response.text
    body: dict[str, object] = response.json()
    return body


def test_links_answer_whole_files_at_once_under_a_stream_of_writes(
    serve: tuple[str, str],
) -> None:
    base_url, api_key = serve
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=f"{base_url}/api/v1", headers=headers, timeout=60) as api:
        warehouse = int(str(_ok(api.post("/warehouses", json={"name": "Main"}), 201)["id"]))
        products = [{"sku": f"P-{n}", "name": f"Product {n}"} for n in range(1, PRODUCTS + 1)]
        _ok(api.post("/products/upsert", json={"products": products}))
        levels = [{"sku": p["sku"], "warehouse_id": warehouse, "quantity": "1"} for p in products]
        _ok(api.post("/stock/set", json={"levels": levels}))
        _ok(api.patch("/integration", json={"enabled": True}))
        feed = {
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
        link = httpx.URL(str(_ok(api.post("/feeds", json=feed), 201)["url"])).path
    with httpx.Client(base_url=base_url, timeout=120) as client:
        assert client.get(link).status_code == 200  # the first build

    result = run_storm(
        base_url=base_url,
        link=link,
        api_key=api_key,
        skus=WRITERS,
        warehouse_id=warehouse,
        rate=RATE,
        seconds=STORM_S,
        fetchers=FETCHERS,
        complete=lambda body: body.count(b"\n") == PRODUCTS + 1,
    )

    figures = result.figures()
    assert result.writes >= AT_LEAST * STORM_S, figures  # the storm did happen
    assert result.write_errors == 0, figures
    assert result.fetches > 0 and set(result.statuses) == {200}, figures  # no 503
    assert result.incomplete == 0, figures
    assert result.percentile(99) < P99_BOUND_S, figures
    assert result.freshness_s is not None and result.freshness_s < FRESHNESS_BOUND_S, figures
    with httpx.Client(base_url=base_url, timeout=60) as client:
        last = client.get(link, headers={"Accept-Encoding": "identity"})
    assert {sku: quantity_in(last.content, sku) for sku in WRITERS} == {
        sku: str(quantity) for sku, quantity in result.last_quantities.items()
    }
