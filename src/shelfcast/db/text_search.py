"""Search that ignores case and accents (``rape`` finds ``Râpe``) on SQLite and
PostgreSQL alike, without an extension: :func:`folded` compiles to PostgreSQL's
``translate(lower(x), from, to)`` and to a function registered on every SQLite
connection; both apply the same table, and :func:`fold` applies it to the search
text in Python. The table maps accented Latin letters to their base letter,
capitals (Latin and Cyrillic) to small letters whatever the database's locale,
and ``ё`` to ``е``; other characters are left alone.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import Text, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

SQLITE_FUNCTION = "shelfcast_fold"
# Letters a Russian reader does not equate with another (й is not и), and Latin
# letters with a stroke, which Unicode does not decompose into a base letter.
_KEEP = {"й": "й", "Й": "й", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d"}


def _target(char: str) -> str:
    if char in _KEEP:
        return _KEEP[char]
    small = char.lower()
    base = "".join(c for c in unicodedata.normalize("NFKD", small) if not unicodedata.combining(c))
    return base if len(base) == 1 else small if len(small) == 1 else char


def _table() -> tuple[str, str]:
    sources = [chr(c) for c in (*range(0xC0, 0x250), *range(0x400, 0x460))]
    pairs = [(c, _target(c)) for c in sources if c not in "×÷"]
    pairs = [(c, t) for c, t in pairs if t != c]
    return "".join(c for c, _ in pairs), "".join(t for _, t in pairs)


FOLD_FROM, FOLD_TO = _table()
_TRANSLATION = str.maketrans(FOLD_FROM, FOLD_TO)


def fold(text: str) -> str:
    """``Râpe`` → ``rape``: what :func:`folded` makes of a column, for the search text."""
    if text.isascii():  # most SKUs and many names: the table changes nothing else
        return text.lower()
    return text.lower().translate(_TRANSLATION)


def _sqlite_fold(value: Any) -> Any:
    return fold(value) if isinstance(value, str) else value


def register_sqlite_fold(dbapi_connection: Any) -> None:
    dbapi_connection.create_function(SQLITE_FUNCTION, 1, _sqlite_fold, deterministic=True)


class folded(FunctionElement[str]):
    """A text column folded as :func:`fold` folds the search text."""

    type = Text()
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any] | InstrumentedAttribute[Any]) -> None:
        super().__init__(column)


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"


@compiles(folded)
def _folded_translate(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    source = compiler.process(literal(FOLD_FROM), **kw)
    target = compiler.process(literal(FOLD_TO), **kw)
    return f"translate(lower({compiler.process(element.clauses, **kw)}), {source}, {target})"
