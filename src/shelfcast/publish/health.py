"""Feed health: is the marketplace getting the file?

Answers from the fetch log's counts (one row per feed and day, one per client,
kept with the log for 90 days, see ``publish/fetch_log.py``) and the build
history, each part one statement over a few dozen rows whatever the log's
size: the page stays as quick with a million fetches as with ten.

A file is *silent* when no fetch came for longer than twice its usual interval
(the average gap between its fetches over 30 days), and never before 24 hours:
a marketplace that pulls four times an hour and stops is silent after a day; one
that pulls weekly is not silent on its third day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from shelfcast.db.base import utcnow
from shelfcast.feeds import service as feeds
from shelfcast.publish import repository as repo
from shelfcast.publish.models import FetchDay as FetchDayRow
from shelfcast.publish.schemas import (
    BuildRecordRead,
    FetchClient,
    FetchDay,
    FetchesRead,
    HealthRead,
    HeldRead,
    Listening,
)
from shelfcast.publish.status import with_builds

WINDOW = timedelta(days=30)
MIN_SILENCE = timedelta(hours=24)
BUILDS_SHOWN = 20
CLIENTS_SHOWN = 50


def silent_after(span: repo.FetchSpan | None) -> timedelta:
    """How long without a fetch makes a file silent (see the module's docstring)."""
    if span is None or span.count < 2 or span.first_at is None or span.last_at is None:
        return MIN_SILENCE
    usual = (span.last_at - span.first_at) / (span.count - 1)
    return max(MIN_SILENCE, 2 * usual)


def listening(span: repo.FetchSpan | None, last_at: datetime | None, now: datetime) -> Listening:
    if last_at is None:
        return Listening.NEVER
    return Listening.SILENT if now - last_at > silent_after(span) else Listening.FETCHED


def listening_of(
    session: Session, feed_ids: Sequence[int], now: datetime | None = None
) -> dict[int, tuple[Listening, datetime | None]]:
    """Each feed's state and last fetch, for the integration window's list (two statements)."""
    now = now or utcnow()
    spans = repo.fetch_spans(session, feed_ids, _day(now - WINDOW))
    older = [i for i in feed_ids if i not in spans]
    lasts = repo.last_ok_fetches(session, older) if older else {}
    result: dict[int, tuple[Listening, datetime | None]] = {}
    for feed_id in feed_ids:
        span = spans.get(feed_id)
        last = span.last_at if span else lasts.get(feed_id)
        result[feed_id] = (listening(span, last, now), last)
    return result


def feed_health(
    session: Session, account_id: int, feed_id: int, base_url: str, now: datetime | None = None
) -> HealthRead:
    """The health of one of the account's feeds (``NotFound`` for anyone else's)."""
    now = now or utcnow()
    feed = feeds.get_feed(session, account_id, feed_id, "share")
    read = with_builds(session, feeds.feed_reads(session, [feed], base_url))[0]
    since = now - WINDOW
    spans = repo.fetch_spans(session, [feed_id], _day(since))
    span = spans.get(feed_id)
    last_at = span.last_at if span else repo.last_ok_fetches(session, [feed_id]).get(feed_id)
    state = listening(span, last_at, now)
    build = read.build
    held = (
        HeldRead(at=build.held_at, rows=build.held_rows, reason=build.held_reason)
        if build is not None and build.held_at is not None
        else None
    )
    return HealthRead(
        build=build,
        held=held,
        fetches=FetchesRead(
            last_at=last_at,
            state=state,
            silent_after_hours=silent_after(span).total_seconds() / 3600,
            by_day=_every_day(repo.fetches_by_day(session, feed_id, _day(since)), now),
            clients=[
                FetchClient(
                    user_agent=c.user_agent or None,
                    address=c.client or None,
                    count=c.count,
                    last_at=c.last_at,
                )
                for c in repo.fetch_clients(session, feed_id, since, CLIENTS_SHOWN)
            ],
        ),
        builds=[
            BuildRecordRead(
                at=r.at,
                seconds=r.seconds,
                rows=r.rows,
                bytes=r.bytes,
                result=r.outcome,
                reason=r.reason,
            )
            for r in repo.build_records(session, feed_id, BUILDS_SHOWN)
        ],
    )


def _day(at: datetime) -> str:
    return at.astimezone(UTC).date().isoformat()


def _every_day(rows: Sequence[FetchDayRow], now: datetime) -> list[FetchDay]:
    """The 30 days up to today (UTC), oldest first, days without fetches as zeros."""
    found = {row.day: row for row in rows}
    today = now.astimezone(UTC).date()
    days = [today - timedelta(days=n) for n in range(WINDOW.days - 1, -1, -1)]
    return [_one_day(d, found.get(d.isoformat())) for d in days]


def _one_day(day: date, row: FetchDayRow | None) -> FetchDay:
    if row is None:
        return FetchDay(day=day, ok=0, not_modified=0, failed=0)
    return FetchDay(day=day, ok=row.sent, not_modified=row.not_modified, failed=row.failed)
