"""Running a queued import job: open its file again, check and write every row,
record the outcome. The worker thread (``runner``) and the command line own
the transactions around these steps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from shelfcast.catalog.imports import repository as repo
from shelfcast.catalog.imports.applying import Counts, ImportRun
from shelfcast.catalog.imports.mapping import ResolvedMapping, resolve_mapping
from shelfcast.catalog.imports.models import ImportStatus, OnError
from shelfcast.catalog.imports.reading import (
    ReadOptions,
    Separator,
    Spreadsheet,
    TextEncoding,
    open_spreadsheet,
)
from shelfcast.catalog.imports.schemas import ImportRead, ImportReading
from shelfcast.catalog.imports.service import (
    definitions,
    import_read,
    refuse_missing,
    uploads_dir,
)
from shelfcast.db.base import utcnow
from shelfcast.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class PreparedImport:
    job: ImportRead
    account_id: int
    stored_name: str
    sheet: Spreadsheet
    resolved: ResolvedMapping


def prepare_run(session: Session, data_dir: Path, import_id: int) -> PreparedImport:
    """Mark a queued job running and open its file again, as it was read."""
    job = repo.get_import_any_account(session, import_id)
    if job is None:
        raise NotFound(f"no import with id {import_id}")
    reading = ImportReading(**job.reading)
    options = ReadOptions(
        sheet=reading.sheet,
        header_row=reading.header_row,
        separator=None if reading.separator is None else Separator(reading.separator),
        encoding=None if reading.encoding is None else TextEncoding(reading.encoding),
    )
    path = uploads_dir(data_dir) / job.stored_name
    if not path.exists():  # imported already (the file is deleted then), or cleaned up
        raise InvalidInput.one(("file",), "the uploaded file is no longer here; upload it again")
    sheet = open_spreadsheet(path, options)
    resolved = resolve_mapping(sheet.headers, job.mapping, definitions(session, job.account_id))
    refuse_missing(resolved.missing)
    repo.set_import(session, import_id, status=ImportStatus.RUNNING, started_at=utcnow())
    return PreparedImport(import_read(job), job.account_id, job.stored_name, sheet, resolved)


def apply_rows(
    session: Session,
    prepared: PreparedImport,
    progress: Callable[[Counts], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ImportRun:
    """Check (and unless a dry run, write) every row; the caller commits when
    ``applies(run)`` and rolls back otherwise."""
    job = prepared.job
    run = ImportRun(
        session,
        prepared.account_id,
        prepared.resolved,
        mode=job.mode,
        on_error=job.on_error,
        clear_empty=job.clear_empty,
        write=not job.dry_run,
        decimal_mark=prepared.sheet.decimal_mark,
        progress=progress,
    )
    run.run(prepared.sheet.rows(on_total=on_total))
    return run


def applies(run: ImportRun) -> bool:
    """Whether the run's writes are to be committed."""
    return run.write and (run.on_error is OnError.SKIP or run.counts.error_count == 0)


def finish(session: Session, import_id: int, run: ImportRun | None, failure: str | None) -> None:
    """Record the outcome (in a transaction of its own, after the data's)."""
    values: dict[str, object] = {"finished_at": utcnow()}
    if run is not None:
        counts = run.counts
        values.update(
            rows_total=counts.rows_done,
            rows_done=counts.rows_done,
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            skipped=counts.skipped,
            error_count=counts.error_count,
            errors=[
                {"row": e.row, "column": e.column, "value": e.value, "message": e.message}
                for e in counts.errors
            ],
        )
        if not run.write:
            values["status"] = ImportStatus.VALIDATED
        elif applies(run):
            values["status"] = ImportStatus.SUCCEEDED
        else:
            values["status"] = ImportStatus.FAILED
            failure = failure or (
                f"{counts.error_count} rows have errors, so nothing was imported; fix them "
                "and upload again, or import the valid rows only (skip rows with errors)"
            )
    if failure is not None:
        values["status"] = ImportStatus.FAILED
    values["message"] = failure
    repo.set_import(session, import_id, **values)
