"""The inventory pages: products (list and detail) and warehouses (list, create,
rename, delete). Products are edited in ``product_edit``, stock in ``stock``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from fastapi import Request, Response
from sqlalchemy.orm import Session

from shelfcast.catalog import service as catalog
from shelfcast.catalog.schemas import ProductRead, WarehouseCreate, WarehouseUpdate
from shelfcast.errors import Conflict, FeedRef, InUseByFeeds, InvalidInput
from shelfcast.web.deps import MAX_ID, IdPath, SessionDep
from shelfcast.web.i18n import gettext as _
from shelfcast.web.ui.rendering import page, redirect
from shelfcast.web.ui.routes._router import FormDep, page_router
from shelfcast.web.ui.session import SignedIn, SignedInDep, flash

router = page_router()
PAGE_SIZE = 25
MAX_TRAIL = 200  # pages one can step back through with "Previous"
MAX_QUERY = 200


@dataclass(frozen=True)
class ProductRow:
    product: ProductRead
    stock: dict[int, str]  # quantity by warehouse id
    total: str
    negative: bool


def plain_quantity(value: Decimal) -> str:
    """``5``, ``2.5``, ``-3``: as feeds write quantities (without clamping)."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def _int_or_none(value: str | None) -> int | None:
    """An id from a query string; anything that cannot be one is ignored."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and 0 <= number <= MAX_ID else None


def _rows(products: list[ProductRead]) -> list[ProductRow]:
    rows = []
    for product in products:
        total = sum((Decimal(s.quantity) for s in product.stock), Decimal(0))
        rows.append(
            ProductRow(
                product=product,
                stock={s.warehouse_id: s.quantity for s in product.stock},
                total=plain_quantity(total),
                negative=total < 0,
            )
        )
    return rows


@router.get("/products")
def products(
    request: Request,
    signed: SignedInDep,
    session: SessionDep,
    q: str = "",
    category: str = "",
    after: str = "",
    trail: str = "",
    stock: str = "",
) -> Response:
    query = q.strip()[:MAX_QUERY]
    out = stock == "out"  # the overview's "out of stock" link
    category_id = _int_or_none(category)
    cursor = _int_or_none(after)
    steps = [n for part in trail.split(",") if (n := _int_or_none(part)) is not None][-MAX_TRAIL:]
    found = catalog.list_products(
        session,
        signed.account_id,
        q=query or None,
        category_id=category_id,
        after=cursor,
        limit=PAGE_SIZE,
        only_out_of_stock=out,
    )

    def link(**changes: object) -> str:
        params: dict[str, object] = {"q": query, "category": category_id or ""}
        params |= {"stock": "out" if out else "", **changes}
        return "/products?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})

    next_link = (
        link(after=found.next_after, trail=",".join(map(str, [*steps, cursor or 0])))
        if found.next_after is not None
        else None
    )
    previous_link = None
    if cursor is not None:
        back = steps[-1] if steps else 0
        previous_link = link(after=back or "", trail=",".join(map(str, steps[:-1])))
    return page(
        request,
        "products.html",
        {
            "nav": "products",
            "q": query,
            "category_id": category_id,
            "out_of_stock": out,
            "categories": catalog.list_categories(session, signed.account_id),
            "warehouses": catalog.list_warehouses(session, signed.account_id),
            "rows": _rows(found.products),
            "page_number": len(steps) + 1 if cursor is not None else 1,
            "next_link": next_link,
            "previous_link": previous_link,
            "page_size": PAGE_SIZE,
            "this_link": link(after=cursor or "", trail=",".join(map(str, steps))),
        },
        signed=signed,
    )


@router.get("/products/{product_id}")
def product(
    request: Request, product_id: IdPath, signed: SignedInDep, session: SessionDep
) -> Response:
    found = catalog.get_product(session, signed.account_id, product_id)
    return product_page(request, found, signed, session)


def product_page(
    request: Request,
    found: ProductRead,
    signed: SignedIn,
    session: Session,
    *,
    adjust_errors: dict[str, str] | None = None,
    adjust_typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The product with its stock, prices, fields, the +/− form and the stock history."""
    warehouses = catalog.list_warehouses(session, signed.account_id)
    currencies = {p.name: p.currency for p in catalog.list_price_types(session, signed.account_id)}
    labels = {f.key: f.label for f in catalog.list_custom_fields(session, signed.account_id)}
    return page(
        request,
        "product.html",
        {
            "nav": "products",
            "row": _rows([found])[0],
            "warehouses": warehouses,
            "warehouse_names": {w.id: w.name for w in warehouses},
            "currencies": currencies,
            "custom_labels": labels,
            "history": catalog.list_adjustments(session, signed.account_id, found.id),
            "adjust_errors": adjust_errors or {},
            "adjust_typed": adjust_typed or {},
        },
        signed=signed,
        status_code=status_code,
    )


