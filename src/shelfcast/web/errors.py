"""The one place where domain errors become HTTP statuses."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from shelfcast.errors import (
    SHOWN_CHARS,
    Conflict,
    InUseByFeeds,
    InvalidInput,
    NotFound,
    PlanLimit,
    ShelfcastError,
)

log = logging.getLogger(__name__)

# A message names the field and what is allowed; an offending value is echoed as a
# short prefix where the message is made (``shelfcast.errors.shown``). This cap is
# the net under that: no 422 body grows with the size of what was sent.
MAX_MESSAGE_CHARS = 2000


def capped(message: str) -> str:
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return message[: MAX_MESSAGE_CHARS - 1] + "…"


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
            {
                "loc": [where, *map(_short_loc, e.loc)],
                "msg": capped(e.message),
                "type": "value_error",
            }
            for e in error.errors
        ]
    elif isinstance(error, NotFound):
        # Never say whether it exists in another account.
        return JSONResponse({"detail": "Not found.", "type": "not_found"}, status_code=code)
    elif isinstance(error, InUseByFeeds):
        body = {
            "detail": str(error),
            "type": error.type,
            "feeds": [{"id": feed.id, "name": feed.name} for feed in error.feeds],
        }
        return JSONResponse(body, status_code=code)
    else:
        return JSONResponse({"detail": str(error), "type": _type_of(error)}, status_code=code)
    return JSONResponse({"detail": detail}, status_code=code)


def _type_of(error: ShelfcastError) -> str:
    """The stable code of the answer (documented in the OpenAPI document's ``Error``)."""
    if isinstance(error, PlanLimit):
        return "plan_limit"
    if isinstance(error, Conflict):
        return "conflict"
    return "bad_request"


async def validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    # Never pydantic's ``input``: it would send the offending value back whole.
    detail = [
        {"loc": [_short_loc(part) for part in e["loc"]], "msg": capped(e["msg"]), "type": e["type"]}
        for e in error.errors()
    ]
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def _short_loc(part: object) -> object:
    """A location step as sent: a dict key in the body can be any text (a price type
    name, a custom field's key), so it is cut like any echoed value."""
    if isinstance(part, str) and len(part) > SHOWN_CHARS:
        return part[:SHOWN_CHARS] + "…"
    return part


def install(app: FastAPI) -> None:
    app.add_exception_handler(ShelfcastError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
