"""Every feed the settings validation accepts builds: a property test over the settings
(sheet names and constant values as Excel counts them included)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy.orm import Session

from shelfcast.errors import InvalidInput
from shelfcast.feeds import service
from shelfcast.feeds.schemas import FeedCreate
from tests.builders import make_account, make_product, make_warehouse

# Any text, astral characters (an emoji counts 2 UTF-16 units in Excel) well represented.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
        st.sampled_from("😀🦄𝄞[]:*?/\\' \t"),
    ),
    min_size=1,
    max_size=40,
)
# Around Excel's 32,767-unit cell limit, in code points and in UTF-16 units.
LONG_TEXT = st.one_of(
    TEXT,
    st.sampled_from(
        ["x" * 32_767, "😀" * 16_383 + "x", "😀" * 16_384, "x" * 16_384 + "😀" * 8_192]
    ),
)
COLUMN = st.one_of(
    st.fixed_dictionaries(
        {
            "header": TEXT,
            "source": st.just("product_field"),
            "field": st.sampled_from(["sku", "name", "quantity", "images", "category_path"]),
        }
    ),
    st.fixed_dictionaries({"header": TEXT, "source": st.just("custom_value"), "value": LONG_TEXT}),
)
SETTINGS = st.fixed_dictionaries(
    {
        "file_type": st.sampled_from(["csv", "xlsx", "xls"]),
        "sheet_name": st.one_of(st.none(), TEXT),
        "header_row": st.one_of(st.integers(1, 3), st.integers(-1, 1001)),
        "columns": st.lists(COLUMN, min_size=1, max_size=4),
    }
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(chosen=SETTINGS)
def test_any_feed_settings_that_validate_build(session: Session, chosen: dict[str, Any]) -> None:
    body = {
        "store_name": "Marketplace",
        "store_url": "https://market.example",
        "warehouse_ids": [],
        "file_name": "stock",
        **{k: v for k, v in chosen.items() if v is not None},
    }
    if body["file_type"] == "csv":
        body.pop("sheet_name", None)
    with session.begin_nested() as savepoint:
        account = make_account(session)
        warehouse = make_warehouse(session, account)
        make_product(session, account, stock={warehouse: 3})
        body["warehouse_ids"] = [warehouse.id]
        try:
            feed = service.create_feed(session, account.id, FeedCreate.model_validate(body))
        except (ValidationError, InvalidInput):
            savepoint.rollback()
            event("refused")
            return
        out = io.BytesIO()
        result = service.render_feed_file(session, feed, out)
        assert result.rows == 1
        assert out.getvalue()
        savepoint.rollback()


def _settings(**overrides: Any) -> dict[str, Any]:
    return {
        "store_name": "Marketplace",
        "store_url": "https://market.example",
        "warehouse_ids": [1],
        "file_type": "xlsx",
        "file_name": "stock",
        "sheet_name": "Stock",
        "columns": [{"header": "SKU", "source": "product_field", "field": "sku"}],
        **overrides,
    }


def test_sheet_names_are_counted_as_excel_counts_them() -> None:
    FeedCreate.model_validate(_settings(sheet_name="😀" * 15 + "x"))  # 31 UTF-16 units
    with pytest.raises(ValidationError, match="as Excel counts them"):
        FeedCreate.model_validate(_settings(sheet_name="😀" * 16))  # 16 characters, 32 units


def test_a_null_sheet_name_is_no_sheet_name_not_an_error() -> None:
    assert FeedCreate.model_validate(_settings(file_type="csv", sheet_name=None)).sheet_name is None


def test_constant_values_are_counted_as_excel_counts_them() -> None:
    column = {"header": "Note", "source": "custom_value", "value": "😀" * 16_384}
    with pytest.raises(ValidationError, match="32,767 characters as Excel counts them"):
        FeedCreate.model_validate(_settings(columns=[column]))


def test_a_row_of_fixed_text_is_capped() -> None:
    wide = [{"header": f"C{n}", "source": "custom_value", "value": "x" * 32_000} for n in range(40)]
    with pytest.raises(ValidationError, match="at most 1,000,000 are allowed"):
        FeedCreate.model_validate(_settings(columns=wide))
