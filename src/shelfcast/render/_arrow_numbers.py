"""Numbers in fixed-point units as the row path writes them, with Arrow kernels
(see :mod:`shelfcast.render.columnar`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from shelfcast.render._arrow_csv import TEXT, text_scalar
from shelfcast.render.spec import CellFormat, StockRules

# Fixed-point numbers up to this many units take the kernels' path: far from
# int64 overflow after adding half a cent or scaling up to cents.
FAST_UNITS = 10**15

QUANTITIES = frozenset({CellFormat.QUANTITY, CellFormat.WAREHOUSE_QUANTITY})


@dataclass(frozen=True, slots=True)
class UnitShaping:
    """:class:`StockRules` in fixed-point units, for the kernels."""

    unit: int  # one whole, in units
    round_down: bool
    buffer: int
    cap: int | None

    @classmethod
    def of(cls, rules: StockRules, scale: int) -> UnitShaping | None:
        """None when a buffer or cap is finer than a unit or huge: the row path's
        converter then writes every value of the column."""
        amounts: list[int | None] = []
        for amount in (rules.buffer or Decimal(0), rules.cap):
            if amount is None:
                amounts.append(None)
                continue
            units = amount.scaleb(scale)
            if units != units.to_integral_value() or abs(units) > FAST_UNITS:
                return None
            amounts.append(int(units))
        buffer, cap = amounts
        return cls(10**scale, rules.round_down, buffer or 0, cap)

    def apply(self, units: pa.Array) -> pa.Array:
        """Published quantities (``StockRules.publish``) of summed ones; null stays null."""
        units = pc.max_element_wise(units, 0, skip_nulls=False)
        if self.round_down and self.unit > 1:
            # Integer division truncates, which is floor for values of 0 or more.
            units = pc.multiply(pc.divide(units, self.unit), self.unit)
        if self.buffer:
            units = pc.max_element_wise(pc.subtract(units, self.buffer), 0, skip_nulls=False)
        if self.cap is not None:
            units = pc.min_element_wise(units, self.cap, skip_nulls=False)
        return units


def plain(magnitude: pa.Array, scale: int) -> pa.Array:
    """Non-negative fixed-point units as a plain decimal without trailing zeros."""
    if scale == 0:
        return magnitude.cast(TEXT)
    unit = 10**scale
    whole = pc.divide(magnitude, unit)  # integer division truncates; the value is >= 0
    fraction = pc.subtract(magnitude, pc.multiply(whole, unit))
    digits = pc.ascii_rtrim(pc.ascii_lpad(fraction.cast(TEXT), width=scale, padding="0"), "0")
    # "12" + "." + "" is "12.", and the dot goes; "12.5" keeps it.
    return pc.ascii_rtrim(
        pc.binary_join_element_wise(whole.cast(TEXT), digits, text_scalar(".")), "."
    )


def cents(magnitude: pa.Array, scale: int) -> tuple[pa.Array, pa.Array]:
    """Non-negative units rounded half-up to cents: the cents, and their text ("7.00")."""
    if scale > 2:
        step = 10 ** (scale - 2)
        cents = pc.divide(pc.add(magnitude, step // 2), step)
    else:
        cents = pc.multiply(magnitude, 10 ** (2 - scale))
    whole = pc.divide(cents, 100)
    rest = pc.subtract(cents, pc.multiply(whole, 100))
    rest_text = pc.ascii_lpad(rest.cast(TEXT), width=2, padding="0")
    return cents, pc.binary_join_element_wise(whole.cast(TEXT), rest_text, text_scalar("."))


def with_sign(values: pa.Array, magnitude: pa.Array, texts: pa.Array) -> pa.Array:
    """A "-" before the text of each negative value that is not written as zero
    (-0.001 rounds to the price 0.00, not -0.00)."""
    negative = pc.and_(pc.less(values, 0), pc.greater(magnitude, 0))
    if not pc.any(negative).as_py():
        return texts
    return pc.if_else(
        negative, pc.binary_join_element_wise(text_scalar("-"), texts, text_scalar("")), texts
    )
