"""The CSV dialect of the columnar path in Arrow terms: quoting, the CSV options'
text rules, and the encoding of a step's lines (see :mod:`shelfcast.render.columnar`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from shelfcast.render.csv_text import FORMULA_PREFIX, FORMULA_START, LINE_BREAK, csv_text
from shelfcast.render.spec import DecimalSeparator, FeedSpec, LineBreaks

# Every text is a large string (64-bit offsets): one batch of long descriptions
# can then never overflow a 2 GiB string array.
TEXT = pa.large_string()
QUOTE = '"'


def text_scalar(value: str) -> pa.Scalar:
    return pa.scalar(value, TEXT)


@dataclass(frozen=True, slots=True)
class Dialect:
    """The ``csv`` module's QUOTE_MINIMAL rules for one separator."""

    separator: str
    needs_quotes: re.Pattern[str]
    special_bytes: tuple[bytes, ...]  # the characters of needs_quotes, encoded
    single_field: bool  # one column: an empty field is written as ""
    text: Callable[[str], str]  # the CSV options' text of a constant or label
    line_breaks_to_space: bool
    formula_protection: bool
    decimal_comma: bool
    codec: str | None  # None: UTF-8, which holds every character

    @classmethod
    def of(cls, spec: FeedSpec) -> Dialect:
        separator = spec.csv_separator.char
        special = (separator, QUOTE, "\r", "\n")
        # None of the separators (, ; | tab) is special inside a character class,
        # and the same pattern serves Python's re and Arrow's RE2.
        return cls(
            separator=separator,
            needs_quotes=re.compile(f"[{''.join(special)}]"),
            special_bytes=tuple(char.encode() for char in special),
            single_field=len(spec.columns) == 1,
            text=csv_text(spec),
            line_breaks_to_space=spec.line_breaks is LineBreaks.SPACE,
            formula_protection=spec.formula_protection,
            decimal_comma=spec.decimal_separator is DecimalSeparator.COMMA,
            codec=None if spec.encoding.holds_everything else spec.encoding.value,
        )

    def _any_needs_quotes(self, texts: pa.Array) -> bool:
        """Whether any text holds a character that needs quotes: one scan of the bytes.

        Most columns (SKUs, barcodes, URLs) never do, and a byte search is many
        times faster than matching row by row. The characters are ASCII, and in
        UTF-8 an ASCII byte is never part of another character.
        """
        data = bytes(text_data(texts))
        return any(char in data for char in self.special_bytes)

    def field(self, text: str) -> str:
        """One text field as the ``csv`` module writes it (for constants and labels)."""
        text = self.text(text)
        if self.needs_quotes.search(text):
            return QUOTE + text.replace(QUOTE, QUOTE * 2) + QUOTE
        if self.single_field and not text:
            return QUOTE * 2
        return text

    def text_fields(self, texts: pa.Array) -> pa.Array:
        """A column of texts (no nulls) with the CSV options applied, as fields:
        line breaks to spaces, then the formula prefix (``csv_text``'s order)."""
        if (
            self.line_breaks_to_space
            and pc.any(pc.match_substring_regex(texts, LINE_BREAK)).as_py()
        ):
            texts = pc.replace_substring_regex(texts, LINE_BREAK, " ")
        if self.formula_protection:
            formula = pc.match_substring_regex(texts, FORMULA_START)
            if pc.any(formula).as_py():
                prefixed = pc.binary_join_element_wise(
                    text_scalar(FORMULA_PREFIX), texts, text_scalar("")
                )
                texts = pc.if_else(formula, prefixed, texts)
        return self.fields(texts, may_need_quotes=True)

    def number_fields(self, texts: pa.Array) -> pa.Array:
        """A column of plain numbers' texts (no nulls) as fields, in the decimal mark."""
        if self.decimal_comma:
            # A comma may now be the separator: such a field needs its quotes.
            return self.fields(pc.replace_substring(texts, ".", ","), may_need_quotes=True)
        return self.fields(texts, may_need_quotes=False)

    def fields(self, texts: pa.Array, *, may_need_quotes: bool) -> pa.Array:
        """The same for a column of texts (no nulls); numbers never need quotes."""
        if may_need_quotes and self._any_needs_quotes(texts):
            needs = pc.match_substring_regex(texts, self.needs_quotes.pattern)
            chosen = pc.replace_substring(pc.filter(texts, needs), QUOTE, QUOTE * 2)
            quoted = pc.binary_join_element_wise(
                text_scalar(QUOTE), chosen, text_scalar(QUOTE), text_scalar("")
            )
            texts = pc.replace_with_mask(texts, needs, quoted)
        if self.single_field:
            texts = pc.if_else(pc.equal(texts, text_scalar("")), text_scalar(QUOTE * 2), texts)
        return texts


def encoded(lines: memoryview | str, codec: str | None) -> memoryview | bytes | None:
    """The bytes of the lines in ``codec`` (None: UTF-8), or None if it cannot hold them."""
    try:
        if isinstance(lines, str):
            return lines.encode(codec or "utf-8")
        if codec is None:
            return lines
        return bytes(lines).decode("utf-8").encode(codec)
    except UnicodeEncodeError:
        return None


def first_unencodable(
    headers: list[str], fields: list[pa.Array | str], before: int, codec: str
) -> tuple[int, str, str] | None:
    """The first field, in row then column order among the first ``before`` rows,
    that ``codec`` cannot hold: (row in the step, column header, character)."""
    texts = [[field] * before if isinstance(field, str) else field.to_pylist() for field in fields]
    for row in range(before):
        for header, column_texts in zip(headers, texts, strict=True):
            text = column_texts[row]
            try:
                text.encode(codec)
            except UnicodeEncodeError as error:
                return row, header, text[error.start]
    return None


def text_data(texts: pa.Array) -> memoryview:
    """The UTF-8 bytes of every string of a large-string array, back to back, uncopied."""
    _validity, offsets, data = texts.buffers()
    if data is None or len(texts) == 0:
        return memoryview(b"")
    positions = memoryview(offsets).cast("q")  # large_string: 64-bit offsets
    return memoryview(data)[positions[texts.offset] : positions[texts.offset + len(texts)]]
