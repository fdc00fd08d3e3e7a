"""A feed file's output options and stock shaping between the API and the table:
which settings are stored as given, how they read back, and the check of a
``quantity.<warehouse_id>`` column (the service calls these)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from shelfcast.feeds.fields import WAREHOUSE_PREFIX, warehouse_key
from shelfcast.feeds.models import FeedFile
from shelfcast.feeds.schemas import AvailabilityLabels, FeedCreate, FeedUpdate
from shelfcast.render.spec import CsvEncoding, DecimalSeparator, LineBreaks

# Stored as given (enums by their value); availability_labels is two columns.
_STORED_AS_GIVEN = (
    "encoding",
    "decimal_separator",
    "line_breaks",
    "formula_protection",
    "stock_buffer",
    "stock_max",
    "round_quantities_down",
    "negative_stock_as_zero",
)


def option_values(data: FeedCreate | FeedUpdate, *, creating: bool) -> dict[str, Any]:
    """The ``feed_files`` columns of the options given (all of them when creating)."""
    given = data.model_fields_set
    values: dict[str, Any] = {}
    for name in _STORED_AS_GIVEN:
        if name in given or creating:
            value = getattr(data, name)
            values[name] = value.value if isinstance(value, StrEnum) else value
    labels = data.availability_labels
    if labels is not None and ("availability_labels" in given or creating):
        values["availability_in_stock"] = labels.in_stock
        values["availability_out_of_stock"] = labels.out_of_stock
    return values


def option_reads(feed: FeedFile) -> dict[str, Any]:
    """The options of ``feed`` as ``FeedRead`` shows them."""
    return {
        "encoding": CsvEncoding(feed.encoding),
        "decimal_separator": DecimalSeparator(feed.decimal_separator),
        "line_breaks": LineBreaks(feed.line_breaks),
        "formula_protection": feed.formula_protection,
        "stock_buffer": _amount_text(feed.stock_buffer),
        "stock_max": _amount_text(feed.stock_max),
        "round_quantities_down": feed.round_quantities_down,
        "negative_stock_as_zero": feed.negative_stock_as_zero,
        "availability_labels": AvailabilityLabels(
            in_stock=feed.availability_in_stock, out_of_stock=feed.availability_out_of_stock
        ),
    }


def _amount_text(amount: Decimal | None) -> str | None:
    """``2.0000`` -> ``"2"``: amounts read as quantities do (no exponent, no trailing zeros)."""
    return None if amount is None else format(amount.normalize(), "f")


def warehouse_field_message(field: str, warehouses: set[int]) -> str | None:
    """What is wrong with a ``quantity.<warehouse_id>`` field, or None if it is fine
    (or is another kind of field)."""
    if not field.startswith(WAREHOUSE_PREFIX):
        return None
    warehouse_id = warehouse_key(field)
    if warehouse_id is None:
        return f"'{field}' is not quantity.<warehouse id>, e.g. quantity.12"
    if warehouse_id not in warehouses:
        return f"warehouse {warehouse_id} is not one of this account's"
    return None
