"""Settings → Integrations → Online connectors → "Custom integration with online
stores" → Configure: the integration window, the file form with its live
preview, and the file's link (the help article's steps, in its order)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Plan
from shelfcast.catalog import service as catalog
from shelfcast.errors import InvalidInput, PlanLimit
from shelfcast.feeds import service as feeds
from shelfcast.feeds import starting
from shelfcast.feeds.fields import PRODUCT_FIELD_LABELS
from shelfcast.feeds.link_changes import DEFAULT_GRACE_DAYS, GRACE_DAYS
from shelfcast.feeds.presets import PRESETS
from shelfcast.feeds.schemas import FeedCreate, FeedRead, FeedUpdate, check_sheet_name
from shelfcast.feeds.validation import validate_plan
from shelfcast.publish import health
from shelfcast.publish import status as publish_status
from shelfcast.publish.reachability import Reach, link_reach
from shelfcast.render.spec import ColumnSource, CsvSeparator, FileType
from shelfcast.web.deps import IdPath, SessionDep, SettingsDep
from shelfcast.web.deps import get_runtime as runtime_of
from shelfcast.web.i18n import gettext as _
from shelfcast.web.i18n import lazy_gettext
from shelfcast.web.ui.form_limits import MAX_FORM_FIELDS
from shelfcast.web.ui.forms import FORM, ColumnState, FeedFormState, FormErrors
from shelfcast.web.ui.rendering import page, plan_limit_text, redirect
from shelfcast.web.ui.routes._router import FormDep, page_router
from shelfcast.web.ui.routes.overview import window_extras
from shelfcast.web.ui.save_checks import (
    SaveCheck,
    confirmed,
    grace,
    link_changed_message,
    save_check,
)
from shelfcast.web.ui.session import (
    ReadSessionDep,
    SignedIn,
    SignedInDep,
    SignedInReadingDep,
    flash,
)

router = page_router()
WINDOW = "/settings/integrations/custom"
PREVIEW_ROWS = 20
# The live form checks this many rows on each change; the health page checks them all.
VALIDATION_ROWS = 5_000

FILE_TYPES = [
    (FileType.CSV, lazy_gettext("CSV")),
    (FileType.XLSX, lazy_gettext("XLSX (Excel 2007 and later)")),
    (FileType.XLS, lazy_gettext("XLS (Excel 97–2003)")),
]
SEPARATORS = [
    (CsvSeparator.COMMA, lazy_gettext("Comma ( , )")),
    (CsvSeparator.SEMICOLON, lazy_gettext("Semicolon ( ; )")),
    (CsvSeparator.PIPE, lazy_gettext("Vertical bar ( | )")),
    (CsvSeparator.TAB, lazy_gettext("Tab")),
]
SOURCES = [
    (ColumnSource.PRODUCT_FIELD, lazy_gettext("Product field")),
    (ColumnSource.PRICE, lazy_gettext("Price")),
    (ColumnSource.CUSTOM_VALUE, lazy_gettext("Custom value")),
]
# A new file starts with the columns almost every store asks for.
STARTER_COLUMNS = [
    ColumnState(header="SKU", source=ColumnSource.PRODUCT_FIELD.value, field="sku"),
    ColumnState(header="Quantity", source=ColumnSource.PRODUCT_FIELD.value, field="quantity"),
]


def file_label(read: FeedRead) -> str:
    return f"{read.file_name}.{read.file_type.value}"


@router.get("/settings")
def settings_page(request: Request, signed: SignedInDep) -> Response:
    return page(request, "settings.html", {"nav": "settings"}, signed=signed)


@router.get("/settings/integrations")
def integrations(request: Request, signed: SignedInDep, session: SessionDep) -> Response:
    integration = feeds.get_integration(session, signed.account_id)
    count = len(feeds.list_feeds(session, signed.account_id))
    return page(
        request,
        "integrations.html",
        {"nav": "settings", "enabled": integration.enabled, "count": count},
        signed=signed,
    )


def _limit_message(session: Session, signed: SignedIn) -> str | None:
    try:
        feeds.ensure_plan_allows_another_file(session, signed.account_id, signed.plan)
    except PlanLimit as error:
        return plan_limit_text(
            error, signed.plan, len(feeds.list_feeds(session, signed.account_id))
        )
    return None


@router.get(WINDOW)
def integration_window(
    request: Request,
    signed: SignedInDep,
    session: SessionDep,
    settings: SettingsDep,
    highlight: int | None = None,
) -> Response:
    integration = feeds.get_integration(session, signed.account_id)
    found = feeds.list_feeds(session, signed.account_id)
    reads = publish_status.with_builds(session, feeds.feed_reads(session, found, settings.base_url))
    return page(
        request,
        "integration.html",
        {
            "nav": "settings",
            "enabled": integration.enabled,
            "files": reads,
            "listening": health.listening_of(session, [r.id for r in reads]),
            "old_links": feeds.links_in_grace(session, found, settings.base_url),
            "highlight": highlight,
            "limit": signed.plan.feed_file_limit,
            "limit_message": _limit_message(session, signed),
            "hobby": signed.plan is Plan.HOBBY,
            **window_extras(session, signed, reads, settings.base_url),
        },
        signed=signed,
    )


@router.post(WINDOW)
def save_integration(
    request: Request, signed: SignedInDep, session: SessionDep, form: FormDep
) -> Response:
    enabled = form.get("enabled") == "on"
    feeds.set_integration_enabled(session, signed.account_id, enabled)
    if enabled:
        flash(
            request, "success", _("Integration enabled: every enabled file is served at its link.")
        )
    else:
        flash(
            request,
            "info",
            _(
                "Integration disabled: stores cannot download any of your files until you "
                "enable it again."
            ),
        )
    return redirect(WINDOW)


# --- the file form -----------------------------------------------------------------------


def _form_page(
    request: Request,
    signed: SignedIn,
    session: Session,
    state: FeedFormState,
    *,
    errors: FormErrors | None = None,
    feed: FeedRead | None = None,
    check: SaveCheck | None = None,
    status_code: int = 200,
) -> Response:
    price_types = catalog.list_price_types(session, signed.account_id)
    custom_fields = catalog.list_custom_fields(session, signed.account_id)
    warehouses = catalog.list_warehouses(session, signed.account_id)
    context: dict[str, Any] = {
        "nav": "settings",
        "state": state,
        "errors": errors or FormErrors(),
        "feed": feed,
        "action": f"{WINDOW}/files/{feed.id}" if feed else f"{WINDOW}/files/new",
        "warehouses": warehouses,
        "file_types": FILE_TYPES,
        "separators": SEPARATORS,
        "sources": SOURCES,
        "system_fields": [(f.value, _(label)) for f, label in PRODUCT_FIELD_LABELS.items()],
        "custom_fields": [(f"custom.{f.key}", f.label) for f in custom_fields],
        "warehouse_fields": [(f"quantity.{w.id}", f"Quantity in {w.name}") for w in warehouses],
        "price_types": [(str(p.id), f"{p.name} ({p.currency})") for p in price_types],
        "blank_column": ColumnState(),
        "no_errors": FormErrors(),
        "check": check or SaveCheck(),
        "grace_days": GRACE_DAYS,
        "default_grace_days": DEFAULT_GRACE_DAYS,
        "max_form_fields": MAX_FORM_FIELDS,
        "unreachable": feed is not None and link_reach(feed.url) is not Reach.PUBLIC,
        "integration_on": feeds.get_integration(session, signed.account_id).enabled,
        "presets": [(p.key, p.marketplace) for p in PRESETS.values()],
        "old_links": _old_links(session, signed, feed, runtime_of(request).settings.base_url),
    }
    return page(request, "feed_form.html", context, signed=signed, status_code=status_code)


@dataclass(frozen=True)
class OldLink:
    url: str
    expires_at: datetime


def _old_links(
    session: Session, signed: SignedIn, feed: FeedRead | None, base_url: str
) -> list[OldLink]:
    """The old links of a file still in their grace period: the window shows both."""
    if feed is None:
        return []
    stored = feeds.get_feed(session, signed.account_id, feed.id)
    links = feeds.links_in_grace(session, [stored], base_url).get(feed.id, [])
    return [OldLink(url, until) for url, until in links]


def _column_action(state: FeedFormState, action: str) -> bool:
    """The form's own buttons when scripts are off: add, remove or move a column row."""
    name, _, index_text = action.partition(":")
    columns = state.columns
    if name == "add_column":
        columns.append(ColumnState())
        return True
    try:
        i = int(index_text)
    except ValueError:
        return False
    if not 0 <= i < len(columns):
        return False
    if name == "remove_column":
        del columns[i]
    elif name == "up" and i > 0:
        columns[i - 1], columns[i] = columns[i], columns[i - 1]
    elif name == "down" and i < len(columns) - 1:
        columns[i + 1], columns[i] = columns[i], columns[i + 1]
    return True


