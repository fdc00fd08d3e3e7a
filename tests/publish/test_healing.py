"""Faults the builder survives: every failure recorded with its reason and tried
again with backoff, and what the start-up check and the sweep put right."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from shelfcast.db.database import Database
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.publish import repository as repo
from shelfcast.publish.builder import BACKOFF_FIRST_S, FeedBuilder, Outcome
from shelfcast.publish.models import FeedBuild
from shelfcast.publish.upkeep import queue_behind, sweep_deleted
from tests.publish.support import WAIT_S, FailingRender, committed_feed, set_stock

MakeBuilder = Callable[[], FeedBuilder]


def _state(database: Database, feed_id: int) -> FeedBuild:
    with database.sessions() as session:
        build = session.get(FeedBuild, feed_id)
    assert build is not None
    return build


def test_a_lock_that_cannot_be_taken_is_a_failed_build_recorded_with_its_reason(
    database: Database, make_builder: MakeBuilder
) -> None:
    _account_id, feed_id = committed_feed(database)
    builder = make_builder()
    builder.store.root.mkdir(parents=True, exist_ok=True)
    (builder.store.root / "locks").write_bytes(b"")  # the lock folder cannot be made

    result = builder.build(feed_id)

    assert result.outcome is Outcome.FAILED
    assert result.error is not None and result.error.startswith("could not take the build lock")
    state = _state(database, feed_id)
    assert (state.last_status, state.last_key, state.failures) == ("failed", result.key, 1)
    assert state.last_error == result.error
    assert state.retry_at is not None
    assert result.key is not None and builder.has_failed(feed_id, result.key)


def test_a_compressed_copy_that_cannot_be_written_is_a_recorded_failed_build(
    database: Database, make_builder: MakeBuilder
) -> None:
    _account_id, feed_id = committed_feed(database)
    builder = make_builder()
    with database.sessions() as session:
        versions = repo.versions(session, feed_id)
    assert versions is not None
    key_now = versions[1]
    builder.store.gzip_path(feed_id, key_now, "csv").mkdir(parents=True)  # in the way

    result = builder.build(feed_id)

    assert result.outcome is Outcome.FAILED and result.error
    state = _state(database, feed_id)
    assert (state.last_status, state.failures) == ("failed", 1)
    assert state.last_error == result.error


def test_a_failing_build_is_retried_with_backoff_not_on_every_request(
    database: Database, make_builder: MakeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _account_id, feed_id = committed_feed(database)
    render = FailingRender(monkeypatch, feed_id, error=OSError("disk full"))
    builder = make_builder()
    builder.start()

    builder.request(feed_id)
    assert builder.wait_idle(WAIT_S)
    assert render.calls == 1
    for _ in range(20):  # fetches during the backoff
        builder.request_if_due(feed_id)
    assert builder.wait_idle(WAIT_S)
    assert render.calls == 1

    deadline = time.monotonic() + WAIT_S
    while _state(database, feed_id).failures < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert render.calls == 2  # tried again by itself after the first backoff
    state = _state(database, feed_id)
    assert state.failures == 2
    assert state.retry_at is not None and state.last_at is not None
    assert (state.retry_at - state.last_at).total_seconds() == pytest.approx(
        2 * BACKOFF_FIRST_S, abs=0.1
    )

    monkeypatch.undo()  # fixed: the next retry builds
    deadline = time.monotonic() + WAIT_S
    while _state(database, feed_id).last_status != "ok" and time.monotonic() < deadline:
        time.sleep(0.05)
    state = _state(database, feed_id)
    assert (state.last_status, state.failures, state.retry_at) == ("ok", 0, None)


def test_the_start_up_check_queues_feeds_left_behind_and_restores_lost_gzip_copies(
    database: Database, make_builder: MakeBuilder
) -> None:
    account_id, behind = committed_feed(database)
    _other, current = committed_feed(database)
    _third, lost_gzip = committed_feed(database)
    builder = make_builder()
    for feed_id in (behind, current, lost_gzip):
        assert builder.build(feed_id).outcome is Outcome.BUILT
    set_stock(database, account_id, "9")  # committed, and then the process died
    published = _state(database, lost_gzip).published_key
    assert published is not None
    gz = builder.store.gzip_path(lost_gzip, published, "csv")
    plain = gz.read_bytes()
    gz.unlink()  # killed between the plain file and its compressed copy

    fresh = make_builder()  # the restarted process
    fresh.start()
    queued = queue_behind(fresh)
    assert fresh.wait_idle(WAIT_S)

    # (Feeds of other tests share the database: only these three are looked at.)
    assert {behind, lost_gzip} <= set(queued) and current not in queued
    state = _state(database, behind)
    assert state.published_key is not None and state.published_key.startswith("c")
    assert (
        fresh.store.path(behind, state.published_key, "csv")
        .read_text(encoding="utf-8-sig")
        .splitlines()[1]
        .endswith("9")
    )
    assert gz.read_bytes() == plain
    assert not {behind, lost_gzip, current} & set(queue_behind(fresh))
    assert fresh.wait_idle(WAIT_S)


def test_the_sweep_removes_the_files_of_deleted_feeds_only(
    database: Database, make_builder: MakeBuilder
) -> None:
    account_id, deleted = committed_feed(database)
    _other, kept = committed_feed(database)
    builder = make_builder()
    builder.build(deleted)
    builder.build(kept)
    with transaction(database.writes) as session:
        feeds.delete_feed(session, account_id, deleted)  # no build ran to clean up

    assert sweep_deleted(builder) == [deleted]

    assert not builder.store.folder(deleted).exists()
    assert builder.store.folder(kept).is_dir()
    assert sweep_deleted(builder) == []


def test_a_change_is_built_even_during_a_failed_builds_backoff(
    database: Database, make_builder: MakeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, feed_id = committed_feed(database)
    render = FailingRender(monkeypatch, feed_id, error=OSError("disk full"))
    builder = make_builder()
    builder.start()
    builder.request(feed_id)
    assert builder.wait_idle(WAIT_S) and render.calls == 1

    monkeypatch.undo()
    set_stock(database, account_id, "8")
    builder.request(feed_id)  # the write path: new data may be the fix
    assert builder.wait_idle(WAIT_S)

    state = _state(database, feed_id)
    assert (state.last_status, state.failures) == ("ok", 0)
