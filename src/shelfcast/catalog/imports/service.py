"""The import's rules, one path for the web pages, the API and the command line.

An upload is saved under ``<data dir>/imports/`` (``save_upload``), opened
and mapped (``preview``), then recorded as a queued job (``create_import``)
that ``run_import`` carries out in one transaction: the whole file is
checked, and unless the import skips bad rows, one error means nothing
changes. ``run_import`` is called by the web process's worker thread or by
the command line, which own its transactions.
"""

from __future__ import annotations

import csv
import io
import itertools
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from shelfcast.catalog import repository as catalog_repo
from shelfcast.catalog import service as catalog
from shelfcast.catalog.imports import repository as repo
from shelfcast.catalog.imports.limits import DEFAULT_LIMITS
from shelfcast.catalog.imports.mapping import (
    AccountDefinitions,
    Missing,
    header_signature,
    propose_mapping,
    resolve_mapping,
)
from shelfcast.catalog.imports.models import Import, ImportMode, ImportStatus, OnError
from shelfcast.catalog.imports.reading import (
    ReadOptions,
    Spreadsheet,
    open_spreadsheet,
)
from shelfcast.catalog.imports.schemas import (
    ImportPreview,
    ImportRead,
    ImportReading,
    ImportRowError,
    MissingTargets,
)
from shelfcast.catalog.models import CustomFieldType
from shelfcast.catalog.schemas import CustomFieldCreate, PriceTypeCreate, WarehouseCreate
from shelfcast.errors import FieldError, InvalidInput, NotFound

PREVIEW_ROWS = 10
RECENT_IMPORTS = 20


@dataclass(frozen=True)
class ImportChoices:
    """What the merchant asked for; ``mapping=None`` takes the proposal."""

    mapping: dict[str, str] | None = None
    mode: ImportMode = ImportMode.UPSERT
    dry_run: bool = False
    on_error: OnError = OnError.REJECT
    clear_empty: bool = False
    reading: ReadOptions = field(default_factory=ReadOptions)


def uploads_dir(data_dir: Path) -> Path:
    return data_dir / "imports"


def save_upload(data_dir: Path, source: BinaryIO) -> str:
    """Copy an upload under the data dir, refusing it past the size limit while
    copying (never trusting a declared length); answers the stored name."""
    folder = uploads_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    target = folder / name
    written = 0
    with target.open("wb") as out:
        while chunk := source.read(1024 * 1024):
            written += len(chunk)
            if written > DEFAULT_LIMITS.max_bytes:
                out.close()
                target.unlink()
                raise InvalidInput.one(
                    ("file",), f"larger than {DEFAULT_LIMITS.max_bytes:,} bytes; split the file"
                )
            out.write(chunk)
    return name


def copy_upload(data_dir: Path, path: Path) -> str:
    """Store a local file (the command line's) as an upload."""
    with path.open("rb") as source:
        return save_upload(data_dir, source)


def definitions(session: Session, account_id: int) -> AccountDefinitions:
    return AccountDefinitions(
        {p.name: p.id for p in catalog_repo.list_price_types(session, account_id)},
        {w.name: w.id for w in catalog_repo.list_warehouses(session, account_id)},
        {f.key: (f.id, f.type) for f in catalog_repo.list_custom_fields(session, account_id)},
    )


def _reading(sheet: Spreadsheet) -> ImportReading:
    return ImportReading(
        format=sheet.format,
        encoding=sheet.encoding,
        separator=sheet.separator,
        sheets=list(sheet.sheets),
        sheet=sheet.sheet,
        header_row=sheet.header_row,
        headers=list(sheet.headers),
    )


def _missing(missing: Missing) -> MissingTargets:
    return MissingTargets(
        price_types=list(missing.price_types),
        warehouses=list(missing.warehouses),
        custom_fields=list(missing.custom_fields),
    )


def preview(
    session: Session,
    account_id: int,
    data_dir: Path,
    stored_name: str,
    reading: ReadOptions,
    mapping: dict[str, str] | None = None,
) -> ImportPreview:
    """How the file reads, the mapping to propose (the one confirmed before for
    these headers, else one from the headers) and the first rows."""
    sheet = open_spreadsheet(uploads_dir(data_dir) / stored_name, reading)
    known = definitions(session, account_id)
    remembered = repo.remembered_mapping(session, account_id, header_signature(sheet.headers))
    chosen = mapping or remembered or propose_mapping(sheet.headers, known)
    try:
        missing = resolve_mapping(sheet.headers, chosen, known).missing
    except InvalidInput:
        chosen = propose_mapping(sheet.headers, known)
        missing = resolve_mapping(sheet.headers, chosen, known).missing
    rows = [list(row.cells) for row in itertools.islice(sheet.rows(), PREVIEW_ROWS)]
    return ImportPreview(
        reading=_reading(sheet),
        mapping=chosen,
        remembered=mapping is None and remembered is not None,
        missing=_missing(missing),
        rows=rows,
    )


