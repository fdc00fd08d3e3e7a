"""All SQL of the overview: one aggregate query per figure, whatever the catalog's
size (the home page after sign-in must stay quick at a million products)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shelfcast.catalog import repository as catalog_repo
from shelfcast.catalog.models import Product, Warehouse
from shelfcast.feeds.models import FeedFile
from shelfcast.publish.models import Fetch


@dataclass(frozen=True, slots=True)
class FetchState:
    """A file's latest fetch by a marketplace, and its latest one that got the file."""

    last_at: datetime | None
    last_status: int | None
    last_ok_at: datetime | None


def fetch_states(session: Session, account_id: int) -> dict[int, FetchState]:
    """Per file of the account, read through the ``(feed_id, at)`` index: each value
    is one index seek to the newest fetch, not a scan of the log."""
    newest = (
        select(Fetch.id)
        .where(Fetch.feed_id == FeedFile.id)
        .order_by(Fetch.at.desc(), Fetch.id.desc())
        .limit(1)
        .correlate(FeedFile)
        .scalar_subquery()
    )
    newest_ok = (
        select(Fetch.at)
        .where(Fetch.feed_id == FeedFile.id, Fetch.status < 400)
        .order_by(Fetch.at.desc())
        .limit(1)
        .correlate(FeedFile)
        .scalar_subquery()
    )
    last = (
        select(FeedFile.id.label("feed_id"), newest.label("fetch_id"), newest_ok.label("ok_at"))
        .where(FeedFile.account_id == account_id)
        .subquery()
    )
    rows = session.execute(
        select(last.c.feed_id, Fetch.at, Fetch.status, last.c.ok_at).outerjoin(
            Fetch, Fetch.id == last.c.fetch_id
        )
    )
    return {row[0]: FetchState(row[1], row[2], row[3]) for row in rows}


def out_of_stock_count(session: Session, account_id: int) -> int:
    """Products whose stock over all warehouses adds up to 0 or less (none counts as 0)."""
    return catalog_repo.out_of_stock_count(session, account_id)


def product_count(session: Session, account_id: int) -> int:
    found = session.scalar(
        select(func.count()).select_from(Product).where(Product.account_id == account_id)
    )
    return found or 0


def warehouse_count(session: Session, account_id: int) -> int:
    found = session.scalar(
        select(func.count()).select_from(Warehouse).where(Warehouse.account_id == account_id)
    )
    return found or 0
