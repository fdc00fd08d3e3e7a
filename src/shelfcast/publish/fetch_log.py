"""The fetch log, written in batches so a busy link does not pay a database write per request.

The same thread prunes the log: fetches older than 90 days are deleted when it
starts and every six hours after, in batches of 10,000 rows per transaction so
links keep logging meanwhile (the health page reads 30 days; ``ix_fetches_at``
makes the delete a range scan).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from shelfcast.db.base import utcnow
from shelfcast.db.session import transaction
from shelfcast.publish import repository as repo

log = logging.getLogger(__name__)
FLUSH_EVERY_S = 1.0
MAX_BUFFER = 10_000  # beyond this, fetches are dropped (and counted) rather than eat memory
KEEP = timedelta(days=90)
PRUNE_EVERY_S = 6 * 3600
PRUNE_BATCH = 10_000


class FetchLog:
    def __init__(self, writes: sessionmaker[Session]) -> None:
        self.writes = writes
        self._buffer: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.dropped = 0

    def record(
        self,
        *,
        account_id: int,
        feed_id: int,
        at: datetime,
        method: str,
        status: int,
        size: int,
        client: str | None,
        user_agent: str | None,
    ) -> None:
        entry = {
            "account_id": account_id,
            "feed_id": feed_id,
            "at": at,
            "method": method,
            "status": status,
            "bytes": size,
            "client": client[:64] if client else None,
            "user_agent": user_agent[:500] if user_agent else None,
        }
        with self._lock:
            if len(self._buffer) >= MAX_BUFFER:
                self.dropped += 1
                return
            self._buffer.append(entry)

    def flush(self) -> int:
        """Write the buffered fetches; returns how many were taken from the buffer."""
        with self._lock:
            entries, self._buffer = self._buffer, []
        if not entries:
            return 0
        try:
            self._write(entries)
        except IntegrityError:
            # A feed was deleted since its fetches were recorded (foreign key): write
            # the others rather than lose the whole batch.
            try:
                with self.writes() as session:
                    kept = repo.existing_feed_ids(session, {e["feed_id"] for e in entries})
                self._write([e for e in entries if e["feed_id"] in kept])
            except Exception:
                log.exception("could not write %d fetch log entries", len(entries))
        except Exception:
            # The database is away: the log is best effort and must never break serving.
            log.exception("could not write %d fetch log entries", len(entries))
        return len(entries)

    def _write(self, entries: list[dict[str, Any]]) -> None:
        with transaction(self.writes) as session:
            repo.add_fetches(session, entries)
            # Counted as they are written: the health page reads counts, not the log.
            repo.add_fetch_rollups(session, entries)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="fetch-log", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.flush()

    def prune(self, now: datetime | None = None) -> int:
        """Delete the fetches older than :data:`KEEP`; returns how many went."""
        before = (now or utcnow()) - KEEP
        with transaction(self.writes) as session:
            repo.prune_fetch_rollups(session, before)
        total = 0
        while True:
            with transaction(self.writes) as session:
                deleted = repo.prune_fetches(session, before, PRUNE_BATCH)
            total += deleted
            if deleted < PRUNE_BATCH:
                return total

    def _prune_quietly(self) -> None:
        try:
            self.prune()
        except Exception:
            log.exception("could not prune the fetch log")

    def _run(self) -> None:
        self._prune_quietly()
        pruned_at = time.monotonic()
        while not self._stop.wait(FLUSH_EVERY_S):
            self.flush()
            if time.monotonic() - pruned_at >= PRUNE_EVERY_S:
                self._prune_quietly()
                pruned_at = time.monotonic()
