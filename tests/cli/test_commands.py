"""The command line, run in-process against a fresh SQLite file per test."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlrd
from typer.testing import CliRunner

from shelfcast.catalog import service as catalog
from shelfcast.cli.main import app
from shelfcast.db.database import open_database
from shelfcast.db.session import transaction
from shelfcast.demo import DEMO_PRODUCTS
from shelfcast.feeds import service as feeds
from shelfcast.settings import Settings

runner = CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHELFCAST_DATABASE_URL", f"sqlite:///{tmp_path / 'shop.db'}")
    monkeypatch.setenv("SHELFCAST_DATA_DIR", str(tmp_path / "data"))
    yield tmp_path


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_db_upgrade_creates_the_database(workdir: Path) -> None:
    assert "up to date" in run("db", "upgrade")
    assert (workdir / "shop.db").exists()
    assert "up to date" in run("db", "upgrade")  # idempotent


def test_accounts_create_prints_json_with_a_working_key(workdir: Path) -> None:
    created = json.loads(run("accounts", "create", "--name", "Ma boutique", "--plan", "startup"))
    assert set(created) == {"account_id", "api_key"}
    assert created["api_key"].startswith("sc_")

    run("accounts", "set-plan", str(created["account_id"]), "business")
    database = open_database(Settings())
    try:
        with transaction(database.sessions) as session:
            from shelfcast.accounts import service as accounts

            account = accounts.authenticate_api_key(session, created["api_key"])
            assert account is not None and account.plan == "business"
    finally:
        database.close()


def test_bad_plan_is_a_clear_error(workdir: Path) -> None:
    result = runner.invoke(app, ["accounts", "create", "--name", "X", "--plan", "gold"])
    assert result.exit_code == 2
    output = " ".join(result.output.replace("│", " ").split())
    assert "Invalid value for '--plan'" in output
    assert "'gold' is not one of 'hobby', 'startup', 'business'" in output


def test_apikeys_create_list_revoke(workdir: Path) -> None:
    account_id = json.loads(run("accounts", "create", "--name", "S", "--plan", "hobby"))[
        "account_id"
    ]
    key = json.loads(run("apikeys", "create", "--account", str(account_id), "--name", "erp"))
    listing = run("apikeys", "list", "--account", str(account_id))
    assert key["prefix"] in listing and "erp" in listing
    assert "revoked" in run("apikeys", "revoke", str(key["id"]), "--account", str(account_id))
    missing = runner.invoke(app, ["apikeys", "revoke", "99999", "--account", str(account_id)])
    assert missing.exit_code == 2


def test_render_unknown_feed_is_a_clear_error(workdir: Path) -> None:
    result = runner.invoke(app, ["render", "424242", "--output", "x.csv"])
    assert result.exit_code == 2
    assert "feed 424242 not found" in result.output
    assert not Path("x.csv").exists()


def _stock_by_sku(warehouse_ids: list[int]) -> dict[str, Decimal]:
    """Every demo product's stock summed over ``warehouse_ids``, read through the API's service."""
    database = open_database(Settings())
    totals: dict[str, Decimal] = {}
    try:
        with transaction(database.sessions) as session:
            account_id = feeds.find_feed(session, 1).account_id
            after = None
            while True:
                page = catalog.list_products(session, account_id, after=after, limit=500)
                for product in page.products:
                    totals[product.sku] = sum(
                        (
                            Decimal(s.quantity)
                            for s in product.stock
                            if s.warehouse_id in warehouse_ids
                        ),
                        Decimal(0),
                    )
                if page.next_after is None:
                    return totals
                after = page.next_after
    finally:
        database.close()


def _plain(quantity: Decimal) -> str:
    return format(max(quantity, Decimal(0)).normalize(), "f")


def test_demo_writes_three_files_holding_the_catalog_with_summed_stock(workdir: Path) -> None:
    output = run("demo", "--no-serve")
    for name in ("ozon_stock.csv", "cdiscount_offers.xlsx", "wholesale.xls"):
        assert (workdir / "out" / name).exists(), output
        assert name in output
    assert "API key:" in output and "/f/" in output

    database = open_database(Settings())
    with transaction(database.sessions) as session:
        warehouses = {
            f.id: f.warehouse_ids
            for f in feeds.feed_reads(
                session, feeds.list_feeds(session, feeds.find_feed(session, 1).account_id), ""
            )
        }
    database.close()
    all_three, first_two, first = warehouses[1], warehouses[2], warehouses[3]

    # CSV (semicolon): products with stock > 0 over the three warehouses.
    text = (workdir / "out" / "ozon_stock.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == ["Артикул", "Название товара", "Штрихкод", "Количество", "Цена", "Валюта"]
    expected = {sku: q for sku, q in _stock_by_sku(all_three).items() if q > 0}
    assert {r[0]: r[3] for r in rows[1:]} == {sku: _plain(q) for sku, q in expected.items()}
    assert all(r[5] == "EUR" for r in rows[1:])
    assert any(any(ch in r[1] for ch in "ЖжНнСс") for r in rows[1:])  # Cyrillic names

    # XLSX: sheet "Offres", header on row 3, zero stock included (every product).
    book = openpyxl.load_workbook(workdir / "out" / "cdiscount_offers.xlsx", read_only=True)
    sheet = book["Offres"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == (None,) * 10 or values[0] == ()
    assert values[2][0] == "Référence vendeur"
    data = values[3:]
    assert len(data) == DEMO_PRODUCTS
    stock = _stock_by_sku(first_two)
    for row in data:
        assert Decimal(str(row[6])) == max(stock[row[0]], Decimal(0))
        assert isinstance(row[1], str) and row[1].startswith("0")  # EAN keeps its leading zero
    book.close()

    # XLS: sheet "Stock", first warehouse only.
    workbook = xlrd.open_workbook(str(workdir / "out" / "wholesale.xls"))
    sheet = workbook.sheet_by_name("Stock")
    assert sheet.row_values(0) == [
        "Code",
        "Designation",
        "Category",
        "Unit",
        "Qty",
        "Wholesale price",
    ]
    stock = _stock_by_sku(first)
    expected_skus = {sku for sku, q in stock.items() if q > 0}
    assert {sheet.cell_value(r, 0) for r in range(1, sheet.nrows)} == expected_skus
    for r in range(1, sheet.nrows):
        assert Decimal(str(sheet.cell_value(r, 4))) == stock[sheet.cell_value(r, 0)]


def test_demo_twice_replaces_the_demo_account(workdir: Path) -> None:
    run("demo", "--no-serve")
    run("demo", "--no-serve")
    database = open_database(Settings())
    with transaction(database.sessions) as session:
        from sqlalchemy import func, select

        from shelfcast.accounts.models import Account

        assert session.scalar(select(func.count()).select_from(Account)) == 1
    database.close()


def test_render_writes_the_feed_file(workdir: Path) -> None:
    run("demo", "--no-serve")
    output = run("render", "1", "--output", str(workdir / "copy.csv"))
    assert "rows" in output
    assert (workdir / "copy.csv").read_bytes() == (workdir / "out" / "ozon_stock.csv").read_bytes()


def _account_with_definitions() -> int:
    """An account with warehouse Main and price type Retail; its id."""
    out = json.loads(run("accounts", "create", "--name", "Boutique", "--plan", "business"))
    account_id = int(out["account_id"])
    database = open_database(Settings())
    try:
        with transaction(database.writes) as session:
            catalog.create_warehouse(session, account_id, catalog.WarehouseCreate(name="Main"))
            catalog.create_price_type(
                session, account_id, catalog.PriceTypeCreate(name="Retail", currency="EUR")
            )
    finally:
        database.close()
    return account_id


def test_import_then_export_round_trip(workdir: Path) -> None:
    account_id = _account_with_definitions()
    source = workdir / "catalogue.csv"
    source.write_bytes(
        "Référence;Désignation;Prix TTC;Quantité\n0012;Crème à l'aloé;12,50;3\n".encode("cp1252")
    )
    out = run("import", str(source), "--account", str(account_id))
    assert "succeeded: 1 rows, 1 created" in out
    dry = runner.invoke(app, ["import", str(source), "--account", str(account_id), "--dry-run"])
    assert (
        dry.exit_code == 1 and "validated: 1 rows, 0 created, 0 updated, 1 unchanged" in dry.stdout
    )
    for export_format in ("csv", "xlsx"):
        target = workdir / f"export.{export_format}"
        run("export", "--account", str(account_id), "--format", export_format, "-o", str(target))
        again = run("import", str(target), "--account", str(account_id))
        assert "0 created, 0 updated, 1 unchanged" in again
    with (workdir / "export.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][:2] == ["0012", "Crème à l'aloé"] and rows[1][-2:] == ["12.50", "3"]


def test_a_bad_file_exits_non_zero_naming_the_rows(workdir: Path) -> None:
    account_id = _account_with_definitions()
    source = workdir / "bad.csv"
    source.write_text("sku,name,price:Retail\nA,Thing,twelve\n")
    result = runner.invoke(app, ["import", str(source), "--account", str(account_id)])
    assert result.exit_code == 1
    assert "failed" in result.stdout and "row 2, price:Retail ('twelve')" in result.stderr
    mapping = json.dumps({"sku": "sku", "name": "name", "price:Retail": "price:Nope"})
    result = runner.invoke(
        app, ["import", str(source), "--account", str(account_id), "--mapping", mapping]
    )
    assert result.exit_code == 2 and "no price types: Nope" in result.stderr
