"""The JSON API under ``/api/v1`` (API-key auth)."""

from fastapi import APIRouter

from shelfcast.web.api import catalog, feeds, integration

router = APIRouter()
router.include_router(catalog.router)
router.include_router(integration.router)
router.include_router(feeds.presets_router)
router.include_router(feeds.router)
