"""Products created, edited and deleted in the browser.

The form is read into the API's ``ProductUpsert`` and written by the same
service (one home per rule); the stock typed per warehouse is set by the stock
service and recorded. Both run in one savepoint, so a form with any bad field
changes nothing and comes back as typed, each message beside its control.
"""

from __future__ import annotations

from decimal import Decimal

from fastapi import Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from shelfcast.catalog import service as catalog
from shelfcast.catalog.schemas import ProductRead, ProductsUpsert
from shelfcast.errors import InvalidInput
from shelfcast.web.deps import IdPath, SessionDep
from shelfcast.web.i18n import gettext as _
from shelfcast.web.ui.product_form import (
    FORM,
    ProductContext,
    ProductFormErrors,
    ProductFormState,
    ProductInput,
    catalog_errors,
    read_product,
)
from shelfcast.web.ui.rendering import page, redirect
from shelfcast.web.ui.routes._router import FormDep, page_router
from shelfcast.web.ui.session import SignedIn, SignedInDep, flash

router = page_router()


class _Discard(Exception):
    """Undo a checked save: the form had problems of its own beside the catalog's."""


def product_context(session: Session, account_id: int) -> ProductContext:
    return ProductContext(
        categories=catalog.list_categories(session, account_id),
        price_types=catalog.list_price_types(session, account_id),
        custom_fields=catalog.list_custom_fields(session, account_id),
        warehouses=catalog.list_warehouses(session, account_id),
        choices=catalog.choices_in_use(session, account_id),
    )


def _form_page(
    request: Request,
    signed: SignedIn,
    context: ProductContext,
    state: ProductFormState,
    *,
    product: ProductRead | None = None,
    errors: ProductFormErrors | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        "product_form.html",
        {
            "nav": "products",
            "product": product,
            "form": state,
            "errors": errors or ProductFormErrors(),
            "context": context,
            "choices": context.choices,
            "action": f"/products/{product.id}/edit" if product else "/products/new",
        },
        signed=signed,
        status_code=status_code,
    )


def _save(
    session: Session,
    signed: SignedIn,
    read: ProductInput,
    current: dict[int, str],
) -> int:
    """Upsert the product and set the stock that changed; all of it or nothing."""
    with session.begin_nested():
        body = ProductsUpsert.model_validate({"products": [read.body]})
        catalog.upsert_products(session, signed.account_id, body)
        product_id = catalog.find_product_id(session, signed.account_id, body.products[0].sku)
        assert product_id is not None  # just written
        for warehouse_id, quantity in read.stock.items():
            if warehouse_id in current and Decimal(current[warehouse_id]) == quantity:
                continue
            catalog.set_levels(
                session,
                signed.account_id,
                warehouse_id,
                [product_id],
                quantity,
                actor=signed.email,
                loc=("stock", warehouse_id),
            )
        if read.errors:
            raise _Discard
    return product_id


def _submit(
    session: Session,
    signed: SignedIn,
    read: ProductInput,
    context: ProductContext,
    current: dict[int, str],
) -> int | None:
    """The saved product's id, or None with the problems in ``read.errors``."""
    try:
        return _save(session, signed, read, current)
    except _Discard:
        return None
    except InvalidInput as error:
        catalog_errors(read.errors, error.errors, context)
    except ValidationError:
        read.errors.add(FORM, _("The form could not be read; reload the page and try again."))
    return None


@router.get("/products/new")
def new_product(request: Request, signed: SignedInDep, session: SessionDep) -> Response:
    context = product_context(session, signed.account_id)
    return _form_page(request, signed, context, ProductFormState())


@router.post("/products/new")
def create_product(
    request: Request, signed: SignedInDep, session: SessionDep, form: FormDep
) -> Response:
    context = product_context(session, signed.account_id)
    state = ProductFormState.from_form(form)
    read = read_product(state, context)
    sku = state.texts["sku"].strip()
    if sku and catalog.find_product_id(session, signed.account_id, sku) is not None:
        read.errors.add(
            "sku", _("A product with SKU “%(sku)s” already exists: edit that one.", sku=sku)
        )
    product_id = None if read.errors.get("sku") else _submit(session, signed, read, context, {})
    if product_id is None:
        return _form_page(request, signed, context, state, errors=read.errors, status_code=400)
    flash(request, "success", _("Product “%(sku)s” created.", sku=sku))
    return redirect(f"/products/{product_id}")


@router.get("/products/{product_id}/edit")
def edit_product(
    request: Request, product_id: IdPath, signed: SignedInDep, session: SessionDep
) -> Response:
    product = catalog.get_product(session, signed.account_id, product_id)
    context = product_context(session, signed.account_id)
    state = ProductFormState.of_product(product, context.categories, context.price_types)
    return _form_page(request, signed, context, state, product=product)


@router.post("/products/{product_id}/edit")
def update_product(
    request: Request, product_id: IdPath, signed: SignedInDep, session: SessionDep, form: FormDep
) -> Response:
    product = catalog.get_product(session, signed.account_id, product_id)
    context = product_context(session, signed.account_id)
    state = ProductFormState.from_form(form)
    state.texts["sku"] = product.sku  # the sku identifies the product: it is not edited here
    read = read_product(state, context)
    current = {s.warehouse_id: s.quantity for s in product.stock}
    if _submit(session, signed, read, context, current) is None:
        return _form_page(
            request, signed, context, state, product=product, errors=read.errors, status_code=400
        )
    flash(request, "success", _("Product “%(sku)s” saved.", sku=product.sku))
    return redirect(f"/products/{product_id}")


@router.post("/products/{product_id}/delete")
def delete_product(
    request: Request, product_id: IdPath, signed: SignedInDep, session: SessionDep
) -> Response:
    product = catalog.get_product(session, signed.account_id, product_id)
    catalog.delete_product(session, signed.account_id, product_id)
    flash(request, "success", _("Product “%(sku)s” deleted.", sku=product.sku))
    return redirect("/products")
