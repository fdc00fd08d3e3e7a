"""Signing in and out."""

from __future__ import annotations

from fastapi import Request, Response

from shelfcast.accounts import service as accounts
from shelfcast.web.deps import SessionDep
from shelfcast.web.i18n import gettext as _
from shelfcast.web.i18n import ngettext
from shelfcast.web.i18n.context import SESSION_KEY as LANGUAGE_KEY
from shelfcast.web.ui.rendering import HOME, page, redirect, safe_next
from shelfcast.web.ui.routes._router import FormDep, page_router
from shelfcast.web.ui.security import new_csrf_secret
from shelfcast.web.ui.session import EPOCH_KEY, USER_KEY, flash
from shelfcast.web.ui.state import ui_state

router = page_router()


@router.get("/")
def home(request: Request) -> Response:
    return redirect(HOME if USER_KEY in request.session else "/login")


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    if USER_KEY in request.session:
        return redirect(safe_next(next))
    return page(request, "login.html", {"email": "", "next": safe_next(next)})


@router.post("/login")
def login(request: Request, session: SessionDep, form: FormDep) -> Response:
    email = str(form.get("email") or "")
    password = str(form.get("password") or "")
    target = safe_next(str(form.get("next") or ""))
    limiter = ui_state(request).login_limiter
    normalized = accounts.normalize_email(email)
    address = request.client.host if request.client else "unknown"

    def again(message: str, status_code: int, headers: dict[str, str] | None = None) -> Response:
        return page(
            request,
            "login.html",
            {"email": email, "next": target, "error": message},
            status_code=status_code,
            headers=headers,
        )

    wait = limiter.retry_after(session, normalized, address)
    if wait is not None:
        minutes = max(1, -(-wait // 60))
        return again(
            ngettext(
                "Too many failed sign-in attempts for this email from your network. "
                "For your security, try again in %(num)d minute.",
                "Too many failed sign-in attempts for this email from your network. "
                "For your security, try again in %(num)d minutes.",
                minutes,
            ),
            429,
            {"Retry-After": str(wait)},
        )
    user = accounts.authenticate_user(session, email, password)
    if user is None:
        limiter.failed(session, normalized, address)
        return again(_("The email or password is not right. Check them and try again."), 400)
    limiter.succeeded(session, normalized, address)
    request.session.clear()  # nothing of the anonymous session carries over
    request.session[USER_KEY] = user.id
    request.session[EPOCH_KEY] = user.session_epoch
    new_csrf_secret(request)
    return redirect(target)


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> Response:
    user_id = request.session.get(USER_KEY)
    if isinstance(user_id, int):
        accounts.end_sessions(session, user_id)  # a copy of the cookie stops working too
    language = request.session.get(LANGUAGE_KEY)
    request.session.clear()
    if language is not None:  # the sign-in page goes on in the language of the pages
        request.session[LANGUAGE_KEY] = language
    flash(request, "info", _("You are signed out."))
    return redirect("/login")
