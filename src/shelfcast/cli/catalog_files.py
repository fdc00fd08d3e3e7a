"""``shelfcast import`` and ``shelfcast export``: the catalog from and to a spreadsheet.

The same service as the web pages and the API; the import runs in this
process with a progress bar, then the account's feeds are rebuilt once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from shelfcast.catalog.imports import service as imports
from shelfcast.catalog.imports.export import ExportFormat, write_export
from shelfcast.catalog.imports.models import ImportMode, ImportStatus, OnError
from shelfcast.catalog.imports.reading import ReadOptions, Separator, TextEncoding
from shelfcast.catalog.imports.runner import LiveProgress, execute_import
from shelfcast.catalog.imports.schemas import ImportRead
from shelfcast.db.database import Database
from shelfcast.db.session import transaction
from shelfcast.errors import InvalidInput
from shelfcast.publish.builder import FeedBuilder
from shelfcast.publish.store import FileStore
from shelfcast.settings import Settings

console = Console()
errors = Console(stderr=True)
_SEPARATORS = {",": Separator.COMMA, ";": Separator.SEMICOLON, "|": Separator.PIPE}
_SEPARATORS.update({"tab": Separator.TAB, "\t": Separator.TAB})
OpenDatabase = Callable[..., AbstractContextManager[Database]]
Command = Callable[..., None]


def register(app: typer.Typer, command_database: OpenDatabase) -> None:
    """Add the commands to ``app``; ``command_database`` is the CLI's context
    manager that opens the database and turns domain errors into exit 2."""
    app.command("import")(_import_command(command_database))
    app.command("export")(_export_command(command_database))


def _import_command(command_database: OpenDatabase) -> Command:
    def import_file(
        file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV/XLSX/XLS/ODS")],
        account_id: Annotated[int, typer.Option("--account", help="Account id")],
        mapping: Annotated[
            str | None, typer.Option(help='JSON {header: target}, e.g. {"Ref": "sku"}')
        ] = None,
        mode: Annotated[ImportMode, typer.Option(help="upsert, update or stock")] = (
            ImportMode.UPSERT
        ),
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count only")] = False,
        on_error: Annotated[OnError, typer.Option(help="reject or skip bad rows")] = (
            OnError.REJECT
        ),
        clear_empty: Annotated[
            bool, typer.Option("--clear-empty", help="An empty cell clears the value")
        ] = False,
        sheet: Annotated[str | None, typer.Option(help="Workbook sheet")] = None,
        header_row: Annotated[int | None, typer.Option(min=1, help="Header row number")] = None,
        separator: Annotated[str | None, typer.Option(help='",", ";", "|" or "tab"')] = None,
        encoding: Annotated[TextEncoding | None, typer.Option()] = None,
    ) -> None:
        """Import a spreadsheet into an account's catalog; exit 0 only when it was applied."""
        if separator is not None and separator not in _SEPARATORS:
            raise InvalidInput.one(("separator",), 'must be one of ",", ";", "|" or "tab"')
        choices = imports.ImportChoices(
            mapping=_mapping(mapping),
            mode=mode,
            dry_run=dry_run,
            on_error=on_error,
            clear_empty=clear_empty,
            reading=ReadOptions(
                sheet, header_row, _SEPARATORS[separator] if separator else None, encoding
            ),
        )
        settings = Settings()
        with command_database(settings) as database:
            status = _run_import(database, settings, file, account_id, choices)
        raise typer.Exit(0 if status is ImportStatus.SUCCEEDED else 1)

    return import_file


def _mapping(text: str | None) -> dict[str, str] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as problem:
        raise InvalidInput.one(("mapping",), f"must be a JSON object: {problem}") from None
    if not isinstance(value, dict):
        raise InvalidInput.one(("mapping",), "must be a JSON object {header: target}")
    return {str(k): str(v) for k, v in value.items()}


def _run_import(
    database: Database,
    settings: Settings,
    file: Path,
    account_id: int,
    choices: imports.ImportChoices,
) -> ImportStatus:
    data_dir = settings.data_dir
    stored = imports.copy_upload(data_dir, file)
    with transaction(database.writes) as session:
        job = imports.create_import(session, account_id, data_dir, stored, file.name, choices)
    console.print(f"import {job.id}: {job.reading.format}, mapping {json.dumps(job.mapping)}")
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} rows/s"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("rows", total=None, rate="-")

        def show(live: LiveProgress) -> None:
            job_rate = live.apply_to(job).rows_per_second
            bar.update(
                task,
                completed=live.rows_done,
                total=live.rows_total,
                rate=f"{job_rate:,.0f}" if job_rate else "-",
            )

        outcome = execute_import(
            database.sessions, database.writes, data_dir, job.id, on_progress=show
        )
    with transaction(database.sessions) as session:
        done = imports.get_import(session, account_id, job.id)
    _report(done)
    if outcome.catalog_changed:
        _rebuild_feeds(database, settings, account_id)
    return done.status


def _report(done: ImportRead) -> None:
    console.print(
        f"{done.status}: {done.rows_done} rows, {done.created} created, {done.updated} updated, "
        f"{done.unchanged} unchanged, {done.skipped} skipped, {done.error_count} errors"
    )
    for error in done.errors[:20]:
        errors.print(f"row {error.row}, {error.column} ({error.value!r}): {error.message}")
    if done.error_count > 20:
        errors.print(f"... and {done.error_count - 20} more")
    if done.message:
        errors.print(done.message)


def _rebuild_feeds(database: Database, settings: Settings, account_id: int) -> None:
    builder = FeedBuilder(
        database.engine, database.sessions, database.writes, FileStore(settings.data_dir)
    )
    builder.start()
    try:
        builder.request_account(account_id)
        builder.wait_idle(timeout=600)
    finally:
        builder.stop()
    console.print("feeds rebuilt")


def _export_command(command_database: OpenDatabase) -> Command:
    def export(
        account_id: Annotated[int, typer.Option("--account", help="Account id")],
        output: Annotated[Path, typer.Option("--output", "-o", help="File to write")],
        format: Annotated[ExportFormat, typer.Option(help="csv or xlsx")] = ExportFormat.CSV,
    ) -> None:
        """Write an account's catalog in the layout ``shelfcast import`` maps by itself."""
        with command_database() as database, transaction(database.sessions) as session:
            count = write_export(session, account_id, format, output)
        console.print(f"wrote {output} ({count} products)")

    return export