def _feed_read(session: Session, signed: SignedIn, feed_id: int, base_url: str) -> FeedRead:
    feed = feeds.get_feed(session, signed.account_id, feed_id)
    return publish_status.with_builds(session, feeds.feed_reads(session, [feed], base_url))[0]


feed_read = _feed_read  # for routes/feed_links.py


@router.get(f"{WINDOW}/files/new")
def new_file(
    request: Request, signed: SignedInDep, session: SessionDep, preset: str = ""
) -> Response:
    """A new file's form: blank, or filled in from a marketplace preset (``?preset=``)."""
    message = _limit_message(session, signed)
    if message is not None:
        return _plan_limit_page(request, signed, message)
    chosen = starting.preset_read(session, signed.account_id, preset) if preset else None
    if chosen is not None:
        state = FeedFormState.from_preset(chosen)
    else:
        warehouses = catalog.list_warehouses(session, signed.account_id)
        state = FeedFormState(
            warehouse_ids=[str(w.id) for w in warehouses],
            columns=[ColumnState(**vars(c)) for c in STARTER_COLUMNS],
        )
    return _form_page(request, signed, session, state)


def limit_page(request: Request, signed: SignedIn, session: Session) -> Response | None:
    """The plan-limit page when the plan allows no more files, else None."""
    message = _limit_message(session, signed)
    return _plan_limit_page(request, signed, message) if message is not None else None


