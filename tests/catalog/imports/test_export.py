"""Export → import is a round trip: every row comes back "unchanged", on CSV and XLSX."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.catalog.imports.export import ExportFormat, write_export
from shelfcast.catalog.imports.models import ImportStatus
from tests.builders import (
    make_account,
    make_custom_field,
    make_price_type,
    make_product,
    make_warehouse,
)
from tests.catalog.imports.support import import_file
from tests.catalog.support import catalog_version


@pytest.fixture
def catalog(session: Session) -> Account:
    account = make_account(session)
    main, depot = (
        make_warehouse(session, account, "Main"),
        make_warehouse(session, account, "Склад"),
    )
    retail = make_price_type(session, account, "Retail")
    wholesale = make_price_type(session, account, "Опт", currency="UAH")
    color = make_custom_field(session, account, "color")
    size = make_custom_field(session, account, "size", type="number")
    make_product(
        session,
        account,
        sku="0012",
        name="Кава «Їжачок»",
        barcode="0048200000123",
        category=("Їжа", "Кава"),
        description='line 1\nline\t2, "quoted"',
        brand="Lavazza",
        unit="шт",
        weight="0.125",
        images=["https://x.test/a,b.jpg", "https://x.test/2.jpg"],
        stock={main: "1.125", depot: "-2.5"},
        prices={retail: "1234.5", wholesale: "0.0001"},
        custom={color: "brown", size: "1.125"},
    )
    make_product(session, account, sku="A/B > C", name="Plain", stock={main: 0})
    make_product(
        session,
        account,
        sku="99999999999999999",
        name="Long code",
        prices={retail: "999999999999.9999"},
    )
    return account


@pytest.mark.parametrize("export_format", list(ExportFormat))
def test_an_unedited_export_imports_as_unchanged(
    session: Session, catalog: Account, tmp_path: Path, export_format: ExportFormat
) -> None:
    path = tmp_path / f"catalog.{export_format}"
    assert write_export(session, catalog.id, export_format, path) == 3
    version = catalog_version(session, catalog)
    job = import_file(session, catalog, tmp_path, path.read_bytes())
    assert (job.status, job.errors) == (ImportStatus.SUCCEEDED, [])
    assert (job.created, job.updated, job.unchanged) == (0, 0, 3)
    assert catalog_version(session, catalog) == version
    assert set(job.mapping.values()) >= {"sku", "price:Опт", "stock:Склад", "custom:size"}


def test_the_csv_reads_back_cell_by_cell(
    session: Session, catalog: Account, tmp_path: Path
) -> None:
    path = tmp_path / "catalog.csv"
    write_export(session, catalog.id, ExportFormat.CSV, path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "sku",
        "name",
        "barcode",
        "category",
        "description",
        "brand",
        "unit",
        "weight",
        "images",
        "price:Retail",
        "price:Опт",
        "stock:Main",
        "stock:Склад",
        "custom:color",
        "custom:size",
    ]
    assert rows[1] == [
        "0012",
        "Кава «Їжачок»",
        "0048200000123",
        "Їжа > Кава",
        'line 1\nline\t2, "quoted"',
        "Lavazza",
        "шт",
        "0.125",
        "https://x.test/a,b.jpg\nhttps://x.test/2.jpg",
        "1234.50",
        "0.0001",
        "1.125",
        "-2.5",
        "brown",
        "1.125",
    ]
    assert rows[2][0] == "A/B > C" and rows[2][11] == "0"


def test_the_xlsx_reads_back_in_two_readers(
    session: Session, catalog: Account, tmp_path: Path
) -> None:
    path = tmp_path / "catalog.xlsx"
    write_export(session, catalog.id, ExportFormat.XLSX, path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    row = [cell.value for cell in sheet[2]]
    assert row[:3] == ["0012", "Кава «Їжачок»", "0048200000123"]
    assert row[9:13] == [1234.5, 0.0001, 1.125, -2.5]
    assert sheet.cell(4, 1).value == "99999999999999999"
    assert sheet.cell(4, 10).value == "999999999999.9999"  # 15+ digits: text, not a rounded float
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Catalog").to_python()
    assert calamine[1][4] == 'line 1\nline\t2, "quoted"'
