"""Product text as catalogs hold it: any Unicode but NUL (and lone surrogates, which no
database stores), kept exactly as sent, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.catalog import service
from shelfcast.errors import InvalidInput
from tests.builders import make_account, make_custom_field
from tests.catalog.support import invalid, upsert

# Every character a database can store but NUL, with the awkward ones made likely.
STORABLE = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
AWKWARD = st.sampled_from(["\t", "\r", "\n", "\r\n", "\x0b", "\x1f", "\x7f", "\u2028", " ", '"'])
TEXT = st.lists(st.one_of(STORABLE, AWKWARD), min_size=1, max_size=40).map("".join)
_skus = itertools.count(1)


@pytest.fixture
def account(session: Session) -> Account:
    account = make_account(session)
    make_custom_field(session, account, "notes", type="text")
    return account


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=TEXT.filter(str.strip), description=TEXT, notes=TEXT.filter(str.strip))
def test_any_text_but_nul_is_stored_exactly(
    session: Session, account: Account, name: str, description: str, notes: str
) -> None:
    sku = f"P{next(_skus)}"
    upsert(
        session,
        account,
        {"sku": sku, "name": name, "description": description, "custom": {"notes": notes}},
    )
    product_id = service.find_product_id(session, account.id, sku)
    assert product_id is not None
    stored = service.get_product(session, account.id, product_id)
    assert stored.name == name
    # A blank description clears the field; anything else is kept as sent.
    assert stored.description == (description if description.strip() else None)
    assert stored.custom == {"notes": notes}


@pytest.mark.parametrize("field", ["name", "description", "brand", "unit", "barcode"])
def test_nul_is_refused_naming_the_field(session: Session, account: Account, field: str) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        upsert(session, account, {"sku": "X", "name": "X", field: "a\x00b"})
    assert list(invalid(excinfo)) == [("products", 0, field)]
