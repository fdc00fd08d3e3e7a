"""Building feed files in the background, once per change, across processes.

A write commits and then asks for the affected feeds to be built; a thread of
the server process builds them, each under a per-feed lock (a file lock, plus a
PostgreSQL advisory lock on PostgreSQL) so several worker processes build a
change once. A build reads versions and rows in one transaction (one snapshot),
renders to a temporary file, renames it in, then records it as published.

When another process holds a feed's lock, the thread tries again shortly: that
process may be building an older version, and the change this process was told
about must not wait for the next request to be built (when it was the same
version, the retry finds the file current and builds nothing).

Builds coalesce: a feed is queued at most once while one build of it runs, and
the queued build reads the newest versions when it starts, so it takes every
change that arrived meanwhile; under a stream of writes a file is about one
build time behind. A failed build (whatever failed: the lock, the query, the
write, the rename, the compressed copy) is recorded on the feed and tried again
with exponential backoff, not on every fetch.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import filelock
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from shelfcast.db.base import utcnow
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.feeds.models import FeedFile
from shelfcast.publish import repository as repo
from shelfcast.publish.guard import guards, held_name, hold_reason
from shelfcast.publish.keys import key_order
from shelfcast.publish.models import BuildOutcome, FeedBuild
from shelfcast.publish.store import FileStore
from shelfcast.render.spec import FileType

log = logging.getLogger(__name__)
ADVISORY_NAMESPACE = 0x5348  # "SH": keeps our advisory locks apart from others'
BUSY_RETRY_S = 0.25  # how soon a feed locked by another process is tried again
BACKOFF_FIRST_S = 1.0  # a failed build is tried again after 1, 2, 4, ... seconds
BACKOFF_MAX_S = 300.0
STOP_JOIN_S = 5.0  # a stuck build must not hold up the server's shutdown
# After this long a recorded build under way is taken for one a crash ended.
BUILDING_STALE_S = 120.0


class Outcome(StrEnum):
    BUILT = "built"
    CURRENT = "current"  # nothing changed: nothing rebuilt
    BUSY = "busy"  # another thread or process holds the feed's lock
    HELD = "held"  # built, but the publish guard keeps the last good file serving
    FAILED = "failed"
    GONE = "gone"


def backoff_seconds(failures: int) -> float:
    """How long after its ``failures``-th failure in a row a feed is tried again."""
    return min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2.0 ** max(0, failures - 1))


@dataclass(frozen=True)
class Failure:
    key: str
    error: str
    retry_at: float  # time.monotonic()


@dataclass(frozen=True)
class BuildResult:
    outcome: Outcome
    key: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Written:
    """A rendered file: its rows and size, and what the publish guard made of it."""

    rows: int
    size: int
    guarded: bool  # written under its held name
    reason: str | None  # why it is held, if it is
    published_key: str | None


class FeedBuilder:
    def __init__(
        self,
        engine: Engine,
        sessions: sessionmaker[Session],
        writes: sessionmaker[Session],
        store: FileStore,
        *,
        grace_s: float = 60.0,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.writes = writes
        self.store = store
        self.grace_s = grace_s  # how long a superseded file stays for links that chose it
        # Set on PostgreSQL with build jobs: requests become jobs instead of entries
        # in this process's queue.
        self.dispatch: Callable[[int], None] | None = None
        self.observe: Callable[[str, float], None] | None = None
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._pending: set[int] = set()
        self._pending_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._done = threading.Condition()
        self._active = 0
        self._active_feed: int | None = None  # the feed the thread is building
        self._retries: dict[int, threading.Timer] = {}
        # Each feed's last failed build here: waiting requests stop early, and the
        # feed is not built again before its backoff ends (a timer asks for it then).
        self._failed: dict[int, Failure] = {}
        self._backoff: dict[int, threading.Timer] = {}
        # The version each feed is being built at here (links stop waiting for a
        # version once a build of a newer one starts: theirs will never be built).
        self._building: dict[int, str] = {}

    # --- the background thread ---

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="feed-builder", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread; a build that is stuck is left behind (the thread is a daemon)."""
        thread, self._thread = self._thread, None
        with self._done:
            timers = [*self._retries.values(), *self._backoff.values()]
            self._retries, self._backoff = {}, {}
        for timer in timers:
            timer.cancel()
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=STOP_JOIN_S)

    def has_failed(self, feed_id: int, key: str) -> bool:
        """Whether the last build of this version of the feed, in this process, failed."""
        failed = self._failed.get(feed_id)
        return failed is not None and failed.key == key

    def builds_ahead(self, feed_id: int) -> int:
        """Builds of other feeds queued or running in this process: a build of
        ``feed_id`` asked for now starts only after them."""
        with self._pending_lock:
            queued = len(self._pending - {feed_id})
        active = self._active_feed
        return queued + (1 if active is not None and active != feed_id else 0)

    def building(self, feed_id: int) -> str | None:
        """The version key of the feed's build under way in this process, if any."""
        return self._building.get(feed_id)

    def queued(self) -> int:
        """Feeds waiting for a build in this process (the metrics' queue depth)."""
        return self._queue.qsize()

    def request(self, feed_id: int) -> None:
        """Ask for a feed to be brought up to date after a change (a no-op build if it
        already is). A change is built even during a failed build's backoff: new
        data may be what fixes it, and builds coalesce, so a stream of writes to a
        failing feed still costs one build at a time."""
        self._enqueue(feed_id)

    def request_if_due(self, feed_id: int) -> None:
        """Ask for a feed as a fetch or the start-up check does: a feed whose build
        failed waits for its backoff to end (a timer asks for it then)."""
        failed = self._failed.get(feed_id)
        if failed is not None and failed.retry_at > time.monotonic():
            return
        self._enqueue(feed_id)

    def _enqueue(self, feed_id: int) -> None:
        if self.dispatch is not None:
            self.dispatch(feed_id)  # a build job (publish/jobs.py): a worker runs it
            return
        with self._pending_lock:
            if feed_id in self._pending:
                return
            self._pending.add(feed_id)
        self._queue.put(feed_id)

    def request_account(self, account_id: int) -> None:
        with self.sessions() as session:
            feed_ids = repo.feed_ids_of_account(session, account_id)
        for feed_id in feed_ids:
            self.request(feed_id)

    def wait_idle(self, timeout: float = 30) -> bool:
        """Block until the queue is empty and nothing is building (for tests and the CLI)."""
        deadline = time.monotonic() + timeout
        with self._done:
            while self._pending or self._active or self._retries or not self._queue.empty():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._done.wait(remaining)
        return True

    def _run(self) -> None:
        while True:
            feed_id = self._queue.get()
            if feed_id is None:
                return
            with self._done:
                self._active += 1
            with self._pending_lock:
                self._pending.discard(feed_id)
                self._active_feed = feed_id
            try:
                if self.build(feed_id).outcome is Outcome.BUSY:
                    self._retry_later(feed_id)
            except Exception:  # the thread must survive anything one build does
                log.exception("building feed %s failed unexpectedly", feed_id)
            finally:
                self._active_feed = None
                with self._done:
                    self._active -= 1
                    self._done.notify_all()

    def _retry_later(self, feed_id: int) -> None:
        with self._done:
            if feed_id in self._retries or self._thread is None:
                return
            timer = threading.Timer(BUSY_RETRY_S, self._retry, (feed_id,))
            timer.daemon = True
            self._retries[feed_id] = timer
        timer.start()

    def _retry(self, feed_id: int) -> None:
        # Queued before the timer is forgotten, so ``wait_idle`` never sees a gap.
        self.request(feed_id)
        with self._done:
            self._retries.pop(feed_id, None)
            self._done.notify_all()

    def _back_off(self, feed_id: int, key: str, message: str, failures: int) -> None:
        """Hold the feed's next build for its backoff, then ask for it."""
        delay = backoff_seconds(failures)
        self._failed[feed_id] = Failure(key, message, time.monotonic() + delay)
        with self._done:
            if self._thread is None:
                return
            previous = self._backoff.pop(feed_id, None)
            timer = threading.Timer(delay, self._end_backoff, (feed_id,))
            timer.daemon = True
            self._backoff[feed_id] = timer
        if previous is not None:
            previous.cancel()
        timer.start()

    def _end_backoff(self, feed_id: int) -> None:
        with self._done:
            self._backoff.pop(feed_id, None)
        failed = self._failed.get(feed_id)
        if failed is not None:
            # Still marked failed (so waiting requests do not wait) until it builds.
            self._failed[feed_id] = Failure(failed.key, failed.error, 0.0)
        self.request(feed_id)

    # --- one build ---

    def build(self, feed_id: int) -> BuildResult:
        """Bring one feed's published file up to date, unless another worker is at it."""
        started = time.perf_counter()
        try:
            with self._feed_lock(feed_id) as locked:
                if not locked:
                    return BuildResult(Outcome.BUSY)
                return self._build_locked(feed_id)
        except Exception as error:
            # The lock itself failed (an unwritable data folder, the database away):
            # a failed build like any other, recorded on the feed.
            message = f"could not take the build lock: {error or type(error).__name__}"
            log.warning("build of feed %s failed: %s", feed_id, message)
            try:
                with self.sessions() as session:
                    found = repo.versions(session, feed_id)
            except Exception:
                log.exception("could not read feed %s after its build failed", feed_id)
                return BuildResult(Outcome.FAILED, None, message)
            if found is None:
                return BuildResult(Outcome.GONE)
            account_id, key = found
            self._fail(feed_id, account_id, key, message, started)
            return BuildResult(Outcome.FAILED, key, message)

    def _build_locked(self, feed_id: int) -> BuildResult:
        started = time.perf_counter()
        try:
            result = self._build_snapshot(feed_id)
            if self.observe is not None:  # the metrics' build durations
                self.observe(result.outcome.value, time.perf_counter() - started)
            return result
        finally:
            self._building.pop(feed_id, None)

    def _build_snapshot(self, feed_id: int) -> BuildResult:
        started = time.perf_counter()
        key: str | None = None
        account_id: int | None = None
        try:
            with transaction(self.sessions) as session:
                if self.engine.dialect.name == "postgresql":
                    # One snapshot for the versions and the rows: the file matches its key.
                    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                found = repo.versions(session, feed_id)
                if found is None:
                    self.store.remove_feed(feed_id)
                    return BuildResult(Outcome.GONE)
                account_id, key = found
                build = repo.get_build(session, feed_id)
                feed = feeds.get_feed(session, account_id, feed_id)
                extension = FileType(feed.file_type).value
                gzipped = feed.file_type == FileType.CSV
                if (
                    build is not None
                    and build.published_key == key
                    and self.store.has(feed_id, key, extension)
                ):
                    if gzipped and self.store.gzip_missing(feed_id, key, extension):
                        self.store.add_gzip(feed_id, key, extension)  # lost in a crash
                    return BuildResult(Outcome.CURRENT, key)
                if (
                    build is not None
                    and build.held_key == key
                    and self.store.path(feed_id, held_name(key), extension).exists()
                ):
                    return BuildResult(Outcome.HELD, key)
                self._mark_building(feed_id, account_id, key)
                written = self._write(session, feed, key, build)
            reason = written.reason
            if reason is not None:
                rows, size = written.rows, written.size
                self._record_held(feed_id, account_id, key, rows, size, reason, started)
                self._failed.pop(feed_id, None)
                published = written.published_key or key
                self.store.remove_superseded(feed_id, published, self.grace_s, also_keep=(key,))
                return BuildResult(Outcome.HELD, key, reason)
            if written.guarded:
                self.store.promote(feed_id, held_name(key), key, extension, gzipped=gzipped)
            self._record_success(feed_id, account_id, key, written.rows, written.size, started)
            self._failed.pop(feed_id, None)
            self.store.remove_superseded(feed_id, key, self.grace_s)
            return BuildResult(Outcome.BUILT, key)
        except Exception as error:
            message = str(error) or type(error).__name__
            log.warning("build of feed %s failed: %s", feed_id, message)
            if key is not None and account_id is not None:
                self._fail(feed_id, account_id, key, message, started)
            return BuildResult(Outcome.FAILED, key, message)

    def _write(
        self, session: Session, feed: FeedFile, key: str, build: FeedBuild | None
    ) -> Written:
        """Render the feed's file of ``key``. A guarded build is written under its held
        name and renamed in by the caller once it passes: the link never sees a file
        the guard would have stopped."""
        extension = FileType(feed.file_type).value
        guarded = guards(self.store, feed.id, feed.publish_guard_percent, build, extension)
        name = held_name(key) if guarded else key
        result = self.store.write(
            feed.id,
            name,
            extension,
            lambda out: feeds.render_feed_file(session, feed, out),
            gzipped=extension == FileType.CSV.value and not guarded,
        )
        reason = None
        if guarded and build is not None:
            reason = hold_reason(feed.publish_guard_percent, build.published_rows, result.rows)
        return Written(
            rows=result.rows,
            size=self.store.path(feed.id, name, extension).stat().st_size,
            guarded=guarded,
            reason=reason,
            published_key=build.published_key if build is not None else None,
        )

    def _fail(self, feed_id: int, account_id: int, key: str, message: str, started: float) -> None:
        # Recorded first: a request that stops waiting on the failure may be
        # followed at once by a look at the feed's build state.
        failures = self._record_failure(feed_id, account_id, key, message, started)
        self._back_off(feed_id, key, message, failures)

    def _mark_building(self, feed_id: int, account_id: int, key: str) -> None:
        """Record the build under way: links decide from it whether waiting helps."""
        self._building[feed_id] = key
        try:
            with transaction(self.writes) as session:
                repo.save_build(
                    session, feed_id, account_id, building_key=key, building_since=utcnow()
                )
        except Exception:  # the build itself matters more than this hint
            log.exception("could not record the build of feed %s under way", feed_id)

    def _record_success(
        self, feed_id: int, account_id: int, key: str, rows: int, size: int, started: float
    ) -> None:
        now = utcnow()
        seconds = time.perf_counter() - started
        with transaction(self.writes) as session:
            build = repo.get_build(session, feed_id)
            published = build.published_key if build else None
            values = {
                "last_key": key,
                "last_status": "ok",
                "last_at": now,
                "last_seconds": seconds,
                "last_error": None,
                "building_key": None,
                "building_since": None,
                "failures": 0,
                "retry_at": None,
            }
            if published is None or key_order(key) >= key_order(published):
                values |= {
                    "published_key": key,
                    "published_at": now,
                    "published_rows": rows,
                    "published_bytes": size,
                    # A build that passes replaces whatever the guard held before it.
                    "held_key": None,
                    "held_at": None,
                    "held_rows": None,
                    "held_bytes": None,
                    "held_reason": None,
                }
            repo.save_build(session, feed_id, account_id, **values)
            repo.add_build_record(
                session,
                feed_id=feed_id,
                account_id=account_id,
                at=now,
                seconds=seconds,
                rows=rows,
                size=size,
                outcome=BuildOutcome.PUBLISHED,
                reason=None,
            )

    def _record_held(
        self,
        feed_id: int,
        account_id: int,
        key: str,
        rows: int,
        size: int,
        reason: str,
        started: float,
    ) -> None:
        now = utcnow()
        seconds = time.perf_counter() - started
        with transaction(self.writes) as session:
            repo.save_build(
                session,
                feed_id,
                account_id,
                last_key=key,
                last_status=BuildOutcome.HELD.value,
                last_at=now,
                last_seconds=seconds,
                last_error=None,
                held_key=key,
                held_at=now,
                held_rows=rows,
                held_bytes=size,
                held_reason=reason,
                building_key=None,
                building_since=None,
                failures=0,
                retry_at=None,
            )
            repo.add_build_record(
                session,
                feed_id=feed_id,
                account_id=account_id,
                at=now,
                seconds=seconds,
                rows=rows,
                size=size,
                outcome=BuildOutcome.HELD,
                reason=reason,
            )

    def _record_failure(
        self, feed_id: int, account_id: int, key: str, message: str, started: float
    ) -> int:
        """Record a failed build; the number of failures in a row (1 if unknown)."""
        try:
            now = utcnow()
            seconds = time.perf_counter() - started
            with transaction(self.writes) as session:
                build = repo.get_build(session, feed_id)
                failures = (build.failures if build is not None else 0) + 1
                repo.save_build(
                    session,
                    feed_id,
                    account_id,
                    last_key=key,
                    last_status=BuildOutcome.FAILED.value,
                    last_at=now,
                    last_seconds=seconds,
                    last_error=message[:2000],
                    building_key=None,
                    building_since=None,
                    failures=failures,
                    retry_at=now + timedelta(seconds=backoff_seconds(failures)),
                )
                repo.add_build_record(
                    session,
                    feed_id=feed_id,
                    account_id=account_id,
                    at=now,
                    seconds=seconds,
                    rows=None,
                    size=None,
                    outcome=BuildOutcome.FAILED,
                    reason=message[:2000],
                )
                return failures
        except Exception:
            log.exception("could not record the failed build of feed %s", feed_id)
            failed = self._failed.get(feed_id)
            return 1 if failed is None else 2

    def feed_lock(self, feed_id: int) -> AbstractContextManager[bool]:
        """The feed's build lock, tried without waiting (True when taken): publishing a
        held build takes it so that no build runs meanwhile."""
        return self._feed_lock(feed_id)

    @contextmanager
    def _feed_lock(self, feed_id: int) -> Iterator[bool]:
        """Try to take the feed's build lock without waiting."""
        with ExitStack() as stack:
            lock = filelock.FileLock(str(self.store.lock_path(feed_id)), timeout=0)
            try:
                stack.enter_context(lock)
            except filelock.Timeout:
                yield False
                return
            if self.engine.dialect.name == "postgresql":
                connection = stack.enter_context(self.engine.connect())
                got = connection.scalar(
                    select(func.pg_try_advisory_lock(ADVISORY_NAMESPACE, feed_id))
                )
                connection.commit()
                if not got:
                    yield False
                    return

                def unlock() -> None:
                    connection.scalar(select(func.pg_advisory_unlock(ADVISORY_NAMESPACE, feed_id)))
                    connection.commit()

                stack.callback(unlock)
            yield True
