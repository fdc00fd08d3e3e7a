"""``shelfcast status``: how far the builds are behind, for the administrator.

The same queries as ``/metrics`` (``publish/backlog_repository.py``), read from
the database, so it tells about the whole cluster from any node.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from shelfcast.db.database import Database
from shelfcast.publish import backlog_repository
from shelfcast.publish.backlog_repository import Backlog

console = Console()
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