# The file form, for the other ways a new file starts (routes/feed_start.py).
def form_page(
    request: Request, signed: SignedIn, session: Session, state: FeedFormState
) -> Response:
    return _form_page(request, signed, session, state)


def _plan_limit_page(request: Request, signed: SignedIn, message: str) -> Response:
    return page(
        request,
        "plan_limit.html",
        {"nav": "settings", "message": message, "hobby": signed.plan is Plan.HOBBY},
        signed=signed,
        status_code=403,
    )


@router.post(f"{WINDOW}/files/new")
def create_file(
    request: Request, signed: SignedInDep, session: SessionDep, form: FormDep
) -> Response:
    state = FeedFormState.from_form(form)
    if _column_action(state, str(form.get("action") or "")):
        return _form_page(request, signed, session, state)
    try:
        data = FeedCreate.model_validate(state.payload())
        check = save_check(session, signed.account_id, data)
        if check and not confirmed(check, form):
            return _form_page(request, signed, session, state, check=check)
        created = feeds.create_feed(session, signed.account_id, data)
    except ValidationError as error:
        return _form_page(
            request, signed, session, state, errors=FormErrors.of_validation(error), status_code=400
        )
    except InvalidInput as error:
        session.rollback()
        return _form_page(
            request,
            signed,
            session,
            state,
            errors=FormErrors.of_fields(error.errors),
            status_code=400,
        )
    except PlanLimit as error:
        session.rollback()
        errors = FormErrors()
        count = len(feeds.list_feeds(session, signed.account_id))
        errors.add((FORM,), plan_limit_text(error, signed.plan, count))
        return _form_page(request, signed, session, state, errors=errors, status_code=403)
    flash(
        request,
        "success",
        _(
            "File “%(file)s” for %(store)s is saved. "
            "Copy its link and paste it into your account on the store.",
            file=".".join((created.file_name, str(created.file_type))),
            store=created.store_name,
        ),
    )
    return redirect(f"{WINDOW}?highlight={created.id}")


