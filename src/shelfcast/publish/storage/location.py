"""``SHELFCAST_STORAGE_URL``, read once into what ``open_storage`` needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from shelfcast.errors import InvalidInput
from shelfcast.publish.storage.base import StorageKind

_BUCKET_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789.-")


@dataclass(frozen=True)
class StorageLocation:
    kind: StorageKind
    root: Path  # the local folder (LOCAL)
    bucket: str = ""  # S3
    prefix: str = ""  # S3: "" or ending in "/"


def parse_storage_url(url: str | None, data_dir: Path) -> StorageLocation:
    """``None``/``""`` → the data folder; ``file:///path`` → that folder;
    ``s3://bucket`` or ``s3://bucket/some/prefix`` → object storage."""
    if not url:
        return StorageLocation(StorageKind.LOCAL, data_dir)
    parts = urlsplit(url)
    if parts.scheme == "file":
        if not parts.path:
            raise _invalid(url, "a file: URL needs a path (file:///srv/shelfcast)")
        return StorageLocation(StorageKind.LOCAL, Path(parts.path))
    if parts.scheme != "s3":
        raise _invalid(url, "use s3://bucket/prefix, or file:///path for a local folder")
    bucket = parts.netloc
    if not (3 <= len(bucket) <= 63) or not set(bucket) <= _BUCKET_CHARS:
        raise _invalid(url, "the bucket name is 3-63 lowercase letters, digits, dots, hyphens")
    if parts.query or parts.fragment:
        raise _invalid(url, "no query or fragment: settings go in SHELFCAST_S3_* variables")
    prefix = parts.path.strip("/")
    return StorageLocation(
        StorageKind.S3, data_dir, bucket=bucket, prefix=f"{prefix}/" if prefix else ""
    )


def _invalid(url: str, allowed: str) -> InvalidInput:
    return InvalidInput.one(("storage_url",), f"{url!r} is not a storage URL: {allowed}")
