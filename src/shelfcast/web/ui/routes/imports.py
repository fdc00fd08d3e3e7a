"""The import pages: upload → how the file reads and the mapping → check → import,
with a progress bar; the list of recent imports; the export download.

The upload being mapped is remembered in the signed session (one at a time);
jobs are the account's, so every page past the upload checks the account.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import BackgroundTasks, Request, Response
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile

from shelfcast.catalog.imports import service as imports
from shelfcast.catalog.imports.export import ExportFormat
from shelfcast.catalog.imports.mapping import IGNORE, ProductField, column_keys
from shelfcast.catalog.imports.models import ImportMode, OnError
from shelfcast.catalog.imports.reading import ReadOptions, TextEncoding
from shelfcast.catalog.imports.schemas import ImportPreview
from shelfcast.catalog.service import list_custom_fields, list_price_types, list_warehouses
from shelfcast.errors import InvalidInput, NotFound, ShelfcastError
from shelfcast.web.api.imports import exported_file, parse_separator
from shelfcast.web.deps import IdPath, RuntimeDep, SessionDep
from shelfcast.web.i18n import gettext as _
from shelfcast.web.ui.rendering import page, redirect
from shelfcast.web.ui.routes._router import FormDep, page_router
from shelfcast.web.ui.session import SignedInDep, flash

router = page_router()
UPLOAD_KEY = "import_upload"
READING_FIELDS = ("encoding", "separator", "sheet", "header_row")
SEPARATOR_LABELS = {",": "comma ,", ";": "semicolon ;", "|": "pipe |", "\t": "tab"}


@router.get("/imports")
def imports_page(
    request: Request, signed: SignedInDep, session: SessionDep, runtime: RuntimeDep
) -> Response:
    jobs = [runtime.imports.live(job) for job in imports.recent_imports(session, signed.account_id)]
    return page(request, "imports.html", {"nav": "products", "jobs": jobs}, signed=signed)


@router.post("/imports")
def upload(request: Request, signed: SignedInDep, runtime: RuntimeDep, form: FormDep) -> Response:
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        flash(request, "error", _("Choose a file to upload: CSV, XLSX, XLS or ODS."))
        return redirect("/imports")
    try:
        stored = imports.save_upload(runtime.settings.data_dir, file.file)
    except InvalidInput as error:
        flash(request, "error", _message(error))
        return redirect("/imports")
    finally:
        file.file.close()  # the form's spooled copy: ours is under the data dir now
    request.session[UPLOAD_KEY] = {"stored": stored, "name": file.filename[:255]}
    return redirect("/imports/new")


def _reading(values: Any) -> ReadOptions:
    """Reading choices from a query string or form; blank means detect."""
    encoding = str(values.get("encoding") or "")
    header_row = str(values.get("header_row") or "")
    return ReadOptions(
        sheet=str(values.get("sheet") or "") or None,
        header_row=int(header_row) if header_row.isdigit() and int(header_row) >= 1 else None,
        separator=parse_separator(str(values.get("separator") or "") or None),
        encoding=TextEncoding(encoding) if encoding in TextEncoding.__members__.values() else None,
    )


def _upload(request: Request) -> dict[str, str] | None:
    found = request.session.get(UPLOAD_KEY)
    return found if isinstance(found, dict) else None


@router.get("/imports/new")
def mapping_page(
    request: Request, signed: SignedInDep, session: SessionDep, runtime: RuntimeDep
) -> Response:
    upload = _upload(request)
    if upload is None:
        return redirect("/imports")
    try:
        preview = imports.preview(
            session,
            signed.account_id,
            runtime.settings.data_dir,
            upload["stored"],
            _reading(request.query_params),
        )
    except (InvalidInput, FileNotFoundError) as error:
        problem = _message(error) if isinstance(error, InvalidInput) else _("upload it again")
        flash(
            request,
            "error",
            _("“%(file)s” cannot be read: %(problem)s", file=upload["name"], problem=problem),
        )
        return redirect("/imports")
    return page(
        request,
        "import_mapping.html",
        _mapping_context(request, signed, session, upload, preview),
        signed=signed,
    )


def _mapping_context(
    request: Request,
    signed: SignedInDep,
    session: SessionDep,
    upload: dict[str, str],
    preview: ImportPreview,
) -> dict[str, Any]:
    account_id = signed.account_id
    targets = [
        *[(str(f), str(f)) for f in ProductField],
        *[(f"price:{p.name}", f"price:{p.name}") for p in list_price_types(session, account_id)],
        *[(f"stock:{w.name}", f"stock:{w.name}") for w in list_warehouses(session, account_id)],
        *[(f"custom:{c.key}", f"custom:{c.key}") for c in list_custom_fields(session, account_id)],
    ]
    known = {value for value, _label in targets}
    extra = [t for t in preview.mapping.values() if t not in known and t != IGNORE]
    keys = column_keys(preview.reading.headers)
    return {
        "nav": "products",
        "upload": upload,
        "preview": preview,
        "columns": [(i, key, preview.mapping.get(key, IGNORE)) for i, key in enumerate(keys)],
        "targets": targets + [(t, t) for t in dict.fromkeys(extra)],
        "encodings": list(TextEncoding),
        "separators": SEPARATOR_LABELS,
        "query": urlencode({k: v for k, v in request.query_params.items() if k in READING_FIELDS}),
        "modes": list(ImportMode),
    }


@router.post("/imports/new/definitions")
def create_definitions(
    request: Request, signed: SignedInDep, session: SessionDep, runtime: RuntimeDep, form: FormDep
) -> Response:
    upload = _upload(request)
    if upload is None:
        return redirect("/imports")
    preview = imports.preview(
        session,
        signed.account_id,
        runtime.settings.data_dir,
        upload["stored"],
        _reading(form),
        _posted_mapping(form),
    )
    try:
        with session.begin_nested():  # all of them or none
            imports.create_definitions(
                session, signed.account_id, preview.missing, str(form.get("currency") or "EUR")
            )
    except ShelfcastError as error:
        flash(request, "error", _message(error))
        return redirect(f"/imports/new?{_reading_query(form)}")
    flash(request, "success", _("Created. Check the mapping, then check the file."))
    return redirect(f"/imports/new?{_reading_query(form)}")


def _reading_query(form: Any) -> str:
    return urlencode({k: str(form.get(k)) for k in READING_FIELDS if form.get(k)})


def _posted_mapping(form: Any) -> dict[str, str] | None:
    headers = form.getlist("header")
    targets = form.getlist("target")
    if not headers or len(headers) != len(targets):
        return None
    return {str(h): str(t) for h, t in zip(headers, targets, strict=True)}


@router.post("/imports/new")
def check_file(
    request: Request,
    signed: SignedInDep,
    session: SessionDep,
    runtime: RuntimeDep,
    form: FormDep,
    background: BackgroundTasks,
) -> Response:
    upload = _upload(request)
    if upload is None:
        return redirect("/imports")
    mode = str(form.get("mode") or ImportMode.UPSERT)
    choices = imports.ImportChoices(
        mapping=_posted_mapping(form),
        mode=ImportMode(mode) if mode in ImportMode.__members__.values() else ImportMode.UPSERT,
        dry_run=True,
        clear_empty=form.get("clear_empty") == "on",
        reading=_reading(form),
    )
    try:
        job = imports.create_import(
            session, signed.account_id, runtime.settings.data_dir, upload["stored"],
            upload["name"], choices,
        )  # fmt: skip
    except InvalidInput as error:
        flash(request, "error", _message(error))
        return redirect(f"/imports/new?{_reading_query(form)}")
    # After the response, so after the request's commit: the worker then finds the job.
    background.add_task(runtime.imports.submit, job.id)
    return redirect(f"/imports/{job.id}")


@router.get("/imports/export")
def export(
    signed: SignedInDep, session: SessionDep, runtime: RuntimeDep, format: str = "csv"
) -> Response:
    chosen = ExportFormat.XLSX if format == "xlsx" else ExportFormat.CSV
    path = exported_file(session, signed.account_id, runtime.settings.data_dir, chosen)
    return FileResponse(
        path,
        media_type=chosen.media_type,
        filename=f"catalog.{chosen}",
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


def _job_context(
    signed: SignedInDep, session: SessionDep, runtime: RuntimeDep, import_id: int
) -> dict[str, Any]:
    job = runtime.imports.live(imports.get_import(session, signed.account_id, import_id))
    percent = None
    if job.rows_total:
        percent = min(100, round(100 * job.rows_done / job.rows_total))
    return {"nav": "products", "job": job, "percent": percent, "shown_errors": job.errors[:50]}


@router.get("/imports/{import_id}")
def job_page(
    request: Request, import_id: IdPath, signed: SignedInDep, session: SessionDep,
    runtime: RuntimeDep,
) -> Response:  # fmt: skip
    context = _job_context(signed, session, runtime, import_id)
    return page(request, "import_job.html", context, signed=signed)


@router.get("/imports/{import_id}/progress")
def job_progress(
    request: Request, import_id: IdPath, signed: SignedInDep, session: SessionDep,
    runtime: RuntimeDep,
) -> Response:  # fmt: skip
    context = _job_context(signed, session, runtime, import_id)
    return page(request, "_import_status.html", context, signed=signed, fragment=True)


@router.post("/imports/{import_id}/apply")
def apply_import(
    request: Request, import_id: IdPath, signed: SignedInDep, session: SessionDep,
    runtime: RuntimeDep, form: FormDep, background: BackgroundTasks,
) -> Response:  # fmt: skip
    on_error = OnError.SKIP if form.get("on_error") == OnError.SKIP else OnError.REJECT
    job = imports.rerun_import(session, signed.account_id, import_id, on_error)
    background.add_task(runtime.imports.submit, job.id)
    return redirect(f"/imports/{job.id}", request)


@router.get("/imports/{import_id}/errors.csv")
def job_errors(import_id: IdPath, signed: SignedInDep, session: SessionDep) -> Response:
    job = imports.get_import(session, signed.account_id, import_id)
    return Response(
        imports.errors_csv(job),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{job.id}-errors.csv"'},
    )


def _message(error: ShelfcastError) -> str:
    if isinstance(error, InvalidInput):
        return "; ".join(e.message for e in error.errors)
    if isinstance(error, NotFound):
        return "not found"
    return str(error)
