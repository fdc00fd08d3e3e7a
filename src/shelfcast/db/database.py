"""Opening the configured database from a command (migrating it first)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from shelfcast.db.engine import for_writing, make_engine, make_session_factory
from shelfcast.db.migrate import upgrade
from shelfcast.settings import Settings


@dataclass
class Database:
    engine: Engine
    sessions: sessionmaker[Session]
    writes: sessionmaker[Session]

    def close(self) -> None:
        self.engine.dispose()


def open_database(settings: Settings) -> Database:
    """Migrate the database named by the settings, then open it."""
    if settings.database_url.startswith("sqlite"):
        _ensure_sqlite_folder(settings.database_url)
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    return Database(
        engine=engine,
        sessions=make_session_factory(engine),
        writes=make_session_factory(for_writing(engine)),
    )


def _ensure_sqlite_folder(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
