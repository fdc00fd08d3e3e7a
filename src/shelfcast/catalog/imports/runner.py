"""Carrying out an import job: the transactions around ``service.run``'s steps,
and the web process's worker thread that runs queued jobs one at a time.

The data are written in one transaction (all or nothing); the job's status
in short ones before and after it. While the long transaction runs, progress
is kept in memory (``LiveProgress``) and merged into the job as the API reads
it: on SQLite another write would wait for the import's write lock.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from shelfcast.catalog.imports import jobs, service
from shelfcast.catalog.imports.applying import Counts, ImportRun
from shelfcast.catalog.imports.schemas import ImportRead
from shelfcast.db.session import transaction
from shelfcast.errors import ShelfcastError

log = logging.getLogger(__name__)


@dataclass
class LiveProgress:
    rows_total: int | None = None
    rows_done: int = 0
    started: float = 0.0

    def apply_to(self, job: ImportRead) -> ImportRead:
        elapsed = time.monotonic() - self.started
        rate = self.rows_done / elapsed if elapsed > 0 and self.rows_done else None
        left = None
        if rate and self.rows_total is not None:
            left = max(0.0, (self.rows_total - self.rows_done) / rate)
        return job.model_copy(
            update={
                "rows_total": self.rows_total,
                "rows_done": self.rows_done,
                "rows_per_second": rate,
                "seconds_left": left,
            }
        )


@dataclass(frozen=True)
class Outcome:
    account_id: int
    run: ImportRun | None
    applied: bool
    failure: str | None

    @property
    def catalog_changed(self) -> bool:
        return self.applied and self.run is not None and self.run.changed


def execute_import(
    sessions: sessionmaker[Session],
    writes: sessionmaker[Session],
    data_dir: Path,
    import_id: int,
    live: LiveProgress | None = None,
    on_progress: Callable[[LiveProgress], None] | None = None,
) -> Outcome:
    """Run a queued job to its end, recording the outcome; never raises for a
    problem of the file (that is the job's ``failed`` status and message)."""
    live = live or LiveProgress()
    try:
        with transaction(writes) as session:
            prepared = jobs.prepare_run(session, data_dir, import_id)
    except ShelfcastError as problem:
        with transaction(writes) as session:
            jobs.finish(session, import_id, None, str(problem))
        return Outcome(0, None, False, str(problem))
    live.started = time.monotonic()

    def progress(counts: Counts) -> None:
        live.rows_done = counts.rows_done
        if on_progress is not None:
            on_progress(live)

    def total(rows: int) -> None:
        live.rows_total = rows

    run: ImportRun | None = None
    failure: str | None = None
    applied = False
    factory = sessions if prepared.job.dry_run else writes
    with factory() as session:
        try:
            run = jobs.apply_rows(session, prepared, progress, total)
            applied = jobs.applies(run)
            if applied:
                session.commit()
            else:
                session.rollback()
        except ShelfcastError as problem:
            session.rollback()
            failure = str(problem)
        except Exception:
            session.rollback()
            log.exception("import %s failed", import_id)
            failure = "an unexpected error stopped the import; nothing was imported"
    with transaction(writes) as session:
        jobs.finish(session, import_id, run, failure)
    if applied and failure is None:
        service.delete_upload(data_dir, prepared.stored_name)  # done with: free the disk
    return Outcome(prepared.account_id, run, applied and failure is None, failure)


class ImportRunner:
    """The web process's import worker: one thread, jobs in submission order."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        writes: sessionmaker[Session],
        data_dir: Path,
        after_commit: Callable[[int], None],
    ) -> None:
        self.sessions = sessions
        self.writes = writes
        self.data_dir = data_dir
        self.after_commit = after_commit
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._live: dict[int, LiveProgress] = {}
        self._thread: threading.Thread | None = None
        self._idle = threading.Condition()
        self._busy = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="imports", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def submit(self, import_id: int) -> None:
        with self._idle:
            self._busy += 1
            self._live[import_id] = LiveProgress()
        self._queue.put(import_id)

    def live(self, job: ImportRead) -> ImportRead:
        """The job with the progress of a run in this process merged in."""
        progress = self._live.get(job.id)
        if progress is None or job.status.finished or not progress.started:
            return job
        return progress.apply_to(job)

    def wait_idle(self, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def _loop(self) -> None:
        while (import_id := self._queue.get()) is not None:
            try:
                outcome = execute_import(
                    self.sessions, self.writes, self.data_dir, import_id, self._live[import_id]
                )
                if outcome.catalog_changed:
                    self.after_commit(outcome.account_id)
            except Exception:
                log.exception("import %s: the worker failed", import_id)
            finally:
                with self._idle:
                    self._live.pop(import_id, None)
                    self._busy -= 1
                    self._idle.notify_all()
