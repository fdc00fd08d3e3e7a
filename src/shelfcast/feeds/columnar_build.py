"""The columnar build: Arrow batches from SQLite straight into the CSV or XLSX writer.

The row path (``raw_rows`` -> ``render_feed``) spends most of a big CSV build in
Python per cell: SQLAlchemy's result rows, a ``Decimal`` per number, a converter
call and a ``csv`` field per cell. On SQLite this path has the ADBC driver read
the same rows as Arrow record batches (in a process of its own:
:mod:`shelfcast.db.arrow_reader`) and formats them with Arrow compute
(:func:`shelfcast.render.write_csv_batches`,
:func:`shelfcast.render.write_xlsx_batches`): the same bytes, several times
faster. The property tests compare the two paths byte for byte.

On PostgreSQL the ADBC PostgreSQL driver reads them (``COPY`` in binary, into
Arrow), in this process, on a connection of its own that imports the session's
snapshot (``pg_export_snapshot``): the builder reads a feed's versions in a
REPEATABLE READ transaction, and the rows are then exactly those of its key.
"""

from __future__ import annotations

from typing import BinaryIO

from sqlalchemy.orm import Session

from shelfcast.db.types import SCALE
from shelfcast.feeds import repository as repo
from shelfcast.feeds.fields import ProductField
from shelfcast.render import RenderResult, write_csv_batches, write_xlsx_batches
from shelfcast.render.spec import FeedSpec, FileType

# Below this many products the row path is as fast: starting the reader process
# (an interpreter importing pyarrow) costs about as much as the row path's
# per-cell work on this many rows.
MIN_PRODUCTS = 20_000

_COLUMNAR_TYPES = frozenset({FileType.CSV, FileType.XLSX})

# Datetimes are written as ISO 8601 by the service (``raw_rows``); not done in Arrow.
_ROW_PATH_FIELDS = frozenset({ProductField.CREATED_AT, ProductField.UPDATED_AT})


def columnar_database(
    session: Session, file_type: FileType, query: repo.RowsQuery
) -> repo.ArrowSource | None:
    """Where to read the feed's rows from as Arrow batches, or None for the row path:
    not CSV or XLSX, a column the columnar path does not write (created_at,
    updated_at), an in-memory SQLite database, uncommitted writes in the session
    (another connection would not see them), or a catalog small enough for the
    row path."""
    if file_type not in _COLUMNAR_TYPES:
        return None
    if any(column.field in _ROW_PATH_FIELDS for column in query.columns):
        return None
    if repo.count_products(session, query.account_id) < MIN_PRODUCTS:
        return None
    return repo.arrow_source(session)


def render_csv_columnar(
    source: repo.ArrowSource, spec: FeedSpec, query: repo.RowsQuery, out: BinaryIO
) -> RenderResult:
    """Write the CSV file of ``spec`` from the rows of ``query`` in ``source``, read
    as Arrow batches; the bytes of the row path.

    On PostgreSQL the rows are those of the session's snapshot. On SQLite they
    are read through another connection, which starts its read after
    everything the caller's session has read so far. The publish builder
    reads a feed's versions (its file key) in its session and then renders: the
    rows may then be newer than the key, never older. That is the safe way round:
    the commit that made them newer also bumped a version, so the feed is built
    again under a newer key, and a file never shows data older than its key.
    """
    with repo.columnar_feed_rows(source, query) as batches:
        rows = write_csv_batches(spec, batches, out, scale=SCALE)
    return RenderResult(rows=rows)


def render_xlsx_columnar(
    source: repo.ArrowSource, spec: FeedSpec, query: repo.RowsQuery, out: BinaryIO
) -> RenderResult:
    """The XLSX file of ``spec`` from the rows of ``query`` read as Arrow batches, as
    :func:`render_csv_columnar` writes a CSV file (the same snapshot rules)."""
    with repo.columnar_feed_rows(source, query) as batches:
        rows = write_xlsx_batches(spec, batches, out, scale=SCALE)
    return RenderResult(rows=rows)


def render_columnar(
    source: repo.ArrowSource, spec: FeedSpec, query: repo.RowsQuery, out: BinaryIO
) -> RenderResult:
    """The feed's file by the columnar path, whichever of its file types it is."""
    if spec.file_type is FileType.XLSX:
        return render_xlsx_columnar(source, spec, query, out)
    return render_csv_columnar(source, spec, query, out)
