"""The feed builder: one complete file per change, once, whatever the number of workers."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from shelfcast.catalog import service as catalog
from shelfcast.db.database import Database
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import FeedCreate, FeedUpdate
from shelfcast.publish.builder import ADVISORY_NAMESPACE, BuildResult, FeedBuilder, Outcome
from shelfcast.publish.keys import key_order
from shelfcast.publish.models import FeedBuild
from tests.publish.support import WAIT_S, BlockedRender, FailingRender, committed_feed, set_stock

MakeBuilder = Callable[[], FeedBuilder]


def _state(database: Database, feed_id: int) -> FeedBuild:
    with database.sessions() as session:
        build = session.get(FeedBuild, feed_id)
    assert build is not None
    return build


def _quantity(builder: FeedBuilder, feed_id: int, key: str) -> str:
    text = builder.store.path(feed_id, key, "csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[1][1]


def _recording(builder: FeedBuilder, monkeypatch: pytest.MonkeyPatch) -> list[Outcome]:
    """The outcomes of the builds the builder's own thread runs, in order."""
    outcomes: list[Outcome] = []
    build = builder.build

    def recorded(feed_id: int) -> BuildResult:
        result = build(feed_id)
        outcomes.append(result.outcome)
        return result

    monkeypatch.setattr(builder, "build", recorded)
    return outcomes


def test_a_build_publishes_a_complete_file_and_records_it(
    database: Database, make_builder: MakeBuilder
) -> None:
    _account_id, feed_id = committed_feed(database)
    builder = make_builder()

    result = builder.build(feed_id)

    assert result.outcome is Outcome.BUILT and result.key is not None
    path = builder.store.path(feed_id, result.key, "csv")
    assert path.read_bytes().startswith(b"SKU,Qty")
    assert builder.store.gzip_path(feed_id, result.key, "csv").exists()
    state = _state(database, feed_id)
    assert (state.published_key, state.last_key) == (result.key, result.key)
    assert (state.last_status, state.last_error) == ("ok", None)
    assert state.published_rows == 1
    assert state.published_bytes == path.stat().st_size
    assert state.published_at is not None and state.last_seconds is not None


