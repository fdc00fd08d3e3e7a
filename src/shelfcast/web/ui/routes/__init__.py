"""The page routers of the web UI."""

from fastapi import APIRouter

from shelfcast.web.ui.routes import integration, inventory, language, signin

router = APIRouter()
router.include_router(signin.router)
router.include_router(language.router)
router.include_router(inventory.router)
router.include_router(integration.router)
