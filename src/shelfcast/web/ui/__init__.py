"""The web UI: server-rendered pages (Jinja2 + htmx) behind a signed session cookie.

``install`` adds it to the app: the session middleware, the static files and
the page routers. It refuses to start without ``SHELFCAST_SECRET_KEY``, which
signs the sessions and CSRF tokens (``shelfcast demo`` generates one for the
server it starts).
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from shelfcast.accounts.sign_in_limit import LoginRateLimiter
from shelfcast.settings import Settings
from shelfcast.web import i18n
from shelfcast.web.i18n import LanguageMiddleware
from shelfcast.web.ui.routes import router
from shelfcast.web.ui.security import CsrfTokens
from shelfcast.web.ui.state import UiState

HERE = Path(__file__).parent
SESSION_COOKIE = "shelfcast_session"
SESSION_MAX_AGE = 7 * 24 * 3600  # renewed on every page; a week without a visit signs out


class MissingSecretKey(RuntimeError):
    pass


def install(app: FastAPI, settings: Settings) -> None:
    secret = settings.secret_key
    if not secret or not secret.strip():
        raise MissingSecretKey(
            "SHELFCAST_SECRET_KEY must be set to a long random string: it signs the web "
            "UI's sessions. Generate one "
            "with: python -c 'import secrets; print(secrets.token_urlsafe(32))' "
            "(`shelfcast demo` makes one up for the demo server)."
        )
    https = settings.base_url.lower().startswith("https://")
    app.state.ui = UiState(
        templates=_templates(),
        csrf=CsrfTokens(secret, SESSION_MAX_AGE),
        login_limiter=LoginRateLimiter(),
        https=https,
    )
    # Added first, so it runs inside the session middleware and can read the session.
    app.add_middleware(LanguageMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=https,  # the Secure flag; HttpOnly is always set
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Visible text goes through gettext (`{{ _("...") }}`, `{% trans %}`): the
        # page's language is chosen per request (web/i18n).
        extensions=["jinja2.ext.i18n"],
    )
    i18n.install(env)
    env.globals["asset_version"] = _asset_version()
    env.filters["column_letter"] = _column_letter
    return Jinja2Templates(env=env)


def _column_letter(index: int) -> str:
    """Excel's name of the 0-based column ``index``: A, B, ..., Z, AA, AB, ..."""
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(ord("A") + remainder) + name
    return name


def _asset_version() -> str:
    """Changes whenever a static file does, so browsers never keep a stale one."""
    latest = max(path.stat().st_mtime_ns for path in (HERE / "static").iterdir())
    return format(latest, "x")[-8:]
