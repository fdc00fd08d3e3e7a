"""Every page router is made here: HTML error pages, and CSRF checked on every POST."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from shelfcast.web.ui.form_limits import read_form
from shelfcast.web.ui.rendering import PageRoute
from shelfcast.web.ui.state import ui_state


async def csrf_protect(request: Request) -> None:
    """Refuse a POST (also from htmx) without its session's CSRF token."""
    await ui_state(request).csrf.check(request)


def page_router() -> APIRouter:
    return APIRouter(
        route_class=PageRoute, dependencies=[Depends(csrf_protect)], include_in_schema=False
    )


async def form_data(request: Request) -> FormData:
    """The posted form, read before the (synchronous) page function runs in a thread."""
    return await read_form(request)


FormDep = Annotated[FormData, Depends(form_data)]
