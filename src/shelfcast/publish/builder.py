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
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
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


class Outcome(StrEnum):
    BUILT = "built"
    CURRENT = "current"  # nothing changed: nothing rebuilt
    BUSY = "busy"  # another thread or process holds the feed's lock
    HELD = "held"  # built, but the publish guard keeps the last good file serving
    FAILED = "failed"
    GONE = "gone"


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
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.writes = writes
        self.store = store
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._pending: set[int] = set()
        self._pending_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._done = threading.Condition()
        self._active = 0
        self._retries: dict[int, threading.Timer] = {}
        # The version key and error of each feed's last failed build here, so that
        # waiting requests stop early; cleared when the feed is asked for again.
        self._failed: dict[int, tuple[str, str]] = {}

    # --- the background thread ---

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="feed-builder", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._done:
            retries, self._retries = list(self._retries.values()), {}
        for timer in retries:
            timer.cancel()
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def has_failed(self, feed_id: int, key: str) -> bool:
        """Whether the last build of this version of the feed, in this process, failed."""
        failed = self._failed.get(feed_id)
        return failed is not None and failed[0] == key

    def request(self, feed_id: int) -> None:
        """Ask for a feed to be brought up to date (a no-op build if it already is).

        A failed build is tried again: requests that wait for the feed now wait
        for this attempt rather than give up on the last one's failure.
        """
        self._failed.pop(feed_id, None)
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
            try:
                if self.build(feed_id).outcome is Outcome.BUSY:
                    self._retry_later(feed_id)
            except Exception:  # the thread must survive anything one build does
                log.exception("building feed %s failed unexpectedly", feed_id)
            finally:
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

    # --- one build ---

    def build(self, feed_id: int) -> BuildResult:
        """Bring one feed's published file up to date, unless another worker is at it."""
        with self._feed_lock(feed_id) as locked:
            if not locked:
                return BuildResult(Outcome.BUSY)
            return self._build_locked(feed_id)

    def _build_locked(self, feed_id: int) -> BuildResult:
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
                if (
                    build is not None
                    and build.published_key == key
                    and self.store.path(feed_id, key, extension).exists()
                ):
                    return BuildResult(Outcome.CURRENT, key)
                if (
                    build is not None
                    and build.held_key == key
                    and self.store.path(feed_id, held_name(key), extension).exists()
                ):
                    return BuildResult(Outcome.HELD, key)
                written = self._write(session, feed, key, build)
            reason = written.reason
            if reason is not None:
                rows, size = written.rows, written.size
                self._record_held(feed_id, account_id, key, rows, size, reason, started)
                self.store.remove_others(feed_id, written.published_key or key, held_name(key))
                return BuildResult(Outcome.HELD, key, reason)
            if written.guarded:
                gzipped = extension == FileType.CSV.value
                self.store.promote(feed_id, held_name(key), key, extension, gzipped=gzipped)
            self._record_success(feed_id, account_id, key, written.rows, written.size, started)
            self._failed.pop(feed_id, None)
            self.store.remove_others(feed_id, key)
            return BuildResult(Outcome.BUILT, key)
        except Exception as error:
            message = str(error) or type(error).__name__
            log.warning("build of feed %s failed: %s", feed_id, message)
            if key is not None and account_id is not None:
                # Recorded first: a request that stops waiting on the failure may be
                # followed at once by a look at the feed's build state.
                self._record_failure(feed_id, account_id, key, message, started)
                self._failed[feed_id] = (key, message)
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
    ) -> None:
        try:
            now = utcnow()
            seconds = time.perf_counter() - started
            with transaction(self.writes) as session:
                repo.save_build(
                    session,
                    feed_id,
                    account_id,
                    last_key=key,
                    last_status=BuildOutcome.FAILED.value,
                    last_at=now,
                    last_seconds=seconds,
                    last_error=message[:2000],
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
        except Exception:
            log.exception("could not record the failed build of feed %s", feed_id)

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
