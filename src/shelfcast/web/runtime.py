"""What the running server holds: settings, database, file store, builder, fetch log."""

from __future__ import annotations

from dataclasses import dataclass

from shelfcast.catalog.imports.runner import ImportRunner
from shelfcast.db.database import Database, open_database
from shelfcast.publish.builder import FeedBuilder
from shelfcast.publish.fetch_log import FetchLog
from shelfcast.publish.jobs import BuildJobs, ensure_schema, job_timing
from shelfcast.publish.links import Links
from shelfcast.publish.storage import Storage, open_file_store, open_storage
from shelfcast.publish.store import FileStore
from shelfcast.publish.upkeep import Upkeep
from shelfcast.settings import Settings
from shelfcast.web.metrics import Metrics


@dataclass
class Runtime:
    settings: Settings
    database: Database
    store: FileStore
    builder: FeedBuilder
    fetch_log: FetchLog
    imports: ImportRunner
    upkeep: Upkeep
    links: Links
    storage: Storage
    metrics: Metrics
    jobs: BuildJobs | None = None  # PostgreSQL with SHELFCAST_BUILD_JOBS: workers build

    @classmethod
    def open(cls, settings: Settings) -> Runtime:
        database = open_database(settings)
        storage = open_storage(settings)
        store = open_file_store(settings, storage)
        builder = FeedBuilder(
            database.engine,
            database.sessions,
            database.writes,
            store,
            grace_s=settings.superseded_file_grace_seconds,
        )
        # An import that changed the catalog queues the account's feeds once, after its commit.
        imports = ImportRunner(
            database.sessions, database.writes, settings.data_dir, builder.request_account
        )
        upkeep = Upkeep(builder, settings.sweep_seconds, check_at_start=settings.rebuild_on_start)
        links = Links(
            database.engine,
            store,
            builder,
            link_wait_s=settings.link_wait_seconds,
            first_build_wait_s=settings.first_build_wait_seconds,
        )
        fetch_log = FetchLog(database.writes)
        jobs = open_jobs(settings, database, builder)
        metrics = Metrics(database.sessions, jobs.queued if jobs else builder.queued)
        builder.observe = metrics.observe_build
        return cls(
            settings,
            database,
            store,
            builder,
            fetch_log,
            imports,
            upkeep,
            links,
            storage,
            metrics,
            jobs,
        )

    def start(self) -> None:
        self.builder.start()
        self.fetch_log.start()
        self.imports.start()
        if self.jobs is None:  # with build jobs, the workers' periodic jobs do its work
            self.upkeep.start()

    def stop(self) -> None:
        self.upkeep.stop()
        self.imports.stop()
        self.builder.stop()
        self.fetch_log.stop()
        if self.jobs is not None:
            self.jobs.close()
        self.database.close()


def open_jobs(settings: Settings, database: Database, builder: FeedBuilder) -> BuildJobs | None:
    """With ``SHELFCAST_BUILD_JOBS`` on PostgreSQL: the builder's requests become jobs."""
    if not settings.build_jobs:
        return None
    if database.engine.dialect.name != "postgresql":
        raise ValueError("SHELFCAST_BUILD_JOBS needs PostgreSQL (SQLite builds in-process)")
    ensure_schema(database.engine)
    jobs = BuildJobs(settings.database_url, job_timing(settings))
    jobs.open()
    builder.dispatch = jobs.defer
    return jobs
