"""``shelfcast status`` and ``shelfcast worker``: the builds, for the administrator.

``status`` reads the same queries as ``/metrics`` (``publish/backlog_repository.py``)
from the database, so it tells about the whole cluster from any node. ``worker``
runs build jobs on PostgreSQL (``publish/jobs.py``).
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from shelfcast.db.database import Database, open_database
from shelfcast.publish import backlog_repository
from shelfcast.publish.backlog_repository import Backlog
from shelfcast.publish.builder import FeedBuilder
from shelfcast.publish.fetch_log import FetchLog
from shelfcast.publish.jobs import BuildJobs, ensure_schema, job_timing
from shelfcast.publish.storage import open_file_store, open_storage
from shelfcast.settings import Settings

console = Console()
errors = Console(stderr=True)
OpenDatabase = Callable[[], AbstractContextManager[Database]]
SHOWN = 10  # feeds behind listed in the table (all of them in --json)


def register(app: typer.Typer, command_database: OpenDatabase) -> None:
    def status(
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object")] = False,
        failures: Annotated[int, typer.Option(min=1, help="Last failed builds to list")] = 10,
    ) -> None:
        """Feeds behind their current versions, the oldest backlog's age, the last failures.

        Exit 0 whatever the backlog: monitoring reads the numbers (or /metrics)."""
        with command_database() as database, database.sessions() as session:
            found = backlog_repository.backlog(session, failures)
        if as_json:
            typer.echo(json.dumps(_as_dict(found), indent=2))
        else:
            _print(found)

    app.command("status")(status)
    app.command("worker")(worker)


def worker(
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Builds run at once in this process")
    ] = 2,
    name: Annotated[str | None, typer.Option(help="Shown in logs and job records")] = None,
) -> None:
    """Run feed builds and the periodic jobs (PostgreSQL with SHELFCAST_BUILD_JOBS=true).

    Start one or more on any node; stop with SIGTERM (running builds finish first)."""
    settings = Settings()
    if not settings.database_url.startswith("postgresql"):
        errors.print(
            "[red]error:[/red] shelfcast worker needs PostgreSQL "
            "(SHELFCAST_DATABASE_URL=postgresql+psycopg://...); on SQLite, "
            "`shelfcast serve` builds in-process"
        )
        raise typer.Exit(code=2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    database = open_database(settings)
    try:
        ensure_schema(database.engine)
        storage = open_storage(settings)
        builder = FeedBuilder(
            database.engine,
            database.sessions,
            database.writes,
            open_file_store(settings, storage),
            grace_s=settings.superseded_file_grace_seconds,
        )
        jobs = BuildJobs(settings.database_url, job_timing(settings))
        # Requests made by the periodic jobs (feeds behind, retries) are jobs too.
        builder.dispatch = jobs.defer
        label = name or f"{socket.gethostname()}-{os.getpid()}"
        jobs.run_worker(builder, FetchLog(database.writes), concurrency=concurrency, name=label)
    finally:
        database.close()


def _as_dict(found: Backlog) -> dict[str, object]:
    return {
        "feeds": found.feeds,
        "feeds_behind": len(found.behind),
        "oldest_backlog_seconds": round(found.oldest_seconds, 3),
        "behind": [
            {
                "feed_id": feed.feed_id,
                "account_id": feed.account_id,
                "current_key": feed.current_key,
                "published_key": feed.published_key,
                "since": feed.since.isoformat(),
            }
            for feed in found.behind
        ],
        "last_failures": [
            {
                "feed_id": failed.feed_id,
                "account_id": failed.account_id,
                "at": failed.at.isoformat(),
                "error": failed.error,
            }
            for failed in found.failing
        ],
    }


def _print(found: Backlog) -> None:
    console.print(
        f"feeds: {found.feeds}   behind: {len(found.behind)}   "
        f"oldest backlog: {_age(found.oldest_seconds)}"
    )
    if found.behind:
        table = Table("feed", "account", "serves", "should serve", "stale for")
        for feed in found.behind[:SHOWN]:
            table.add_row(
                str(feed.feed_id),
                str(feed.account_id),
                feed.published_key or "(nothing yet)",
                feed.current_key,
                _age((found.at - feed.since).total_seconds()),
            )
        console.print(table)
        if len(found.behind) > SHOWN:
            console.print(f"… and {len(found.behind) - SHOWN} more (--json lists all)")
    if found.failing:
        table = Table("feed", "account", "failed at", "error", title="last failed builds")
        for failed in found.failing:
            table.add_row(
                str(failed.feed_id),
                str(failed.account_id),
                failed.at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                failed.error[:120],
            )
        console.print(table)


def _age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h{(seconds % 3600) // 60:02d}m"
