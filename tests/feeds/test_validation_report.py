"""The validation report: a preset's required columns and values, prices, the writers' limits."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shelfcast.feeds.presets import PRESETS
from shelfcast.feeds.validation import Rule, validate_feed
from shelfcast.render import WRITERS
from shelfcast.render.spec import FileType
from tests.builders import make_account, make_price_type, make_product, make_warehouse
from tests.feeds.builders import make_feed


def test_a_preset_feed_reports_missing_columns_empty_values_and_prices(session: Session) -> None:
    account = make_account(session)
    main = make_warehouse(session, account)
    retail = make_price_type(session, account)
    make_product(session, account, sku="OK-1", brand="Acme", stock={main: 2}, prices={retail: "5"})
    make_product(session, account, sku="NO-BRAND", stock={main: 1}, prices={retail: "5"})
    make_product(session, account, sku="NO-PRICE", brand="Acme", stock={main: 1})
    feed = make_feed(
        session,
        account,
        [main],
        preset="kaspi_kz",
        columns=[
            {"header": "SKU", "source": "product_field", "field": "sku"},
            {"header": "brand", "source": "product_field", "field": "brand"},
            {"header": "price", "source": "price", "price_type_id": retail.id},
            {"header": "Old price", "source": "price", "price_type_id": retail.id},
        ],
    )

    report = validate_feed(session, feed)

    assert (report.rows, report.checked_all, report.ok) == (3, True, False)
    found = {f.rule: f for f in report.findings}
    assert set(found) == {Rule.REQUIRED_COLUMN, Rule.REQUIRED_VALUE, Rule.PRICE_MISSING}
    missing = [header for _, header in found[Rule.REQUIRED_COLUMN].examples]
    assert missing == sorted(set(PRESETS["kaspi_kz"].required_headers) - {"SKU", "brand", "price"})
    assert found[Rule.REQUIRED_VALUE].count == 2  # NO-BRAND's brand, NO-PRICE's price
    assert set(found[Rule.REQUIRED_VALUE].examples) == {
        ("NO-BRAND", "brand"),
        ("NO-PRICE", "price"),
    }
    assert found[Rule.PRICE_MISSING].examples == [("NO-PRICE", "Old price")]


def test_excel_limits_come_from_the_writers(session: Session) -> None:
    account = make_account(session)
    main = make_warehouse(session, account)
    limit = WRITERS[FileType.XLSX].max_text_length
    assert limit == 32_767 and WRITERS[FileType.CSV].max_text_length is None
    make_product(session, account, sku="LONG", description="é" * (limit + 1), stock={main: 1})
    make_product(
        session, account, sku="EMOJI", description="😀" * (limit // 2 + 1), stock={main: 1}
    )
    make_product(session, account, sku="SHORT", description="fine", stock={main: 1})
    columns = [
        {"header": "SKU", "source": "product_field", "field": "sku"},
        {"header": "About", "source": "product_field", "field": "description"},
    ]
    xlsx = make_feed(
        session,
        account,
        [main],
        file_type="xlsx",
        sheet_name="S",
        csv_separator=None,
        columns=columns,
    )
    csv_feed = make_feed(session, account, [main], file_name="plain", columns=columns)

    [too_long] = validate_feed(session, xlsx).findings
    assert too_long.rule is Rule.TOO_LONG and too_long.count == 2  # UTF-16 units, as Excel
    assert {sku for sku, _ in too_long.examples} == {"LONG", "EMOJI"}
    assert validate_feed(session, csv_feed).ok  # CSV has no cell limit


def test_the_live_form_reads_only_the_first_rows(session: Session) -> None:
    account = make_account(session)
    main = make_warehouse(session, account)
    for _ in range(5):
        make_product(session, account, stock={main: 1})
    feed = make_feed(session, account, [main])
    report = validate_feed(session, feed, limit=3)
    assert (report.rows, report.checked_all) == (3, False)