def create_import(
    session: Session,
    account_id: int,
    data_dir: Path,
    stored_name: str,
    file_name: str,
    choices: ImportChoices,
) -> ImportRead:
    """Check the file opens and the mapping fits the account, remember a mapping
    the merchant gave, and queue the job. Targets the account lacks are an
    ``InvalidInput`` at ``mapping`` that names them all."""
    sheet = open_spreadsheet(uploads_dir(data_dir) / stored_name, choices.reading)
    known = definitions(session, account_id)
    signature = header_signature(sheet.headers)
    mapping = (
        choices.mapping
        or repo.remembered_mapping(session, account_id, signature)
        or propose_mapping(sheet.headers, known)
    )
    resolved = resolve_mapping(sheet.headers, mapping, known)
    refuse_missing(resolved.missing)
    if choices.mapping is not None:
        repo.remember_mapping(session, account_id, signature, resolved.mapping)
    job = repo.add_import(
        session,
        Import(
            account_id=account_id,
            status=ImportStatus.QUEUED,
            mode=choices.mode,
            on_error=choices.on_error,
            dry_run=choices.dry_run,
            clear_empty=choices.clear_empty,
            file_name=file_name[:255],
            stored_name=stored_name,
            reading=_reading(sheet).model_dump(mode="json"),
            mapping=resolved.mapping,
            errors=[],
        ),
    )
    return import_read(job)


def refuse_missing(missing: Missing) -> None:
    if not missing:
        return
    parts = [
        f"{label}: {', '.join(names)}"
        for label, names in (
            ("price types", missing.price_types),
            ("warehouses", missing.warehouses),
            ("custom fields", missing.custom_fields),
        )
        if names
    ]
    raise InvalidInput(
        [
            FieldError(
                ("mapping",),
                f"this account has no {'; no '.join(parts)}; create them first (the import "
                "page does it in one click) or map those columns to other targets",
            )
        ]
    )


def get_import(session: Session, account_id: int, import_id: int) -> ImportRead:
    job = repo.get_import(session, account_id, import_id)
    if job is None:
        raise NotFound(f"no import with id {import_id}")
    return import_read(job)


def recent_imports(session: Session, account_id: int) -> list[ImportRead]:
    return [import_read(job) for job in repo.recent_imports(session, account_id, RECENT_IMPORTS)]


def errors_csv(job: ImportRead) -> str:
    """The errors as a CSV a spreadsheet opens (UTF-8 with BOM, so Excel reads accents)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["row", "column", "value", "message"])
    writer.writerows([e.row, e.column, e.value, e.message] for e in job.errors)
    return out.getvalue()


def import_read(job: Import) -> ImportRead:
    return ImportRead(
        id=job.id,
        status=job.status,
        mode=job.mode,
        on_error=job.on_error,
        dry_run=job.dry_run,
        clear_empty=job.clear_empty,
        file_name=job.file_name,
        rows_total=job.rows_total,
        rows_done=job.rows_done,
        created=job.created,
        updated=job.updated,
        unchanged=job.unchanged,
        skipped=job.skipped,
        error_count=job.error_count,
        errors=[ImportRowError(**error) for error in job.errors],
        mapping=job.mapping,
        reading=ImportReading(**job.reading),
        message=job.message,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def delete_upload(data_dir: Path, stored_name: str) -> None:
    path = uploads_dir(data_dir) / stored_name
    if path.parent == uploads_dir(data_dir):
        path.unlink(missing_ok=True)


def rerun_import(
    session: Session, account_id: int, import_id: int, on_error: OnError
) -> ImportRead:
    """Queue the import a checked (dry-run) job describes: same file, reading and
    mapping, for real this time."""
    job = repo.get_import(session, account_id, import_id)
    if job is None:
        raise NotFound(f"no import with id {import_id}")
    copy = repo.add_import(
        session,
        Import(
            account_id=account_id,
            status=ImportStatus.QUEUED,
            mode=job.mode,
            on_error=on_error,
            dry_run=False,
            clear_empty=job.clear_empty,
            file_name=job.file_name,
            stored_name=job.stored_name,
            reading=job.reading,
            mapping=job.mapping,
            errors=[],
        ),
    )
    return import_read(copy)


def create_definitions(
    session: Session, account_id: int, missing: MissingTargets, currency: str
) -> None:
    """Create what a mapping names and the account lacks, in one go: price types
    (in ``currency``), warehouses, and text custom fields."""
    for name in missing.price_types:
        catalog.create_price_type(
            session, account_id, PriceTypeCreate(name=name, currency=currency)
        )
    for name in missing.warehouses:
        catalog.create_warehouse(session, account_id, WarehouseCreate(name=name))
    for key in missing.custom_fields:
        catalog.create_custom_field(
            session,
            account_id,
            CustomFieldCreate(
                key=key, label=key.replace("_", " ").capitalize(), type=CustomFieldType.TEXT
            ),
        )
