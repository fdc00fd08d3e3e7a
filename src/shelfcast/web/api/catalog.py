"""The inventory API: warehouses, price types, custom fields, products and stock."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from shelfcast.catalog import service as catalog
from shelfcast.catalog.schemas import (
    CustomFieldCreate,
    CustomFieldRead,
    CustomFieldUpdate,
    InUseRead,
    PriceTypeCreate,
    PriceTypeRead,
    PriceTypeUpdate,
    ProductPage,
    ProductRead,
    ProductsUpsert,
    StockAdjust,
    StockAdjustResult,
    StockSet,
    StockSetResult,
    UpsertResult,
    WarehouseCreate,
    WarehouseRead,
    WarehouseUpdate,
)
from shelfcast.web.deps import MAX_ID, AccountDep, IdPath, SessionDep, api_actor

router = APIRouter()

# Deleting what a feed file uses is refused with the feeds named (errors.InUseByFeeds).
IN_USE: dict[int | str, dict[str, object]] = {
    status.HTTP_409_CONFLICT: {
        "model": InUseRead,
        "description": "Feed files use it: `feeds` names them; change those files first.",
    }
}


@router.get("/warehouses", tags=["warehouses"])
def list_warehouses(account: AccountDep, session: SessionDep) -> list[WarehouseRead]:
    return catalog.list_warehouses(session, account.id)


@router.post("/warehouses", tags=["warehouses"], status_code=status.HTTP_201_CREATED)
def create_warehouse(
    body: WarehouseCreate, account: AccountDep, session: SessionDep
) -> WarehouseRead:
    return catalog.create_warehouse(session, account.id, body)


@router.get("/warehouses/{warehouse_id}", tags=["warehouses"])
def get_warehouse(warehouse_id: IdPath, account: AccountDep, session: SessionDep) -> WarehouseRead:
    return catalog.get_warehouse(session, account.id, warehouse_id)


@router.patch("/warehouses/{warehouse_id}", tags=["warehouses"])
def rename_warehouse(
    warehouse_id: IdPath, body: WarehouseUpdate, account: AccountDep, session: SessionDep
) -> WarehouseRead:
    return catalog.rename_warehouse(session, account.id, warehouse_id, body)


@router.delete(
    "/warehouses/{warehouse_id}",
    tags=["warehouses"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=IN_USE,
)
def delete_warehouse(warehouse_id: IdPath, account: AccountDep, session: SessionDep) -> Response:
    """Delete a warehouse with its stock levels; refused (409) while a feed file uses it."""
    catalog.delete_warehouse(session, account.id, warehouse_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/price-types", tags=["price types"])
def list_price_types(account: AccountDep, session: SessionDep) -> list[PriceTypeRead]:
    return catalog.list_price_types(session, account.id)


@router.post("/price-types", tags=["price types"], status_code=status.HTTP_201_CREATED)
def create_price_type(
    body: PriceTypeCreate, account: AccountDep, session: SessionDep
) -> PriceTypeRead:
    return catalog.create_price_type(session, account.id, body)


@router.patch("/price-types/{price_type_id}", tags=["price types"])
def update_price_type(
    price_type_id: IdPath, body: PriceTypeUpdate, account: AccountDep, session: SessionDep
) -> PriceTypeRead:
    """Rename a price type or change its currency; prices and feed columns keep it."""
    return catalog.update_price_type(session, account.id, price_type_id, body)


@router.delete(
    "/price-types/{price_type_id}",
    tags=["price types"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=IN_USE,
)
def delete_price_type(price_type_id: IdPath, account: AccountDep, session: SessionDep) -> Response:
    """Delete a price type with every price of it; refused (409) while a feed shows it."""
    catalog.delete_price_type(session, account.id, price_type_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/custom-fields", tags=["custom fields"])
def list_custom_fields(account: AccountDep, session: SessionDep) -> list[CustomFieldRead]:
    return catalog.list_custom_fields(session, account.id)


@router.post("/custom-fields", tags=["custom fields"], status_code=status.HTTP_201_CREATED)
def create_custom_field(
    body: CustomFieldCreate, account: AccountDep, session: SessionDep
) -> CustomFieldRead:
    return catalog.create_custom_field(session, account.id, body)


@router.patch("/custom-fields/{field_id}", tags=["custom fields"])
def update_custom_field(
    field_id: IdPath, body: CustomFieldUpdate, account: AccountDep, session: SessionDep
) -> CustomFieldRead:
    """Change a custom field's label (the key and type stay)."""
    return catalog.update_custom_field(session, account.id, field_id, body)


@router.delete(
    "/custom-fields/{field_id}",
    tags=["custom fields"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=IN_USE,
)
def delete_custom_field(field_id: IdPath, account: AccountDep, session: SessionDep) -> Response:
    """Delete a custom field with every value of it; refused (409) while a feed shows it."""
    catalog.delete_custom_field(session, account.id, field_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/products/upsert", tags=["products"])
def upsert_products(body: ProductsUpsert, account: AccountDep, session: SessionDep) -> UpsertResult:
    """Create or update up to 10,000 products by SKU, all or nothing.

    Fields left out of an item keep their stored value; `null` clears them.
    """
    return catalog.upsert_products(session, account.id, body)


@router.get("/products", tags=["products"])
def list_products(
    account: AccountDep,
    session: SessionDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Part of SKU or name, or a barcode")
    ] = None,
    category_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="This category and those below")
    ] = None,
    after: Annotated[
        int | None, Query(ge=0, le=MAX_ID, description="`next_after` of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ProductPage:
    return catalog.list_products(
        session, account.id, q=q, category_id=category_id, after=after, limit=limit
    )


@router.get("/products/{product_id}", tags=["products"])
def get_product(product_id: IdPath, account: AccountDep, session: SessionDep) -> ProductRead:
    return catalog.get_product(session, account.id, product_id)


@router.delete("/products/{product_id}", tags=["products"], status_code=status.HTTP_204_NO_CONTENT)
def delete_product(product_id: IdPath, account: AccountDep, session: SessionDep) -> Response:
    catalog.delete_product(session, account.id, product_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/stock/set", tags=["stock"])
def set_stock(body: StockSet, account: AccountDep, session: SessionDep) -> StockSetResult:
    """Set absolute quantities (may be fractional or negative), all or nothing."""
    return catalog.set_stock(session, account.id, body)


@router.post("/stock/adjust", tags=["stock"])
def adjust_stock(
    body: StockAdjust, request: Request, account: AccountDep, session: SessionDep
) -> StockAdjustResult:
    """Add deltas to stock levels (`"-2"`: two sold), all or nothing; answers the new levels.

    The database adds each delta atomically, so concurrent sales through several
    channels are never lost. A level that does not exist yet starts at 0; two
    changes of the same level add up. Each change is recorded with its reason.
    """
    return catalog.adjust_stock(session, account.id, body, actor=api_actor(request))
