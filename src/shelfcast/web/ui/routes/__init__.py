"""The page routers of the web UI."""

from fastapi import APIRouter

from shelfcast.web.ui.routes import (
    definitions,
    imports,
    integration,
    inventory,
    overview,
    product_edit,
    signin,
    stock,
)

router = APIRouter()
router.include_router(signin.router)
# Before inventory: /products/new and /products/stock are not /products/{product_id}.
router.include_router(product_edit.router)
router.include_router(stock.router)
router.include_router(inventory.router)
router.include_router(integration.router)
router.include_router(definitions.router)
router.include_router(imports.router)
router.include_router(overview.router)
