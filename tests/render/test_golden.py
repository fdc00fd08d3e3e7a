"""Golden files: one fixed feed, rendered exactly as reviewed.

A change to the bytes of a CSV or to the XML inside an XLSX shows up here, even
when every reader still agrees. To accept an intended change, regenerate the
files and review the diff before committing:

    SHELFCAST_REGENERATE_GOLDEN=1 .venv/bin/pytest tests/render/test_golden.py

(For XLSX only the members of the zip are compared, not the zip itself, whose
bytes depend on the deflate implementation ISA-L picks for the CPU.)
"""

from __future__ import annotations

import io
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from shelfcast.render import (
    CellFormat,
    Column,
    ColumnSource,
    CsvSeparator,
    FileType,
    RawValue,
)

from .support import make_spec, render_bytes, text_column

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("SHELFCAST_REGENERATE_GOLDEN") == "1"

COLUMNS = (
    text_column("Артикул", "sku"),
    text_column("Название", "name"),
    Column("Остаток", ColumnSource.PRODUCT_FIELD, CellFormat.QUANTITY, field="quantity"),
    Column("Цена", ColumnSource.PRICE, CellFormat.PRICE, price_type_id=1),
    Column("Валюта", ColumnSource.CUSTOM_VALUE, value="RUB"),
)
ROWS: list[tuple[RawValue, ...]] = [
    ("0012345", 'Чай "Эрл Грей"; 100 г', Decimal("5.000"), Decimal("1299.5"), None),
    ("ABC-2", "Crème brûlée\nдесерт", Decimal("2.50"), Decimal("7"), None),
    ("ABC-3", "=SUM(A1:A2)", Decimal("-1"), None, None),
]


def _check(path: Path, actual: bytes) -> bytes:
    if REGENERATE:
        path.write_bytes(actual)
    if not path.exists():
        pytest.fail(f"{path.name} is missing; run with SHELFCAST_REGENERATE_GOLDEN=1")
    return path.read_bytes()


def test_csv_matches_golden_file() -> None:
    spec = make_spec(FileType.CSV, COLUMNS, header_row=2, csv_separator=CsvSeparator.SEMICOLON)
    actual = render_bytes(spec, ROWS)
    assert actual == _check(GOLDEN / "fixed.csv", actual)


def test_xlsx_matches_golden_file() -> None:
    spec = make_spec(FileType.XLSX, COLUMNS, header_row=2, sheet_name="Товары")
    actual = render_bytes(spec, ROWS)
    golden = _check(GOLDEN / "fixed.xlsx", actual)
    assert _members(actual) == _members(golden)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
