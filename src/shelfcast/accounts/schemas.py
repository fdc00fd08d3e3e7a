"""The API shapes of accounts and their API keys."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shelfcast.accounts.models import Plan

__all__ = ["AccountRead", "ApiKeyCreated", "ApiKeyRead"]


class AccountRead(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    id: int
    name: str
    plan: Plan
    created_at: datetime


class ApiKeyRead(BaseModel):
    """A key as listed: never the key itself, only its first characters (``prefix``)."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    """The answer to creating a key: the only time the raw key is shown."""

    key: str = Field(description="Send as `Authorization: Bearer <key>`; it is not stored")
