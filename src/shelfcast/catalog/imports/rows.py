"""One spreadsheet row checked against the catalog's rules, or its errors.

Each mapped column gets a small parser (``_column_parser``) once, so a row is a
loop over ready functions: the hot path of a million-row import. An empty
cell means "keep the stored value" unless the import clears empty cells.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from shelfcast.catalog.imports.mapping import (
    ProductField,
    ResolvedColumn,
    ResolvedMapping,
    TargetKind,
)
from shelfcast.catalog.imports.numbers import DecimalMark, parse_number
from shelfcast.catalog.imports.reading import EXCEL_DIGITS, SheetRow, exact_digits
from shelfcast.catalog.models import CustomFieldType
from shelfcast.catalog.products import CATEGORY_PATH_LENGTH, MAX_CATEGORY_DEPTH, MAX_IMAGES
from shelfcast.catalog.rules import (
    BARCODE_LENGTH,
    BRAND_LENGTH,
    DECIMAL_LIMIT,
    DECIMAL_PLACES,
    LONG_TEXT_LENGTH,
    NAME_LENGTH,
    PRODUCT_NAME_LENGTH,
    SKU_LENGTH,
    UNIT_LENGTH,
    custom_value,
    decimal_problem,
    text_problem,
    url_problem,
)

_IMAGE_SPLIT = re.compile(r"[\s,]+")
_TEXT_RULES: dict[str, tuple[int, bool]] = {
    ProductField.SKU: (SKU_LENGTH, False),
    ProductField.NAME: (PRODUCT_NAME_LENGTH, True),
    ProductField.BARCODE: (BARCODE_LENGTH, True),
    ProductField.BRAND: (BRAND_LENGTH, True),
    ProductField.UNIT: (UNIT_LENGTH, True),
    ProductField.DESCRIPTION: (LONG_TEXT_LENGTH, True),
}
_IDENTIFIERS = frozenset({ProductField.SKU, ProductField.BARCODE})
_LOST_DIGITS = (
    f"Excel keeps only {EXCEL_DIGITS} digits of a number, so this one has lost its last"
    " digits; format the column as Text in Excel, type the codes again and re-export"
)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    value: str
    message: str


@dataclass(slots=True)
class ImportRow:
    """A checked row. Maps hold only the cells given; a ``None`` value clears."""

    number: int
    sku: str = ""
    fields: dict[str, Any] = field(default_factory=dict)  # product columns; category as a path
    images: list[str] | None = None
    prices: dict[int, Decimal | None] = field(default_factory=dict)
    stock: dict[int, Decimal | None] = field(default_factory=dict)
    custom: dict[int, str | None] = field(default_factory=dict)


class _CellError(ValueError):
    """A cell's problem, raised by a column parser."""


Parser = Callable[[str], Any]
Store = Callable[[ImportRow, Any], None]


class RowChecker:
    """Turns sheet rows into ``ImportRow``s for one resolved mapping."""

    def __init__(
        self,
        resolved: ResolvedMapping,
        *,
        clear_empty: bool,
        stock_only: bool,
        decimal_mark: DecimalMark | None = None,
    ) -> None:
        self._clear_empty = clear_empty
        self._marks: dict[int, DecimalMark] = {}
        self._default_mark = decimal_mark
        self._columns: list[tuple[int, str, Parser, Store, bool]] = []
        for column in resolved.columns:
            kind = column.target.kind
            if (
                stock_only
                and kind not in (TargetKind.PRICE, TargetKind.STOCK)
                and (column.target.name != ProductField.SKU)
            ):
                continue
            parser, store = self._column_parser(column)
            clearable = column.target.name not in (ProductField.SKU, ProductField.NAME)
            self._columns.append((column.index, column.header, parser, store, clearable))

    def check(self, row: SheetRow) -> ImportRow | list[RowError]:
        checked = ImportRow(row.number)
        errors: list[RowError] = []
        cells = row.cells
        for index, header, parser, store, clearable in self._columns:
            text = cells[index].strip()
            if not text:
                if self._clear_empty and clearable:
                    store(checked, None)
                continue
            if index in row.lost_digits:
                errors.append(RowError(row.number, header, text, _LOST_DIGITS))
                continue
            try:
                store(checked, parser(text))
            except ValueError as problem:
                errors.append(RowError(row.number, header, text, str(problem)))
        if not checked.sku and not errors:
            sku_header = next((c[1] for c in self._columns if c[3] is _store_sku), "sku")
            errors.append(
                RowError(row.number, sku_header, "", "the sku is empty; every row needs one")
            )
        return errors or checked

    def _column_parser(self, column: ResolvedColumn) -> tuple[Parser, Store]:
        kind, name, ref = column.target.kind, column.target.name, column.ref
        if kind is TargetKind.PRICE:
            return self._number(column.index, negative_ok=False), _keyed_store("prices", ref)
        if kind is TargetKind.STOCK:
            return self._number(column.index, negative_ok=True), _keyed_store("stock", ref)
        if kind is TargetKind.CUSTOM:
            return self._custom(column.index, column.custom_type), _keyed_store("custom", ref)
        if name == ProductField.SKU:
            return _text_parser(name), _store_sku
        if name == ProductField.WEIGHT:
            return self._number(column.index, negative_ok=False), _field_store(name)
        if name == ProductField.CATEGORY:
            return _category, _field_store(name)
        if name == ProductField.IMAGES:
            return _images, _store_images
        return _text_parser(name), _field_store(name)

    def _number(self, index: int, *, negative_ok: bool | None) -> Parser:
        """A number, its column's decimal mark learnt from the first value that
        shows one; ``negative_ok=None`` leaves the range to the caller."""
        marks, default = self._marks, self._default_mark

        def parse(text: str) -> Decimal:
            value, shown = parse_number(text, marks.get(index, default))
            if shown is not None:
                marks.setdefault(index, shown)
            if negative_ok is not None and not _plainly_fine(value, negative_ok):
                problem = decimal_problem(value, negative_ok=negative_ok)
                if problem:
                    raise _CellError(problem)
            return value

        return parse

    def _custom(self, index: int, custom_type: str) -> Parser:
        if custom_type != CustomFieldType.NUMBER:
            return lambda text: custom_value(custom_type, text)
        number = self._number(index, negative_ok=None)
        return lambda text: custom_value(custom_type, number(text))


