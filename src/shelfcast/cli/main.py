"""``shelfcast``: the administrator's way in (SPEC section 8)."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from shelfcast.accounts import service as accounts
from shelfcast.accounts.models import Plan
from shelfcast.cli import catalog_files, operations
from shelfcast.db import backup
from shelfcast.db.database import Database, open_database
from shelfcast.db.session import transaction
from shelfcast.demo import DEMO_ACCOUNT_NAME, create_demo, delete_demo
from shelfcast.errors import ShelfcastError
from shelfcast.feeds import service as feeds
from shelfcast.feeds.models import FeedFile
from shelfcast.publish.jobs import ensure_schema
from shelfcast.render import extension
from shelfcast.render.spec import FileType
from shelfcast.settings import Settings

app = typer.Typer(
    help="Shelfcast: stock and product feeds for every marketplace.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
accounts_app = typer.Typer(help="Merchant accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
apikeys_app = typer.Typer(help="API keys of an account.", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")
app.add_typer(apikeys_app, name="apikeys")

console = Console()
errors = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    errors.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=2)


@contextmanager
def command_database(settings: Settings | None = None) -> Iterator[Database]:
    """The configured database, migrated, for one command: closed at the end, and a
    domain error (bad input, unknown id) ends the command with its message (exit 2)."""
    database = open_database(settings or Settings())
    try:
        yield database
    except ShelfcastError as error:
        raise fail(str(error)) from None
    finally:
        database.close()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database named by SHELFCAST_DATABASE_URL."""
    settings = Settings()
    database = open_database(settings)
    try:
        ensure_schema(database.engine)  # the build jobs' tables, on PostgreSQL only
    finally:
        database.close()
    console.print(f"database is up to date: {settings.database_url}")


@accounts_app.command("create")
def accounts_create(
    name: Annotated[str, typer.Option(help="The merchant's name")],
    plan: Annotated[Plan, typer.Option(help="hobby, startup or business")],
) -> None:
    """Create an account; prints one JSON object with account_id and api_key."""
    with command_database() as database, transaction(database.writes) as session:
        account = accounts.create_account(session, name, plan.value)
        _key, raw_key = accounts.create_api_key(
            session, account.id, name="created with the account"
        )
        payload = {"account_id": account.id, "api_key": raw_key}
    typer.echo(json.dumps(payload))


@accounts_app.command("set-plan")
def accounts_set_plan(
    account_id: int, plan: Annotated[Plan, typer.Argument(help="hobby, startup or business")]
) -> None:
    """Move an account to another plan."""
    with command_database() as database, transaction(database.writes) as session:
        accounts.set_plan(session, account_id, plan.value)
    console.print(f"account {account_id} is now on the {plan.value} plan")


@apikeys_app.command("create")
def apikeys_create(
    account_id: Annotated[int, typer.Option("--account", help="Account id")],
    name: Annotated[str, typer.Option(help="What the key is for")] = "",
) -> None:
    """Create an API key; prints it once as JSON (only its hash is stored)."""
    with command_database() as database, transaction(database.writes) as session:
        accounts.get_account(session, account_id)
        key, raw_key = accounts.create_api_key(session, account_id, name=name)
        payload = {"id": key.id, "prefix": key.prefix, "api_key": raw_key}
    typer.echo(json.dumps(payload))


@apikeys_app.command("list")
def apikeys_list(account_id: Annotated[int, typer.Option("--account", help="Account id")]) -> None:
    """List an account's API keys (prefixes only)."""
    with command_database() as database, transaction(database.sessions) as session:
        accounts.get_account(session, account_id)
        keys = accounts.list_api_keys(session, account_id)
        table = Table("id", "prefix", "name", "created", "last used", "revoked")
        for key in keys:
            table.add_row(
                str(key.id),
                key.prefix,
                key.name,
                f"{key.created_at:%Y-%m-%d %H:%M}",
                f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never",
                f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "",
            )
    console.print(table)


