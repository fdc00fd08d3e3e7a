"""The page routers of the web UI."""

from fastapi import APIRouter

from shelfcast.web.ui.routes import feed_health, integration, inventory, signin

router = APIRouter()
router.include_router(signin.router)
router.include_router(inventory.router)
router.include_router(integration.router)
router.include_router(feed_health.router)
