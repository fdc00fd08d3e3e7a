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

from shelfcast.catalog.imports.matching import HeaderMatcher, matcher_from_synonyms
from shelfcast.catalog.imports.reading import (
    ReadOptions,
    Separator,
    SheetFormat,
    Spreadsheet,
    open_spreadsheet,
)
from shelfcast.catalog.imports.vocabulary import PRODUCT_FIELD_SYNONYMS
from shelfcast.catalog.models import PriceType, Warehouse
from shelfcast.errors import InvalidInput
from shelfcast.feeds import repository as repo
from shelfcast.feeds.fields import ProductField
from shelfcast.feeds.schemas import ColumnRead, SampleDetected, SampleProposal, check_file_name
from shelfcast.render.spec import ColumnSource, CsvSeparator, FileType

PRICE = "price"
TITLE_ROWS = 5  # rows below the first filled one where the real header may stand
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
# What marketplaces' feed templates call them, beyond a spreadsheet's words.
_FEED_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    ProductField.SKU.value: (
        "id",
        "offer id",
        "seller sku",
        "seller product id",
        "sellerproductid",
        "vendor code",
        "custom label",
        "customlabel",
        "sygnatura",
        "handle",
    ),
    ProductField.NAME.value: ("title", "item name", "model", "tytul", "tytuł oferty"),
    ProductField.BARCODE.value: ("gtin", "ean", "productean", "product id"),
    ProductField.IMAGES.value: ("image link", "image_link", "image url", "image", "picture"),
    ProductField.QUANTITY.value: ("stock", "on hand", "liczba sztuk", "available"),
    ProductField.BRAND.value: ("manufacturer", "vendor", "marque", "виробник", "производитель"),
    ProductField.CATEGORY.value: ("product type", "merchant category", "categories"),
    PRICE: ("startprice", "start price", "cena", "product price", "regular price"),
}
_SEPARATORS: Mapping[Separator, CsvSeparator] = {
    Separator.COMMA: CsvSeparator.COMMA,
    Separator.SEMICOLON: CsvSeparator.SEMICOLON,
    Separator.PIPE: CsvSeparator.PIPE,
    Separator.TAB: CsvSeparator.TAB,
}
# A sample's format as the feed's file type: ODS is read but not written, so XLSX.
_FILE_TYPES: Mapping[SheetFormat, FileType] = {
    SheetFormat.CSV: FileType.CSV,
    SheetFormat.XLSX: FileType.XLSX,
    SheetFormat.XLS: FileType.XLS,
    SheetFormat.ODS: FileType.XLSX,
}


def _matcher() -> HeaderMatcher:
    synonyms: dict[str, list[str]] = {}
    for target, names in PRODUCT_FIELD_SYNONYMS.items():
        if target in _IMPORT_TARGETS:
            synonyms.setdefault(_IMPORT_TARGETS[target], []).extend(names)
    for target, names in _FEED_SYNONYMS.items():
        synonyms.setdefault(target, []).extend(names)
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
        detected=SampleDetected(
            format=sheet.format.value,
            encoding=sheet.encoding.value if sheet.encoding else None,
            separator=csv_separator,
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
