"""The duplicate-sku memory answers exactly as a dict of every sku would."""

from __future__ import annotations

import random

from shelfcast.catalog.imports.seen import SeenSkus


def test_first_rows_match_a_dict_through_many_growths() -> None:
    rng = random.Random(8)
    # 60,000 rows drawn from 40,000 skus: thousands of duplicates, and the table
    # doubles several times (it starts at 4,096 slots).
    skus = [f"SKU-{rng.randrange(40_000):05d}" for _ in range(60_000)]
    seen, expected = SeenSkus(), {}
    for row, sku in enumerate(skus, start=2):
        assert seen.first(sku, row) == expected.setdefault(sku, row)


def test_texts_that_differ_little_are_different_skus() -> None:
    seen = SeenSkus()
    skus = ["0042", "42", "042", "Артикул-1", "Артикул-1 ", "artikul-1", "É", "E\u0301", ""]
    for row, sku in enumerate(skus, start=2):
        assert seen.first(sku, row) == row
    for row, sku in enumerate(skus, start=2):
        assert seen.first(sku, 1000 + row) == row
