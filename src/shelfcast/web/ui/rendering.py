"""Rendering pages: the template helper, security headers, and the route class that
turns login redirects, CSRF failures and missing things into proper pages."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from starlette.requests import ClientDisconnect

from shelfcast.accounts.models import Plan
from shelfcast.errors import NotFound, PlanLimit
from shelfcast.feeds.schemas import MAX_COLUMNS
from shelfcast.web.i18n import gettext as _
from shelfcast.web.i18n.formatting import number
from shelfcast.web.ui.form_limits import MAX_FORM_FIELDS, FormTooLarge
from shelfcast.web.ui.security import CsrfError
from shelfcast.web.ui.session import LoginRequired, SignedIn, pop_flashes
from shelfcast.web.ui.state import ui_state

log = logging.getLogger(__name__)
# Where a signed-in merchant lands: the overview of their files.
HOME = "/overview"

# Pages load nothing from elsewhere except product images (the merchant's own URLs).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' https: http: data:; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def page(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    signed: SignedIn | None = None,
    status_code: int = 200,
    fragment: bool = False,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Render ``template``; ``fragment`` for an htmx partial (leaves flash messages be)."""
    ui = ui_state(request)
    full: dict[str, Any] = {
        "signed": signed,
        "csrf_token": ui.csrf.token(request),
        "flashes": [] if fragment else pop_flashes(request),
        **(context or {}),
    }
    return ui.templates.TemplateResponse(
        request,
        template,
        full,
        status_code=status_code,
        headers={**PAGE_HEADERS, **(headers or {})},
    )


def redirect(url: str, request: Request | None = None) -> Response:
    """See other: after a POST, or to the sign-in page. htmx follows ``HX-Redirect``."""
    if request is not None and request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None) -> str:
    """A local path to go back to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return HOME
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return HOME
    return target


def plan_limit_text(error: PlanLimit, plan: Plan, files: int) -> str:
    """Why the plan refuses another file, in the page's language (the domain's message
    is English, and built with the plan's numbers)."""
    limit = plan.feed_file_limit
    if plan is Plan.HOBBY or limit is None:
        return _(str(error))
    return _(
        "The %(plan)s plan allows up to %(limit)d feed files and this account has "
        "%(count)d. The Business plan allows an unlimited number.",
        plan=plan.value.title(),
        limit=limit,
        count=files,
    )


def error_page(request: Request, status_code: int, title: str, message: str) -> Response:
    return page(
        request,
        "error.html",
        {"title": title, "message": message, "status_code": status_code},
        status_code=status_code,
    )


def not_found_page(request: Request) -> Response:
    return error_page(
        request,
        404,
        _("Page not found"),
        _("This page does not exist, or it belongs to another account."),
    )


class PageRoute(APIRoute):
    """An HTML page: problems become pages rather than the API's JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                target = "/login"
                if request.method == "GET":
                    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    target += f"?next={quote(path, safe='/')}"
                return redirect(target, request)
            except CsrfError as error:
                log.info("refused %s %s: CSRF %s", request.method, request.url.path, error)
                return error_page(
                    request,
                    403,
                    _("This form has expired"),
                    _(
                        "For your security the form could not be accepted: it was opened in "
                        "an earlier session. Go back, reload the page and try again."
                    ),
                )
            except (NotFound, RequestValidationError):
                return not_found_page(request)
            except PlanLimit as error:
                return error_page(request, 403, _("Not included in your plan"), _(str(error)))
            except FormTooLarge:
                return error_page(
                    request,
                    413,
                    _("This form is too large"),
                    _(
                        "A form may hold at most %(fields)s fields (a file of %(columns)s "
                        "columns fits). Nothing was saved: go back, remove columns or "
                        "warehouses and save again.",
                        fields=number(MAX_FORM_FIELDS),
                        columns=number(MAX_COLUMNS),
                    ),
                )
            except ClientDisconnect:  # gone before its form was read: nobody to answer
                return Response(status_code=400)

        return run
