"""The whole catalog as CSV or XLSX, in the layout the importer maps by itself.

Headers are the import's targets (``sku``, ``name``, ..., ``price:Retail``,
``stock:Main``, ``custom:color``), so export → edit → import needs no
mapping, and an unedited file imports as "unchanged" everywhere. Products
are read a page at a time and written straight to the file: memory stays
flat whatever the catalog's size.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from sqlalchemy.orm import Session

from shelfcast.catalog import repository as repo
from shelfcast.catalog.imports.mapping import ProductField
from shelfcast.catalog.rules import plain, price_text

PAGE = 2000
# A number with more significant digits than Excel keeps is written as text.
_EXCEL_DIGITS = 15


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"

    @property
    def media_type(self) -> str:
        if self is ExportFormat.CSV:
            return "text/csv; charset=utf-8"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


Cell = str | Decimal | None


def export_header(session: Session, account_id: int) -> list[str]:
    return [
        *ProductField,
        *(f"price:{p.name}" for p in repo.list_price_types(session, account_id)),
        *(f"stock:{w.name}" for w in repo.list_warehouses(session, account_id)),
        *(f"custom:{f.key}" for f in repo.list_custom_fields(session, account_id)),
    ]


def export_rows(session: Session, account_id: int) -> Iterator[list[Cell]]:
    """One row per product in id order; decimals stay ``Decimal`` (the writer
    decides how a number is written), everything else is text or empty."""
    price_names = [p.name for p in repo.list_price_types(session, account_id)]
    warehouse_ids = [w.id for w in repo.list_warehouses(session, account_id)]
    custom_keys = [f.key for f in repo.list_custom_fields(session, account_id)]
    after: int | None = None
    while True:
        page = repo.product_page(
            session, account_id, q=None, category_id=None, after=after, limit=PAGE
        )
        if not page:
            return
        ids = [row.id for row in page]
        prices = {(p, name): amount for p, name, amount in repo.prices_of(session, ids)}
        stock = {(p, w): quantity for p, w, quantity in repo.stock_of(session, ids)}
        custom = {(p, key): value for p, key, value in repo.custom_values_of(session, ids)}
        images: dict[int, list[str]] = {}
        for product_id, url in repo.images_of(session, ids):
            images.setdefault(product_id, []).append(url)
        for row in page:
            yield [
                row.sku,
                row.name,
                row.barcode,
                row.category_path,
                row.description,
                row.brand,
                row.unit,
                row.weight,
                # A line per image: a URL may hold a comma, never a line break.
                "\n".join(images.get(row.id, [])) or None,
                *(prices.get((row.id, name)) for name in price_names),
                *(stock.get((row.id, warehouse)) for warehouse in warehouse_ids),
                *(custom.get((row.id, key)) for key in custom_keys),
            ]
        after = page[-1].id


def write_export(session: Session, account_id: int, export_format: ExportFormat, path: Path) -> int:
    """Write the catalog to ``path``; answers the number of products."""
    header = export_header(session, account_id)
    rows = export_rows(session, account_id)
    price_columns = {i for i, name in enumerate(header) if name.startswith("price:")}
    if export_format is ExportFormat.CSV:
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            return _write_csv(out, header, rows, price_columns)
    return _write_xlsx(path, header, rows, price_columns)


def _text(value: Cell, price: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return price_text(value) if price else plain(value)
    return value


def _write_csv(
    out: IO[str], header: list[str], rows: Iterator[list[Cell]], price_columns: set[int]
) -> int:
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([_text(value, i in price_columns) for i, value in enumerate(row)])
        count += 1
    return count


def _write_xlsx(
    path: Path, header: Sequence[str], rows: Iterator[list[Cell]], price_columns: set[int]
) -> int:
    book: Any = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_numbers": False, "strings_to_urls": False}
    )
    try:
        sheet = book.add_worksheet("Catalog")
        prices = book.add_format({"num_format": "0.00##"})
        wrapped = book.add_format({"text_wrap": True})
        sheet.write_row(0, 0, header)
        count = 0
        for count, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, Decimal) and len(value.as_tuple().digits) <= _EXCEL_DIGITS:
                    # An Excel number is a double: exact for the 15 digits checked above.
                    cell_format = prices if column in price_columns else None
                    sheet.write_number(count, column, float(value), cell_format)
                elif isinstance(value, str) and "\n" in value:
                    sheet.write_string(count, column, value, wrapped)
                else:
                    sheet.write_string(count, column, _text(value, column in price_columns))
        return count
    finally:
        book.close()
