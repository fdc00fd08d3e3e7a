"""Accounts: creation, plan changes, lookups."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shelfcast.accounts import service
from shelfcast.accounts.models import Account, Plan
from shelfcast.accounts.schemas import AccountRead
from shelfcast.catalog.models import StockLevel
from shelfcast.errors import InvalidInput, NotFound
from shelfcast.feeds.models import FeedFile
from tests.builders import make_account, make_price_type, make_product, make_warehouse
from tests.feeds.builders import make_feed


def test_create_account(session: Session) -> None:
    account = service.create_account(session, "  Corner Shop ", "Startup")

    assert (account.name, account.plan, account.catalog_version) == ("Corner Shop", "startup", 1)
    assert service.get_account(session, account.id) is account
    read = AccountRead.model_validate(account)
    assert (read.id, read.name, read.plan) == (account.id, "Corner Shop", Plan.STARTUP)


def test_create_account_names_every_bad_field(session: Session) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        service.create_account(session, " ", "gold")
    assert {e.loc: e.message for e in excinfo.value.errors} == {
        ("name",): "must not be empty (1 to 200 characters)",
        ("plan",): "unknown plan 'gold'; allowed plans: hobby, startup, business",
    }


def test_set_plan(session: Session) -> None:
    account = service.create_account(session, "Shop", "hobby")

    assert service.set_plan(session, account.id, "business").plan == "business"
    with pytest.raises(InvalidInput, match="plan: unknown plan 'free'; allowed plans: hobby"):
        service.set_plan(session, account.id, "free")
    with pytest.raises(NotFound, match="no account with id 999999"):
        service.set_plan(session, 999_999, "startup")


def test_unknown_account_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        service.get_account(session, 999_999)


def test_delete_accounts_named_takes_everything_they_own(session: Session) -> None:
    demo, again, kept = (make_account(session, name=n) for n in ("Demo", "Demo", "Kept"))
    for account in (demo, again, kept):
        warehouse = make_warehouse(session, account)
        retail = make_price_type(session, account, "Retail")
        make_product(session, account, stock={warehouse: 3}, prices={retail: "1"})
        # Warehouses and price types in use by a feed are RESTRICTed on their own.
        columns = [{"header": "Price", "source": "price", "price_type_id": retail.id}]
        make_feed(session, account, [warehouse], columns=columns)

    assert service.delete_accounts_named(session, "Demo") == 2

    assert [a.name for a in session.scalars(select(Account))] == ["Kept"]
    assert session.scalar(select(func.count()).select_from(StockLevel)) == 1
    assert session.scalar(select(func.count()).select_from(FeedFile)) == 1
