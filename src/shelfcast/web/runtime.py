"""What the running server holds: settings, database, file store, builder, fetch log."""

from __future__ import annotations

from dataclasses import dataclass

from shelfcast.catalog.imports.runner import ImportRunner
from shelfcast.db.database import Database, open_database
from shelfcast.publish.builder import FeedBuilder
from shelfcast.publish.fetch_log import FetchLog
from shelfcast.publish.links import Links
from shelfcast.publish.store import FileStore
from shelfcast.publish.upkeep import Upkeep
from shelfcast.settings import Settings


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

    @classmethod
    def open(cls, settings: Settings) -> Runtime:
        database = open_database(settings)
        store = FileStore(settings.data_dir)
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
        return cls(settings, database, store, builder, fetch_log, imports, upkeep, links)

    def start(self) -> None:
        self.builder.start()
        self.fetch_log.start()
        self.imports.start()
        self.upkeep.start()

    def stop(self) -> None:
        self.upkeep.stop()
        self.imports.stop()
        self.builder.stop()
        self.fetch_log.stop()
        self.database.close()
