"""What the running server holds: settings, database, file store, builder, fetch log."""

from __future__ import annotations

from dataclasses import dataclass

from shelfcast.catalog.imports.runner import ImportRunner
from shelfcast.db.database import Database, open_database
from shelfcast.publish.builder import FeedBuilder
from shelfcast.publish.fetch_log import FetchLog
from shelfcast.publish.store import FileStore
from shelfcast.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    database: Database
    store: FileStore
    builder: FeedBuilder
    fetch_log: FetchLog
    imports: ImportRunner

    @classmethod
    def open(cls, settings: Settings) -> Runtime:
        database = open_database(settings)
        store = FileStore(settings.data_dir)
        builder = FeedBuilder(database.engine, database.sessions, database.writes, store)
        # An import that changed the catalog queues the account's feeds once, after its commit.
        imports = ImportRunner(
            database.sessions, database.writes, settings.data_dir, builder.request_account
        )
        return cls(settings, database, store, builder, FetchLog(database.writes), imports)

    def start(self) -> None:
        self.builder.start()
        self.fetch_log.start()
        self.imports.start()

    def stop(self) -> None:
        self.imports.stop()
        self.builder.stop()
        self.fetch_log.stop()
        self.database.close()
