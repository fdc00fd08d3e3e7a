"""A query's rows as Arrow record batches: SQLite (in a process of its own) or PostgreSQL.

    with sqlite_record_batches("/srv/shelfcast.db", sql) as batches:
        for batch in batches: ...
    with postgresql_record_batches("postgresql://...", sql, snapshot=...) as batches:
        ...

PostgreSQL: the ADBC PostgreSQL driver reads the rows with ``COPY ... TO STDOUT
(FORMAT binary)`` straight into Arrow arrays, in this process (the server does
the query's work in its own), in the snapshot of another transaction when given
one (``pg_export_snapshot``), so the rows are exactly what that transaction sees.

SQLite:
The ADBC SQLite driver reads rows straight into Arrow arrays, several times
faster than building Python objects per value. It carries its own copy of
SQLite, though, and two copies of SQLite in one process break each other's
locking on the same file: closing one copy's file descriptor drops the POSIX
locks the other holds, and each takes the other's shared-memory WAL index for
abandoned and resets it ("How To Corrupt An SQLite Database File", section
2.2.1, "Multiple copies of SQLite linked into the same application"). Our
SQLAlchemy connections (Python's ``sqlite3``) hold the same file open all the
time, and in one process the two corrupted each other's view of the database.

So the driver runs in a child process (``python -m shelfcast.db.arrow_reader``)
whose only SQLite is the driver's: to SQLite that is one more process reading
the file, the ordinary case its locking is made for. The child streams the
batches to us as an Arrow IPC stream on a pipe, and the caller formats one
batch while the child reads the next, on a second core.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any
from urllib.parse import quote

import pyarrow as pa
import pyarrow.ipc

__all__ = ["ArrowReadError", "postgresql_record_batches", "sqlite_record_batches"]

BATCH_ROWS = 16_384
_ERROR_CHARS = 2000
# What pg_export_snapshot() returns ("00000003-0000001B-1"): checked before it is
# written into SET TRANSACTION SNAPSHOT, which takes no parameters.
# The driver's batches, in bytes (its default is 16 MB): at 1 MB an XLSX build of
# 100,000 rows peaked at 220-233 MB instead of 258-261 MB, as fast (bench/README.md).
_BATCH_BYTES_OPTION = "adbc.postgresql.batch_size_hint_bytes"
_BATCH_BYTES = 1 << 20
_SNAPSHOT_ID = re.compile(r"[0-9A-F]+(-[0-9A-F]+)+")


class ArrowReadError(RuntimeError):
    """The child process could not read the rows (its error is in the message)."""


@contextmanager
def sqlite_record_batches(
    database: str, sql: str, batch_rows: int = BATCH_ROWS
) -> Iterator[Iterator[pa.RecordBatch]]:
    """The rows of ``sql`` on the SQLite file ``database`` (opened read-only), as
    record batches of ``batch_rows`` rows, read by a child process.

    Column types are the driver's: it types a column by the values of its first
    batch (all NULL reads as int64) and fails on a later value of another type,
    so the SQL must give each column one type. All rows come from one snapshot
    (the SELECT's read transaction). The batches stream: only a few are in
    memory at a time. After the last batch the child's exit status is checked:
    a failure raises :class:`ArrowReadError` instead of ending early, so a cut
    stream is never taken for the whole result. Leaving the block early stops
    the child.
    """
    request = json.dumps({"database": database, "sql": sql, "batch_rows": batch_rows})
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        assert process.stdin is not None and process.stdout is not None
        try:
            with process.stdin:
                process.stdin.write(request.encode())
            yield _batches(process, process.stdout, errors)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            process.stdout.close()


@contextmanager
def postgresql_record_batches(
    uri: str, sql: str, *, snapshot: str | None = None
) -> Iterator[Iterator[pa.RecordBatch]]:
    """The rows of ``sql`` on the PostgreSQL database at ``uri`` (a libpq URI), as
    record batches read by the ADBC driver, in a read-only transaction.

    With ``snapshot`` (an id from ``pg_export_snapshot()`` of a transaction that
    is still open) the rows are those that transaction sees; without, those of a
    new snapshot. Column types are the query's (``bigint`` is int64, ``text``
    a string). The batches stream.
    """
    import adbc_driver_postgresql.dbapi as adbc_postgresql

    if snapshot is not None and not _SNAPSHOT_ID.fullmatch(snapshot):
        raise ValueError(f"not a snapshot id: {snapshot!r}")
    with adbc_postgresql.connect(uri) as connection, connection.cursor() as cursor:
        # The driver has begun a transaction (autocommit is off): set it up first.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        if snapshot is not None:
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        cursor.adbc_statement.set_options(**{_BATCH_BYTES_OPTION: str(_BATCH_BYTES)})
        cursor.execute(sql)
        yield iter(cursor.fetch_record_batch())
        connection.rollback()


def _batches(
    process: subprocess.Popen[bytes], stream: IO[bytes], errors: IO[bytes]
) -> Iterator[pa.RecordBatch]:
    try:
        yield from pyarrow.ipc.open_stream(stream)
    except pa.ArrowInvalid:
        # Nothing, or a stream cut off midway: the child failed, and says why below.
        if process.wait() == 0:
            raise
    if process.wait() != 0:
        errors.seek(0)
        message = errors.read().decode(errors="replace").strip()[-_ERROR_CHARS:]
        raise ArrowReadError(
            f"reading the rows from SQLite failed (exit status {process.returncode}): {message}"
        )


def _read(request: dict[str, Any], out: IO[bytes]) -> None:
    """The child's work: run the query through the ADBC driver, stream the batches."""
    import adbc_driver_sqlite.dbapi as adbc_sqlite

    uri = f"file:{quote(request['database'])}?mode=ro"
    with adbc_sqlite.connect(uri) as connection, connection.cursor() as cursor:
        cursor.adbc_statement.set_options(
            **{"adbc.sqlite.query.batch_rows": str(request["batch_rows"])}
        )
        cursor.execute(request["sql"])
        reader = cursor.fetch_record_batch()
        with pyarrow.ipc.new_stream(out, reader.schema) as writer:
            for batch in reader:
                writer.write_batch(batch)


def main() -> int:
    try:
        _read(json.load(sys.stdin), sys.stdout.buffer)
        sys.stdout.buffer.flush()
    except Exception as error:  # reported to the parent, which raises ArrowReadError
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
