"""Engine and session factory; SQLite gets WAL and foreign keys on every connection."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from shelfcast.db.text_search import register_sqlite_fold


def make_engine(database_url: str, **kwargs: Any) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        connect_args = kwargs.pop("connect_args", {})
        # Writers wait for each other instead of failing with "database is locked".
        connect_args.setdefault("timeout", 30)
        # SQLite connections are cheap; keep one per request thread (anyio's pool
        # has 40) instead of opening and closing overflow connections under load.
        kwargs.setdefault("pool_size", 40)
        kwargs.setdefault("max_overflow", 10)
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, emit BEGIN: savepoints then work
    # and writers can take the write lock up front (see ``for_writing``).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    register_sqlite_fold(dbapi_connection)  # search ignoring accents (db/text_search.py)


# Where a SQLite connection keeps the count of rows it had changed when its
# transaction began (see ``sqlite_transaction_wrote``).
_CHANGES_AT_BEGIN = "shelfcast.sqlite_changes_at_begin"


def _sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")
    conn.info[_CHANGES_AT_BEGIN] = _total_changes(conn)


def _total_changes(conn: Connection) -> int:
    dbapi_connection: Any = conn.connection.dbapi_connection
    return int(dbapi_connection.total_changes)


def sqlite_transaction_wrote(conn: Connection) -> bool:
    """Whether the SQLite transaction open on ``conn`` has inserted, updated or deleted
    rows (True when that is not known: a connection not made by :func:`make_engine`).

    Another connection to the same file does not see those rows before the commit:
    code that reads the database through a second connection must not, or must
    fall back to reading through this one. (SQLite's count of changed rows never
    goes down, so a write rolled back to a savepoint still counts: the safe side.)
    """
    changes_at_begin = conn.info.get(_CHANGES_AT_BEGIN)
    return changes_at_begin is None or _total_changes(conn) != changes_at_begin


def for_writing(engine: Engine) -> Engine:
    """The same engine, but SQLite transactions take the write lock at BEGIN.

    A deferred SQLite transaction that reads and then writes fails at once
    (SQLITE_BUSY) if another writer committed meanwhile; taking the lock up front
    makes concurrent writers queue instead, which read-check-write rules such as
    the plan's file limit rely on. On PostgreSQL it changes nothing.
    """
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
