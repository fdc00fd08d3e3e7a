"""The floors a feed build is measured against, on the same data, in a process of its own.

    python -m bench.floors --database-url URL --feed-id 1 --out-dir DIR

Prints one JSON object:

- ``floor_query_s``: the database streaming exactly the feed's cells: the feed's
  own statement (``feeds.repository.feed_rows_statement``) run on a raw DB-API
  cursor and read out with ``fetchmany``, nothing converted or written;
- ``query_sqlalchemy_s`` (not a floor: where our time goes): the same statement
  read as ``feeds.repository.feed_rows`` reads it, through SQLAlchemy with
  ``yield_per``, result types (fixed-point decimals) applied;
- ``cells_s`` (not a floor): those rows turned into the feed's cells by the
  renderer's converters (``render.feed_cells``), nothing written;
- ``floor_csv_write_s``: pyarrow's CSV writer writing those cells (as the text the
  feed holds) from memory to a file; pyarrow quotes every text field, so its
  file is larger than ours but the work is the same;
- ``floor_xlsx_write_s``: XlsxWriter in ``constant_memory`` mode (no URLs, no
  formulas) writing those typed cells from memory: the library our XLSX writer
  used before it wrote the sheet's XML itself;
- ``xlsx_write_s`` (not a floor: our writer alone): ``write_xlsx_batches``
  writing the feed's rows from Arrow record batches held in memory (read
  beforehand through the columnar path's reader), the XLSX build without the
  database.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import xlsxwriter

from shelfcast.db.database import open_database
from shelfcast.db.types import SCALE
from shelfcast.feeds import repository as feeds_repo
from shelfcast.feeds import service as feeds
from shelfcast.render import feed_cells, format_decimal, write_xlsx_batches
from shelfcast.render.spec import FileType
from shelfcast.settings import Settings

FETCH_BATCH = feeds_repo.STREAM_BATCH


def measure(database_url: str, feed_id: int, out_dir: Path) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    database = open_database(Settings(database_url=database_url, data_dir=out_dir))
    try:
        with database.sessions() as session:
            feed = feeds.find_feed(session, feed_id)
            plan = feeds.plan_feed(session, feed)
        engine = database.engine
        statement = feeds_repo.feed_rows_statement(plan.query, engine.dialect.name)
        sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))

        # The database alone: its driver's cursor, read out in batches.
        raw = engine.raw_connection()
        try:
            started = time.perf_counter()
            cursor = raw.cursor()
            cursor.execute(sql)
            rows = 0
            while batch := cursor.fetchmany(FETCH_BATCH):
                rows += len(batch)
            cursor.close()
            floor_query_s = time.perf_counter() - started
            raw.rollback()
        finally:
            raw.close()

        # The same rows as our build reads them (SQLAlchemy, result types applied).
        with database.sessions() as session:
            started = time.perf_counter()
            raw_rows = list(feeds.raw_rows(session, plan))
            query_sqlalchemy_s = time.perf_counter() - started
        started = time.perf_counter()
        cells = list(feed_cells(plan.spec.columns, raw_rows))
        cells_s = time.perf_counter() - started
        del raw_rows
        batches = _arrow_batches(session_factory=database.sessions, plan=plan)
    finally:
        database.close()

    headers = [column.header for column in plan.spec.columns]
    result: dict[str, Any] = {
        "rows": rows,
        "floor_query_s": floor_query_s,
        "query_sqlalchemy_s": query_sqlalchemy_s,
        "cells_s": cells_s,
    }

    # pyarrow's CSV writer, from memory (building the table is not timed).
    texts = [
        [cell if isinstance(cell, str) else format_decimal(cell) for cell in column]
        for column in zip(*cells, strict=True)
    ] or [[] for _ in headers]
    table = pa.table(
        {
            header: pa.array(column, pa.string())
            for header, column in zip(headers, texts, strict=True)
        }
    )
    del texts
    csv_path = out_dir / "floor.csv"
    started = time.perf_counter()
    pa_csv.write_csv(table, str(csv_path))
    result["floor_csv_write_s"] = time.perf_counter() - started
    result["floor_csv_bytes"] = csv_path.stat().st_size
    del table
    csv_path.unlink()

    # XlsxWriter constant_memory, from typed cells in memory (typing them is not timed).
    typed: list[list[str | float]] = [
        [cell if isinstance(cell, str) else float(cell) for cell in row] for row in cells
    ]
    del cells
    xlsx_path = out_dir / "floor.xlsx"
    started = time.perf_counter()
    _write_xlsx(xlsx_path, headers, typed)
    result["floor_xlsx_write_s"] = time.perf_counter() - started
    xlsx_path.unlink()

    if batches is not None:
        started = time.perf_counter()
        with open(xlsx_path, "wb") as out:
            spec = replace(plan.spec, file_type=FileType.XLSX, sheet_name="Stock")
            result["xlsx_write_rows"] = write_xlsx_batches(spec, batches, out, scale=SCALE)
        result["xlsx_write_s"] = time.perf_counter() - started
        result["xlsx_write_bytes"] = xlsx_path.stat().st_size
        xlsx_path.unlink()
    return result


def _arrow_batches(session_factory: Any, plan: Any) -> list[pa.RecordBatch] | None:
    """The feed's rows as the columnar path reads them, all in memory."""
    with session_factory() as session:
        source = feeds_repo.arrow_source(session)
        if source is None:
            return None
        with feeds_repo.columnar_feed_rows(source, plan.query) as batches:
            return list(batches)


def _write_xlsx(path: Path, headers: list[str], rows: list[list[str | float]]) -> None:
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_urls": False,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "tmpdir": str(path.parent),
        },
    )
    sheet = workbook.add_worksheet("Stock")
    write_string = sheet.write_string
    write_number = sheet.write_number
    for col, header in enumerate(headers):
        write_string(0, col, header)
    for index, row in enumerate(rows, start=1):
        for col, cell in enumerate(row):
            if isinstance(cell, str):
                if cell:
                    write_string(index, col, cell)
            else:
                write_number(index, col, cell)
    workbook.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the floors of one feed's build.")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--feed-id", type=int, required=True)
    parser.add_argument("--out-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.database_url, args.feed_id, args.out_dir)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
