"""The fetch log: fetches buffered in memory, written in batches, never breaking serving."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shelfcast.db.base import utcnow
from shelfcast.db.database import Database
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.publish import fetch_log as fetch_log_module
from shelfcast.publish.fetch_log import FetchLog
from shelfcast.publish.models import Fetch
from tests.publish.support import committed_feed


def _record(log: FetchLog, account_id: int, feed_id: int, **overrides: object) -> None:
    values: dict[str, object] = {
        "account_id": account_id,
        "feed_id": feed_id,
        "at": utcnow(),
        "method": "GET",
        "status": 200,
        "size": 1234,
        "client": "203.0.113.7",
        "user_agent": "MarketBot/1.0",
        **overrides,
    }
    log.record(**values)  # type: ignore[arg-type]


def _logged(database: Database, feed_id: int) -> list[Fetch]:
    with database.sessions() as session:
        return list(session.scalars(select(Fetch).where(Fetch.feed_id == feed_id)))


def test_fetches_are_written_in_a_batch_when_flushed(database: Database) -> None:
    account_id, feed_id = committed_feed(database)
    log = FetchLog(database.writes)
    _record(log, account_id, feed_id)
    _record(log, account_id, feed_id, method="HEAD", status=304, size=0, user_agent="x" * 900)

    assert _logged(database, feed_id) == []
    assert log.flush() == 2
    assert log.flush() == 0

    rows = sorted(_logged(database, feed_id), key=lambda f: f.id)
    assert [(f.method, f.status, f.bytes, f.client) for f in rows] == [
        ("GET", 200, 1234, "203.0.113.7"),
        ("HEAD", 304, 0, "203.0.113.7"),
    ]
    assert rows[0].user_agent == "MarketBot/1.0"
    assert rows[1].user_agent == "x" * 500  # cut to the column's size


def test_the_fetches_of_a_deleted_feed_do_not_cost_the_others(database: Database) -> None:
    account_id, kept = committed_feed(database)
    other_account, deleted = committed_feed(database)
    log = FetchLog(database.writes)
    _record(log, account_id, kept)
    _record(log, other_account, deleted)
    _record(log, account_id, kept, status=404)
    with transaction(database.writes) as session:
        feeds.delete_feed(session, other_account, deleted)

    assert log.flush() == 3

    assert sorted(f.status for f in _logged(database, kept)) == [200, 404]
    assert _logged(database, deleted) == []


def test_a_full_buffer_drops_and_counts_fetches(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, feed_id = committed_feed(database)
    monkeypatch.setattr(fetch_log_module, "MAX_BUFFER", 2)
    log = FetchLog(database.writes)
    for _ in range(5):
        _record(log, account_id, feed_id)

    assert (log.flush(), log.dropped) == (2, 3)


def test_stopping_the_log_writes_what_is_buffered(database: Database) -> None:
    account_id, feed_id = committed_feed(database)
    log = FetchLog(database.writes)
    log.start()
    _record(log, account_id, feed_id)
    log.stop()

    assert len(_logged(database, feed_id)) == 1
