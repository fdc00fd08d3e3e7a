"""Feed builds as procrastinate jobs, when the database is PostgreSQL.

Web processes only enqueue: the builder's requests become ``build_feed`` jobs
(``BuildJobs.defer``); ``shelfcast worker`` processes on any node run them.
procrastinate gives each rule its engine instead of one of ours:

- one queued job per feed (its queueing lock ``feed-<id>``: asking again while
  one waits is a no-op) and one running build per feed (its lock ``feed-<id>``;
  the builder's advisory lock stays as well);
- a failed build is retried with exponential backoff (``RETRY``), so a feed whose
  build keeps failing is not rebuilt on every fetch;
- periodic jobs: queue every feed whose published file is behind its versions
  (a worker that died mid-build, a change committed just before a crash: the
  cluster converges without waiting for a fetch), put jobs of workers that
  stopped beating back in the queue, prune the fetch log, delete the files of
  deleted feeds. They call the same functions the in-process builder's upkeep
  does on SQLite (``publish/upkeep.py``, ``publish/fetch_log.py``).
"""

from __future__ import annotations

import logging
from contextlib import suppress
from dataclasses import dataclass

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.schema import SchemaManager
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from shelfcast.publish.builder import FeedBuilder, Outcome
from shelfcast.publish.fetch_log import FetchLog
from shelfcast.publish.upkeep import queue_behind, sweep_deleted
from shelfcast.settings import Settings

log = logging.getLogger(__name__)
BUILD_QUEUE = "builds"
UPKEEP_QUEUE = "upkeep"
# Waits 2, 4, 8, ... 512 s between attempts, then the job fails; the periodic
# check queues the feed again later if it is still behind.
RETRY = procrastinate.RetryStrategy(max_attempts=9, exponential_wait=2)
SCHEMA_LOCK = 0x53485150  # "SHQP": one process applies procrastinate's schema


class BuildNotDone(Exception):
    """A build failed or found the feed locked: procrastinate retries the job."""


@dataclass(frozen=True)
class JobTiming:
    """How often the periodic jobs run and how soon a silent worker is given up."""

    requeue_seconds: int = 60
    sweep_seconds: int = 3600
    prune_seconds: int = 6 * 3600
    heartbeat_seconds: float = 10.0
    stalled_worker_seconds: float = 30.0


def job_timing(settings: Settings) -> JobTiming:
    return JobTiming(
        requeue_seconds=settings.jobs_requeue_seconds,
        sweep_seconds=max(1, int(settings.sweep_seconds)),
        heartbeat_seconds=max(0.5, settings.jobs_stalled_worker_seconds / 3),
        stalled_worker_seconds=settings.jobs_stalled_worker_seconds,
    )


def conninfo(database_url: str) -> str:
    """The libpq URL of an SQLAlchemy ``postgresql+psycopg://`` one (options kept)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def ensure_schema(engine: Engine) -> None:
    """Create procrastinate's tables in the database's schema if they are not there.

    Not an Alembic revision: the tables are procrastinate's (its own SQL, its
    own upgrades), and SQLite has none of them. An advisory lock keeps nodes that
    start together from applying it twice.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        if connection.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is None:
            # Straight to the driver, with no parameters: the SQL holds literal '%'.
            cursor = connection.connection.cursor()
            try:
                cursor.execute(SchemaManager.get_schema())
            finally:
                cursor.close()


def cron(seconds: int) -> str:
    """A procrastinate cron for "every ``seconds``" (a 6th column: seconds)."""
    if seconds < 60:
        return f"*/{max(1, seconds)} * * * * *"
    return f"*/{max(1, seconds // 60)} * * * *" if seconds < 3600 else "0 * * * *"


class BuildJobs:
    """The procrastinate app of the builds, for web processes (defer) and workers."""

    def __init__(self, database_url: str, timing: JobTiming | None = None) -> None:
        self.timing = timing or JobTiming()
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(
                conninfo=conninfo(database_url), min_size=1, max_size=4
            )
        )
        self._builder: FeedBuilder | None = None
        self._fetch_log: FetchLog | None = None
        self._register()

    def open(self) -> None:
        """Open the pool a web process defers with (the worker opens its own)."""
        self.app.open()

    def close(self) -> None:
        self.app.close()

    def defer(self, feed_id: int) -> None:
        """Queue a build of the feed, unless one is already waiting."""
        lock = f"feed-{feed_id}"
        # Already waiting: that job builds the newest version when it runs.
        with suppress(AlreadyEnqueued):
            self._build_task.configure(lock=lock, queueing_lock=lock).defer(feed_id=feed_id)

    def queued(self) -> int:
        """Build jobs waiting to start, cluster-wide (the metrics' queue depth)."""
        counts = self.app.job_manager.list_queues(queue=BUILD_QUEUE)
        return sum(int(row.get("todo", 0)) for row in counts)

    def run_worker(
        self, builder: FeedBuilder, fetch_log: FetchLog, *, concurrency: int, name: str
    ) -> None:
        """Run builds and the periodic jobs until SIGINT/SIGTERM (the worker command)."""
        self._builder, self._fetch_log = builder, fetch_log
        self.app.run_worker(
            queues=[BUILD_QUEUE, UPKEEP_QUEUE],
            concurrency=concurrency,
            name=name,
            delete_jobs="successful",
            update_heartbeat_interval=self.timing.heartbeat_seconds,
            stalled_worker_timeout=self.timing.stalled_worker_seconds,
        )

    # --- the tasks ---

    def _register(self) -> None:
        timing = self.timing

        @self.app.task(name="shelfcast.build_feed", queue=BUILD_QUEUE, retry=RETRY)
        def build_feed(feed_id: int) -> None:
            result = self._worker_builder().build(feed_id)
            if result.outcome in (Outcome.FAILED, Outcome.BUSY):
                raise BuildNotDone(f"feed {feed_id}: {result.outcome} {result.error or ''}")

        self._build_task = build_feed

        @self.app.periodic(cron=cron(timing.requeue_seconds))
        @self.app.task(name="shelfcast.requeue_behind", queue=UPKEEP_QUEUE, queueing_lock="requeue")
        def requeue_behind(timestamp: int) -> None:
            queued = queue_behind(self._worker_builder())
            if queued:
                log.info("queued %d feeds whose files are behind", len(queued))

        @self.app.periodic(cron=cron(timing.sweep_seconds))
        @self.app.task(name="shelfcast.sweep_deleted", queue=UPKEEP_QUEUE, queueing_lock="sweep")
        def sweep(timestamp: int) -> None:
            sweep_deleted(self._worker_builder())

        @self.app.periodic(cron=cron(timing.prune_seconds))
        @self.app.task(name="shelfcast.prune_fetch_log", queue=UPKEEP_QUEUE, queueing_lock="prune")
        def prune_fetch_log(timestamp: int) -> None:
            assert self._fetch_log is not None
            self._fetch_log.prune()

        @self.app.periodic(cron=cron(max(1, int(timing.stalled_worker_seconds // 2))))
        @self.app.task(name="shelfcast.retry_stalled", queue=UPKEEP_QUEUE, queueing_lock="stalled")
        async def retry_stalled(timestamp: int) -> None:
            manager = self.app.job_manager
            stalled = await manager.get_stalled_jobs(
                seconds_since_heartbeat=timing.stalled_worker_seconds
            )
            for job in stalled:
                log.warning("job %s of a worker that stopped is queued again", job.id)
                await manager.retry_job(job)

    def _worker_builder(self) -> FeedBuilder:
        if self._builder is None:
            raise RuntimeError("build jobs run in `shelfcast worker` only")
        return self._builder
