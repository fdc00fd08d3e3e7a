"""The import from file to catalog: counts, modes, errors, idempotence (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.catalog import service as catalog
from shelfcast.catalog.imports import service
from shelfcast.catalog.imports.models import ImportMode, ImportStatus, OnError
from shelfcast.catalog.imports.reading import ReadOptions
from shelfcast.catalog.schemas import ProductRead
from shelfcast.errors import InvalidInput
from tests.builders import (
    make_account,
    make_custom_field,
    make_price_type,
    make_product,
    make_warehouse,
)
from tests.catalog.imports.support import import_file
from tests.catalog.support import catalog_version

FRENCH = (
    "Référence;Désignation;Prix TTC;Quantité\n"
    "0012;Crème hydratante à l'aloé;12,50;3\n"
    "0013;Café moulu « Brésil »;1 234,00;-1,5\n"
).encode("cp1252")


@pytest.fixture
def account(session: Session) -> Account:
    account = make_account(session)
    make_warehouse(session, account, "Main")
    make_price_type(session, account, "Retail")
    return account


def products(session: Session, account: Account) -> dict[str, ProductRead]:
    page = catalog.list_products(session, account.id, limit=500)
    return {product.sku: product for product in page.products}


def test_a_french_excel_csv_imports_into_an_empty_catalog(
    session: Session, account: Account, tmp_path: Path
) -> None:
    before = catalog_version(session, account)
    job = import_file(session, account, tmp_path, FRENCH)
    assert (job.status, job.created, job.updated, job.errors) == (ImportStatus.SUCCEEDED, 2, 0, [])
    assert job.mapping == {
        "Référence": "sku",
        "Désignation": "name",
        "Prix TTC": "price:Retail",
        "Quantité": "stock:Main",
    }
    got = products(session, account)
    assert got["0012"].name == "Crème hydratante à l'aloé"
    assert got["0012"].prices == {"Retail": "12.50"}
    assert got["0013"].prices == {"Retail": "1234.00"}
    assert [s.quantity for s in got["0013"].stock] == ["-1.5"]
    assert catalog_version(session, account) == before + 1


def test_the_same_file_twice_changes_nothing_the_second_time(
    session: Session, account: Account, tmp_path: Path
) -> None:
    import_file(session, account, tmp_path, FRENCH)
    version = catalog_version(session, account)
    again = import_file(session, account, tmp_path, FRENCH)
    assert (again.status, again.created, again.updated, again.unchanged) == (
        ImportStatus.SUCCEEDED,
        0,
        0,
        2,
    )
    assert catalog_version(session, account) == version


def test_one_bad_row_rejects_the_file_or_is_skipped(
    session: Session, account: Account, tmp_path: Path
) -> None:
    bad = FRENCH + "0014;Thé;douze;1\n0012;Doublon;1;1\n".encode("cp1252")
    before = catalog_version(session, account)
    job = import_file(session, account, tmp_path, bad)
    assert job.status is ImportStatus.FAILED and "nothing was imported" in (job.message or "")
    assert [(e.row, e.column, e.value) for e in job.errors] == [
        (4, "Prix TTC", "douze"),
        (5, "Référence", "0012"),
    ]
    assert "must be a number" in job.errors[0].message
    assert "duplicate sku, also in row 2" in job.errors[1].message
    assert products(session, account) == {}
    assert catalog_version(session, account) == before

    skipped = import_file(session, account, tmp_path, bad, on_error=OnError.SKIP)
    assert (skipped.status, skipped.created, skipped.skipped, skipped.error_count) == (
        ImportStatus.SUCCEEDED,
        2,
        2,
        2,
    )
    assert sorted(products(session, account)) == ["0012", "0013"]


def test_a_dry_run_counts_and_changes_nothing(
    session: Session, account: Account, tmp_path: Path
) -> None:
    make_product(session, account, sku="0012", name="Crème hydratante à l'aloé")
    job = import_file(session, account, tmp_path, FRENCH, dry_run=True)
    assert (job.status, job.created, job.updated, job.unchanged) == (
        ImportStatus.VALIDATED,
        1,
        1,
        0,
    )
    assert sorted(products(session, account)) == ["0012"]


def test_update_and_stock_modes_leave_new_skus_and_other_fields(
    session: Session, account: Account, tmp_path: Path
) -> None:
    make_product(session, account, sku="0012", name="Old name")
    job = import_file(session, account, tmp_path, FRENCH, mode=ImportMode.STOCK)
    assert (job.created, job.updated, job.skipped) == (0, 1, 1)
    got = products(session, account)
    assert list(got) == ["0012"] and got["0012"].name == "Old name"
    assert got["0012"].prices == {"Retail": "12.50"}
    job = import_file(session, account, tmp_path, FRENCH, mode=ImportMode.UPDATE)
    assert (job.created, job.updated, job.skipped) == (0, 1, 1)
    assert products(session, account)["0012"].name == "Crème hydratante à l'aloé"


def test_empty_cells_keep_values_unless_cleared(
    session: Session, account: Account, tmp_path: Path
) -> None:
    main = make_warehouse(session, account, "Depot")
    make_product(session, account, sku="A", name="A", barcode="0123", brand="Acme", stock={main: 4})
    data = b"sku,name,barcode,brand,stock:Depot\nA,A,,Acme,\n"
    job = import_file(session, account, tmp_path, data)
    assert (job.updated, job.unchanged) == (0, 1)
    assert products(session, account)["A"].barcode == "0123"
    cleared = import_file(session, account, tmp_path, data, clear_empty=True)
    assert cleared.updated == 1
    got = products(session, account)["A"]
    assert (got.barcode, got.brand, got.stock) == (None, "Acme", [])


def test_every_target_kind_and_a_change(session: Session, account: Account, tmp_path: Path) -> None:
    make_custom_field(session, account, "color")
    make_custom_field(session, account, "size", type="number")
    data = (
        "sku,name,barcode,category,description,brand,unit,weight,images,custom:color,custom:size\n"
        'B1,Кава,4.82000001234E12,Food > Coffee,"line 1\nline\t2",Lavazza,pcs,"0,25",'
        '"https://x.test/1.jpg, https://x.test/2.jpg",brown,"1,5"\n'
    ).encode()
    first = import_file(session, account, tmp_path, data)
    assert first.created == 1, first.errors
    got = products(session, account)["B1"]
    assert got.barcode == "4820000012340"
    assert got.category == ["Food", "Coffee"]
    assert got.description == "line 1\nline\t2"
    assert (got.weight, got.unit, got.brand) == ("0.25", "pcs", "Lavazza")
    assert got.images == ["https://x.test/1.jpg", "https://x.test/2.jpg"]
    assert got.custom == {"color": "brown", "size": "1.5"}
    assert import_file(session, account, tmp_path, data).unchanged == 1
    changed = data.replace(b"Food > Coffee", b"Food/Tea").replace(b"brown", b"green")
    job = import_file(session, account, tmp_path, changed)
    assert (job.updated, job.unchanged) == (1, 0)
    got = products(session, account)["B1"]
    assert (got.category, got.custom["color"]) == (["Food", "Tea"], "green")


def test_a_ukrainian_workbook_and_a_remembered_mapping(
    session: Session, account: Account, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Товари"
    sheet.append(["Артикул", "Назва", "Штрихкод", "Ціна", "Кількість", "Примітка"])
    sheet.append(["UA-1", "Кава мелена", "04820000012345", 120.5, 4, "x"])
    path = tmp_path / "uk.xlsx"
    book.save(path)
    mapping = {
        "Артикул": "sku",
        "Назва": "name",
        "Штрихкод": "barcode",
        "Ціна": "price:Retail",
        "Кількість": "stock:Main",
        "Примітка": "ignore",
    }
    job = import_file(session, account, tmp_path, path.read_bytes(), mapping=mapping)
    assert (job.status, job.created, job.reading.format) == (ImportStatus.SUCCEEDED, 1, "xlsx")
    got = products(session, account)["UA-1"]
    assert (got.barcode, got.prices, got.stock[0].quantity) == (
        "04820000012345",
        {"Retail": "120.50"},
        "4",
    )
    stored = service.copy_upload(tmp_path, path)
    preview = service.preview(session, account.id, tmp_path, stored, ReadOptions())
    assert preview.remembered and preview.mapping == mapping
    assert preview.rows == [["UA-1", "Кава мелена", "04820000012345", "120.5", "4", "x"]]


def test_missing_targets_are_named_before_anything_runs(session: Session, tmp_path: Path) -> None:
    empty = make_account(session)
    stored = service.save_upload(tmp_path, io.BytesIO(FRENCH))
    preview = service.preview(session, empty.id, tmp_path, stored, ReadOptions())
    assert (preview.missing.price_types, preview.missing.warehouses) == (["Retail"], ["Main"])
    with pytest.raises(InvalidInput, match="no price types: Retail; no warehouses: Main"):
        service.create_import(session, empty.id, tmp_path, stored, "f.csv", service.ImportChoices())
    with pytest.raises(InvalidInput, match="map one column to sku"):
        service.create_import(
            session,
            empty.id,
            tmp_path,
            stored,
            "f.csv",
            service.ImportChoices(mapping={"Référence": "name"}),
        )
    with pytest.raises(InvalidInput, match="unknown target 'prix'"):
        service.create_import(
            session,
            empty.id,
            tmp_path,
            stored,
            "f.csv",
            service.ImportChoices(mapping={"Référence": "sku", "Prix TTC": "prix"}),
        )


def test_a_new_product_needs_a_name(session: Session, account: Account, tmp_path: Path) -> None:
    job = import_file(session, account, tmp_path, b"sku,name\nN1,\n")
    assert job.status is ImportStatus.FAILED
    assert [(e.row, e.column) for e in job.errors] == [(2, "name")]


def test_lost_excel_digits_are_reported(session: Session, account: Account, tmp_path: Path) -> None:
    job = import_file(session, account, tmp_path, b"sku,name\n1.23456789012345678E17,x\n")
    assert "Excel keeps only 15 digits" in job.errors[0].message
