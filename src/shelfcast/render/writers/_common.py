"""Checks every writer makes, whatever the format."""

from __future__ import annotations

from shelfcast.render.errors import InvalidSpec, RenderError
from shelfcast.render.spec import FeedSpec


def check_header_row(spec: FeedSpec) -> None:
    """Raise :class:`InvalidSpec` unless the header row number is 1 or more."""
    if spec.header_row < 1:
        raise InvalidSpec(f"The header row number is {spec.header_row}; it must be 1 or more.")


def wrong_width(row_number: int, width: int, expected: int) -> RenderError:
    """The error for a cell row whose length does not match the feed's columns."""
    return RenderError(
        f"Data row {row_number} has {width} cells but the feed has {expected} columns; "
        "the rows and the feed's columns disagree."
    )
