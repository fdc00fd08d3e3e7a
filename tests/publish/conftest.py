"""Builders over a real, committed database: each test makes its own account and feed.

A ``FeedBuilder`` commits (its build state) and reads in transactions of its
own, so these tests do not use the rolled-back ``session``; they keep apart by
account, as the HTTP tests do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shelfcast.db.database import Database
from shelfcast.db.engine import for_writing, make_engine, make_session_factory
from shelfcast.publish.builder import FeedBuilder
from shelfcast.publish.store import FileStore


def open_test_database(database_url: str) -> Database:
    """A database handle with its own engine and pool, as a worker process has."""
    engine = make_engine(database_url)
    return Database(
        engine=engine,
        sessions=make_session_factory(engine),
        writes=make_session_factory(for_writing(engine)),
    )


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = open_test_database(database_url)
    yield database
    database.close()


@pytest.fixture
def make_builder(database_url: str, tmp_path: Path) -> Iterator[Callable[[], FeedBuilder]]:
    """Builders that share the database and the data folder, each with its own engine."""
    made: list[tuple[Database, FeedBuilder]] = []

    def make() -> FeedBuilder:
        database = open_test_database(database_url)
        builder = FeedBuilder(
            database.engine, database.sessions, database.writes, FileStore(tmp_path / "data")
        )
        made.append((database, builder))
        return builder

    yield make
    for database, builder in made:
        builder.stop()
        database.close()
