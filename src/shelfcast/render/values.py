"""Raw rows in, typed cells out: the one place that decides how a value looks in a feed.

A raw row holds one value per column as the rows query yields it (``str``,
``Decimal`` or ``None``; some drivers hand over ``int`` or ``float`` for numeric
columns). A *cell* is what every writer understands: ``str`` for text (``""``
for an empty cell) or a finite ``Decimal`` for a number. Writers decide how a
cell is stored (a CSV field, a typed Excel cell); what the value *is* is
decided here, once, so CSV and Excel agree.

This runs once per cell for catalogs of a million rows, so each column gets its
converter built up front (:func:`cell_converters`) and the per-row work is one
call per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Context, Decimal, DecimalException

from shelfcast.render.errors import InvalidValue, RenderError
from shelfcast.render.spec import AvailabilityLabels, CellFormat, Column, ColumnSource, StockRules

__all__ = [
    "Cell",
    "CellConverter",
    "cell_converters",
    "feed_cells",
    "format_decimal",
    "warehouse_rules",
]

Cell = str | Decimal
"""One written value: text (``""`` is an empty cell) or a finite number."""

CellConverter = Callable[[object], Cell]
"""Turns one raw value of a column into its cell."""

# Exact arithmetic whatever the size: the default context (28 digits) would
# silently round a long number in normalize() and fail quantize() on a large one.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, rounding=ROUND_HALF_UP)
_ZERO = Decimal(0)
_ZERO_CENTS = Decimal("0.00")
_CENT = Decimal("0.01")
_EMPTY = ""


def format_decimal(value: Decimal) -> str:
    """The plain text of a number, never in exponent notation.

    ``Decimal("5E+2")`` is ``"500"``, ``Decimal("1E-7")`` is ``"0.0000001"`` and
    ``Decimal("7.00")`` keeps its places (``"7.00"``): stores parse CSV fields as
    plain decimals, and a price must show two places.
    """
    return format(value, "f")


def _strip_zeros(number: Decimal) -> Decimal:
    """``5.000`` -> ``5``, ``2.50`` -> ``2.5``, ``500`` -> ``500`` (not ``5E+2``)."""
    normal = number.normalize(_EXACT)
    # normalize() turns an integer ending in zeros into exponent form (500 ->
    # 5E+2); only an integer of two or more digits can be affected, and
    # adjusted() (the position of the first digit) is the cheap test for that.
    if normal.adjusted() > 0 and normal == normal.to_integral_value(context=_EXACT):
        return normal.quantize(_ZERO, context=_EXACT)
    return normal


def _parse(raw: object, header: str) -> Decimal | None:
    """Turn a raw numeric value into a finite ``Decimal``; ``None`` means an empty cell.

    ``None`` and a blank string (a custom field stored as text may hold one) are
    empty. The converters inline the common case, a finite ``Decimal``.
    """
    if raw is None:
        return None
    if isinstance(raw, Decimal):
        number = raw
    elif isinstance(raw, str):
        if not raw.strip():
            return None
        try:
            number = Decimal(raw)
        except DecimalException:
            raise InvalidValue(header, raw, "it is not a number") from None
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        # str() first: Decimal(0.1) would carry the float's binary error into the feed.
        number = Decimal(str(raw))
    else:
        raise InvalidValue(header, raw, f"a {type(raw).__name__} is not a number")
    if not number.is_finite():
        raise InvalidValue(header, raw, "it is not a finite number")
    return number


def _text_converter(column: Column) -> CellConverter:
    def text(raw: object) -> Cell:
        if raw.__class__ is str:
            return raw
        if raw is None:
            return _EMPTY
        if isinstance(raw, Decimal):
            return format_decimal(raw)
        return str(raw)

    return text


def _quantity_converter(column: Column, rules: StockRules) -> CellConverter:
    header = column.header
    shapes = rules.shapes
    publish = rules.publish

    def quantity(raw: object) -> Cell:
        if isinstance(raw, Decimal) and raw.is_finite():  # the common case, inlined
            number = raw
        else:
            parsed = _parse(raw, header)
            if parsed is None:
                return _EMPTY
            number = parsed
        if number <= 0:  # oversold stock is "none left", and -0 is just 0
            return _ZERO
        if shapes:
            number = publish(number)
            if not number:
                return _ZERO
        return _strip_zeros(number)

    return quantity


def _availability_converter(
    column: Column, rules: StockRules, labels: AvailabilityLabels
) -> CellConverter:
    header = column.header
    publish = rules.publish
    in_stock, out_of_stock = labels.in_stock, labels.out_of_stock

    def availability(raw: object) -> Cell:
        number = _parse(raw, header)  # no stock recorded (None) is none in stock
        return in_stock if number is not None and publish(number) > 0 else out_of_stock

    return availability


def _number_converter(column: Column) -> CellConverter:
    header = column.header

    def number_(raw: object) -> Cell:
        if isinstance(raw, Decimal) and raw.is_finite():  # the common case, inlined
            number = raw
        else:
            parsed = _parse(raw, header)
            if parsed is None:
                return _EMPTY
            number = parsed
        if not number:
            return _ZERO
        return _strip_zeros(number)

    return number_


def _price_converter(column: Column) -> CellConverter:
    header = column.header

    def price(raw: object) -> Cell:
        if isinstance(raw, Decimal) and raw.is_finite():  # the common case, inlined
            number = raw
        else:
            parsed = _parse(raw, header)
            if parsed is None:
                return _EMPTY
            number = parsed
        cents = number.quantize(_CENT, context=_EXACT)
        return cents if cents else _ZERO_CENTS  # -0.001 rounds to 0.00, not -0.00

    return price


def _constant_converter(column: Column) -> CellConverter:
    constant: Cell = column.value or _EMPTY

    def custom_value(raw: object) -> Cell:
        return constant

    return custom_value


_CONVERTER_FACTORIES: dict[CellFormat, Callable[[Column], CellConverter]] = {
    CellFormat.TEXT: _text_converter,
    CellFormat.NUMBER: _number_converter,
    CellFormat.PRICE: _price_converter,
}

_NO_RULES = StockRules()
_LABELS = AvailabilityLabels()


def cell_converters(
    columns: Sequence[Column],
    *,
    stock: StockRules = _NO_RULES,
    labels: AvailabilityLabels = _LABELS,
) -> list[CellConverter]:
    """One converter per column, built once per feed and applied to every row.

    - CUSTOM_VALUE: the column's constant text, whatever the raw value (which may be None).
    - ``None`` (and, for numeric columns, a blank string): an empty cell ``""``;
      a product without a price gets an empty price, not ``0.00``.
    - TEXT: the string as it is; a ``Decimal`` in plain notation.
    - QUANTITY: ``stock.publish(q)`` (:class:`~shelfcast.render.spec.StockRules`)
      without trailing zeros; zero or negative stock is ``0``.
    - WAREHOUSE_QUANTITY: the same with ``stock.round_down`` alone (no buffer, no cap).
    - AVAILABILITY: ``labels.in_stock`` when ``stock.publish(q)`` is above 0,
      else ``labels.out_of_stock`` (also for no quantity at all).
    - NUMBER: a ``Decimal`` without trailing zeros, negatives kept.
    - PRICE: a ``Decimal`` rounded half-up to two places (``1299.5`` -> ``1299.50``).

    Numeric columns accept ``Decimal``, ``int``, ``float`` and numeric strings;
    anything else raises :class:`~shelfcast.render.errors.InvalidValue`
    naming the column.
    """
    converters: list[CellConverter] = []
    for column in columns:
        if column.source is ColumnSource.CUSTOM_VALUE:
            converters.append(_constant_converter(column))
        elif column.cell_format is CellFormat.QUANTITY:
            converters.append(_quantity_converter(column, stock))
        elif column.cell_format is CellFormat.WAREHOUSE_QUANTITY:
            converters.append(_quantity_converter(column, warehouse_rules(stock)))
        elif column.cell_format is CellFormat.AVAILABILITY:
            converters.append(_availability_converter(column, stock, labels))
        else:
            converters.append(_CONVERTER_FACTORIES[column.cell_format](column))
    return converters


def warehouse_rules(stock: StockRules) -> StockRules:
    """The rules of one warehouse's quantity: whole numbers if the feed's are, no
    buffer and no cap (they shape the published sum only)."""
    return StockRules(round_down=stock.round_down)


def feed_cells(
    columns: Sequence[Column],
    raw_rows: Iterable[Sequence[object]],
    *,
    stock: StockRules = _NO_RULES,
    labels: AvailabilityLabels = _LABELS,
) -> Iterator[list[Cell]]:
    """Lazily convert raw rows into cell rows, one converter call per cell.

    A generator, so rows stream from the database cursor to the writer and memory
    stays flat. Each raw row must have exactly one value per column; a bad value
    raises :class:`~shelfcast.render.errors.InvalidValue` naming the column and
    the 1-based data row.
    """
    converters = cell_converters(columns, stock=stock, labels=labels)
    width = len(converters)
    for row_number, raw in enumerate(raw_rows, start=1):
        if len(raw) != width:
            raise RenderError(
                f"Data row {row_number} has {len(raw)} values but the feed has {width} "
                "columns; the rows query and the feed's columns disagree."
            )
        try:
            cells = [convert(value) for convert, value in zip(converters, raw, strict=False)]
        except InvalidValue as error:
            raise error.at_row(row_number) from None
        yield cells
