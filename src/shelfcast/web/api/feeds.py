"""``/feeds``: the feed files, their links and previews."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status

from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import FeedCreate, FeedRead, FeedUpdate, PreviewRead
from shelfcast.publish import status as publish_status
from shelfcast.web.deps import AccountDep, IdPath, SessionDep, SettingsDep

router = APIRouter(prefix="/feeds", tags=["feeds"])


def _read(session: SessionDep, settings: SettingsDep, feed_id: int, account_id: int) -> FeedRead:
    feed = feeds.get_feed(session, account_id, feed_id, "share")
    return publish_status.with_builds(
        session, feeds.feed_reads(session, [feed], settings.base_url)
    )[0]


@router.get("")
def list_feeds(account: AccountDep, session: SessionDep, settings: SettingsDep) -> list[FeedRead]:
    reads = feeds.feed_reads(session, feeds.list_feeds(session, account.id), settings.base_url)
    return publish_status.with_builds(session, reads)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_feed(
    body: FeedCreate, account: AccountDep, session: SessionDep, settings: SettingsDep
) -> FeedRead:
    """Add a feed file. 403 when the plan allows no more files (the message says which would)."""
    feed = feeds.create_feed(session, account.id, body)
    return _read(session, settings, feed.id, account.id)


@router.get("/{feed_id}")
def get_feed(
    feed_id: IdPath, account: AccountDep, session: SessionDep, settings: SettingsDep
) -> FeedRead:
    """The feed with its link and its last build (status, time, rows, size, error)."""
    return _read(session, settings, feed_id, account.id)


@router.patch("/{feed_id}")
def update_feed(
    feed_id: IdPath,
    body: FeedUpdate,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
) -> FeedRead:
    feeds.update_feed(session, account.id, feed_id, body)
    return _read(session, settings, feed_id, account.id)


@router.delete("/{feed_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_feed(feed_id: IdPath, account: AccountDep, session: SessionDep) -> Response:
    feeds.delete_feed(session, account.id, feed_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{feed_id}/rotate-link")
def rotate_link(
    feed_id: IdPath,
    account: AccountDep,
    session: SessionDep,
    settings: SettingsDep,
    grace_days: Annotated[int, Body(embed=True, ge=0, le=90)] = 0,
) -> FeedRead:
    """Issue a new link. The old one stops now, or after ``grace_days`` days."""
    feeds.rotate_link(session, account.id, feed_id, timedelta(days=grace_days))
    return _read(session, settings, feed_id, account.id)


@router.get("/{feed_id}/preview")
def preview_feed(
    feed_id: IdPath,
    account: AccountDep,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
) -> PreviewRead:
    """The header and first rows, each cell exactly as the file holds it."""
    feed = feeds.get_feed(session, account.id, feed_id, "share")
    return feeds.preview(session, feed, limit)
