"""The input rules of the catalog: what a text, amount, URL or custom value may be.

Every write checks its input with these before touching the database. Texts
must fit their column (long text fits an Excel cell). Identifiers and names
(skus, warehouse and category names, ...) are stripped and hold no control
characters; a product's free text (name, description, brand, ... — "free
text" below) holds any Unicode text but NUL and is kept exactly as sent, tabs
and line breaks included, since catalogs pasted from ERPs carry them and a feed
writer quotes them (CSV) or stores them in a cell (Excel). Amounts, quantities
and weights are exact decimals with at most ``DECIMAL_PLACES`` places, rejected
rather than rounded; image URLs are http(s). Numbers, prices and custom values
have one canonical text, so a feed shows a value the same way whichever form the
client sent. ``Errors`` collects field errors up to ``MAX_ERRORS`` so a client
fixes a batch in one round.

They live apart from the services because products, stock and the definitions
(warehouses, price types, custom fields) all apply the same checks, and the
services then read as the steps of a write rather than a list of checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError

from shelfcast.catalog.models import CustomFieldType
from shelfcast.errors import Conflict, FieldError, InvalidInput

MAX_ERRORS = 100

# Lengths: the columns' sizes, and Excel's 32,767 characters per cell for long text.
NAME_LENGTH = 200
SKU_LENGTH = 200
PRODUCT_NAME_LENGTH = 1000
BARCODE_LENGTH = 64
BRAND_LENGTH = 200
UNIT_LENGTH = 50
LONG_TEXT_LENGTH = 32_767
URL_LENGTH = 2000

DECIMAL_PLACES = 4
# Stored as ten-thousandths in a BIGINT (max ~9.2e18): stay well inside it.
DECIMAL_LIMIT = Decimal("1E14")
# Number custom fields are text in the database but numeric cells in feeds.
NUMBER_INTEGER_DIGITS = 15
NUMBER_PLACES = 10

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
# Control characters, and lone surrogates (which no database can store as UTF-8).
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
# Free text refuses only what no database stores: NUL (PostgreSQL's text cannot
# hold it) and lone surrogates (not encodable as UTF-8).
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_BLANK_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f\ud800-\udfff]")
# The common shape of an image URL, accepted without the full parse (10,000s per batch).
_PLAIN_URL = re.compile(r"https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?:[/?#][!-~]*)?", re.IGNORECASE)
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
# Exact arithmetic: the default context (28 digits) would round while we inspect.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
_CENTS = Decimal("0.01")
_ONE = Decimal(1)

Loc = tuple[str | int, ...]


class Errors:
    """Collects field errors; raises once ``MAX_ERRORS`` are known (the rest can wait)."""

    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, loc: Loc, message: str) -> None:
        self.items.append(FieldError(loc, message))
        if len(self.items) >= MAX_ERRORS:
            raise InvalidInput(self.items)

    def raise_any(self) -> None:
        if self.items:
            raise InvalidInput(self.items)


def text_problem(text: str, max_length: int, *, free_text: bool = False) -> str | None:
    if len(text) > max_length:
        return f"must be at most {max_length} characters (got {len(text)})"
    if free_text:
        if _UNSTORABLE.search(text):
            return (
                "must not contain the NUL character (U+0000) or lone surrogates;"
                " any other text is allowed, tabs and line breaks included"
            )
    elif _CONTROL.search(text):
        return "must not contain control characters such as tabs or line breaks"
    return None


def required_text(errors: Errors, loc: Loc, value: str, max_length: int) -> str:
    """The text stripped of surrounding blanks; an error if empty, too long or with controls."""
    text = value.strip()
    problem = (
        f"must not be empty (1 to {max_length} characters)"
        if not text
        else text_problem(text, max_length)
    )
    if problem:
        errors.add(loc, problem)
    return text


def required_free_text(errors: Errors, loc: Loc, value: str, max_length: int) -> str:
    """Free text kept exactly as sent; an error if blank, too long or holding NUL."""
    problem = (
        f"must not be empty (1 to {max_length} characters)"
        if not value.strip()
        else text_problem(value, max_length, free_text=True)
    )
    if problem:
        errors.add(loc, problem)
    return value


def optional_text(
    errors: Errors, loc: Loc, value: str | None, max_length: int, *, free_text: bool = False
) -> str | None:
    """None for null or blank (which clears the field); else the text, stripped unless
    ``free_text`` (kept exactly as sent)."""
    if value is None or not value.strip():
        return None
    text = value if free_text else value.strip()
    problem = text_problem(text, max_length, free_text=free_text)
    if problem:
        errors.add(loc, problem)
    return text


def currency_code(errors: Errors, loc: Loc, value: str) -> str:
    """An ISO 4217 code, upper-cased (``eur`` is accepted as ``EUR``)."""
    code = value.strip().upper()
    if not _CURRENCY.fullmatch(code):
        errors.add(loc, "must be a 3-letter ISO 4217 currency code such as EUR or USD")
    return code


def one_text(loc: Loc, value: str, max_length: int) -> str:
    errors = Errors()
    text = required_text(errors, loc, value, max_length)
    errors.raise_any()
    return text


def _places(value: Decimal) -> int:
    exponent = value.normalize(_EXACT).as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    return max(0, -exponent)


def decimal_problem(value: Decimal, *, negative_ok: bool) -> str | None:
    """What is wrong with an amount, quantity or weight; they are never rounded."""
    if not value.is_finite():
        return "must be a finite number"
    if value < 0 and not negative_ok:
        return "must be 0 or more"
    if value.copy_abs() >= DECIMAL_LIMIT:  # abs() would overflow the context on 1e1000000
        return f"must be less than {DECIMAL_LIMIT:f} in size"
    places = _places(value)
    if places > DECIMAL_PLACES:
        return (
            f"must have at most {DECIMAL_PLACES} decimal places (got {places});"
            " values are stored exactly, never rounded"
        )
    return None


def url_problem(url: str) -> str | None:
    allowed = "must be an http(s) URL such as https://example.com/image.jpg"
    if len(url) > URL_LENGTH:
        return f"must be at most {URL_LENGTH} characters (got {len(url)})"
    if _PLAIN_URL.fullmatch(url):
        return None
    if _BLANK_OR_CONTROL.search(url):
        return f"{allowed}, without spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return allowed
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return allowed
    return None


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: ``5``, ``2.5``, ``500``, ``0``."""
    normal = value.normalize(_EXACT)
    if normal.as_tuple().exponent > 0:  # type: ignore[operator]  # finite: an int
        normal = normal.quantize(_ONE, context=_EXACT)
    return f"{normal + 0:f}"  # + 0 turns -0 into 0


