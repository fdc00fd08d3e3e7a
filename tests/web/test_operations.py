"""``/healthz``, ``/readyz`` and ``/metrics``: what a load balancer and Prometheus read."""

from __future__ import annotations

import dataclasses
import re

import pytest
from fastapi.testclient import TestClient

from shelfcast.db.database import Database
from shelfcast.db.engine import make_engine, make_session_factory
from shelfcast.publish.storage import open_storage
from shelfcast.web.operations import readiness_problems
from shelfcast.web.runtime import Runtime
from tests.publish.support import FailingRender, idle, stocked_shop
from tests.seaweed import free_port


def metric(text: str, name: str, labels: str = "", default: float | None = None) -> float:
    pattern = rf"^{re.escape(name)}{re.escape(labels)} (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    if found is None and default is not None:
        return default
    assert found is not None, f"{name}{labels} not in:\n{text}"
    return float(found.group(1))


def test_healthz_answers_without_credentials(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok\n")
    assert response.headers["cache-control"] == "no-store"


def test_readyz_answers_ready_while_database_and_storage_answer(client: TestClient) -> None:
    response = client.get("/readyz")
    assert (response.status_code, response.text) == (200, "ready\n")


def test_readyz_names_each_unreachable_dependency(runtime: Runtime) -> None:
    gone = make_engine(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    settings = runtime.settings.model_copy(
        update={
            "storage_url": "s3://shelfcast-missing",
            "s3_endpoint_url": f"http://127.0.0.1:{free_port()}",
            "s3_timeout_seconds": 1,
        }
    )
    broken = dataclasses.replace(
        runtime,
        database=Database(gone, make_session_factory(gone), make_session_factory(gone)),
        storage=open_storage(settings),
    )
    try:
        problems = readiness_problems(broken)
    finally:
        gone.dispose()
    assert len(problems) == 2
    assert problems[0].startswith("database: OperationalError")
    assert problems[1].startswith("storage: object storage bucket 'shelfcast-missing'")


def test_readyz_is_503_with_the_reason(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = runtime.settings.model_copy(
        update={"storage_url": "s3://shelfcast-missing", "s3_timeout_seconds": 1}
    )
    settings = settings.model_copy(update={"s3_endpoint_url": f"http://127.0.0.1:{free_port()}"})
    monkeypatch.setattr(runtime, "storage", open_storage(settings))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.text.startswith("not ready\nstorage: object storage bucket")


def test_metrics_count_fetches_and_show_the_backlog(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = stocked_shop(client, runtime)
    idle(runtime)
    before = client.get("/metrics")
    assert before.status_code == 200
    assert before.headers["content-type"].startswith("text/plain; version=")
    sent = '{method="GET",status="200"}'
    fetched_before = metric(before.text, "shelfcast_link_fetches_total", sent, default=0)
    assert shop.fetch().status_code == 200
    assert shop.fetch("GET", shop.link + "x").status_code == 404

    FailingRender(monkeypatch, shop.feed_id, error=OSError("disk full"))
    shop.stock("A-1", "42")
    idle(runtime)
    after = client.get("/metrics").text
    assert metric(after, "shelfcast_link_fetches_total", sent) == fetched_before + 1
    assert metric(after, "shelfcast_link_fetches_total", '{method="GET",status="404"}') >= 1
    assert metric(after, "shelfcast_feeds_behind") >= 1
    assert metric(after, "shelfcast_feeds_failing") >= 1
    assert metric(after, "shelfcast_backlog_oldest_seconds") >= 0
    assert metric(after, "shelfcast_build_queue_depth") == 0
    assert "# TYPE shelfcast_build_seconds histogram" in after
    assert metric(after, "shelfcast_build_seconds_count", '{outcome="built"}') >= 1
    assert metric(after, "shelfcast_build_seconds_count", '{outcome="failed"}') >= 1
