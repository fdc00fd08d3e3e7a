"""Request dependencies, as ``Annotated`` aliases used by every route."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from shelfcast.accounts import service as accounts
from shelfcast.accounts.models import Account
from shelfcast.settings import Settings
from shelfcast.web.runtime import Runtime

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Ids are 32-bit integers in the database: a larger number names nothing (and the
# drivers fail on it), so it is refused as bad input naming the parameter, not a 500.
MAX_ID = 2**31 - 1
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_session(request: Request, runtime: RuntimeDep) -> Iterator[Session]:
    """The request's unit of work: committed if the route succeeds, rolled back if not.

    Writing requests take SQLite's write lock up front (see ``for_writing``), and
    after their commit the account's feeds are queued for a rebuild.
    """
    writing = request.method not in READ_METHODS
    factory = runtime.database.writes if writing else runtime.database.sessions
    with factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
    account_id = getattr(request.state, "account_id", None)
    if writing and account_id is not None:
        runtime.builder.request_account(account_id)


# scope="function": commit (and queue the rebuild) before the response is sent, so a
# client never sees success for a write that is not committed yet, or that failed to.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]

bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer sc_...`")


def get_account(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Account:
    account = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        account = accounts.authenticate_api_key(session, credentials.credentials)
    if account is None or credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="A valid API key is required: send 'Authorization: Bearer <api key>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.state.account_id = account.id
    # Who made a change, for records such as the stock adjustments.
    request.state.actor = f"API key {credentials.credentials[: accounts.SHOWN_PREFIX_LENGTH]}…"
    return account


def api_actor(request: Request) -> str:
    """How records name the API key of the request (after ``get_account``)."""
    actor: str = request.state.actor
    return actor


AccountDep = Annotated[Account, Depends(get_account)]