@apikeys_app.command("revoke")
def apikeys_revoke(
    key_id: int, account_id: Annotated[int, typer.Option("--account", help="Account id")]
) -> None:
    """Revoke an API key: requests with it answer 401 from now on."""
    with command_database() as database, transaction(database.writes) as session:
        accounts.revoke_api_key(session, account_id, key_id)
    console.print(f"API key {key_id} revoked")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the web UI, the API and the feed links (migrates the database first)."""
    import uvicorn

    settings = Settings()
    if not settings.secret_key:
        raise fail(
            "SHELFCAST_SECRET_KEY is required: it signs the web UI's sessions. Set it to a "
            "long random string, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    open_database(settings).close()  # migrate once, before the workers start
    console.print(f"Shelfcast on http://{host}:{port}  (API docs: /api/v1/docs)")
    uvicorn.run(
        "shelfcast.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        # Requests still waiting (a first build, a slow client) must not keep a
        # stopping server up: after this it closes them and stops.
        timeout_graceful_shutdown=max(1, round(settings.shutdown_grace_seconds)),
    )


@app.command("backup")
def backup_command(
    path: Annotated[Path, typer.Argument(help="A new folder for the backup")],
) -> None:
    """Back up a SQLite installation online: the database and the built feed files
    (PostgreSQL: use pg_dump, see the README)."""
    settings = Settings()
    try:
        backup.backup(settings.database_url, settings.data_dir, path)
    except ShelfcastError as error:
        raise fail(str(error)) from None
    console.print(f"Backed up to {path}")


@app.command("restore")
def restore_command(
    path: Annotated[Path, typer.Argument(help="A folder written by shelfcast backup")],
) -> None:
    """Restore a backup into an empty installation (no database file, no feed files)."""
    settings = Settings()
    try:
        backup.restore(settings.database_url, settings.data_dir, path)
    except ShelfcastError as error:
        raise fail(str(error)) from None
    open_database(settings).close()  # migrated to this version's schema
    console.print(f"Restored from {path}")


@app.command("render")
def render(
    feed_id: int,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write")],
) -> None:
    """Write a feed's current file to a local path."""
    with command_database() as database, transaction(database.sessions) as session:
        feed = feeds.find_feed(session, feed_id)
        rows, seconds = _render_to(session, feed, output)
    console.print(f"wrote {output} ({rows} rows, {output.stat().st_size:,} bytes, {seconds:.2f} s)")


def _render_to(session: Session, feed: FeedFile, output: Path) -> tuple[int, float]:
    """Render into a temporary file beside ``output`` and rename it into place."""
    output.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    fd, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    os.fchmod(fd, 0o644)
    try:
        with os.fdopen(fd, "wb") as out:
            result = feeds.render_feed_file(session, feed, out)
        os.replace(temporary, output)
    except BaseException:
        os.unlink(temporary)
        raise
    return result.rows, time.perf_counter() - started


@app.command("demo")
def demo(
    out: Annotated[Path, typer.Option(help="Folder the demo feeds are written to")] = Path("out"),
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the server on the demo data")
    ] = True,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
) -> None:
    """Create the demo account (replacing an earlier one), write its feeds to ./out/,
    print their links, and serve them."""
    settings = Settings()
    with command_database(settings) as database:
        with transaction(database.writes) as session:
            delete_demo(session)
            made = create_demo(session)
        lines = [f"[bold]{DEMO_ACCOUNT_NAME}[/bold]: demo feeds (files also written to {out}/)"]
        with transaction(database.sessions) as session:
            reads = feeds.feed_reads(session, made.feeds, settings.base_url)
            for feed, read in zip(made.feeds, reads, strict=True):
                target = out / f"{feed.file_name}.{extension(FileType(feed.file_type))}"
                rows, seconds = _render_to(session, feed, target)
                lines += [
                    f"  feed {feed.id}, {feed.store_name}: {feed.file_type.upper()}, "
                    f"{rows} rows, rendered in {seconds:.2f} s",
                    f"    file: {target}",
                    f"    link: {read.url}",
                ]
    for line in lines:
        console.print(line, soft_wrap=True)
    console.print(f"Database: {settings.database_url} (account id {made.account_id})")
    console.print(f"API docs: {settings.public_base_url}/api/v1/docs")
    console.print(f"API key:  {made.api_key}")
    console.print(f"Web UI:   {settings.public_base_url}/  sign in as {made.email}")
    console.print(f"          password {made.password}", soft_wrap=True)
    if serve_after:
        if not settings.secret_key:
            # Sessions of this demo server are signed with a key made up for the run.
            os.environ["SHELFCAST_SECRET_KEY"] = secrets.token_urlsafe(32)
        serve(host=host, port=port, workers=1)


users_app = typer.Typer(help="People who sign in to the web UI.", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("create")
def users_create(
    account_id: Annotated[int, typer.Option("--account", help="Account id")],
    email: Annotated[str, typer.Option(help="The address the user signs in with")],
    password: Annotated[
        str | None, typer.Option(help="The password (prompted for when left out)")
    ] = None,
    generate_password: Annotated[
        bool, typer.Option("--generate-password", help="Make up a password and print it")
    ] = False,
) -> None:
    """Create a user of an account's web UI; prints JSON (with the password if generated)."""
    if generate_password and password is not None:
        raise fail("give --password or --generate-password, not both")
    if generate_password:
        password = accounts.generate_password()
    elif password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with command_database() as database, transaction(database.writes) as session:
        user = accounts.create_user(session, account_id, email, password)
        payload: dict[str, object] = {
            "user_id": user.id,
            "account_id": user.account_id,
            "email": user.email,
        }
    if generate_password:
        payload["password"] = password
    typer.echo(json.dumps(payload))


catalog_files.register(app, command_database)
operations.register(app, command_database)


if __name__ == "__main__":  # pragma: no cover
    app()