def _warehouses_page(
    request: Request,
    signed: SignedIn,
    session: Session,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    in_use: dict[str, Sequence[FeedRef]] | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        "warehouses.html",
        {
            "nav": "warehouses",
            "warehouses": catalog.list_warehouses(session, signed.account_id),
            "errors": errors or {},
            "typed": typed or {},
            "in_use": in_use or {},
        },
        signed=signed,
        status_code=status_code,
    )


def problem_text(error: InvalidInput | Conflict) -> str:
    texts = (
        [e.message for e in error.errors]
        if isinstance(error, InvalidInput)
        else [str(error).removeprefix("name: ")]
    )
    # English words: "Name must ...", in the page's language through the catalogs.
    return "; ".join(
        _("Name %(problem)s", problem=_(text))
        if text.startswith("must")
        else _(text[:1].upper() + text[1:])
        for text in texts
    )


@router.get("/warehouses")
def warehouses(request: Request, signed: SignedInDep, session: SessionDep) -> Response:
    return _warehouses_page(request, signed, session)


@router.post("/warehouses")
def create_warehouse(
    request: Request, signed: SignedInDep, session: SessionDep, form: FormDep
) -> Response:
    name = str(form.get("name") or "")
    try:
        created = catalog.create_warehouse(session, signed.account_id, WarehouseCreate(name=name))
    except (InvalidInput, Conflict) as error:
        return _warehouses_page(
            request,
            signed,
            session,
            errors={"new": problem_text(error)},
            typed={"new": name},
            status_code=400 if isinstance(error, InvalidInput) else 409,
        )
    flash(request, "success", _("Warehouse “%(name)s” created.", name=created.name))
    return redirect("/warehouses")


@router.post("/warehouses/{warehouse_id}")
def rename_warehouse(
    request: Request, warehouse_id: IdPath, signed: SignedInDep, session: SessionDep, form: FormDep
) -> Response:
    name = str(form.get("name") or "")
    before = catalog.get_warehouse(session, signed.account_id, warehouse_id)
    try:
        renamed = catalog.rename_warehouse(
            session, signed.account_id, warehouse_id, WarehouseUpdate(name=name)
        )
    except (InvalidInput, Conflict) as error:
        return _warehouses_page(
            request,
            signed,
            session,
            errors={str(warehouse_id): problem_text(error)},
            typed={str(warehouse_id): name},
            status_code=400 if isinstance(error, InvalidInput) else 409,
        )
    if renamed.name != before.name:
        flash(
            request,
            "success",
            _("Warehouse “%(old)s” renamed to “%(new)s”.", old=before.name, new=renamed.name),
        )
    return redirect("/warehouses")


@router.post("/warehouses/{warehouse_id}/delete")
def delete_warehouse(
    request: Request, warehouse_id: IdPath, signed: SignedInDep, session: SessionDep
) -> Response:
    warehouse = catalog.get_warehouse(session, signed.account_id, warehouse_id)
    try:
        catalog.delete_warehouse(session, signed.account_id, warehouse_id)
    except InUseByFeeds as error:
        return _warehouses_page(
            request,
            signed,
            session,
            errors={str(warehouse_id): problem_text(error)},
            in_use={str(warehouse_id): error.feeds},
            status_code=409,
        )
    flash(
        request,
        "success",
        _("Warehouse “%(name)s” deleted, with its stock levels.", name=warehouse.name),
    )
    return redirect("/warehouses")
