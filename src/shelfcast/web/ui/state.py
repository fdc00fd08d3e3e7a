"""What the pages share for the app's lifetime (kept on ``app.state.ui``)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from shelfcast.accounts.sign_in_limit import LoginRateLimiter
from shelfcast.web.ui.security import CsrfTokens


@dataclass
class UiState:
    templates: Jinja2Templates
    csrf: CsrfTokens
    login_limiter: LoginRateLimiter
    https: bool


def ui_state(request: Request) -> UiState:
    state: UiState = request.app.state.ui
    return state
