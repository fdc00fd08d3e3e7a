"""Version keys of built files, and the validators derived from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Bump when the renderer's output for the same data changes, so every feed rebuilds.
RENDERER_VERSION = 1


def version_key(catalog_version: int, settings_version: int, feed_created_at: datetime) -> str:
    """The key of the file a feed should serve now: its bytes are a function of it.

    The feed's creation time (in microseconds) is part of it because a feed id
    can come back on SQLite (a deleted newest row's id is reused): files a
    deleted feed left behind must never pass for the new feed's.
    """
    born = (feed_created_at.astimezone(UTC) - _EPOCH) // timedelta(microseconds=1)
    return f"c{catalog_version}-s{settings_version}-r{RENDERER_VERSION}-f{born}"


def key_order(key: str) -> tuple[int, ...]:
    """Versions only grow: compare keys by their numbers (an older build never replaces a newer)."""
    return tuple(int(part[1:]) for part in key.split("-"))


def same_feed(key: str, other: str) -> bool:
    """Whether two keys belong to the same feed (the same creation time, ``f`` part)."""
    return key.rpartition("-")[2] == other.rpartition("-")[2] and key.startswith("c")


def etag(feed_id: int, key: str, *, gzipped: bool = False) -> str:
    """A strong ETag: one per (feed, version, encoding)."""
    return f'"{feed_id}-{key}{"-gz" if gzipped else ""}"'
