"""Build jobs on PostgreSQL (procrastinate): the schema, one queued job per feed, and a
real ``shelfcast worker`` process that builds what web processes only enqueue."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from shelfcast.db.database import Database
from shelfcast.db.engine import make_engine
from shelfcast.db.migrate import upgrade
from shelfcast.publish import repository as repo
from shelfcast.publish.jobs import BuildJobs, conninfo, cron, ensure_schema
from tests.conftest import POSTGRES_URL, _with_search_path
from tests.publish.conftest import open_test_database
from tests.publish.support import committed_feed, set_stock

WAIT_S = 60.0


@pytest.fixture(scope="module")
def jobs_url(postgresql_url: str) -> Iterator[str]:
    """A schema of its own: procrastinate's tables stay out of the shared test schema,
    whose table list other tests check."""
    assert POSTGRES_URL
    schema = f"jobs_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _with_search_path(POSTGRES_URL, schema)
    upgrade(url)
    yield url
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _todo(database: Database) -> list[tuple[str, str]]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT task_name, queueing_lock FROM procrastinate_jobs "
                "WHERE status = 'todo' AND queueing_lock LIKE 'feed-%'"
            )
        )
        return [(row[0], row[1]) for row in rows]


def test_cron_and_conninfo() -> None:
    assert cron(5) == "*/5 * * * * *"
    assert cron(60) == "*/1 * * * *"
    assert cron(7200) == "0 * * * *"
    url = "postgresql+psycopg://u:p@127.0.0.1:5432/db?options=-csearch_path%3Dx"
    assert conninfo(url) == "postgresql://u:p@127.0.0.1:5432/db?options=-csearch_path%3Dx"


def test_postgresql_one_queued_job_per_feed(jobs_url: str) -> None:
    database = open_test_database(jobs_url)
    ensure_schema(database.engine)
    ensure_schema(database.engine)  # a second node starting: nothing to do
    jobs = BuildJobs(jobs_url)
    jobs.open()
    try:
        _account, feed_id = committed_feed(database)
        before = jobs.queued()
        for _ in range(3):
            jobs.defer(feed_id)
        assert _todo(database).count(("shelfcast.build_feed", f"feed-{feed_id}")) == 1
        assert jobs.queued() == before + 1
    finally:
        jobs.close()
        with database.engine.begin() as connection:
            connection.execute(
                text("DELETE FROM procrastinate_jobs WHERE queueing_lock = :l"),
                {"l": f"feed-{feed_id}"},
            )
        database.close()


def test_postgresql_a_worker_builds_what_was_enqueued(jobs_url: str, tmp_path: Path) -> None:
    database = open_test_database(jobs_url)
    ensure_schema(database.engine)
    account_id, feed_id = committed_feed(database)
    env = {
        **os.environ,
        "SHELFCAST_DATABASE_URL": jobs_url,
        "SHELFCAST_DATA_DIR": str(tmp_path / "worker"),
        "SHELFCAST_BUILD_JOBS": "true",
        "SHELFCAST_JOBS_REQUEUE_SECONDS": "2",
    }
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "shelfcast.cli.main", "worker", "--concurrency", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        jobs = BuildJobs(jobs_url)
        jobs.open()
        try:
            jobs.defer(feed_id)
        finally:
            jobs.close()
        key = _wait_published(database, feed_id, log)
        assert (tmp_path / "worker" / "feeds" / str(feed_id) / f"{key}.csv").exists()
        # A change nobody enqueued: the periodic check finds the feed behind and queues it.
        set_stock(database, account_id, "9")
        newer = _wait_published(database, feed_id, log, not_key=key)
        assert newer != key
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        database.close()


def _wait_published(database: Database, feed_id: int, log: Path, not_key: str = "") -> str:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        with database.sessions() as session:
            versions = repo.versions(session, feed_id)
            build = repo.get_build(session, feed_id)
        if versions and build and build.published_key == versions[1] != not_key:
            return versions[1]
        time.sleep(0.2)
    raise AssertionError(f"not built; worker log:\n{log.read_text()[-3000:]}")
