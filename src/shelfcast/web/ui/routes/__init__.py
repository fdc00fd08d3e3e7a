"""The page routers of the web UI."""

from fastapi import APIRouter

from shelfcast.web.ui.routes import (
    definitions,
    feed_health,
    feed_links,
    feed_start,
    imports,
    integration,
    inventory,
    language,
    overview,
    product_edit,
    signin,
    stock,
)

router = APIRouter()
router.include_router(signin.router)
router.include_router(language.router)
# Before inventory: /products/new and /products/stock are not /products/{product_id}.
router.include_router(product_edit.router)
router.include_router(stock.router)
router.include_router(inventory.router)
# Before the integration's routes: "/files/from-sample" is not a file id.
router.include_router(feed_start.router)
router.include_router(integration.router)
router.include_router(definitions.router)
router.include_router(imports.router)
router.include_router(overview.router)
router.include_router(feed_links.router)
router.include_router(feed_health.router)
