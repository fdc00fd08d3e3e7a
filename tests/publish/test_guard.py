"""The publish guard's rule, in integers: a drop of exactly the percentage passes."""

from __future__ import annotations

import pytest

from shelfcast.publish.guard import MIN_GUARDED_ROWS, hold_reason


@pytest.mark.parametrize(
    ("percent", "published", "rows", "held"),
    [
        (50, 4_812, 12, "4,812 → 12 rows"),
        (50, 100, 50, None),  # exactly 50 %: passes
        (50, 100, 49, "100 → 49 rows"),
        (50, 100, 0, "100 → 0 rows"),
        (50, 100, 500, None),  # a rise is never held
        (0, 100, 0, None),  # the guard is off
        (100, 100, 0, None),  # only "more than 100 %" would hold: never
        (10, 1_000, 899, "1,000 → 899 rows"),
        (50, None, 0, None),  # nothing published yet
        (50, MIN_GUARDED_ROWS - 1, 0, None),  # a small file moves freely
        (50, MIN_GUARDED_ROWS, 0, f"{MIN_GUARDED_ROWS} → 0 rows"),
    ],
)
def test_hold_reason(percent: int, published: int | None, rows: int, held: str | None) -> None:
    assert hold_reason(percent, published, rows) == held
