"""Version keys of built files, and the validators derived from them."""

from __future__ import annotations

# Bump when the renderer's output for the same data changes, so every feed rebuilds.
RENDERER_VERSION = 1


def version_key(catalog_version: int, settings_version: int) -> str:
    """The key of the file a feed should serve now: its bytes are a function of it."""
    return f"c{catalog_version}-s{settings_version}-r{RENDERER_VERSION}"


def key_order(key: str) -> tuple[int, ...]:
    """Versions only grow: compare keys by their numbers (an older build never replaces a newer)."""
    return tuple(int(part[1:]) for part in key.split("-"))


def etag(feed_id: int, key: str, *, gzipped: bool = False) -> str:
    """A strong ETag: one per (feed, version, encoding)."""
    return f'"{feed_id}-{key}{"-gz" if gzipped else ""}"'
