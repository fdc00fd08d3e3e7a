"""The application factory: the REST API, its OpenAPI document, the feed links, the web UI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from shelfcast.settings import Settings
from shelfcast.web import errors, headers, limits, methods, openapi, operations, public, ui
from shelfcast.web.api import router as api_router
from shelfcast.web.metrics import FetchCounter, Metrics
from shelfcast.web.runtime import Runtime

API_DESCRIPTION = """
Keep a merchant's inventory current and describe the feed files marketplaces download.

Authenticate every call with an API key: `Authorization: Bearer <api key>`
(`shelfcast accounts create` or `shelfcast apikeys create` print one).
Bulk writes are all or nothing; invalid input answers 422 with the field named
in `detail[].loc`.

Messages are in English. Every error answers `{"detail": ..., "type": "<code>"}`:
branch on `type`, which never changes (422s also give each field's `detail[].type`,
e.g. `missing`, `int_parsing`, or `value_error` for the service's own rules):

""" + errors.error_types_markdown()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the database, builder and fetch log open in the lifespan."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = Runtime.open(settings)
        app.state.runtime = runtime
        runtime.start()
        try:
            yield
        finally:
            runtime.stop()

    app = FastAPI(
        title="Shelfcast",
        version="1",
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url="/api/v1/redoc",
        lifespan=lifespan,
    )
    errors.install(app)
    openapi.install(app)
    app.include_router(api_router, prefix="/api/v1")
    app.include_router(public.router)
    app.include_router(operations.router)
    app.add_middleware(FetchCounter, metrics=lambda: _metrics(app))
    ui.install(app, settings)
    app.add_middleware(methods.AllowedMethods)
    app.add_middleware(headers.SecurityHeaders)
    app.add_middleware(limits.BodyLimit)  # outermost of ours: nothing reads a body first
    return app


def _metrics(app: FastAPI) -> Metrics | None:
    runtime: Runtime | None = getattr(app.state, "runtime", None)
    return runtime.metrics if runtime is not None else None
