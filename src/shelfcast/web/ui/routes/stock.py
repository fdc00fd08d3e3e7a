"""Stock by hand: a quantity edited in place in the products list (htmx), a delta
with a reason on the product page, one quantity for every product shown.

All go through the catalog's stock services, which check, write atomically and
record who changed what; the request's commit queues the feeds' rebuild.
"""

from __future__ import annotations

from decimal import Decimal

from fastapi import Request, Response
from sqlalchemy.orm import Session

from shelfcast.catalog import service as catalog
from shelfcast.catalog.schemas import ProductRead, StockAdjust, StockChange
from shelfcast.errors import N_, InvalidInput, NotFound
from shelfcast.web.deps import MAX_ID, IdPath, SessionDep
from shelfcast.web.i18n import gettext as _
from shelfcast.web.i18n import ngettext
from shelfcast.web.i18n.formatting import number
from shelfcast.web.ui.product_form import form_decimal
from shelfcast.web.ui.rendering import page, redirect
from shelfcast.web.ui.routes._router import FormDep, page_router
from shelfcast.web.ui.routes.inventory import plain_quantity, product_page
from shelfcast.web.ui.session import SignedIn, SignedInDep, flash

router = page_router()


def _text(form: FormDep, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _cell(
    request: Request,
    session: Session,
    signed: SignedIn,
    product: ProductRead,
    warehouse_id: int,
    *,
    editing: bool,
    typed: str | None = None,
    error: str | None = None,
) -> Response:
    stock = {s.warehouse_id: s.quantity for s in product.stock}
    total = sum((Decimal(q) for q in stock.values()), Decimal(0))
    warehouse = catalog.get_warehouse(session, signed.account_id, warehouse_id)
    return page(
        request,
        "_stock_cell.html",
        {
            "p": product,
            "w": warehouse,
            "qty": stock.get(warehouse_id),
            "total": plain_quantity(total),
            "negative": total < 0,
            "editing": editing,
            "typed": typed,
            "error": error,
            "oob": not editing,
        },
        signed=signed,
        fragment=True,
    )


@router.get("/products/{product_id}/stock/{warehouse_id}")
def stock_cell(
    request: Request,
    product_id: IdPath,
    warehouse_id: IdPath,
    signed: SignedInDep,
    session: SessionDep,
    view: str = "",
) -> Response:
    """The in-place editor of one level (``view=1``: the level as shown in the list)."""
    product = catalog.get_product(session, signed.account_id, product_id)
    return _cell(request, session, signed, product, warehouse_id, editing=not view)


@router.post("/products/{product_id}/stock/{warehouse_id}")
def set_stock_cell(
    request: Request,
    product_id: IdPath,
    warehouse_id: IdPath,
    signed: SignedInDep,
    session: SessionDep,
    form: FormDep,
) -> Response:
    product = catalog.get_product(session, signed.account_id, product_id)
    catalog.get_warehouse(session, signed.account_id, warehouse_id)
    typed = _text(form, "quantity")
    try:
        quantity = form_decimal(typed)
        catalog.set_levels(
            session, signed.account_id, warehouse_id, [product_id], quantity, actor=signed.email
        )
    except (ValueError, InvalidInput) as error:
        message = (
            "; ".join(e.message for e in error.errors)
            if isinstance(error, InvalidInput)
            else str(error)
        )
        # 200: htmx swaps only successful answers; the editor comes back with the message.
        return _cell(
            request,
            session,
            signed,
            product,
            warehouse_id,
            editing=True,
            typed=typed,
            error=_("%(label)s %(problem)s", label=_("Quantity"), problem=_(message)),
        )
    product = catalog.get_product(session, signed.account_id, product_id)
    return _cell(request, session, signed, product, warehouse_id, editing=False)


@router.post("/products/{product_id}/adjust")
def adjust_stock(
    request: Request, product_id: IdPath, signed: SignedInDep, session: SessionDep, form: FormDep
) -> Response:
    """Add a delta (``-2``, ``+3``) to one warehouse's level, with an optional reason."""
    product = catalog.get_product(session, signed.account_id, product_id)
    typed = {name: _text(form, name) for name in ("warehouse_id", "delta", "reason")}
    errors: dict[str, str] = {}
    warehouse_id = int(typed["warehouse_id"]) if typed["warehouse_id"].isdigit() else 0
    try:
        delta = form_decimal(typed["delta"])
    except ValueError as problem:
        errors["delta"] = _(
            "%(label)s %(problem)s (e.g. -2 or +3)", label=_("Change"), problem=_(str(problem))
        )
    if not errors:
        change = StockChange(
            sku=product.sku,
            warehouse_id=min(warehouse_id, MAX_ID),
            delta=delta,
            reason=typed["reason"] or None,
        )
        try:
            result = catalog.adjust_stock(
                session,
                signed.account_id,
                StockAdjust(changes=[change]),
                actor=signed.email,
            )
        except InvalidInput as error:
            for item in error.errors:
                name = str(item.loc[-1])
                label = {
                    "delta": N_("Change"),
                    "warehouse_id": N_("Warehouse"),
                    "reason": N_("Reason"),
                }
                errors[name] = _(
                    "%(label)s %(problem)s", label=_(label.get(name, name)), problem=_(item.message)
                )
        else:
            [level] = result.levels
            flash(
                request,
                "success",
                _(
                    "Stock of “%(sku)s” changed by %(delta)s: now %(quantity)s.",
                    sku=product.sku,
                    delta=typed["delta"].strip(),
                    quantity=number(level.quantity),
                ),
            )
            return redirect(f"/products/{product_id}#stock-title")
    return product_page(
        request, product, signed, session, adjust_errors=errors, adjust_typed=typed, status_code=400
    )


def safe_list_url(target: str) -> str:
    """Back to the products list the form was sent from (never elsewhere)."""
    if target.startswith("/products") and not target.startswith("//") and "\\" not in target:
        return target
    return "/products"


@router.post("/products/stock")
def bulk_set_stock(
    request: Request, signed: SignedInDep, session: SessionDep, form: FormDep
) -> Response:
    """One quantity in one warehouse for every product the list shows."""
    back = safe_list_url(_text(form, "back"))
    ids = [int(v) for v in form.getlist("product_id") if isinstance(v, str) and v.isdigit()]
    typed = _text(form, "quantity")
    warehouse_text = _text(form, "warehouse_id")
    warehouse_id = int(warehouse_text) if warehouse_text.isdigit() else 0
    try:
        warehouse = catalog.get_warehouse(session, signed.account_id, min(warehouse_id, MAX_ID))
    except NotFound:
        flash(request, "error", _("Stock not changed: choose one of your warehouses."))
        return redirect(back)
    try:
        quantity = form_decimal(typed)
        count = catalog.set_levels(
            session, signed.account_id, warehouse.id, ids, quantity, actor=signed.email
        )
    except (ValueError, InvalidInput) as error:
        message = (
            "; ".join(e.message for e in error.errors)
            if isinstance(error, InvalidInput)
            else str(error)
        )
        flash(request, "error", _("Stock not changed: the quantity %(problem)s.", problem=message))
    else:
        flash(
            request,
            "success",
            ngettext(
                "Stock in “%(warehouse)s” set to %(quantity)s for %(num)d product.",
                "Stock in “%(warehouse)s” set to %(quantity)s for %(num)d products.",
                count,
                warehouse=warehouse.name,
                quantity=number(quantity),
            ),
        )
    return redirect(back)
