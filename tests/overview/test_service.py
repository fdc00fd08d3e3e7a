"""The overview's figures from the database: fetch states, attention, stock, usage."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from shelfcast.accounts.models import Plan
from shelfcast.db.base import utcnow
from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import FeedCreate
from shelfcast.overview.service import Attention, account_overview
from shelfcast.publish import repository as publish_repo
from shelfcast.publish.models import FeedBuild
from tests.builders import make_account, make_product, make_warehouse


def new_feed(session: Session, account_id: int, warehouse_id: int, name: str) -> int:
    body = {
        "store_name": "Ozon",
        "store_url": "https://ozon.example",
        "warehouse_ids": [warehouse_id],
        "file_type": "csv",
        "file_name": name,
        "columns": [{"header": "SKU", "source": "product_field", "field": "sku"}],
    }
    return feeds.create_feed(session, account_id, FeedCreate.model_validate(body)).id


def fetch(session: Session, account_id: int, feed_id: int, ago: timedelta, status: int) -> None:
    row = {"account_id": account_id, "feed_id": feed_id, "at": utcnow() - ago}
    publish_repo.add_fetches(session, [row | {"method": "GET", "status": status, "bytes": 10}])


def test_each_file_says_whether_it_flows(session: Session) -> None:
    account = make_account(session, plan="startup")
    warehouse = make_warehouse(session, account)
    feeds.set_integration_enabled(session, account.id, True)
    ids = [new_feed(session, account.id, warehouse.id, n) for n in ("ok", "silent", "refused")]
    never = new_feed(session, account.id, warehouse.id, "never")
    failed = new_feed(session, account.id, warehouse.id, "failed")
    fetch(session, account.id, ids[0], timedelta(hours=30), 200)
    fetch(session, account.id, ids[0], timedelta(minutes=5), 200)
    fetch(session, account.id, ids[1], timedelta(hours=25), 304)
    fetch(session, account.id, ids[2], timedelta(hours=2), 200)
    fetch(session, account.id, ids[2], timedelta(minutes=1), 404)
    session.add(FeedBuild(feed_id=failed, account_id=account.id, last_status="failed"))
    session.flush()

    found = account_overview(session, account.id, Plan.STARTUP, "https://feeds.example")
    by_name = {f.feed.file_name: f for f in found.files}
    assert by_name["ok"].attention is None
    assert by_name["ok"].last_fetch_status == 200
    assert by_name["silent"].attention is Attention.SILENT
    assert by_name["refused"].attention is Attention.FETCH_FAILED
    assert by_name["refused"].last_fetch_status == 404
    assert by_name["refused"].last_ok_fetch_at is not None
    assert by_name["never"].attention is Attention.NOT_FETCHED
    assert by_name["never"].feed.id == never
    assert by_name["failed"].attention is Attention.BUILD_FAILED
    assert found.needs_attention == 3
    assert (len(found.files), found.file_limit) == (5, 10)

    feeds.set_integration_enabled(session, account.id, False)
    off = account_overview(session, account.id, Plan.STARTUP, "https://feeds.example")
    assert {f.attention for f in off.files} == {Attention.OFF}


def test_out_of_stock_counts_the_sum_over_warehouses(session: Session) -> None:
    account = make_account(session)
    paris, lyon = make_warehouse(session, account), make_warehouse(session, account)
    make_product(session, account, stock={paris: -1, lyon: 40})  # 39: in stock
    make_product(session, account, stock={paris: -1, lyon: 1})  # 0: out
    make_product(session, account, stock={paris: "-0.5"})  # out
    make_product(session, account)  # no stock at all: out
    make_product(session, account, stock={lyon: "0.25"})  # in stock
    other = make_account(session)
    make_product(session, other)  # another account's: not counted
    found = account_overview(session, account.id, Plan.BUSINESS, "https://feeds.example")
    assert (found.products, found.out_of_stock, found.warehouses) == (5, 3, 2)
    assert found.file_limit is None and not found.is_new


def test_an_empty_account_is_new(session: Session) -> None:
    account = make_account(session)
    found = account_overview(session, account.id, Plan.BUSINESS, "https://feeds.example")
    assert found.is_new and found.files == [] and found.out_of_stock == 0
