"""Settings → Price types and Settings → Custom fields: list, create, rename, delete.

Deleting one that a feed file uses is refused by the catalog, naming the feeds;
the page shows them beside the row, with links to change those files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from shelfcast.catalog import service as catalog
from shelfcast.catalog.models import CustomFieldType
from shelfcast.catalog.schemas import (
    CustomFieldCreate,
    CustomFieldUpdate,
    PriceTypeCreate,
    PriceTypeUpdate,
)
from shelfcast.errors import N_, Conflict, FeedRef, InUseByFeeds, InvalidInput
from shelfcast.web.deps import IdPath, SessionDep
from shelfcast.web.i18n import gettext as _
from shelfcast.web.ui.rendering import page, redirect
from shelfcast.web.ui.routes._router import FormDep, page_router
from shelfcast.web.ui.session import SignedIn, SignedInDep, flash

router = page_router()
PRICE_TYPES = "/settings/price-types"
CUSTOM_FIELDS = "/settings/custom-fields"
FIELD_TYPES = list(CustomFieldType)
LABELS = {
    "name": N_("Name"),
    "currency": N_("Currency"),
    "key": N_("Key"),
    "label": N_("Label"),
    "type": N_("Type"),
}


def _text(form: FormDep, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _messages(error: InvalidInput | Conflict) -> str:
    """The catalog's problems as sentences naming the control."""
    if isinstance(error, InvalidInput):
        parts = []
        for item in error.errors:
            label = LABELS.get(str(item.loc[0]), str(item.loc[0])) if item.loc else ""
            problem = _(item.message)
            parts.append(
                _("%(label)s %(problem)s", label=_(label), problem=problem) if label else problem
            )
        return "; ".join(parts)
    text = str(error)
    for name, label in LABELS.items():
        if text.startswith(f"{name}: "):
            rest = text.removeprefix(f"{name}: ")
            return _("%(label)s: %(problem)s", label=_(label), problem=_(rest))
    return _(text[:1].upper() + text[1:])


def _status(error: Exception) -> int:
    return 409 if isinstance(error, Conflict) else 400


def _definitions_page(
    request: Request,
    signed: SignedIn,
    session: Session,
    template: str,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, dict[str, str]] | None = None,
    in_use: dict[str, Sequence[FeedRef]] | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        template,
        {
            "nav": "settings",
            "price_types": catalog.list_price_types(session, signed.account_id),
            "custom_fields": catalog.list_custom_fields(session, signed.account_id),
            "field_types": FIELD_TYPES,
            "errors": errors or {},
            "typed": typed or {},
            "in_use": in_use or {},
        },
        signed=signed,
        status_code=status_code,
    )


def _attempt(
    request: Request,
    signed: SignedIn,
    session: Session,
    template: str,
    row: str,
    typed: dict[str, str],
    write: Callable[[], Any],
) -> Response | None:
    """Run a write; on a refusal, the page again with the message beside ``row``."""
    try:
        write()
    except InUseByFeeds as error:
        return _definitions_page(
            request,
            signed,
            session,
            template,
            errors={row: _messages(error)},
            in_use={row: error.feeds},
            status_code=409,
        )
    except (InvalidInput, Conflict, ValidationError) as error:
        message = (
            _("Type must be one of the listed types")
            if isinstance(error, ValidationError)
            else _messages(error)
        )
        return _definitions_page(
            request,
            signed,
            session,
            template,
            errors={row: message},
            typed={row: typed},
            status_code=_status(error),
        )
    return None


# --- price types ------------------------------------------------------------------------


@router.get(PRICE_TYPES)
def price_types(request: Request, signed: SignedInDep, session: SessionDep) -> Response:
    return _definitions_page(request, signed, session, "price_types.html")


