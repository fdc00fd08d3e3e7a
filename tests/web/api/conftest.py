"""A real server beside the TestClient, for the tests of parallel requests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shelfcast.settings import Settings
from tests.web.api.live import live_server


@pytest.fixture(scope="module")
def server(app_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a uvicorn server on the same database as ``client`` (own file folder)."""
    data_dir = Path(tmp_path_factory.mktemp("live"))
    with live_server(app_settings.model_copy(update={"data_dir": data_dir})) as base_url:
        yield base_url
