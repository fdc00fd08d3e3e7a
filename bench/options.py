"""The columnar CSV path with the output options on, against the same feed without them.

    python -m bench.options --products 100000 [--repeats 3]

Two CSV feeds of the same 10 columns over the cached benchmark catalog
(``bench.run``'s, generated on first use): one with the defaults, one with
``cp1251``, a decimal comma, line breaks as spaces, formula protection, a stock
buffer of 2 and quantities rounded down. Each is rendered alone
(``bench.build --render-only``: the columnar path on SQLite) ``--repeats``
times in a process of its own; the median seconds are printed as JSON. The
columns are ones the catalog's text fits in Windows-1251 (it mixes French and
Russian: a name with "é" cannot be written in cp1251).
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

from bench import catalog as bench_catalog
from bench.run import CACHE, build_once, say, sqlite_catalog
from shelfcast.db.database import open_database
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import FeedCreate
from shelfcast.settings import Settings

OPTIONS = {
    "encoding": "cp1251",
    "decimal_separator": "comma",
    "line_breaks": "space",
    "formula_protection": True,
    "stock_buffer": 2,
    "round_quantities_down": True,
}


def feed_body(meta: dict[str, Any], name: str, **options: Any) -> dict[str, Any]:
    main = meta["main"]
    return {
        "store_name": f"Options {name}",
        "store_url": "https://marketplace.example",
        "warehouse_ids": main["warehouse_ids"][: bench_catalog.FEED_WAREHOUSES],
        "file_type": "csv",
        "csv_separator": "semicolon",
        "file_name": f"options_{name}",
        "include_zero_stock": True,
        "columns": [
            {"header": "SKU", "source": "product_field", "field": "sku"},
            {"header": "EAN", "source": "product_field", "field": "barcode"},
            {"header": "Color", "source": "product_field", "field": "custom.color"},
            {"header": "Material", "source": "product_field", "field": "custom.material"},
            {"header": "Quantity", "source": "product_field", "field": "quantity"},
            {"header": "Availability", "source": "product_field", "field": "availability"},
            {
                "header": "Price",
                "source": "price",
                "price_type_id": main["price_type_ids"]["Retail"],
            },
            {"header": "Weight", "source": "product_field", "field": "weight"},
            {"header": "Images", "source": "product_field", "field": "images"},
            {"header": "Currency", "source": "custom_value", "value": "=EUR"},
        ],
        **options,
    }


def add_feeds(database_url: str, data_dir: Path, meta: dict[str, Any]) -> dict[str, int]:
    database = open_database(Settings(database_url=database_url, data_dir=data_dir))
    try:
        with transaction(database.writes) as session:
            account_id = meta["main"]["account_id"]
            return {
                name: feeds.create_feed(
                    session, account_id, FeedCreate.model_validate(feed_body(meta, name, **opts))
                ).id
                for name, opts in (("default", {}), ("options", OPTIONS))
            }
    finally:
        database.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=bench_catalog.DEFAULT_SEED)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    run_dir = CACHE / "run-options"
    run_dir.mkdir(parents=True, exist_ok=True)
    url, meta = sqlite_catalog(args.products, args.seed, False, run_dir, "catalog", fresh=False)
    feed_ids = add_feeds(url, run_dir / "data", meta)
    figures: dict[str, Any] = {"products": args.products}
    for name, feed_id in feed_ids.items():
        seconds = []
        for repeat in range(args.repeats):
            say(f"render the {name} CSV ({repeat + 1}/{args.repeats})")
            result = build_once(url, run_dir / f"render-{name}", feed_id, None, "--render-only")
            seconds.append(result["seconds"])
        figures[f"render_csv_{name}_s"] = statistics.median(seconds)
        figures[f"render_csv_{name}_rows"] = result["rows"]
        figures[f"render_csv_{name}_bytes"] = result["bytes"]
    figures["options_over_default"] = (
        figures["render_csv_options_s"] / figures["render_csv_default_s"]
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