def _plainly_fine(value: Decimal, negative_ok: bool) -> bool:
    """The common case, decided without ``decimal_problem``'s exact normalising:
    at most ``DECIMAL_PLACES`` places as written, in range, sign allowed."""
    exponent = value.as_tuple().exponent
    return (
        isinstance(exponent, int)
        and exponent >= -DECIMAL_PLACES
        and (negative_ok or value >= 0)
        and -DECIMAL_LIMIT < value < DECIMAL_LIMIT
    )


def _text_parser(name: str) -> Parser:
    max_length, free_text = _TEXT_RULES[name]
    identifier = name in _IDENTIFIERS

    def parse(text: str) -> str:
        if identifier:
            text, lost = exact_digits(text)
            if lost:
                raise _CellError(_LOST_DIGITS)
        problem = text_problem(text, max_length, free_text=free_text)
        if problem:
            raise _CellError(problem)
        return text

    return parse


@functools.lru_cache(maxsize=4096)  # a catalog names the same few categories again and again
def _category(text: str) -> tuple[str, ...]:
    separator = " > " if " > " in text else "/"
    path = tuple(part.strip() for part in text.split(separator))
    if any(not part for part in path):
        raise _CellError("a category path has an empty level; separate levels with ' > ' or '/'")
    if len(path) > MAX_CATEGORY_DEPTH:
        raise _CellError(f"must have at most {MAX_CATEGORY_DEPTH} levels (got {len(path)})")
    for part in path:
        problem = text_problem(part, NAME_LENGTH)
        if problem:
            raise _CellError(f"{part!r}: {problem}")
    if len(" > ".join(path)) > CATEGORY_PATH_LENGTH:
        raise _CellError(f"must be at most {CATEGORY_PATH_LENGTH} characters joined with ' > '")
    return path


def _images(text: str) -> list[str]:
    # One URL per line when the cell has lines (a URL may hold a comma), else
    # URLs separated by commas or spaces.
    parts = text.splitlines() if "\n" in text else _IMAGE_SPLIT.split(text)
    urls = [url.strip() for url in parts if url.strip()]
    if len(urls) > MAX_IMAGES:
        raise _CellError(f"must hold at most {MAX_IMAGES} image URLs (got {len(urls)})")
    for url in urls:
        problem = url_problem(url)
        if problem:
            raise _CellError(f"{url}: {problem}")
    return urls


def _store_sku(row: ImportRow, value: str) -> None:
    row.sku = value


def _store_images(row: ImportRow, value: list[str] | None) -> None:
    row.images = value or []


def _field_store(name: str) -> Store:
    def store(row: ImportRow, value: Any) -> None:
        row.fields[name] = value

    return store


def _keyed_store(attribute: str, ref: int) -> Store:
    def store(row: ImportRow, value: Any) -> None:
        getattr(row, attribute)[ref] = value

    return store
