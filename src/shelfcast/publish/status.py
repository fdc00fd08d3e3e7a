"""The build state shown with each feed (``GET /feeds/{id}``, the UI's file list)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from shelfcast.feeds.schemas import BuildRead, FeedRead
from shelfcast.publish import repository as repo


def with_builds(session: Session, reads: Sequence[FeedRead]) -> list[FeedRead]:
    builds = repo.builds_of(session, [read.id for read in reads])
    result = []
    for read in reads:
        build = builds.get(read.id)
        if build is None or build.last_status is None:
            result.append(read)
            continue
        result.append(
            read.model_copy(
                update={
                    "build": BuildRead(
                        status=build.last_status,
                        built_at=build.last_at,
                        seconds=build.last_seconds,
                        error=build.last_error,
                        published_at=build.published_at,
                        rows=build.published_rows,
                        bytes=build.published_bytes,
                        held_at=build.held_at,
                        held_rows=build.held_rows,
                        held_reason=build.held_reason,
                    )
                }
            )
        )
    return result


def building_ids(session: Session, account_id: int) -> set[int]:
    """The account's files whose current version has no build attempt yet: the list
    shows "Building…" for them and keeps asking until none is left."""
    return {
        feed_id
        for feed_id, key, last_key in repo.build_keys(session, account_id)
        if last_key != key
    }
