"""Edits that change what a marketplace fetches: a file's new name (its link's last
segment) and files that look the same to a merchant (same store, same file name).

A rename keeps the former name answering for a grace period the merchant chooses,
so the marketplace keeps fetching until its settings carry the new address; the
public link path asks :func:`shelfcast.publish.repository.answers_to_retired_name`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from shelfcast.db.base import utcnow
from shelfcast.feeds import repository as repo
from shelfcast.feeds.models import FeedFile
from shelfcast.feeds.schemas import FeedCreate, FeedRead, FeedUpdate, strip_extension
from shelfcast.render.spec import FileType

# The choices a merchant has for how long a former name keeps answering.
GRACE_DAYS = (0, 1, 7, 30)
DEFAULT_GRACE_DAYS = 7


@dataclass(frozen=True)
class LinkChange:
    """The address a marketplace fetches now, and the one it must fetch after saving."""

    old_url: str
    new_url: str
    old_name: str
    new_name: str


@dataclass(frozen=True)
class RetiredName:
    file_name: str
    url: str
    until: datetime


def full_name(file_name: str, file_type: FileType | str) -> str:
    return f"{file_name}.{FileType(file_type).value}"


def link_change(current: FeedRead, data: FeedUpdate) -> LinkChange | None:
    """What saving ``data`` does to the file's link: ``None`` when it stays the same."""
    file_type = data.file_type or current.file_type
    file_name = strip_extension(data.file_name or current.file_name, file_type)
    old_name = full_name(current.file_name, current.file_type)
    new_name = full_name(file_name, file_type)
    if new_name == old_name:
        return None
    prefix = current.url[: -len(old_name)]
    return LinkChange(current.url, prefix + new_name, old_name, new_name)


def retire_name(session: Session, feed: FeedFile, old_name: str, grace: timedelta) -> None:
    """After ``feed`` was renamed from ``old_name``: that name answers for ``grace``;
    the new name stops being a former one (a rename back ends its grace)."""
    new_name = full_name(feed.file_name, feed.file_type)
    if new_name == old_name:
        return
    repo.retire_name(session, feed, new_name, None)
    if grace > timedelta(0):
        repo.retire_name(session, feed, old_name, utcnow() + grace)


def retired_names(session: Session, reads: Sequence[FeedRead]) -> dict[int, list[RetiredName]]:
    """The former names of these files that still answer, with their addresses."""
    by_id = {read.id: read for read in reads}
    found: dict[int, list[RetiredName]] = {}
    for feed_id, name, until in repo.retired_names(session, list(by_id), utcnow()):
        read = by_id[feed_id]
        prefix = read.url[: -len(full_name(read.file_name, read.file_type))]
        found.setdefault(feed_id, []).append(RetiredName(name, prefix + name, until))
    return found


def same_store_and_name(
    session: Session,
    account_id: int,
    data: FeedCreate | FeedUpdate,
    current: FeedRead | None = None,
) -> FeedFile | None:
    """Another file of the account for the same store with the same file name: two
    such files are allowed (each has its own link) but are most often a copy made
    by mistake, so the form asks before saving one."""
    store_name = data.store_name or (current.store_name if current else "")
    file_type = data.file_type or (current.file_type if current else FileType.CSV)
    file_name = strip_extension(data.file_name or (current.file_name if current else ""), file_type)
    for feed in repo.feeds_named(session, account_id, store_name, file_name, file_type.value):
        if current is None or feed.id != current.id:
            return feed
    return None
