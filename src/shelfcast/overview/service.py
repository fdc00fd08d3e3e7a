"""The overview after sign-in: is everything flowing? Each file with its last build
and its last fetch by a marketplace, what needs attention, the plan's usage, stock
that is out, and where a new account starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from shelfcast.accounts.models import Plan
from shelfcast.db.base import utcnow
from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import FeedRead
from shelfcast.overview import repository as repo
from shelfcast.publish import status as publish_status

# A file fetched before and not since this long has gone silent: the marketplace
# stopped pulling (a removed link, a changed address, a suspended store).
SILENT_AFTER = timedelta(hours=24)


class Attention(StrEnum):
    """Why a file needs the merchant's eye (none: it is flowing)."""

    OFF = "off"  # the file or the integration is switched off
    BUILD_FAILED = "build_failed"
    FETCH_FAILED = "fetch_failed"  # the latest fetch was refused (404, 503, ...)
    SILENT = "silent"
    NOT_FETCHED = "not_fetched"  # no marketplace has fetched it yet


@dataclass(frozen=True)
class FileOverview:
    feed: FeedRead
    last_fetch_at: datetime | None
    last_fetch_status: int | None
    last_ok_fetch_at: datetime | None
    attention: Attention | None


@dataclass(frozen=True)
class Overview:
    files: list[FileOverview]
    plan: Plan
    file_limit: int | None
    integration_enabled: bool
    warehouses: int
    products: int
    out_of_stock: int

    @property
    def is_new(self) -> bool:
        """Nothing set up yet: the page shows where to start instead."""
        return not self.files and (self.warehouses == 0 or self.products == 0)

    @property
    def needs_attention(self) -> int:
        return sum(1 for f in self.files if f.attention not in (None, Attention.NOT_FETCHED))


def account_overview(
    session: Session, account_id: int, plan: Plan, base_url: str, now: datetime | None = None
) -> Overview:
    """A fixed number of queries, whatever the number of products or fetches."""
    now = now or utcnow()
    integration = feeds.get_integration(session, account_id)
    reads = feeds.feed_reads(session, feeds.list_feeds(session, account_id), base_url)
    reads = publish_status.with_builds(session, reads)
    fetches = repo.fetch_states(session, account_id)
    files = []
    for read in reads:
        state = fetches.get(read.id) or repo.FetchState(None, None, None)
        files.append(
            FileOverview(
                feed=read,
                last_fetch_at=state.last_at,
                last_fetch_status=state.last_status,
                last_ok_fetch_at=state.last_ok_at,
                attention=_attention(read, state, integration.enabled, now),
            )
        )
    return Overview(
        files=files,
        plan=plan,
        file_limit=plan.feed_file_limit,
        integration_enabled=integration.enabled,
        warehouses=repo.warehouse_count(session, account_id),
        products=repo.product_count(session, account_id),
        out_of_stock=repo.out_of_stock_count(session, account_id),
    )


def _attention(
    read: FeedRead, fetch: repo.FetchState, integration_enabled: bool, now: datetime
) -> Attention | None:
    if not read.enabled or not integration_enabled:
        return Attention.OFF
    if read.build is not None and read.build.status == "failed":
        return Attention.BUILD_FAILED
    if fetch.last_at is None:
        return Attention.NOT_FETCHED
    if fetch.last_status is not None and fetch.last_status >= 400:
        return Attention.FETCH_FAILED
    if now - fetch.last_at > SILENT_AFTER:
        return Attention.SILENT
    return None