@router.post(PRICE_TYPES)
def create_price_type(
    request: Request, signed: SignedInDep, session: SessionDep, form: FormDep
) -> Response:
    typed = {"name": _text(form, "name"), "currency": _text(form, "currency")}
    refused = _attempt(
        request,
        signed,
        session,
        "price_types.html",
        "new",
        typed,
        lambda: catalog.create_price_type(
            session, signed.account_id, PriceTypeCreate.model_validate(typed)
        ),
    )
    if refused:
        return refused
    flash(request, "success", _("Price type “%(name)s” created.", name=typed["name"].strip()))
    return redirect(PRICE_TYPES)


@router.post(PRICE_TYPES + "/{price_type_id}")
def update_price_type(
    request: Request,
    price_type_id: IdPath,
    signed: SignedInDep,
    session: SessionDep,
    form: FormDep,
) -> Response:
    typed = {"name": _text(form, "name"), "currency": _text(form, "currency")}
    body = PriceTypeUpdate.model_validate(typed)
    refused = _attempt(
        request,
        signed,
        session,
        "price_types.html",
        str(price_type_id),
        typed,
        lambda: catalog.update_price_type(session, signed.account_id, price_type_id, body),
    )
    if refused:
        return refused
    flash(request, "success", _("Price type “%(name)s” saved.", name=typed["name"].strip()))
    return redirect(PRICE_TYPES)


@router.post(PRICE_TYPES + "/{price_type_id}/delete")
def delete_price_type(
    request: Request, price_type_id: IdPath, signed: SignedInDep, session: SessionDep
) -> Response:
    refused = _attempt(
        request,
        signed,
        session,
        "price_types.html",
        str(price_type_id),
        {},
        lambda: catalog.delete_price_type(session, signed.account_id, price_type_id),
    )
    if refused:
        return refused
    flash(request, "success", _("Price type deleted, with every product’s price of it."))
    return redirect(PRICE_TYPES)


# --- custom fields ----------------------------------------------------------------------


@router.get(CUSTOM_FIELDS)
def custom_fields(request: Request, signed: SignedInDep, session: SessionDep) -> Response:
    return _definitions_page(request, signed, session, "custom_fields.html")


@router.post(CUSTOM_FIELDS)
def create_custom_field(
    request: Request, signed: SignedInDep, session: SessionDep, form: FormDep
) -> Response:
    typed = {name: _text(form, name) for name in ("key", "label", "type")}
    refused = _attempt(
        request,
        signed,
        session,
        "custom_fields.html",
        "new",
        typed,
        lambda: catalog.create_custom_field(
            session, signed.account_id, CustomFieldCreate.model_validate(typed)
        ),
    )
    if refused:
        return refused
    flash(request, "success", _("Custom field “%(label)s” created.", label=typed["label"].strip()))
    return redirect(CUSTOM_FIELDS)


@router.post(CUSTOM_FIELDS + "/{field_id}")
def update_custom_field(
    request: Request, field_id: IdPath, signed: SignedInDep, session: SessionDep, form: FormDep
) -> Response:
    typed = {"label": _text(form, "label")}
    refused = _attempt(
        request,
        signed,
        session,
        "custom_fields.html",
        str(field_id),
        typed,
        lambda: catalog.update_custom_field(
            session, signed.account_id, field_id, CustomFieldUpdate.model_validate(typed)
        ),
    )
    if refused:
        return refused
    flash(request, "success", _("Custom field “%(label)s” saved.", label=typed["label"].strip()))
    return redirect(CUSTOM_FIELDS)


@router.post(CUSTOM_FIELDS + "/{field_id}/delete")
def delete_custom_field(
    request: Request, field_id: IdPath, signed: SignedInDep, session: SessionDep
) -> Response:
    refused = _attempt(
        request,
        signed,
        session,
        "custom_fields.html",
        str(field_id),
        {},
        lambda: catalog.delete_custom_field(session, signed.account_id, field_id),
    )
    if refused:
        return refused
    flash(request, "success", _("Custom field deleted, with every product’s value of it."))
    return redirect(CUSTOM_FIELDS)
