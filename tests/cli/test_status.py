"""``shelfcast status``: the backlog read from the database, as a table and as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shelfcast.cli.main import app
from shelfcast.db.base import utcnow
from shelfcast.db.database import Database, open_database
from shelfcast.db.session import transaction
from shelfcast.publish import repository as repo
from shelfcast.publish.builder import FeedBuilder, Outcome
from shelfcast.publish.models import BuildOutcome
from shelfcast.publish.store import FileStore
from shelfcast.settings import Settings
from tests.publish.support import committed_feed, set_stock

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    monkeypatch.setenv("SHELFCAST_DATABASE_URL", url)
    monkeypatch.setenv("SHELFCAST_DATA_DIR", str(tmp_path / "data"))
    database = open_database(Settings(database_url=url, data_dir=tmp_path / "data"))
    yield database
    database.close()


def status() -> dict[str, object]:
    result = runner.invoke(app, ["status", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_status_counts_the_feeds_behind_and_lists_the_failures(
    database: Database, tmp_path: Path
) -> None:
    assert status()["feeds_behind"] == 0
    account_a, feed_a = committed_feed(database)
    account_b, feed_b = committed_feed(database)
    found = status()
    assert (found["feeds"], found["feeds_behind"]) == (2, 2)  # never built
    assert [feed["feed_id"] for feed in found["behind"]] == [feed_a, feed_b]  # type: ignore[index]

    builder = FeedBuilder(
        database.engine, database.sessions, database.writes, FileStore(tmp_path / "data")
    )
    assert builder.build(feed_a).outcome is Outcome.BUILT
    assert builder.build(feed_b).outcome is Outcome.BUILT
    assert status()["feeds_behind"] == 0

    set_stock(database, account_b, "9")  # a change not built yet
    with transaction(database.writes) as session:
        repo.save_build(
            session,
            feed_a,
            account_a,
            last_status=BuildOutcome.FAILED.value,
            last_at=utcnow(),
            last_error="disk full",
        )
    found = status()
    assert found["feeds_behind"] == 1
    [behind] = found["behind"]  # type: ignore[misc]
    assert behind["feed_id"] == feed_b and behind["published_key"] != behind["current_key"]
    assert float(found["oldest_backlog_seconds"]) >= 0  # type: ignore[arg-type]
    # The failed build is listed even though its feed still serves a current file.
    [failed] = found["last_failures"]  # type: ignore[misc]
    assert (failed["feed_id"], failed["error"]) == (feed_a, "disk full")


def test_status_prints_a_table(database: Database) -> None:
    _account, feed_id = committed_feed(database)
    result = runner.invoke(app, ["status"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "behind: 1" in result.stdout and "(nothing yet)" in result.stdout
    assert str(feed_id) in result.stdout
