"""``/feeds``: the feed files, their links and previews."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Body, File, Query, Response, UploadFile, status

from shelfcast.errors import Conflict
from shelfcast.feeds import service as feeds
from shelfcast.feeds import starting
from shelfcast.feeds.sample import propose_from_sample
from shelfcast.feeds.schemas import (
    FeedCreate,
    FeedRead,
    FeedUpdate,
    PresetRead,
    PreviewRead,
    SampleProposal,
)
from shelfcast.publish import guard, health
from shelfcast.publish import status as publish_status
from shelfcast.publish.schemas import HealthRead, PublishRead
from shelfcast.web.deps import AccountDep, IdPath, RuntimeDep, SessionDep, SettingsDep
from shelfcast.web.uploads import uploaded_file

router = APIRouter(prefix="/feeds", tags=["feeds"])
presets_router = APIRouter(prefix="/feed-presets", tags=["feeds"])


@presets_router.get("")
def list_feed_presets(account: AccountDep, session: SessionDep) -> list[PresetRead]:
    """Marketplace presets, each a feed body to start from: the marketplace's columns
    with a proposed source each, all of this account's warehouses and its first price
    type. ``POST /feeds`` takes one as it is, once the empty constants are filled."""
    return starting.preset_reads(session, account.id)


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


@router.post("/from-sample")
def feed_from_sample(
    file: Annotated[UploadFile, File(description="The marketplace's sample: CSV, XLSX, XLS, ODS")],
    account: AccountDep,
    session: SessionDep,
) -> SampleProposal:
    """Read a marketplace's sample file and propose a feed body (nothing is saved): its
    format, separator, sheet and header row, and a source for each header, matched by
    name and synonyms in English, French, Ukrainian and Russian."""
    with uploaded_file(file.file, file.filename) as path:
        return propose_from_sample(session, account.id, path, file.filename or "")


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
    grace_days: Annotated[int, Body(embed=True, ge=0, le=90, strict=True)] = 0,
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


@router.post("/{feed_id}/publish")
def publish_held_build(
    feed_id: IdPath, account: AccountDep, session: SessionDep, runtime: RuntimeDep
) -> PublishRead:
    """Publish the build the publish guard held (its row count dropped too far against
    the published file). 409 when nothing is held or a build is running."""
    feeds.get_feed(session, account.id, feed_id, "share")  # 404 before any lock
    with runtime.builder.feed_lock(feed_id) as locked:
        if not locked:
            raise Conflict("A build of this file is running; publish again in a moment.")
        done = guard.publish_held(
            session, runtime.store, account.id, feed_id, grace_s=runtime.builder.grace_s
        )
    return PublishRead(key=done.key, rows=done.rows, published_at=done.at)


@router.get("/{feed_id}/health")
def feed_health(
    feed_id: IdPath, account: AccountDep, session: SessionDep, settings: SettingsDep
) -> HealthRead:
    """Is the marketplace getting the file: the last fetch, fetches per day for 30 days
    by status, each client, silence, the held build and the last 20 builds."""
    return health.feed_health(session, account.id, feed_id, settings.base_url)
