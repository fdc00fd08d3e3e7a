"""The renderer's errors: expected problems with a feed, each with a message a merchant can act on.

Every class subclasses :class:`ValueError` (the feed's data or settings are the
problem, not the program), so callers that only know builtins still catch them.
No HTTP status codes here: the web layer maps these classes to responses.
"""

from __future__ import annotations

__all__ = [
    "CellTooLong",
    "FeedTooLarge",
    "InvalidSheetName",
    "InvalidSpec",
    "InvalidValue",
    "RenderError",
    "UnencodableText",
]

_PREVIEW_CHARS = 40


def _preview(value: object) -> str:
    """A short ``repr`` of a value for a message: a 30,000-character cell must not flood a log."""
    text = repr(value)
    if len(text) > _PREVIEW_CHARS:
        return text[: _PREVIEW_CHARS - 1] + "…"
    return text


class RenderError(ValueError):
    """Base class: the feed cannot be rendered as configured or with this data."""


class InvalidSpec(RenderError):
    """The feed's settings cannot describe a file (e.g. a header row number below 1)."""


class InvalidSheetName(InvalidSpec):
    """The sheet name breaks Excel's rules for sheet names."""

    def __init__(self, sheet_name: str, reason: str) -> None:
        self.sheet_name = sheet_name
        super().__init__(
            f"The sheet name {_preview(sheet_name)} {reason}. Excel sheet names have "
            "1 to 31 characters (UTF-16 units), none of [ ] : * ? / \\, do not start or "
            "end with an apostrophe and are not 'History'. Rename the sheet."
        )


class InvalidValue(RenderError):
    """A value cannot be written in its column (e.g. text in a numeric column).

    ``row`` is the 1-based data row (the first row under the header is 1); it is
    ``None`` while the error travels up from a single-cell converter that does
    not know its row, and is filled in by :meth:`at_row`.
    """

    def __init__(self, column: str, value: object, problem: str, row: int | None = None) -> None:
        self.column = column
        self.value = value
        self.problem = problem
        self.row = row
        where = f"data row {row}, " if row is not None else ""
        super().__init__(
            f"Cannot write {_preview(value)} in {where}column {column!r}: {problem}. "
            "Correct the product data, or give the column a text format."
        )

    def at_row(self, row: int) -> InvalidValue:
        """The same error, now naming the data row it happened in."""
        return InvalidValue(self.column, self.value, self.problem, row)


class FeedTooLarge(RenderError):
    """The feed has more rows or columns than the file type can hold."""

    def __init__(self, what: str, limit: int, advice: str) -> None:
        self.limit = limit
        super().__init__(f"{what} (the limit is {limit:,}). {advice}")


class CellTooLong(RenderError):
    """A text is longer than the 32,767 characters an Excel cell holds.

    ``row`` is the 1-based data row, or ``None`` for the header row.
    """

    def __init__(self, column: str, row: int | None, length: int, limit: int) -> None:
        self.column = column
        self.row = row
        self.length = length
        self.limit = limit
        where = f"data row {row}" if row is not None else "the header row"
        super().__init__(
            f"The text in {where}, column {column!r}, has {length:,} characters; an Excel "
            f"cell holds at most {limit:,}. Shorten the value, or choose CSV, which has no "
            "such limit."
        )


class UnencodableText(RenderError):
    """A text holds a character the CSV file's encoding cannot hold (e.g. ``ї`` in
    Windows-1252): never written as a silent ``?``.

    ``row`` is the 1-based data row, or ``None`` for the header row; ``product``
    names the product when whoever rendered knows it (:meth:`of_product`).
    """

    def __init__(
        self,
        column: str,
        row: int | None,
        character: str,
        encoding: str,
        product: str | None = None,
    ) -> None:
        self.column = column
        self.row = row
        self.character = character
        self.encoding = encoding
        self.product = product
        if product is not None:
            where = f"product {product!r}, column {column!r}"
        elif row is not None:
            where = f"data row {row}, column {column!r}"
        else:
            where = f"the header of column {column!r}"
        super().__init__(
            f"The text in {where} holds {character!r} (U+{ord(character):04X}), which the "
            f"file's encoding {encoding} cannot hold. Correct the text, or choose UTF-8, "
            "which holds every character."
        )

    def of_product(self, product: str) -> UnencodableText:
        """The same error, naming the product (its SKU) instead of the row."""
        return UnencodableText(self.column, self.row, self.character, self.encoding, product)
