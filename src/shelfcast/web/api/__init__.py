"""The JSON API under ``/api/v1`` (API-key auth)."""

from fastapi import APIRouter

from shelfcast.web.api import catalog, feeds, imports, integration

router = APIRouter()
# Before the catalog's routes: /products/export must not be read as /products/{product_id}.
router.include_router(imports.router)
router.include_router(catalog.router)
router.include_router(integration.router)
router.include_router(feeds.presets_router)
router.include_router(feeds.router)
