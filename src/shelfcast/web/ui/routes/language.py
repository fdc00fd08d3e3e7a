"""The language menu of every page: a user's choice is kept on the user (every
browser they sign in from), and in the session (the sign-in page, before anyone
is known)."""

from __future__ import annotations

from fastapi import Request, Response

from shelfcast.accounts import service as accounts
from shelfcast.web.deps import SessionDep
from shelfcast.web.i18n import parse_language
from shelfcast.web.i18n.context import SESSION_KEY
from shelfcast.web.ui.rendering import not_found_page, redirect, safe_next
from shelfcast.web.ui.routes._router import FormDep, page_router
from shelfcast.web.ui.session import USER_KEY

router = page_router()


@router.post("/language")
def choose_language(request: Request, session: SessionDep, form: FormDep) -> Response:
    language = parse_language(form.get("language"))
    if language is None:
        return not_found_page(request)
    request.session[SESSION_KEY] = language.value
    user_id = request.session.get(USER_KEY)
    if isinstance(user_id, int):
        accounts.set_user_language(session, user_id, language)
    return redirect(safe_next(str(form.get("next") or "")), request)