def test_nothing_is_rebuilt_when_nothing_changed(
    database: Database, make_builder: MakeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _account_id, feed_id = committed_feed(database)
    builder = make_builder()
    built = builder.build(feed_id)
    assert built.key is not None
    path = builder.store.path(feed_id, built.key, "csv")
    before = path.stat()
    render = FailingRender(monkeypatch, feed_id, error=AssertionError("rendered again"))

    assert builder.build(feed_id) == BuildResult(Outcome.CURRENT, built.key)
    assert render.calls == 0
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def test_a_change_builds_a_new_version_and_removes_the_old_one_after_a_grace_period(
    database: Database, make_builder: MakeBuilder
) -> None:
    account_id, feed_id = committed_feed(database)
    builder = make_builder()
    first = builder.build(feed_id)
    assert first.key is not None

    set_stock(database, account_id, "7")
    second = builder.build(feed_id)

    assert second.outcome is Outcome.BUILT and second.key is not None
    assert key_order(second.key) > key_order(first.key)
    assert _quantity(builder, feed_id, second.key) == "7"
    names = sorted(p.name for p in builder.store.folder(feed_id).iterdir())
    # The replaced file stays a while: a request may have chosen it a moment ago.
    assert names == sorted(f"{k}.csv{gz}" for k in (first.key, second.key) for gz in ("", ".gz"))
    assert _state(database, feed_id).published_key == second.key

    builder.grace_s = 0  # the grace period is over
    set_stock(database, account_id, "8")
    third = builder.build(feed_id)
    assert third.key is not None
    names = sorted(p.name for p in builder.store.folder(feed_id).iterdir())
    assert names == [f"{third.key}.csv", f"{third.key}.csv.gz"]


def test_a_settings_change_builds_a_new_version(
    database: Database, make_builder: MakeBuilder
) -> None:
    account_id, feed_id = committed_feed(database)
    builder = make_builder()
    first = builder.build(feed_id)

    with transaction(database.writes) as session:
        changes = FeedUpdate.model_validate({"csv_separator": "semicolon"})
        feeds.update_feed(session, account_id, feed_id, changes)
    second = builder.build(feed_id)

    assert second.outcome is Outcome.BUILT and second.key != first.key
    assert second.key is not None
    assert builder.store.path(feed_id, second.key, "csv").read_bytes().startswith(b"SKU;Qty")


def test_a_failed_build_keeps_the_published_file_and_records_the_error(
    database: Database, make_builder: MakeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, feed_id = committed_feed(database)
    builder = make_builder()
    good = builder.build(feed_id)
    assert good.key is not None
    published = builder.store.path(feed_id, good.key, "csv").read_bytes()
    set_stock(database, account_id, "0")
    FailingRender(monkeypatch, feed_id, error=RuntimeError("the rows query timed out"))

    failed = builder.build(feed_id)

    assert failed.outcome is Outcome.FAILED
    assert failed.error == "the rows query timed out"
    assert failed.key is not None and failed.key != good.key
    assert builder.has_failed(feed_id, failed.key)
    names = sorted(p.name for p in builder.store.folder(feed_id).iterdir())
    assert names == [f"{good.key}.csv", f"{good.key}.csv.gz"]  # no half-written file left
    assert builder.store.path(feed_id, good.key, "csv").read_bytes() == published
    state = _state(database, feed_id)
    assert (state.published_key, state.last_key) == (good.key, failed.key)
    assert (state.last_status, state.last_error) == ("failed", "the rows query timed out")

    assert (state.failures, state.retry_at is not None) == (1, True)

    builder.request_if_due(feed_id)  # a fetch during its backoff: it waits for it
    assert builder.wait_idle(WAIT_S)
    assert builder.has_failed(feed_id, failed.key)
    monkeypatch.undo()
    assert builder.build(feed_id) == BuildResult(Outcome.BUILT, failed.key)
    state = _state(database, feed_id)
    assert (state.last_error, state.failures, state.retry_at) == (None, 0, None)
    assert not builder.has_failed(feed_id, failed.key)


def test_leftovers_of_a_crashed_build_are_cleared_by_the_next_build(
    database: Database, make_builder: MakeBuilder
) -> None:
    account_id, feed_id = committed_feed(database)
    builder = make_builder()
    builder.build(feed_id)
    leftover = builder.store.folder(feed_id) / ".tmp-killed.csv"
    leftover.write_bytes(b"SKU,Qty\nA-")  # a worker killed mid-write

    set_stock(database, account_id, "2")
    assert builder.build(feed_id).outcome is Outcome.BUILT

    assert not leftover.exists()


def test_a_deleted_feed_is_gone_with_its_files(
    database: Database, make_builder: MakeBuilder
) -> None:
    account_id, feed_id = committed_feed(database)
    builder = make_builder()
    builder.build(feed_id)

    with transaction(database.writes) as session:
        feeds.delete_feed(session, account_id, feed_id)

    assert builder.build(feed_id).outcome is Outcome.GONE
    assert not builder.store.folder(feed_id).exists()


def test_files_left_by_a_deleted_feed_never_pass_for_a_new_feed_with_its_id(
    database: Database, make_builder: MakeBuilder
) -> None:
    account_id, old_id = committed_feed(database)
    builder = make_builder()
    old = builder.build(old_id)
    assert old.key is not None
    with transaction(database.writes) as session:
        feeds.delete_feed(session, account_id, old_id)  # no build runs: its files stay
        body = {
            "store_name": "Another store",
            "store_url": "https://another.example",
            "warehouse_ids": [w.id for w in catalog.list_warehouses(session, account_id)],
            "file_type": "csv",
            "file_name": "stock",
            "columns": [{"header": "Name", "source": "product_field", "field": "name"}],
        }
        new_id = feeds.create_feed(session, account_id, FeedCreate.model_validate(body)).id
    if database.engine.dialect.name == "sqlite":
        assert new_id == old_id  # SQLite hands the deleted newest row's id out again
    assert builder.store.path(old_id, old.key, "csv").exists()

    new = builder.build(new_id)

    assert new.outcome is Outcome.BUILT and new.key != old.key
    text = builder.store.path(new_id, new.key or "", "csv").read_text(encoding="utf-8")
    assert text.splitlines() == ["Name", "Alpha"]


# --- several workers -------------------------------------------------------------------


def test_two_workers_asked_to_build_the_same_change_build_it_once(
    database: Database, make_builder: MakeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _account_id, feed_id = committed_feed(database)
    first, second = make_builder(), make_builder()  # two processes: own engines, same folder
    render = BlockedRender(monkeypatch, feed_id)
    results: list[BuildResult] = []
    building = threading.Thread(target=lambda: results.append(first.build(feed_id)))
    building.start()
    try:
        assert render.started.wait(WAIT_S)
        busy = second.build(feed_id)  # while the first is half way through
    finally:
        render.release.set()
        building.join(WAIT_S)

    assert busy.outcome is Outcome.BUSY
    [built] = results
    assert built.outcome is Outcome.BUILT
    assert second.build(feed_id) == BuildResult(Outcome.CURRENT, built.key)
    assert render.calls == 1


def test_workers_racing_for_one_change_build_it_once(
    database: Database, make_builder: MakeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _account_id, feed_id = committed_feed(database)
    builders = [make_builder() for _ in range(4)]
    calls: list[int] = []
    original = feeds.render_feed_file

    def counted(*args: object) -> object:
        calls.append(1)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(feeds, "render_feed_file", counted)
    start = threading.Barrier(len(builders))
    outcomes: list[Outcome] = []

    def build(builder: FeedBuilder) -> None:
        start.wait(WAIT_S)
        outcomes.append(builder.build(feed_id).outcome)

    threads = [threading.Thread(target=build, args=(b,)) for b in builders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S)

    assert sorted(outcomes).count(Outcome.BUILT) == 1
    assert set(outcomes) <= {Outcome.BUILT, Outcome.BUSY, Outcome.CURRENT}
    assert len(outcomes) == len(builders)
    assert len(calls) == 1


def test_a_worker_finding_the_feed_locked_tries_again_and_builds_nothing_twice(
    database: Database, make_builder: MakeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    _account_id, feed_id = committed_feed(database)
    first, second = make_builder(), make_builder()
    outcomes = _recording(second, monkeypatch)
    render = BlockedRender(monkeypatch, feed_id)
    building = threading.Thread(target=first.build, args=(feed_id,))
    building.start()
    second.start()
    try:
        assert render.started.wait(WAIT_S)
        second.request(feed_id)  # the change reached the other worker too
        _wait_until(lambda: Outcome.BUSY in outcomes)
    finally:
        render.release.set()
        building.join(WAIT_S)

    assert second.wait_idle(WAIT_S)
    assert outcomes == [Outcome.BUSY, Outcome.CURRENT]
    assert render.calls == 1


def test_a_change_made_while_another_worker_builds_an_older_version_is_built(
    database: Database, make_builder: MakeBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    account_id, feed_id = committed_feed(database)
    first, second = make_builder(), make_builder()
    outcomes = _recording(second, monkeypatch)
    render = BlockedRender(monkeypatch, feed_id)
    results: list[BuildResult] = []
    building = threading.Thread(target=lambda: results.append(first.build(feed_id)))
    building.start()
    second.start()
    try:
        assert render.started.wait(WAIT_S)
        set_stock(database, account_id, "9")  # committed on the second worker...
        second.request(feed_id)  # ...which asks for a build while the first holds the lock
        _wait_until(lambda: Outcome.BUSY in outcomes)
    finally:
        render.release.set()
        building.join(WAIT_S)

    assert second.wait_idle(WAIT_S)
    assert outcomes == [Outcome.BUSY, Outcome.BUILT]
    newest = _state(database, feed_id).published_key
    assert newest is not None and results[0].key is not None
    assert key_order(newest) > key_order(results[0].key)
    assert _quantity(second, feed_id, newest) == "9"


def test_a_postgresql_advisory_lock_keeps_workers_on_other_hosts_apart(
    database: Database, make_builder: MakeBuilder
) -> None:
    if database.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    _account_id, feed_id = committed_feed(database)
    builder = make_builder()
    with database.engine.connect() as other_host:
        assert other_host.scalar(select(func.pg_try_advisory_lock(ADVISORY_NAMESPACE, feed_id)))
        try:
            assert builder.build(feed_id).outcome is Outcome.BUSY
        finally:
            other_host.scalar(select(func.pg_advisory_unlock(ADVISORY_NAMESPACE, feed_id)))
            other_host.commit()
    assert builder.build(feed_id).outcome is Outcome.BUILT


def test_the_background_thread_builds_what_is_requested(
    database: Database, make_builder: MakeBuilder
) -> None:
    account_id, feed_id = committed_feed(database)
    _other_account, other_feed = committed_feed(database)
    builder = make_builder()
    builder.start()

    builder.request_account(account_id)
    builder.request(other_feed)
    assert builder.wait_idle(WAIT_S)

    assert _state(database, feed_id).last_status == "ok"
    assert _state(database, other_feed).last_status == "ok"


def _wait_until(condition: Callable[[], bool]) -> None:
    done = threading.Event()
    for _ in range(int(WAIT_S / 0.01)):
        if condition():
            return
        done.wait(0.01)
    raise AssertionError("condition not met in time")
