"""``SHELFCAST_STORAGE_URL``: what it accepts, and what it says about what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from shelfcast.errors import InvalidInput
from shelfcast.publish.storage import StorageKind, parse_storage_url

DATA = Path("/srv/data")


@pytest.mark.parametrize(
    ("url", "kind", "root", "bucket", "prefix"),
    [
        (None, StorageKind.LOCAL, DATA, "", ""),
        ("", StorageKind.LOCAL, DATA, "", ""),
        ("file:///var/lib/shelfcast", StorageKind.LOCAL, Path("/var/lib/shelfcast"), "", ""),
        ("s3://feeds", StorageKind.S3, DATA, "feeds", ""),
        ("s3://feeds/", StorageKind.S3, DATA, "feeds", ""),
        ("s3://my.feeds-1/prod/eu/", StorageKind.S3, DATA, "my.feeds-1", "prod/eu/"),
    ],
)
def test_accepted(url: str | None, kind: StorageKind, root: Path, bucket: str, prefix: str) -> None:
    location = parse_storage_url(url, DATA)
    assert (location.kind, location.root, location.bucket, location.prefix) == (
        kind,
        root,
        bucket,
        prefix,
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("gs://bucket", "use s3://bucket/prefix"),
        ("s3://Bucket", "bucket name"),
        ("s3://ab", "bucket name"),
        ("s3://bucket/p?region=eu", "no query"),
        ("file://", "needs a path"),
    ],
)
def test_refused_with_the_reason(url: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as raised:
        parse_storage_url(url, DATA)
    assert raised.value.errors[0].loc == ("storage_url",)
