"""The page routers of the web UI."""

from fastapi import APIRouter

from shelfcast.web.ui.routes import (
    feed_health,
    feed_links,
    feed_start,
    integration,
    inventory,
    signin,
)

router = APIRouter()
router.include_router(signin.router)
router.include_router(inventory.router)
# Before the integration's routes: "/files/from-sample" is not a file id.
router.include_router(feed_start.router)
router.include_router(integration.router)
router.include_router(feed_links.router)
router.include_router(feed_health.router)
