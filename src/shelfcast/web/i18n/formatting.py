"""Numbers, money and moments as the page's language writes them (CLDR, via Babel).

Only the UI: feed files keep the separators of their own settings. Decimals stay
``Decimal`` (Babel formats them exactly) and are never rounded for display: a
price stored with four decimals shows four.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from babel.dates import format_datetime
from babel.numbers import format_currency, format_decimal

from shelfcast.accounts.models import Language
from shelfcast.web.i18n.context import current_language

Number = Decimal | int | str
# Whose conventions each language writes numbers and dates with: the UI's English is
# British (29/11/2026, 14:05 rather than 11/29/26, 2:05 PM).
FORMAT_LOCALES = {Language.EN: "en_GB", Language.FR: "fr_FR", Language.UK: "uk_UA"}


def _locale() -> str:
    return FORMAT_LOCALES[current_language()]


def _decimal(value: Number) -> Decimal | None:
    try:
        return value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, ValueError):
        return None


def number(value: Number | float | None, places: int | None = None) -> str:
    """``1 299,5`` in French, ``1,299.5`` in English; text that is no number stays as
    is. ``places`` fixes the decimals (a duration in seconds: ``1,25``)."""
    if value is None:
        return ""
    found = _decimal(str(value) if isinstance(value, float) else value)
    if found is None:
        return str(value)
    if places is not None:
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(found, format=pattern, locale=_locale())
    return format_decimal(found, locale=_locale(), decimal_quantization=False)


def money(value: Number | None, currency: str) -> str:
    """``1 299,50 €`` in French, ``1 299,50 ₴`` in Ukrainian, ``€1,299.50`` in English."""
    if value is None:
        return ""
    found = _decimal(value)
    if found is None:
        return str(value)
    return format_currency(found, currency, locale=_locale(), decimal_quantization=False)


def moment(value: datetime | None) -> str:
    """A time in UTC, in the language's short form: ``29/11/2026 14:05 UTC`` in French."""
    if value is None:
        return ""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    text = format_datetime(aware, "short", tzinfo=UTC, locale=_locale())
    return f"{text} UTC"


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Minus signs people paste from documents and spreadsheets.
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})


def decimal_input(text: str) -> str:
    """A decimal typed in a form, as the schemas read it: ``1 299,50`` → ``1299.50``.

    Spaces (the French and Ukrainian thousands separator) go, and a single comma
    without a point is a decimal comma, in every language: a form field has no
    thousands comma (``1,500`` is one and a half), so a French merchant on an
    English page is understood too. Anything else is left as typed, so the
    schema's own message names the field and what it allows.
    """
    cleaned = _SPACES.sub("", text).translate(_MINUS)
    if "." not in cleaned and cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    return cleaned
