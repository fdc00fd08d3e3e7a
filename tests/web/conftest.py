"""An app per test module and database, served through Starlette's TestClient.

HTTP tests commit for real, so instead of rolling back they keep apart by
account: every test makes its own accounts with :func:`new_account`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shelfcast.accounts import service as accounts
from shelfcast.db.session import transaction
from shelfcast.settings import Settings
from shelfcast.web.app import create_app
from shelfcast.web.runtime import Runtime

BASE_URL = "http://testserver"


@dataclass
class ApiAccount:
    id: int
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@pytest.fixture(scope="module")
def app_settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = Path(tmp_path_factory.mktemp("data"))
    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        base_url=BASE_URL,
        secret_key="test-secret-key-for-tests",
        link_wait_seconds=10,
        # The test database holds every test's feeds: a start-up check would build them all.
        rebuild_on_start=False,
    )


@pytest.fixture(scope="module")
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings), base_url=BASE_URL) as client:
        yield client


@pytest.fixture
def runtime(client: TestClient) -> Runtime:
    runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return runtime


def new_account(runtime: Runtime, plan: str = "business", name: str = "Shop") -> ApiAccount:
    """A fresh account with an API key, committed."""
    with transaction(runtime.database.writes) as session:
        account = accounts.create_account(session, name, plan)
        _key, raw = accounts.create_api_key(session, account.id)
        return ApiAccount(id=account.id, key=raw)


@pytest.fixture
def account(runtime: Runtime) -> ApiAccount:
    return new_account(runtime)


@pytest.fixture
def other_account(runtime: Runtime) -> ApiAccount:
    return new_account(runtime, name="Someone else")
