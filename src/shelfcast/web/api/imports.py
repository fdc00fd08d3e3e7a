"""The import API: upload a spreadsheet, follow the job, download its errors; the export."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Query, Response, UploadFile, status
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from shelfcast.catalog.imports import service as imports
from shelfcast.catalog.imports.export import ExportFormat, write_export
from shelfcast.catalog.imports.models import ImportMode, OnError
from shelfcast.catalog.imports.reading import ReadOptions, Separator, TextEncoding
from shelfcast.catalog.imports.schemas import ImportRead
from shelfcast.errors import InvalidInput
from shelfcast.web.deps import AccountDep, IdPath, RuntimeDep, SessionDep

router = APIRouter(tags=["imports"])

_SEPARATORS = {",": Separator.COMMA, ";": Separator.SEMICOLON, "|": Separator.PIPE}
_SEPARATORS.update({"\t": Separator.TAB, "tab": Separator.TAB})


def parse_mapping(text: str | None) -> dict[str, str] | None:
    """The ``mapping`` form field: a JSON object ``{header: target}``."""
    if text is None or not text.strip():
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as problem:
        raise InvalidInput.one(("mapping",), f"must be a JSON object: {problem}") from None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise InvalidInput.one(
            ("mapping",), 'must be a JSON object of header to target, e.g. {"Ref": "sku"}'
        )
    return value


def parse_separator(text: str | None) -> Separator | None:
    if text is None or text == "":
        return None
    found = _SEPARATORS.get(text)
    if found is None:
        raise InvalidInput.one(("separator",), 'must be one of ",", ";", "|" or "tab"')
    return found


@router.post(
    "/imports",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Import a spreadsheet (CSV, XLSX, XLS, ODS) into the catalog",
    description=(
        "Saves the file and queues the import; follow it with `GET /imports/{id}`. The whole "
        "file is checked, and with `on_error=reject` (the default) one bad row means nothing "
        "changes. `mapping` is a JSON object `{header: target}`; targets are `sku`, `name`, "
        "`barcode`, `category` (levels joined by ` > ` or `/`), `description`, `brand`, "
        "`unit`, `weight`, `images` (URLs separated by commas, spaces or line breaks), "
        "`price:<price type name>`, `stock:<warehouse name>`, `custom:<key>` or `ignore`. "
        "Left out, the mapping confirmed before for the same headers is used, else one "
        "proposed from the headers. An empty cell keeps the stored value (`clear_empty` "
        "clears it instead). Encoding, separator, sheet and header row are detected unless "
        "given. Limits: 512 MB, 2,000,000 rows, 500 columns."
    ),
)
def create_import(
    account: AccountDep,
    session: SessionDep,
    runtime: RuntimeDep,
    background: BackgroundTasks,
    file: Annotated[UploadFile, File(description="The spreadsheet")],
    mapping: Annotated[str | None, Form(description='JSON, e.g. {"Ref": "sku"}')] = None,
    mode: Annotated[ImportMode, Form()] = ImportMode.UPSERT,
    dry_run: Annotated[bool, Form(description="Check and count only")] = False,
    on_error: Annotated[OnError, Form()] = OnError.REJECT,
    clear_empty: Annotated[bool, Form(description="An empty cell clears the value")] = False,
    sheet: Annotated[str | None, Form(description="A workbook's sheet; the first")] = None,
    header_row: Annotated[int | None, Form(ge=1, le=1000)] = None,
    separator: Annotated[str | None, Form(description='",", ";", "|" or "tab"')] = None,
    encoding: Annotated[TextEncoding | None, Form()] = None,
) -> ImportRead:
    choices = imports.ImportChoices(
        mapping=parse_mapping(mapping),
        mode=mode,
        dry_run=dry_run,
        on_error=on_error,
        clear_empty=clear_empty,
        reading=ReadOptions(sheet or None, header_row, parse_separator(separator), encoding),
    )
    data_dir = runtime.settings.data_dir
    stored = imports.save_upload(data_dir, file.file)
    try:
        job = imports.create_import(
            session, account.id, data_dir, stored, file.filename or "upload", choices
        )
    except BaseException:
        imports.delete_upload(data_dir, stored)
        raise
    background.add_task(runtime.imports.submit, job.id)
    return job


@router.get("/imports", summary="The account's recent imports, newest first")
def list_imports(account: AccountDep, session: SessionDep, runtime: RuntimeDep) -> list[ImportRead]:
    return [runtime.imports.live(job) for job in imports.recent_imports(session, account.id)]


@router.get(
    "/imports/{import_id}",
    summary="An import's status, counts, errors and progress",
    description="`rows_per_second` and `seconds_left` are given while the import runs.",
)
def get_import(
    import_id: IdPath, account: AccountDep, session: SessionDep, runtime: RuntimeDep
) -> ImportRead:
    return runtime.imports.live(imports.get_import(session, account.id, import_id))


@router.get(
    "/imports/{import_id}/errors.csv",
    summary="An import's errors as CSV: row, column, value, message",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def import_errors(import_id: IdPath, account: AccountDep, session: SessionDep) -> Response:
    job = imports.get_import(session, account.id, import_id)
    return Response(
        imports.errors_csv(job),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{job.id}-errors.csv"'},
    )


@router.get(
    "/products/export",
    tags=["products"],
    summary="The whole catalog as CSV or XLSX, in the layout the importer maps by itself",
    description=(
        "Columns: `sku`, `name`, `barcode`, `category` (levels joined by ` > `), "
        "`description`, `brand`, `unit`, `weight`, `images` (one URL per line), then "
        "`price:<price type>`, `stock:<warehouse>` and `custom:<key>` for each the account "
        "has. Importing the file unedited changes nothing."
    ),
    response_class=FileResponse,
    responses={200: {"content": {"text/csv": {}, ExportFormat.XLSX.media_type: {}}}},
)
def export_products(
    account: AccountDep,
    session: SessionDep,
    runtime: RuntimeDep,
    format: Annotated[ExportFormat, Query()] = ExportFormat.CSV,
) -> FileResponse:
    path = exported_file(session, account.id, runtime.settings.data_dir, format)
    return FileResponse(
        path,
        media_type=format.media_type,
        filename=f"catalog.{format}",
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


def exported_file(session: Session, account_id: int, data_dir: Path, format: ExportFormat) -> Path:
    """Write the export to a file of its own under the data dir (the response
    streams it from there, then deletes it)."""
    folder = data_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.{format}"
    try:
        write_export(session, account_id, format, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