@router.get(f"{WINDOW}/files/{{feed_id}}")
def edit_file(
    request: Request,
    feed_id: IdPath,
    signed: SignedInDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    read = _feed_read(session, signed, feed_id, settings.base_url)
    return _form_page(request, signed, session, FeedFormState.from_feed(read), feed=read)


@router.post(f"{WINDOW}/files/preview")
def preview(
    request: Request, signed: SignedInReadingDep, session: ReadSessionDep, form: FormDep
) -> Response:
    """The first rows as the store will receive them, from the form as it is now."""
    state = FeedFormState.from_form(form)
    body = state.payload()
    # Names and addresses do not change the rows: a half-typed one must not hide them.
    body.update(store_name="Preview", store_url="https://preview.invalid", file_name="preview")
    if not state.is_csv:
        try:
            check_sheet_name(state.sheet_name)
        except ValueError:
            body["sheet_name"] = "Sheet1"
    context: dict[str, Any] = {"state": state, "rows_shown": PREVIEW_ROWS}
    try:
        data = FeedCreate.model_validate(body)
        plan = feeds.plan_unsaved(session, signed.account_id, data)
        context["preview"] = feeds.preview_of(session, plan, PREVIEW_ROWS)
        context["validation"] = validate_plan(session, plan, data.preset, VALIDATION_ROWS)
        context["header_row"] = data.header_row
        context["sources"] = [c.source.value for c in data.columns]
    except ValidationError as error:
        context["problems"] = FormErrors.of_validation(error).all_naming_columns(state.columns)
    except InvalidInput as error:
        context["problems"] = FormErrors.of_fields(error.errors).all_naming_columns(state.columns)
    return page(request, "_preview.html", context, signed=signed, fragment=True)


@router.post(f"{WINDOW}/files/{{feed_id}}")
def update_file(
    request: Request,
    feed_id: IdPath,
    signed: SignedInDep,
    session: SessionDep,
    settings: SettingsDep,
    form: FormDep,
) -> Response:
    read = _feed_read(session, signed, feed_id, settings.base_url)
    state = FeedFormState.from_form(form)
    if _column_action(state, str(form.get("action") or "")):
        return _form_page(request, signed, session, state, feed=read)
    try:
        data = FeedUpdate.model_validate(state.payload())
        check = save_check(session, signed.account_id, data, read)
        if check and not confirmed(check, form):
            return _form_page(request, signed, session, state, feed=read, check=check)
        feeds.update_feed(session, signed.account_id, feed_id, data, old_name_grace=grace(form))
    except ValidationError as error:
        return _form_page(
            request,
            signed,
            session,
            state,
            errors=FormErrors.of_validation(error),
            feed=read,
            status_code=400,
        )
    except InvalidInput as error:
        session.rollback()
        return _form_page(
            request,
            signed,
            session,
            state,
            errors=FormErrors.of_fields(error.errors),
            feed=read,
            status_code=400,
        )
    if data.enabled:
        saved = _("File “%(file)s” saved; upload enabled.", file=file_label(read))
    else:
        saved = _(
            "File “%(file)s” saved; upload disabled: stores cannot download it.",
            file=file_label(read),
        )
    flash(request, "success", saved)
    if check.link is not None:
        flash(request, "info", link_changed_message(check.link, grace(form)))
    return redirect(f"{WINDOW}?highlight={feed_id}")


@router.post(f"{WINDOW}/files/{{feed_id}}/delete")
def delete_file(
    request: Request,
    feed_id: IdPath,
    signed: SignedInDep,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    read = _feed_read(session, signed, feed_id, settings.base_url)
    feeds.delete_feed(session, signed.account_id, feed_id)
    flash(
        request,
        "info",
        _("File “%(file)s” deleted; its link no longer works.", file=file_label(read)),
    )
    return redirect(WINDOW)
