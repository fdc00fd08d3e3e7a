"""What only object storage does: signed URLs for nginx, and an unreachable store."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from shelfcast.publish.storage import StorageKind, StorageUnavailable, open_storage
from shelfcast.settings import Settings
from tests.seaweed import SeaweedS3, free_port


def test_the_signed_url_serves_the_object_with_ranges(
    s3_settings: Settings, tmp_path: Path
) -> None:
    storage = open_storage(s3_settings)
    assert storage.kind is StorageKind.S3
    source = tmp_path / "f.csv"
    source.write_bytes(b"0123456789")
    storage.put("feeds/1/k.csv", source)
    url = storage.proxy_url("feeds/1/k.csv")
    assert url is not None and "X-Amz-Signature=" in url
    assert httpx.get(url).content == b"0123456789"
    ranged = httpx.get(url, headers={"Range": "bytes=2-4"})
    assert (ranged.status_code, ranged.content) == (206, b"234")
    # The bucket is private: without the signature, or with a forged one, no bytes.
    assert httpx.get(url.split("?")[0]).status_code == 403
    assert httpx.get(url.replace("X-Amz-Signature=", "X-Amz-Signature=0")).status_code == 403


def test_objects_live_under_the_prefix(s3_settings: Settings, tmp_path: Path) -> None:
    storage = open_storage(s3_settings)
    source = tmp_path / "f.csv"
    source.write_bytes(b"abc")
    storage.put("feeds/4/k.csv", source)
    url = storage.proxy_url("feeds/4/k.csv")
    assert url is not None and "/shelfcast/files/feeds/4/k.csv?" in url


def test_a_missing_bucket_fails_the_check(s3_settings: Settings) -> None:
    settings = s3_settings.model_copy(update={"storage_url": f"s3://gone-{uuid.uuid4().hex[:8]}"})
    with pytest.raises(StorageUnavailable, match="not reachable"):
        open_storage(settings).check()


def test_an_unreachable_store_raises_storage_unavailable(
    s3_settings: Settings, tmp_path: Path
) -> None:
    settings = s3_settings.model_copy(update={"s3_endpoint_url": f"http://127.0.0.1:{free_port()}"})
    storage = open_storage(settings)
    source = tmp_path / "f.csv"
    source.write_bytes(b"abc")
    with pytest.raises(StorageUnavailable):
        storage.check()
    with pytest.raises(StorageUnavailable):
        storage.put("feeds/1/k.csv", source)
    with pytest.raises(StorageUnavailable):
        storage.stat("feeds/1/k.csv")
    with pytest.raises(StorageUnavailable):
        storage.open("feeds/1/k.csv")


def test_objects_survive_a_restart_of_the_store(
    seaweed: SeaweedS3, s3_settings: Settings, tmp_path: Path
) -> None:
    storage = open_storage(s3_settings)
    source = tmp_path / "f.csv"
    source.write_bytes(b"kept")
    storage.put("feeds/5/k.csv", source)
    seaweed.stop()
    try:
        with pytest.raises(StorageUnavailable):
            storage.check()
    finally:
        seaweed.start()
    storage.check()
    with storage.open("feeds/5/k.csv") as stored:
        assert stored.read() == b"kept"
