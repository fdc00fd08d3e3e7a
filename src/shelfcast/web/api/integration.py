"""``/integration``: the custom integration's on/off switch."""

from __future__ import annotations

from fastapi import APIRouter

from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import IntegrationRead, IntegrationUpdate
from shelfcast.web.deps import AccountDep, SessionDep

router = APIRouter(prefix="/integration", tags=["integration"])


@router.get("")
def get_integration(account: AccountDep, session: SessionDep) -> IntegrationRead:
    return IntegrationRead(enabled=feeds.get_integration(session, account.id).enabled)


@router.patch("")
def update_integration(
    body: IntegrationUpdate, account: AccountDep, session: SessionDep
) -> IntegrationRead:
    """Switching it off makes every link of the account answer 404 until it is back on."""
    integration = feeds.set_integration_enabled(session, account.id, body.enabled)
    return IntegrationRead(enabled=integration.enabled)
