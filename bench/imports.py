"""The catalog import, from upload to committed data and rebuilt feeds, in a process of its own.

    python -m bench.imports --rows 100000 --format csv --work-dir DIR

Generates (once, cached under ``bench/.cache/``) an N-row merchant file of 11
columns — sku, name, barcode, category, brand, unit, weight, two prices, two
stock levels — with the synthetic catalog's names (French, Russian, German,
accents, quotes, separators). Then, in a fresh SQLite database holding the
bench account's warehouses, price types and a CSV feed: copies the file in as
an upload, creates the job, runs it exactly as the web worker does
(``runner.execute_import``: the whole file checked and written in one
transaction), and rebuilds the feed once. Prints one JSON object: seconds,
rows/s, peak RSS (this process's own high-water mark, see ``bench.build``).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

import xlsxwriter

from bench import catalog as bench_catalog
from bench.build import peak_rss_mb
from shelfcast.catalog.imports import service as imports
from shelfcast.catalog.imports.runner import execute_import
from shelfcast.db.database import open_database
from shelfcast.db.session import transaction
from shelfcast.publish.builder import FeedBuilder
from shelfcast.publish.store import FileStore
from shelfcast.settings import Settings

CACHE = Path(__file__).resolve().parent / ".cache"
HEADER = [
    "sku", "name", "barcode", "category", "brand", "unit", "weight", "price:Retail",
    "price:Wholesale", f"stock:{bench_catalog.WAREHOUSES[0]}",
    f"stock:{bench_catalog.WAREHOUSES[1]}",
]  # fmt: skip


def file_rows(rows: int, seed: int = bench_catalog.DEFAULT_SEED) -> Any:
    """The synthetic catalog's products as merchant-file rows (text cells)."""
    for index, start, count in bench_catalog._batches(rows, bench_catalog.PRODUCT_BATCH):
        for item in bench_catalog.product_items(seed, "import", index, start, count):
            prices = item.get("prices") or {}
            number = int(item["sku"].rsplit("-", 1)[-1])
            yield [
                item["sku"],
                item["name"],
                item.get("barcode") or "",
                " > ".join(item.get("category") or []),
                item.get("brand") or "",
                item.get("unit") or "",
                str(item.get("weight") or ""),
                str(prices.get("Retail", "")),
                str(prices.get("Wholesale", "")),
                str(number % 50),
                str(number % 7),
            ]


def sample_file(rows: int, file_format: str) -> Path:
    """The N-row file, generated once."""
    path = CACHE / f"import-{rows}.{file_format}"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    if file_format == "csv":
        with partial.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(HEADER)
            writer.writerows(file_rows(rows))
    else:
        book = xlsxwriter.Workbook(str(partial), {"constant_memory": True})
        sheet = book.add_worksheet("Products")
        sheet.write_row(0, 0, HEADER)
        for number, row in enumerate(file_rows(rows), start=1):
            for column, value in enumerate(row):
                # Prices, weights and stock as numbers, as a merchant's workbook holds them.
                if column >= 6 and value:
                    sheet.write_number(number, column, float(value))
                else:
                    sheet.write_string(number, column, value)
        book.close()
    partial.rename(path)
    return path


def run(rows: int, file_format: str, work_dir: Path) -> dict[str, Any]:
    source = sample_file(rows, file_format)
    work_dir.mkdir(parents=True, exist_ok=True)
    db_path = work_dir / f"import-{file_format}.db"
    for leftover in work_dir.glob(f"{db_path.name}*"):
        leftover.unlink()
    settings = Settings(database_url=f"sqlite:///{db_path}", data_dir=work_dir / "data")
    database = open_database(settings)
    try:
        loaded, _ = bench_catalog.load_catalog(database, products=0, file_types=("csv",))
        baseline = peak_rss_mb()
        started = time.perf_counter()
        cpu_started = time.process_time()
        stored = imports.copy_upload(settings.data_dir, source)
        with transaction(database.writes) as session:
            job = imports.create_import(
                session, loaded.account_id, settings.data_dir, stored, source.name,
                imports.ImportChoices(),
            )  # fmt: skip
        outcome = execute_import(database.sessions, database.writes, settings.data_dir, job.id)
        imported = time.perf_counter() - started
        import_cpu = time.process_time() - cpu_started
        import_peak = peak_rss_mb()  # before the feed build, which has its own figures
        builder = FeedBuilder(
            database.engine, database.sessions, database.writes, FileStore(settings.data_dir)
        )
        builder.start()
        builder.request_account(loaded.account_id)
        builder.wait_idle(timeout=3600)
        builder.stop()
        seconds = time.perf_counter() - started
        # CPU seconds too: on a shared machine the wall clock also counts waiting for a core.
        cpu = time.process_time() - cpu_started
        counts = outcome.run.counts if outcome.run else None
        return {
            "rows": rows,
            "format": file_format,
            "applied": outcome.applied,
            "created": counts.created if counts else 0,
            "errors": counts.error_count if counts else None,
            "failure": outcome.failure,
            "import_s": imported,
            "import_cpu_s": import_cpu,
            "import_rows_per_cpu_s": rows / import_cpu,
            "seconds": seconds,
            "rows_per_s": rows / seconds,
            "cpu_s": cpu,
            "rows_per_cpu_s": rows / cpu,
            "peak_rss_mb": peak_rss_mb(),
            "peak_rss_import_only_mb": import_peak,
            "baseline_rss_mb": baseline,
        }
    finally:
        database.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--work-dir", type=Path, default=CACHE / "import-run")
    args = parser.parse_args(argv)
    result = run(args.rows, args.format, args.work_dir)
    print(json.dumps(result), file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
