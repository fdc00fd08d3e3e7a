"""Who is signed in: the session cookie holds the user's id, checked on every page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from shelfcast.accounts import service as accounts
from shelfcast.accounts.models import Plan
from shelfcast.web.deps import RuntimeDep, SessionDep
from shelfcast.web.i18n import choose_language, use_language
from shelfcast.web.i18n.context import SESSION_KEY as LANGUAGE_KEY

USER_KEY = "uid"
EPOCH_KEY = "epoch"  # the user's session epoch when the session began
FLASH_KEY = "flash"
FlashKind = Literal["success", "info", "error"]


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the sign-in page."""


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    email: str
    account_id: int
    account_name: str
    plan: Plan


def signed_in(request: Request, session: SessionDep) -> SignedIn:
    """The signed-in user; also marks the request as the account's, so that a
    write through the UI queues the account's feeds for a rebuild (as the API does)."""
    return _signed_in(request, session)


def read_session(runtime: RuntimeDep) -> Iterator[Session]:
    """A session for a POST that only reads (the live preview): no write lock, no
    rebuild queued, nothing committed."""
    with runtime.database.sessions() as session:
        yield session


ReadSessionDep = Annotated[Session, Depends(read_session)]


def signed_in_reading(request: Request, session: ReadSessionDep) -> SignedIn:
    return _signed_in(request, session)


def _signed_in(request: Request, session: Session) -> SignedIn:
    user_id = request.session.get(USER_KEY)
    found = accounts.get_user_with_account(session, user_id) if isinstance(user_id, int) else None
    if found is not None and request.session.get(EPOCH_KEY) != found[0].session_epoch:
        found = None  # ended server-side: signed out elsewhere, or the password changed
    if found is None:
        request.session.pop(USER_KEY, None)
        raise LoginRequired
    user, account = found
    request.state.account_id = account.id
    language = choose_language(
        user.language, request.headers.get("accept-language"), account.default_language
    )
    use_language(language)
    # Kept in the session too, for what answers before the user is known: a refused
    # form (CSRF), the sign-in page after signing out.
    if request.session.get(LANGUAGE_KEY) != language.value:
        request.session[LANGUAGE_KEY] = language.value
    return SignedIn(
        user_id=user.id,
        email=user.email,
        account_id=account.id,
        account_name=account.name,
        plan=Plan(account.plan),
    )


SignedInDep = Annotated[SignedIn, Depends(signed_in)]
SignedInReadingDep = Annotated[SignedIn, Depends(signed_in_reading)]


def flash(request: Request, kind: FlashKind, message: str) -> None:
    """A message shown once, on the next page (after a redirect)."""
    messages = list(request.session.get(FLASH_KEY, []))
    messages.append([kind, message])
    request.session[FLASH_KEY] = messages[-5:]


def pop_flashes(request: Request) -> list[tuple[str, str]]:
    messages = request.session.pop(FLASH_KEY, [])
    return [(str(kind), str(text)) for kind, text in messages]
