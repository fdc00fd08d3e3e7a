"""The one place where domain errors become HTTP statuses.

Every error answer is ``{"detail": ..., "type": "<code>"}``: ``type`` is stable and
English (``ERROR_TYPES``, listed in the OpenAPI document); ``detail`` is a message
for people, or for 422 the list of ``{loc, msg, type}`` naming each field.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

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


# The `type` of every error answer, with its status and meaning (the OpenAPI document
# lists them; tests/web/api/test_errors.py checks each is what the API answers).
ERROR_TYPES: dict[str, tuple[int, str]] = {
    "invalid_input": (422, "the body, path or query breaks a rule; `detail` names each field"),
    "unauthorized": (401, "no valid API key in `Authorization: Bearer <key>`"),
    "not_found": (404, "no such thing in this account (or no such path)"),
    "conflict": (409, "the change clashes with existing data; `detail` says with what"),
    "in_use_by_feeds": (409, "feed files use the thing to delete; `feeds` lists them"),
    "plan_limit": (403, "the account's plan does not allow it; `detail` names the plan that would"),
    "method_not_allowed": (405, "the path exists, but not for this method"),
    "bad_request": (400, "any other refused request"),
}
_TYPE_OF_STATUS = {status_code: name for name, (status_code, _) in ERROR_TYPES.items()}


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
        detail = "Not found."  # never say whether it exists in another account
    elif isinstance(error, InUseByFeeds):
        body = {
            "detail": str(error),
            "type": error.code,
            "feeds": [{"id": feed.id, "name": feed.name} for feed in error.feeds],
        }
        return JSONResponse(body, status_code=code)
    else:
        detail = str(error)
    return JSONResponse({"detail": detail, "type": error.code}, status_code=code)


async def validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    # Never pydantic's ``input``: it would send the offending value back whole.
    detail = [
        {"loc": [_short_loc(part) for part in e["loc"]], "msg": capped(e["msg"]), "type": e["type"]}
        for e in error.errors()
    ]
    return JSONResponse(
        {"detail": detail, "type": InvalidInput.code},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


def _short_loc(part: object) -> object:
    """A location step as sent: a dict key in the body can be any text (a price type
    name, a custom field's key), so it is cut like any echoed value."""
    if isinstance(part, str) and len(part) > SHOWN_CHARS:
        return part[:SHOWN_CHARS] + "…"
    return part


async def http_error(_request: Request, error: Exception) -> JSONResponse:
    """Starlette's own errors (no such path, a missing API key) in the same shape."""
    assert isinstance(error, HTTPException)
    kind = _TYPE_OF_STATUS.get(error.status_code, ShelfcastError.code)
    return JSONResponse(
        {"detail": error.detail, "type": kind},
        status_code=error.status_code,
        headers=error.headers,
    )


def error_types_markdown() -> str:
    """The table of ``type`` codes for the API's description."""
    rows = [f"| `{name}` | {code} | {meaning} |" for name, (code, meaning) in ERROR_TYPES.items()]
    return "\n".join(["| `type` | status | meaning |", "|---|---|---|", *rows])


def install(app: FastAPI) -> None:
    app.add_exception_handler(ShelfcastError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