def price_text(value: Decimal) -> str:
    """A price with at least two places, as feeds show them: ``12.50``, ``7.00``, ``0.125``."""
    normal = value.normalize(_EXACT)
    if normal.as_tuple().exponent > -2:  # type: ignore[operator]  # finite: an int
        normal = normal.quantize(_CENTS, context=_EXACT)
    return f"{normal:f}"


def custom_value(type_: str, raw: str | bool | int | Decimal) -> str:
    """The canonical text of a custom field value; ValueError says what is allowed."""
    if type_ == CustomFieldType.BOOLEAN:
        if isinstance(raw, bool):
            return "true" if raw else "false"
        word = str(raw).strip().lower()
        if isinstance(raw, str | int) and word in _TRUE | _FALSE:
            return "true" if word in _TRUE else "false"
        raise ValueError('must be a boolean: true/false, "true"/"false", "1"/"0" or "yes"/"no"')
    if isinstance(raw, bool):
        raise ValueError(f"must be a {type_} value, not a boolean")
    if type_ == CustomFieldType.NUMBER:
        return _custom_number(raw)
    text = raw.strip() if isinstance(raw, str) else plain(Decimal(raw))
    if type_ == CustomFieldType.DATE:
        try:
            if not _DATE.fullmatch(text):
                raise ValueError
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("must be a date written YYYY-MM-DD, e.g. 2024-12-31") from None
    free_text = type_ == CustomFieldType.TEXT
    if free_text and isinstance(raw, str):
        text = raw  # kept exactly as sent
    problem = text_problem(
        text, LONG_TEXT_LENGTH if free_text else NAME_LENGTH, free_text=free_text
    )
    if problem:
        raise ValueError(problem)
    return text


def _custom_number(raw: str | int | Decimal) -> str:
    allowed = (
        f"must be a number with at most {NUMBER_INTEGER_DIGITS} digits before the decimal"
        f" point and {NUMBER_PLACES} after, e.g. 12.5"
    )
    try:
        number = Decimal(raw.strip()) if isinstance(raw, str) else Decimal(raw)
    except ArithmeticError:
        raise ValueError(allowed) from None
    if (
        not number.is_finite()
        or (number and number.adjusted() >= NUMBER_INTEGER_DIGITS)
        or _places(number) > NUMBER_PLACES
    ):
        raise ValueError(allowed)
    return plain(number)


@contextmanager
def unique_clash(message: str) -> Iterator[None]:
    """A unique constraint hit by a concurrent writer (our own check passed): a Conflict."""
    try:
        yield
    except IntegrityError as error:
        raise Conflict(message) from error
