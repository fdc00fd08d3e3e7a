"""Start a feed from the marketplace's own sample file.

The merchant uploads the sample the marketplace gives out (CSV, XLSX, XLS or
ODS). The catalog import's reader detects its format, encoding, separator,
sheet and header row, and the import's header matcher proposes a source for
each header, with the import's synonyms (English, French, Ukrainian, Russian)
plus the names marketplaces give feed columns. Nothing is saved: the answer is
a feed body the form opens with, every header kept as the marketplace wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePath

from sqlalchemy.orm import Session

from shelfcast.catalog.imports.matching import (
    HeaderMatcher,
    matcher_from_synonyms,
    normalise_header,
)
from shelfcast.catalog.imports.numbers import DecimalMark, parse_number
from shelfcast.catalog.imports.reading import (
    ReadOptions,
    Separator,
    SheetFormat,
    Spreadsheet,
    TextEncoding,
    open_spreadsheet,
)
from shelfcast.catalog.imports.vocabulary import PRODUCT_FIELD_SYNONYMS
from shelfcast.catalog.models import PriceType, Warehouse
from shelfcast.errors import InvalidInput
from shelfcast.feeds import repository as repo
from shelfcast.feeds.fields import ProductField
from shelfcast.feeds.schemas import ColumnRead, SampleDetected, SampleProposal, check_file_name
from shelfcast.feeds.vocabulary import FEED_FIELD_SYNONYMS, PRICE
from shelfcast.render.spec import (
    ColumnSource,
    CsvEncoding,
    CsvSeparator,
    DecimalSeparator,
    FileType,
)

TITLE_ROWS = 5  # rows below the first filled one where the real header may stand
VALUE_ROWS = 200  # data rows a CSV sample's decimal mark is read from
# The import's targets that are feed sources too (its "stock" is our quantity).
_IMPORT_TARGETS: Mapping[str, str] = {
    "sku": ProductField.SKU.value,
    "name": ProductField.NAME.value,
    "barcode": ProductField.BARCODE.value,
    "category": ProductField.CATEGORY.value,
    "description": ProductField.DESCRIPTION.value,
    "brand": ProductField.BRAND.value,
    "unit": ProductField.UNIT.value,
    "weight": ProductField.WEIGHT.value,
    "images": ProductField.IMAGES.value,
    "price": PRICE,
    "stock": ProductField.QUANTITY.value,
}
_SEPARATORS: Mapping[Separator, CsvSeparator] = {
    Separator.COMMA: CsvSeparator.COMMA,
    Separator.SEMICOLON: CsvSeparator.SEMICOLON,
    Separator.PIPE: CsvSeparator.PIPE,
    Separator.TAB: CsvSeparator.TAB,
}
# A CSV sample's encoding as the file's. UTF-16 is read but not written: a
# marketplace that gave out a UTF-16 sample reads its byte order mark, so it
# gets UTF-8 with one (Unicode either way, nothing lost).
_ENCODINGS: Mapping[TextEncoding, CsvEncoding] = {
    TextEncoding.UTF8: CsvEncoding.UTF_8,
    TextEncoding.UTF8_BOM: CsvEncoding.UTF_8_SIG,
    TextEncoding.UTF16: CsvEncoding.UTF_8_SIG,
    TextEncoding.CP1251: CsvEncoding.CP1251,
    TextEncoding.CP1252: CsvEncoding.CP1252,
}
_DECIMALS: Mapping[DecimalMark, DecimalSeparator] = {
    DecimalMark.POINT: DecimalSeparator.POINT,
    DecimalMark.COMMA: DecimalSeparator.COMMA,
}
# A sample's format as the feed's file type: ODS is read but not written, so XLSX.
_FILE_TYPES: Mapping[SheetFormat, FileType] = {
    SheetFormat.CSV: FileType.CSV,
    SheetFormat.XLSX: FileType.XLSX,
    SheetFormat.XLS: FileType.XLS,
    SheetFormat.ODS: FileType.XLSX,
}


def _matcher() -> HeaderMatcher:
    """The feed's names first; the import's names that the feed's vocabulary gives
    another meaning (``наявність``: availability, not stock) are left out."""
    claimed = {normalise_header(n) for names in FEED_FIELD_SYNONYMS.values() for n in names}
    synonyms: dict[str, list[str]] = {t: list(n) for t, n in FEED_FIELD_SYNONYMS.items()}
    for target, names in PRODUCT_FIELD_SYNONYMS.items():
        if target in _IMPORT_TARGETS:
            kept = [n for n in names if normalise_header(n) not in claimed]
            synonyms.setdefault(_IMPORT_TARGETS[target], []).extend(kept)
    return matcher_from_synonyms(synonyms)


_MATCHER = _matcher()


def propose_from_sample(
    session: Session, account_id: int, path: Path, upload_name: str
) -> SampleProposal:
    """Read the sample at ``path`` and propose a feed body for this account.

    Raises ``InvalidInput`` at ``file`` when the upload is not a readable
    spreadsheet (the reader's message says what is wrong and what is allowed).
    """
    sheet = _header_found(path)
    price_type_ids = sorted(repo.owned_ids(session, PriceType, account_id))
    price_type_id = price_type_ids[0] if price_type_ids else None
    proposals = _MATCHER.propose(list(sheet.headers))
    columns = [
        _column(header, target, price_type_id)
        for header, target in zip(sheet.headers, proposals, strict=True)
        if header.strip()
    ]
    file_type = _FILE_TYPES[sheet.format]
    csv_separator = _SEPARATORS[sheet.separator] if sheet.separator else None
    decimal = _decimal_separator(sheet)
    return SampleProposal(
        store_name="",
        store_url="",
        warehouse_ids=sorted(repo.owned_ids(session, Warehouse, account_id)),
        file_type=file_type,
        csv_separator=csv_separator if file_type is FileType.CSV else None,
        file_name=_file_name(upload_name),
        sheet_name=(sheet.sheet or "Sheet1")[:31] if file_type is not FileType.CSV else None,
        header_row=sheet.header_row,
        include_zero_stock=False,
        enabled=True,
        columns=columns,
        encoding=_ENCODINGS[sheet.encoding] if sheet.encoding else CsvEncoding.UTF_8,
        decimal_separator=decimal or DecimalSeparator.POINT,
        detected=SampleDetected(
            format=sheet.format.value,
            encoding=sheet.encoding.value if sheet.encoding else None,
            separator=csv_separator,
            decimal_separator=decimal,
            sheet=sheet.sheet,
            header_row=sheet.header_row,
            headers=list(sheet.headers),
            matched=sum(1 for c in columns if c.source is not ColumnSource.CUSTOM_VALUE),
        ),
    )


def _header_found(path: Path) -> Spreadsheet:
    """The sample read at the row that names the most fields: templates often put a
    title or instructions above the real header row (looked for in the next rows)."""
    best = open_spreadsheet(path)
    best_score = _score(best.headers)
    for row in range(best.header_row + 1, best.header_row + 1 + TITLE_ROWS):
        try:
            candidate = open_spreadsheet(path, ReadOptions(header_row=row))
        except InvalidInput:
            break
        score = _score(candidate.headers)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _decimal_separator(sheet: Spreadsheet) -> DecimalSeparator | None:
    """The decimal mark a CSV sample's numbers show (``12,50``), or None when they
    show none or both (workbooks hold numbers as numbers: nothing to tell)."""
    if sheet.format is not SheetFormat.CSV:
        return None
    shown: set[DecimalMark] = set()
    for index, row in enumerate(sheet.rows()):
        if index >= VALUE_ROWS:
            break
        for cell in row.cells:
            try:
                mark = parse_number(cell)[1] if cell.strip() else None
            except ValueError:
                continue  # text, or a number that does not say (1,234)
            if mark is not None:
                shown.add(mark)
    return _DECIMALS[shown.pop()] if len(shown) == 1 else None


def _score(headers: Sequence[str]) -> int:
    return sum(1 for target in _MATCHER.propose(list(headers)) if target is not None)


def _column(header: str, target: str | None, price_type_id: int | None) -> ColumnRead:
    if target == PRICE and price_type_id is not None:
        return ColumnRead(header=header, source=ColumnSource.PRICE, price_type_id=price_type_id)
    if target is not None and target != PRICE:
        return ColumnRead(header=header, source=ColumnSource.PRODUCT_FIELD, field=target)
    # Nothing matched (or no price type yet): a constant the merchant fills in.
    return ColumnRead(header=header, source=ColumnSource.CUSTOM_VALUE, value="")


def _file_name(upload_name: str) -> str:
    """The sample's own name, made safe for a feed file name ("feed" when nothing is left)."""
    stem = PurePath(upload_name or "").stem
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")[:100]
    try:
        return check_file_name(safe)
    except ValueError:
        return "feed"
