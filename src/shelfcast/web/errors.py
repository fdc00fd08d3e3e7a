"""The one place where domain errors become HTTP statuses."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from shelfcast.errors import (
    Conflict,
    InUseByFeeds,
    InvalidInput,
    NotFound,
    PlanLimit,
    ShelfcastError,
)

log = logging.getLogger(__name__)

STATUS_OF: dict[type[ShelfcastError], int] = {
    InvalidInput: status.HTTP_422_UNPROCESSABLE_CONTENT,
    NotFound: status.HTTP_404_NOT_FOUND,
    Conflict: status.HTTP_409_CONFLICT,
    PlanLimit: status.HTTP_403_FORBIDDEN,
}


def status_of(error: ShelfcastError) -> int:
    for kind, code in STATUS_OF.items():
        if isinstance(error, kind):
            return code
    return status.HTTP_400_BAD_REQUEST


async def domain_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ShelfcastError)
    code = status_of(error)
    if isinstance(error, InvalidInput):
        # The same shape as FastAPI's own 422s: a list of {loc, msg, type}. A GET has
        # no body: what it gets wrong is in its query string.
        where = "query" if request.method in ("GET", "HEAD") else "body"
        detail: object = [
            {"loc": [where, *e.loc], "msg": e.message, "type": "value_error"} for e in error.errors
        ]
    elif isinstance(error, NotFound):
        detail = "Not found."  # never say whether it exists in another account
    elif isinstance(error, InUseByFeeds):
        body = {
            "detail": str(error),
            "type": error.type,
            "feeds": [{"id": feed.id, "name": feed.name} for feed in error.feeds],
        }
        return JSONResponse(body, status_code=code)
    else:
        detail = str(error)
    return JSONResponse({"detail": detail}, status_code=code)


async def validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    detail = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ShelfcastError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
