"""The columnar CSV build: Arrow batches from SQLite straight into the CSV writer.

The row path (``raw_rows`` -> ``render_feed``) spends most of a big CSV build in
Python per cell: SQLAlchemy's result rows, a ``Decimal`` per number, a converter
call and a ``csv`` field per cell. On SQLite this path reads the same rows as
Arrow record batches through the ADBC driver and formats them with Arrow compute
(:func:`shelfcast.render.write_csv_batches`): the same bytes, several times
faster. The property tests compare the two paths byte for byte.

PostgreSQL keeps the row path: its server-side cursor already streams, and the
builder reads the rows there in the REPEATABLE READ snapshot of the version key,
which a second connection could not share.
"""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy.orm import Session

from shelfcast.db.types import SCALE
from shelfcast.feeds import repository as repo
from shelfcast.feeds.fields import ProductField
from shelfcast.render import RenderResult, write_csv_batches
from shelfcast.render.spec import FeedSpec, FileType

# Datetimes are written as ISO 8601 by the service (``raw_rows``); not done in Arrow.
_ROW_PATH_FIELDS = frozenset({ProductField.CREATED_AT, ProductField.UPDATED_AT})


def columnar_database(session: Session, file_type: FileType, query: repo.RowsQuery) -> str | None:
    """The SQLite file to read the feed's rows from as Arrow batches, or None for the
    row path: not SQLite (or not a file, or the session holds uncommitted writes
    that a second connection would not see), not CSV, or a column the columnar
    path does not write (created_at, updated_at)."""
    if file_type is not FileType.CSV:
        return None
    if any(column.field in _ROW_PATH_FIELDS for column in query.columns):
        return None
    return repo.readable_sqlite_file(session)


def render_csv_columnar(
    database: str, spec: FeedSpec, query: repo.RowsQuery, out: BinaryIO
) -> RenderResult:
    """Write the CSV file of ``spec`` from the rows of ``query`` in the SQLite file
    ``database``, read as Arrow batches; the bytes of the row path.

    The rows are read through a connection of their own, which starts its read
    after everything the caller's session has read so far. The publish builder
    reads a feed's versions (its file key) in its session and then renders: the
    rows may then be newer than the key, never older. That is the safe way round:
    the commit that made them newer also bumped a version, so the feed is built
    again under a newer key, and a file never shows data older than its key.
    """
    with repo.columnar_feed_rows(database, query) as batches:
        rows = write_csv_batches(spec, batches, out, scale=SCALE)
    return RenderResult(rows=rows)
