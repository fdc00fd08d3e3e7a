"""Numbers as merchants write them in spreadsheets, read exactly as ``Decimal``.

Accepted: a decimal comma or point; thousands grouped by a space, a no-break
space, a narrow no-break space, a ``.`` beside a decimal comma or a ``,``
beside a decimal point; a currency sign or code before or after the number
(``€``, ``грн``, ``EUR``); a leading minus. What stays ambiguous — ``1,234``
or ``1.234`` could be a thousand and more or one and a fraction — is an error
unless the column has already shown its decimal mark (``DecimalMark``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class DecimalMark(StrEnum):
    COMMA = ","
    POINT = "."


_HAS_SPACE = re.compile("[ \u00a0\u202f\u2009]")
_NUMBERISH = re.compile("[-−]?[0-9., \u00a0\u202f\u2009]+")
_CURRENCY = re.compile(
    r"^(?:[€$£₴₽₸]|zł|грн\.?|руб\.?|р\.|[A-Z]{3}(?![A-Za-z]))\s*"
    r"|\s*(?:[€$£₴₽₸]|zł|грн\.?|руб\.?|р\.|(?<![A-Za-z])[A-Z]{3})$",
    re.IGNORECASE,
)
_SPACE_GROUPS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+")
_PLAIN = re.compile(r"\d+")
_ONE_MARK = re.compile(r"(\d+)([.,])(\d+)")
_GROUPED = re.compile(r"\d{1,3}(?:([.,])\d{3})+")
_GROUPED_WITH_MARK = re.compile(r"\d{1,3}(?:([.,])\d{3})*(?:([.,])(\d+))")
_MARKS = {mark.value: mark for mark in DecimalMark}  # a dict lookup, not an enum call per cell
_ALLOWED = (
    "must be a number such as 12.50, 12,50, 1 234,50 or 1,234.50"
    " (a currency sign or code may stand beside it)"
)


def parse_number(text: str, mark: DecimalMark | None = None) -> tuple[Decimal, DecimalMark | None]:
    """The exact value of ``text`` and the decimal mark it showed (``None`` if
    it showed none). ``mark`` settles ``1,234``/``1.234``. ``ValueError`` says
    what is allowed."""
    value = text.strip()
    if value.isdigit():  # the common case, a million times in a big file
        return Decimal(value), None
    single = _ONE_MARK.fullmatch(value)
    if single:  # the next most common, 12.50: what the general path below does with it
        digits, shown = _one_mark(single, mark)
        return Decimal(digits), shown
    if not _NUMBERISH.fullmatch(value):
        value = _CURRENCY.sub("", value, count=2).strip()
    negative = value[:1] in ("-", "−")
    if negative:
        value = value[1:].strip()
    if not value:
        raise ValueError(_ALLOWED)
    digits, shown = _digits(value, mark)
    try:
        number = Decimal(digits)
    except InvalidOperation:
        raise ValueError(_ALLOWED) from None
    return (-number if negative else number), shown


def _digits(value: str, mark: DecimalMark | None) -> tuple[str, DecimalMark | None]:
    if _HAS_SPACE.search(value):
        integer, decimal_mark, fraction = _split_last_mark(value)
        if not _SPACE_GROUPS.fullmatch(integer):
            raise ValueError(f"{_ALLOWED}; digits grouped by spaces come in threes")
        integer = re.sub(r"\D", "", integer)
        if decimal_mark is None:
            return integer, None
        return f"{integer}.{fraction}", DecimalMark(decimal_mark)
    if _PLAIN.fullmatch(value):
        return value, None
    single = _ONE_MARK.fullmatch(value)
    if single:
        return _one_mark(single, mark)
    grouped = _GROUPED.fullmatch(value)
    if grouped:  # 1.234.567 or 1,234,567: thousands only
        return re.sub(r"\D", "", value), None
    both = _GROUPED_WITH_MARK.fullmatch(value)
    if both and both.group(1) and both.group(1) != both.group(2):
        return f"{re.sub(r'[.,]', '', value[: both.start(2)])}.{both.group(3)}", DecimalMark(
            both.group(2)
        )
    raise ValueError(_ALLOWED)


def _split_last_mark(value: str) -> tuple[str, str | None, str]:
    """``1 234,50`` → (``1 234``, ``,``, ``50``)."""
    found = re.fullmatch(r"(.*?)(?:([.,])(\d+))?", value)
    assert found is not None
    return found.group(1), found.group(2), found.group(3) or ""


def _one_mark(found: re.Match[str], mark: DecimalMark | None) -> tuple[str, DecimalMark | None]:
    integer, separator, fraction = found.groups()
    shown = _MARKS[separator]
    # "1,234" / "12.345": a thousands group or three decimals? Only a known mark says.
    ambiguous = len(fraction) == 3 and 1 <= len(integer) <= 3 and integer != "0"
    if ambiguous:
        if mark is None:
            raise ValueError(
                f"{found.group(0)!r} is ambiguous: a thousands separator or a decimal mark?"
                " Write it 1234 or 1.234,0 / 1,234.0"
            )
        if mark is not shown:
            return integer + fraction, None
    return f"{integer}.{fraction}", shown
