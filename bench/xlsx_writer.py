"""Our XLSX writer alone on synthetic rows: 10 columns like the bench feed's, from memory.

    python -m bench.xlsx_writer --rows 1000000

Prints one JSON object: ``seconds`` (wall), ``cpu_s`` (CPU of the process, both
threads: the XML and the deflate thread), ``rows_per_s``, ``bytes`` and
``writer_rss_mb`` (peak RSS during the write less the RSS before it: the
writer's own memory, the rows in memory excluded). No database: the rows are
made up (texts in Russian and English, ~2 % with ``&``, 0-3 image URLs,
quantities and prices as fixed-point units).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from shelfcast.render import (
    CellFormat,
    Column,
    ColumnSource,
    FeedSpec,
    FileType,
    write_xlsx_batches,
)


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def _table(rows: int, seed: int) -> pa.Table:
    rng = random.Random(seed)
    return pa.table(
        {
            "sku": pa.array([f"SKU-{i:08d}" for i in range(rows)]),
            "name": pa.array(
                [
                    f"Товар номер {i} " + ("Café & crème" if i % 50 == 0 else "Wireless mouse")
                    for i in range(rows)
                ]
            ),
            "barcode": pa.array([str(4_600_000_000_000 + i) for i in range(rows)]),
            "path": pa.array([f"Kitchen > Knives {i % 30}" for i in range(rows)]),
            "brand": pa.array([f"Brand {i % 100}" for i in range(rows)]),
            "quantity": pa.array([(i % 50) * 10_000 for i in range(rows)], pa.int64()),
            "price": pa.array([rng.randint(100, 10**9) for _ in range(rows)], pa.int64()),
            "images": pa.array(
                [
                    ",".join(f"https://cdn.example.com/img/{i}/{k}.jpg" for k in range(i % 4))
                    for i in range(rows)
                ]
            ),
            "color": pa.array(["Black, matte" if i % 2 else "Красный" for i in range(rows)]),
            "currency": pa.nulls(rows),
        }
    )


def _spec() -> FeedSpec:
    def text(header: str) -> Column:
        return Column(header, ColumnSource.PRODUCT_FIELD, field="name")

    return FeedSpec(
        FileType.XLSX,
        "bench.xlsx",
        (
            *(text(h) for h in ("SKU", "Name", "EAN", "Category", "Brand")),
            Column("Qty", ColumnSource.PRODUCT_FIELD, CellFormat.QUANTITY, field="quantity"),
            Column("Price", ColumnSource.PRICE, CellFormat.PRICE, price_type_id=1),
            text("Images"),
            text("Color"),
            Column("Currency", ColumnSource.CUSTOM_VALUE, value="EUR"),
        ),
        sheet_name="Stock",
    )


def measure(rows: int, seed: int) -> dict[str, float]:
    batches = _table(rows, seed).to_batches(max_chunksize=32_768)
    Path("/proc/self/clear_refs").write_text("5")  # the peak RSS starts again from here
    before = _rss_mb("VmRSS:")
    cpu = time.process_time()
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        written = write_xlsx_batches(_spec(), batches, out, scale=4)
        size = out.tell()
    seconds = time.perf_counter() - started
    return {
        "rows": written,
        "seconds": seconds,
        "cpu_s": time.process_time() - cpu,
        "rows_per_s": written / seconds,
        "bytes": size,
        "writer_rss_mb": _rss_mb("VmHWM:") - before,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the XLSX writer on synthetic rows.")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.rows, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
