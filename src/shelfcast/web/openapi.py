"""The OpenAPI document, completed with every error answer a route can give.

FastAPI documents the success answer and, for routes with parameters, a 422.
The rest is added here from rules the code follows, so the document cannot
drift from it route by route:

- 401 on every route that takes the API key (all but the document and its viewers);
- 404 on every route with an id in its path (another account's id is a 404 too);
- 409 on every write (a name already taken, a thing still in use, or a
  concurrent writer's unique clash);
- 403 on the writes of feed files (the plan's feed file limit);
- 413 on every route that takes a JSON body (the limits of ``web/limits.py``;
  an upload too large is a 422 at ``file``);
- 400 on every route with a body (one FastAPI cannot parse at all);
- 422 on every route (bad input in the path, query or body, with ``loc``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from shelfcast.web.limits import max_body_bytes

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"type": "string", "description": "What is wrong, for a person to read."},
        "type": {
            "type": "string",
            "description": "A stable code a client can branch on (e.g. `in_use_by_feeds`).",
        },
        "feeds": {
            "type": "array",
            "description": "With `in_use_by_feeds`: the feed files that still use the thing.",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
        },
    },
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
VALIDATION_REF = {"$ref": "#/components/schemas/HTTPValidationError"}
WRITES = frozenset({"post", "put", "patch", "delete"})
DESCRIPTIONS = {
    "400": "The body could not be parsed at all (not UTF-8 JSON, or broken multipart).",
    "401": "No API key, or one that is unknown or revoked.",
    "403": "The account's plan does not allow it; the message names the plan that would.",
    "404": "Nothing with this id in the account.",
    "409": "It clashes with existing data: a name already taken, or a thing still in use.",
    "422": "Bad input: each error names the field (`loc`), what is wrong and what is allowed.",
}


def install(app: FastAPI) -> None:
    """Serve FastAPI's document with the error answers added (completed once, cached)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        cached = app.openapi_schema is not None
        document = build()
        if not cached:
            add_error_answers(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def add_error_answers(document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "responses" in operation:
                _add_to_operation(path, method, operation)


def _add_to_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    codes: list[str] = []
    if operation.get("security"):
        codes.append("401")
    if "{" in path:
        codes.append("404")
    if method in WRITES:
        codes.append("409")
        if path.startswith("/api/v1/feeds"):
            codes.append("403")
    responses: dict[str, Any] = operation["responses"]
    for code in codes:
        responses.setdefault(code, _answer(DESCRIPTIONS[code], ERROR_REF))
    body = operation.get("requestBody")
    # An upload too large is bad input at ``file`` (422); other bodies have a limit.
    if body is not None and "multipart/form-data" not in body.get("content", {}):
        limit = max_body_bytes(method.upper(), path)
        described = f"The body is larger than {limit:,} bytes, the most this route takes."
        responses.setdefault("413", _answer(described, ERROR_REF))
    if body is not None:
        responses.setdefault("400", _answer(DESCRIPTIONS["400"], ERROR_REF))
    responses.setdefault("422", _answer(DESCRIPTIONS["422"], VALIDATION_REF))


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}
